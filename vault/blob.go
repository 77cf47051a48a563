package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime/debug"
	"runtime/metrics"

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

// blobBlock is how much plaintext WriteBlob and ReadDocument read at a
// time (a whole number of chunks), and blobBlocks how many such blocks
// circulate between the goroutine that reads and seals (or opens) and the
// one that hashes. Small blocks stay in the CPU's cache between the two.
const (
	blobBlock  = 4 * crypto.ChunkSize
	blobBlocks = 4
)

// WriteBlob seals r's bytes into a new blob, committing chunks in bounded
// batches; memory does not grow with the size of r. The blob stays pending
// (an orphan that the next opening reclaims) until a Document referencing it
// is Put. On error the chunks written so far are removed when possible.
//
// Three goroutines share the work, so that a large document goes in at the
// pace of the disk rather than of one core: this one reads and seals, one
// hashes the plaintext (SHA-256), and the store commits each full batch
// while the next one is sealed (store.NewPipelinedBlobWriter). Chunks are
// sealed from the block read straight into the batch (crypto.StreamWriter
// into the store.BlobWriter), with no copy between.
// Memory stays bounded: blobBlocks blocks of plaintext and at most two
// batches of sealed chunks.
func (v *Vault) WriteBlob(r io.Reader, o BlobOptions) (*Blob, error) {
	releaseIdleMemory()
	r = store.ReadInput(r) // a file is read ahead of the sealing
	id := store.NewBlobID()
	stream, err := crypto.NewStream(v.keys.Documents, id)
	if err != nil {
		return nil, err
	}
	bw := v.db.NewPipelinedBlobWriter(id, o.BatchBytes)
	sw := crypto.NewStreamWriter(stream, bw) // seals into bw's batches
	bh := newBlockHasher()
	defer bh.finish()
	fail := func(err error) (*Blob, error) {
		_ = bw.Abort()
		_ = v.DiscardBlob(id)
		return nil, err
	}
	var size int64
	var head []byte
	for {
		buf := bh.buffer()
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			size += int64(n)
			if o.MaxSize > 0 && size > o.MaxSize {
				return fail(ErrTooLarge)
			}
			if k := SniffSize - len(head); k > 0 {
				head = append(head, buf[:min(k, n)]...)
			}
			bh.hash(buf[:n])
			// sw keeps the block's last chunk until the next Write or
			// Close: bh hands the block out again only after that.
			if err := sw.Write(buf[:n]); err != nil {
				return fail(err)
			}
		} else {
			bh.giveBack(buf)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fail(rerr)
		}
	}
	chunks, err := sw.Close()
	if err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	return &Blob{ID: id, Chunks: chunks, Size: size, SHA256: hex.EncodeToString(bh.sum()), Head: head}, nil
}

// blockHasher hashes blocks of plaintext on a goroutine of its own, in the
// order given, and hands each block back for reuse once hashed.
type blockHasher struct {
	h      hash.Hash
	in     chan []byte // blocks to hash
	out    chan []byte // blocks hashed
	free   [][]byte    // blocks never handed out, or given back unused
	closed bool
}

func newBlockHasher() *blockHasher {
	bh := &blockHasher{h: sha256.New(), in: make(chan []byte, blobBlocks), out: make(chan []byte, blobBlocks)}
	for range blobBlocks {
		bh.free = append(bh.free, make([]byte, blobBlock))
	}
	// Neither channel can fill up: only blobBlocks blocks exist.
	go func() {
		for b := range bh.in {
			bh.h.Write(b)
			bh.out <- b[:cap(b)]
		}
		close(bh.out)
	}()
	return bh
}

// buffer returns a block that neither the caller nor the hasher uses. Every
// block the caller had must have gone to hash or giveBack before it asks.
// The caller may still read the block it passed to hash last (the pending
// chunk of WriteBlob): blocks come back oldest first, and there are at least
// two, so that one is never handed out while another could be.
func (bh *blockHasher) buffer() []byte {
	if n := len(bh.free); n > 0 {
		b := bh.free[n-1]
		bh.free = bh.free[:n-1]
		return b
	}
	return <-bh.out
}

// giveBack returns a block that was not handed to hash.
func (bh *blockHasher) giveBack(b []byte) { bh.free = append(bh.free, b[:cap(b)]) }

// hash queues b to be hashed after the blocks queued before it.
func (bh *blockHasher) hash(b []byte) { bh.in <- b }

// sum waits for every queued block and returns the SHA-256 of them all.
func (bh *blockHasher) sum() []byte {
	bh.finish()
	return bh.h.Sum(nil)
}

// finish stops the hashing goroutine once it has hashed what was queued,
// and clears the plaintext blocks.
func (bh *blockHasher) finish() {
	if bh.closed {
		return
	}
	bh.closed = true
	close(bh.in)
	for b := range bh.out {
		clear(b)
	}
	for _, b := range bh.free {
		clear(b)
	}
}

// idleMemoryLimit is how much heap the process may hold before a document
// is streamed in or out and the heap's free memory is first given back to
// the system (see releaseIdleMemory).
const idleMemoryLimit = 32 << 20

// releaseIdleMemory gives the heap's free memory back to the system, once
// per process, when the heap holds more than idleMemoryLimit. After
// unlocking, that is Argon2id's whole memory cost (64 MiB by default), which
// the key derivation allocates at once and Go would otherwise keep, beside
// the batches of a large document, for the rest of the process. It runs a
// garbage collection: the runtime's count of forced collections says
// whether one already ran, so that streaming many documents (vault check)
// pays for it once, whatever the size of the heap.
func releaseIdleMemory() {
	s := []metrics.Sample{
		{Name: "/gc/cycles/forced:gc-cycles"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return // not provided by this runtime
		}
	}
	if s[0].Value.Uint64() > 0 {
		return
	}
	if held := s[1].Value.Uint64() + s[2].Value.Uint64() + s[3].Value.Uint64(); held >= idleMemoryLimit {
		debug.FreeOSMemory()
	}
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
	releaseIdleMemory()
	stream, err := crypto.NewStream(v.keys.Documents, d.Blob)
	if err != nil {
		return err
	}
	return v.db.View(func(st *store.Tx) error {
		// The chunks are read once, in order: let the kernel read ahead of
		// them and let go of those already read (see store.Readahead).
		ra := st.Readahead()
		defer ra.Done()
		rd := crypto.NewStreamReader(stream, d.Chunks, func(i uint64) ([]byte, error) {
			c := st.Chunk(d.Blob, i)
			if c == nil {
				return nil, errors.New("missing")
			}
			ra.Next(c)
			return c, nil
		})
		// The SHA-256 is computed on another goroutine, beside the
		// decryption and the writing.
		bh := newBlockHasher()
		defer bh.finish()
		w := store.WriteBehind(w)
		var n int64
		for {
			buf := bh.buffer()
			k, err := io.ReadFull(rd, buf)
			if k > 0 {
				n += int64(k)
				bh.hash(buf[:k])
				if _, werr := w.Write(buf[:k]); werr != nil {
					// The destination failed (disk full, closed pipe,
					// cancelled): that says nothing about the vault.
					return werr
				}
			} else {
				bh.giveBack(buf)
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break
			}
			if err != nil {
				return fmt.Errorf("%w: document %s: %v", ErrTampered, d.ID, err)
			}
		}
		if n != d.Size || hex.EncodeToString(bh.sum()) != d.SHA256 {
			return fmt.Errorf("%w: document %s does not match its recorded size and SHA-256", ErrTampered, d.ID)
		}
		return nil
	})
}
