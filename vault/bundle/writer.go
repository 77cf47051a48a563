package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// Writer writes a bundle as a zip stream, one file at a time, hashing each
// file as it goes; memory does not grow with the size of the files. The zip
// is written strictly sequentially (no seeking), so a hash of everything
// written to the underlying writer is the hash of the bundle file.
type Writer struct {
	zw       *zip.Writer
	modified time.Time
	files    []File
	names    map[string]bool
	closed   bool
}

// NewWriter starts a bundle on w. Every entry gets modified as its time.
func NewWriter(w io.Writer, modified time.Time) *Writer {
	return &Writer{zw: zip.NewWriter(w), modified: modified, names: map[string]bool{}}
}

// Files returns the files added so far, in order.
func (w *Writer) Files() []File { return append([]File(nil), w.files...) }

// Add writes one file: write is given a writer for its content. The file's
// SHA-256 and size are computed from the bytes written and returned in the
// File. When f.SHA256 is set beforehand it is the expected hash: different
// content (hash or size) is an error. The path must pass CheckPath and be
// new in this bundle. Text-like media types are deflated; the others (PDF,
// JPEG, PNG...) are stored as they are, since they do not compress.
func (w *Writer) Add(f File, write func(io.Writer) error) (File, error) {
	return w.add(f, write, false)
}

// AddVerified is Add for content whose writer checks the expected SHA-256
// itself, f.SHA256, and fails on any other content, as vault.ReadDocument
// checks a document's recorded hash: the bundle then does not hash the
// same bytes a second time (0.5 s of CPU a GiB). The size is still checked.
func (w *Writer) AddVerified(f File, write func(io.Writer) error) (File, error) {
	if !isSHA256(f.SHA256) {
		return f, fmt.Errorf("bundle file %s: no expected SHA-256 to rely on", f.Path)
	}
	return w.add(f, write, true)
}

// add is Add, or AddVerified when verified.
func (w *Writer) add(f File, write func(io.Writer) error, verified bool) (File, error) {
	if w.closed {
		return f, errors.New("bundle is already closed")
	}
	if err := CheckPath(f.Path); err != nil {
		return f, err
	}
	if w.names[f.Path] {
		return f, fmt.Errorf("bundle file %q is added twice", f.Path)
	}
	w.names[f.Path] = true
	method := zip.Store
	if Compressible(f.MediaType) {
		method = zip.Deflate
	}
	zf, err := w.zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: method, Modified: w.modified})
	if err != nil {
		return f, fmt.Errorf("bundle file %s: %w", f.Path, err)
	}
	hw := &hashWriter{w: zf}
	if !verified {
		hw.h = sha256.New()
	}
	if err := write(hw); err != nil {
		return f, fmt.Errorf("bundle file %s: %w", f.Path, err)
	}
	sum := f.SHA256 // verified: write checked it
	if !verified {
		sum = hex.EncodeToString(hw.h.Sum(nil))
	}
	if f.SHA256 != "" && (f.SHA256 != sum || f.Size != hw.n) {
		return f, fmt.Errorf("bundle file %s: its content does not match the expected SHA-256 and size", f.Path)
	}
	f.SHA256, f.Size = sum, hw.n
	w.files = append(w.files, f)
	return f, nil
}

// AddBytes adds a file held in memory.
func (w *Writer) AddBytes(f File, b []byte) (File, error) {
	return w.Add(f, func(dst io.Writer) error {
		_, err := dst.Write(b)
		return err
	})
}

// Close completes the bundle: it sets the manifest's format, public key and
// files (those added, in order), writes manifest.json and its signature
// manifest.sig, and closes the zip. It returns manifest.json's bytes. It
// does not close the underlying writer.
func (w *Writer) Close(m *Manifest, key ed25519.PrivateKey) ([]byte, error) {
	if w.closed {
		return nil, errors.New("bundle is already closed")
	}
	w.closed = true
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("bundle signing key is not an Ed25519 private key")
	}
	m.Format = Format
	m.PublicKey = EncodePublicKey(key.Public().(ed25519.PublicKey))
	m.Files = w.Files()
	mb, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(key, mb)
	for _, e := range []struct {
		name   string
		method uint16
		data   []byte
	}{{ManifestName, zip.Deflate, mb}, {SignatureName, zip.Store, sig}} {
		zf, err := w.zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method, Modified: w.modified})
		if err != nil {
			return nil, fmt.Errorf("bundle file %s: %w", e.name, err)
		}
		if _, err := io.Copy(zf, bytes.NewReader(e.data)); err != nil {
			return nil, fmt.Errorf("bundle file %s: %w", e.name, err)
		}
	}
	if err := w.zw.Close(); err != nil {
		return nil, fmt.Errorf("finish bundle: %w", err)
	}
	return mb, nil
}

// hashWriter hashes and counts what passes through it.
type hashWriter struct {
	w io.Writer
	h hash.Hash // nil: count only
	n int64
}

// Write implements io.Writer.
func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	if hw.h != nil {
		hw.h.Write(p[:n])
	}
	hw.n += int64(n)
	return n, err
}
