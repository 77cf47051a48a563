package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
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
// new in this bundle. Text-like media types are deflated (up to 32 MiB); the
// others (PDF, JPEG, PNG...) are stored as they are, since they do not
// compress. write is called twice and must give the same bytes both times
// (see add: the CRC-32 goes before the data).
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

// maxDeflated is the largest entry the Writer compresses: the compressed
// bytes are held in memory, since the local header must give their size
// before them. Larger compressible files are stored as they are.
const maxDeflated = 32 << 20

// add is Add, or AddVerified when verified.
//
// Every entry is written with its CRC-32 and sizes in the local header and
// no data descriptor (general-purpose bit 3 clear), so that a streaming
// reader (Java's ZipInputStream, bsdtar) reads the bundle as the central
// directory describes it. The CRC-32 is needed before the data: write is
// called twice, once to compute the CRC-32, the size and (unless verified)
// the SHA-256, and once to write the bytes; the second pass must give the
// same bytes (its CRC-32 and size are compared).
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
	first := &hashWriter{w: io.Discard, crc: crc32.NewIEEE()}
	if !verified {
		first.h = sha256.New()
	}
	if err := write(first); err != nil {
		return f, fmt.Errorf("bundle file %s: %w", f.Path, err)
	}
	sum := f.SHA256 // verified: write checked it
	if !verified {
		sum = hex.EncodeToString(first.h.Sum(nil))
	}
	if f.SHA256 != "" && (f.SHA256 != sum || f.Size != first.n) {
		return f, fmt.Errorf("bundle file %s: its content does not match the expected SHA-256 and size", f.Path)
	}
	fh := &zip.FileHeader{Name: f.Path, Method: zip.Store, Modified: w.modified,
		CRC32: first.crc.Sum32(), UncompressedSize64: uint64(first.n), CompressedSize64: uint64(first.n)}
	var deflated *bytes.Buffer
	if Compressible(f.MediaType) && first.n <= maxDeflated {
		deflated = &bytes.Buffer{}
		fw, err := flate.NewWriter(deflated, flate.DefaultCompression)
		if err != nil {
			return f, err
		}
		if err := writeChecked(f.Path, write, fw, fh); err != nil {
			return f, err
		}
		if err := fw.Close(); err != nil {
			return f, fmt.Errorf("bundle file %s: %w", f.Path, err)
		}
		fh.Method, fh.CompressedSize64 = zip.Deflate, uint64(deflated.Len())
	}
	setEntryFlags(fh)
	zf, err := w.zw.CreateRaw(fh)
	if err != nil {
		return f, fmt.Errorf("bundle file %s: %w", f.Path, err)
	}
	if deflated != nil {
		_, err = zf.Write(deflated.Bytes())
	} else {
		err = writeChecked(f.Path, write, zf, fh)
	}
	if err != nil {
		return f, fmt.Errorf("bundle file %s: %w", f.Path, err)
	}
	f.SHA256, f.Size = sum, first.n
	w.files = append(w.files, f)
	return f, nil
}

// writeChecked runs write into dst, checking that it gives the bytes the
// first pass described in fh (CRC-32 and size).
func writeChecked(name string, write func(io.Writer) error, dst io.Writer, fh *zip.FileHeader) error {
	hw := &hashWriter{w: dst, crc: crc32.NewIEEE()}
	if err := write(hw); err != nil {
		return fmt.Errorf("bundle file %s: %w", name, err)
	}
	if hw.crc.Sum32() != fh.CRC32 || uint64(hw.n) != fh.UncompressedSize64 {
		return fmt.Errorf("bundle file %s: its content changed while it was written", name)
	}
	return nil
}

// setEntryFlags sets the flags archive/zip would set for the name: UTF-8
// (bit 11) for a name that is not plain ASCII. Never bit 3.
func setEntryFlags(fh *zip.FileHeader) {
	for i := 0; i < len(fh.Name); i++ {
		if fh.Name[i] >= 0x80 {
			fh.Flags |= flagUTF8
			return
		}
	}
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
		if err := w.addRaw(e.name, e.method, e.data); err != nil {
			return nil, err
		}
	}
	if err := w.zw.Close(); err != nil {
		return nil, fmt.Errorf("finish bundle: %w", err)
	}
	return mb, nil
}

// addRaw writes an entry held in memory (manifest.json, manifest.sig) with
// its CRC-32 and sizes in the local header, as add does.
func (w *Writer) addRaw(name string, method uint16, data []byte) error {
	fh := &zip.FileHeader{Name: name, Method: zip.Store, Modified: w.modified,
		CRC32: crc32.ChecksumIEEE(data), UncompressedSize64: uint64(len(data)), CompressedSize64: uint64(len(data))}
	body := data
	if method == zip.Deflate {
		var b bytes.Buffer
		fw, err := flate.NewWriter(&b, flate.DefaultCompression)
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
		if err := fw.Close(); err != nil {
			return err
		}
		body, fh.Method, fh.CompressedSize64 = b.Bytes(), zip.Deflate, uint64(b.Len())
	}
	setEntryFlags(fh)
	zf, err := w.zw.CreateRaw(fh)
	if err == nil {
		_, err = zf.Write(body)
	}
	if err != nil {
		return fmt.Errorf("bundle file %s: %w", name, err)
	}
	return nil
}

// hashWriter hashes and counts what passes through it.
type hashWriter struct {
	w   io.Writer
	h   hash.Hash   // nil: no SHA-256
	crc hash.Hash32 // nil: no CRC-32
	n   int64
}

// Write implements io.Writer.
func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	if hw.h != nil {
		hw.h.Write(p[:n])
	}
	if hw.crc != nil {
		hw.crc.Write(p[:n])
	}
	hw.n += int64(n)
	return n, err
}
