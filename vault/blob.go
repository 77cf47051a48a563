package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"vault/crypto"
	"vault/store"
)

// SniffSize is how many leading plaintext bytes WriteBlob keeps for media
// type detection (in memory only).
const SniffSize = 3072

// Blob describes a document's bytes once stored as sealed chunks.
type Blob struct {
	ID     []byte // random blob ID (the stream nonce)
	Chunks uint64
	Size   int64
	SHA256 string // hex SHA-256 of the plaintext
	Head   []byte // up to SniffSize leading bytes, for media type detection
}

// BlobOptions tune how a blob is written.
type BlobOptions struct {
	BatchBytes int   // sealed bytes per transaction; 0 = store.DefaultBatchBytes
	MaxSize    int64 // refuse more plaintext than this; 0 = no limit
}

// ErrTooLarge reports a document over the size limit given to WriteBlob.
var ErrTooLarge = errors.New("the file is larger than allowed")

// headHasher hashes everything and keeps the first SniffSize bytes.
type headHasher struct {
	h    hash.Hash
	head []byte
	n    int64
	max  int64
}

func (w *headHasher) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	if w.max > 0 && w.n > w.max {
		return 0, ErrTooLarge
	}
	if k := SniffSize - len(w.head); k > 0 {
		w.head = append(w.head, p[:min(k, len(p))]...)
	}
	return w.h.Write(p)
}

// WriteBlob seals r's bytes into a new blob, committing chunks in bounded
// batches; memory does not grow with the size of r. The blob stays pending
// (an orphan that the next opening reclaims) until a Document referencing it
// is Put. On error the chunks written so far are removed when possible.
func (v *Vault) WriteBlob(r io.Reader, o BlobOptions) (*Blob, error) {
	id := store.NewBlobID()
	stream, err := crypto.NewStream(v.keys.Documents, id)
	if err != nil {
		return nil, err
	}
	bw := v.db.NewBlobWriter(id, o.BatchBytes)
	sw := crypto.NewStreamWriter(stream, bw.Put)
	hh := &headHasher{h: sha256.New(), max: o.MaxSize}
	fail := func(err error) (*Blob, error) {
		_ = v.DiscardBlob(id)
		return nil, err
	}
	if _, err := io.Copy(io.MultiWriter(hh, sw), r); err != nil {
		return fail(err)
	}
	chunks, err := sw.Close()
	if err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	return &Blob{ID: id, Chunks: chunks, Size: hh.n, SHA256: hex.EncodeToString(hh.h.Sum(nil)), Head: hh.head}, nil
}

// DiscardBlob removes a blob that no record references.
func (v *Vault) DiscardBlob(id []byte) error {
	return v.db.Update(func(st *store.Tx) error { return st.DeleteBlob(id) })
}

// ReadDocument writes a document's plaintext to w, checking every chunk's
// authenticity and, at the end, the size and SHA-256 recorded when it was
// added. On a failure w may have received part of the bytes: write to a
// temporary file and rename only on success.
func (v *Vault) ReadDocument(d *Document, w io.Writer) error {
	stream, err := crypto.NewStream(v.keys.Documents, d.Blob)
	if err != nil {
		return err
	}
	return v.db.View(func(st *store.Tx) error {
		rd := crypto.NewStreamReader(stream, d.Chunks, func(i uint64) ([]byte, error) {
			c := st.Chunk(d.Blob, i)
			if c == nil {
				return nil, errors.New("missing")
			}
			return c, nil
		})
		h := sha256.New()
		out := &errWriter{w: w}
		n, err := io.Copy(io.MultiWriter(out, h), rd)
		if out.err != nil {
			// The destination failed (disk full, closed pipe, cancelled):
			// that says nothing about the vault.
			return out.err
		}
		if err != nil {
			return fmt.Errorf("%w: document %s: %v", ErrTampered, d.ID, err)
		}
		if n != d.Size || hex.EncodeToString(h.Sum(nil)) != d.SHA256 {
			return fmt.Errorf("%w: document %s does not match its recorded size and SHA-256", ErrTampered, d.ID)
		}
		return nil
	})
}

// errWriter remembers the error of the writer it wraps, so that a failing
// destination is told apart from a damaged source.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}
