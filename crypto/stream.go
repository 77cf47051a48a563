package crypto

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// ChunkSize is the plaintext size of every chunk of a document but the last.
const ChunkSize = 64 * 1024

// ChunkOverhead is how many bytes sealing adds to each chunk (the Poly1305 tag).
const ChunkOverhead = chacha20poly1305.Overhead

// StreamNonceSize is the size of the random per-document nonce from which the
// document's stream key is derived.
const StreamNonceSize = 16

// lastChunkFlag is the final byte of the nonce of a document's last chunk.
const lastChunkFlag = 0x01

// maxChunks bounds the chunk counter to its 11 bytes; far beyond any document.
const maxChunks = 1 << 48

// ErrStream reports a document stream that is not well formed: a chunk of the
// wrong size, a missing final chunk, or data after it.
var ErrStream = errors.New("malformed document stream")

// Stream seals and opens the chunks of one document. Its key is
// HKDF-SHA-256(secret = documents key, salt = the document's random nonce,
// info = LabelChunkKey); chunk i is sealed with ChaCha20-Poly1305 under the
// nonce i as 11 big-endian bytes followed by 0x01 for the last chunk and 0x00
// otherwise, with no associated data. A chunk from another document, another
// position, or a non-final chunk presented as final therefore fails to open.
type Stream struct {
	aead cipher.AEAD
}

// NewStream returns the stream of the document whose random nonce is nonce.
func NewStream(documentsKey, nonce []byte) (*Stream, error) {
	if len(nonce) != StreamNonceSize {
		return nil, fmt.Errorf("document nonce is %d bytes, want %d", len(nonce), StreamNonceSize)
	}
	key, err := hkdf.Key(sha256.New, documentsKey, nonce, LabelChunkKey, KeySize)
	if err != nil {
		return nil, fmt.Errorf("derive document key: %w", err)
	}
	defer clear(key)
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return nil, fmt.Errorf("document cipher: %w", err)
	}
	return &Stream{aead: aead}, nil
}

func chunkNonce(index uint64, last bool) ([]byte, error) {
	if index >= maxChunks {
		return nil, fmt.Errorf("chunk index %d beyond the format's limit: %w", index, ErrStream)
	}
	var n [chacha20poly1305.NonceSize]byte
	binary.BigEndian.PutUint64(n[3:11], index)
	if last {
		n[11] = lastChunkFlag
	}
	return n[:], nil
}

// SealChunk seals chunk number index of the document, appending to dst.
// Every chunk but the last must hold exactly ChunkSize bytes; the last holds
// 1 to ChunkSize bytes, or 0 when the document is empty (a single chunk).
func (s *Stream) SealChunk(dst []byte, index uint64, last bool, plain []byte) ([]byte, error) {
	if err := checkChunkLen(index, last, len(plain)); err != nil {
		return nil, err
	}
	nonce, err := chunkNonce(index, last)
	if err != nil {
		return nil, err
	}
	return s.aead.Seal(dst, nonce, plain, nil), nil
}

// OpenChunk opens chunk number index, appending the plaintext to dst. A chunk
// that fails authentication gives ErrAuth; one of the wrong size ErrStream.
func (s *Stream) OpenChunk(dst []byte, index uint64, last bool, sealed []byte) ([]byte, error) {
	if len(sealed) < ChunkOverhead || len(sealed) > ChunkSize+ChunkOverhead {
		return nil, fmt.Errorf("chunk %d is %d bytes: %w", index, len(sealed), ErrStream)
	}
	nonce, err := chunkNonce(index, last)
	if err != nil {
		return nil, err
	}
	out, err := s.aead.Open(dst, nonce, sealed, nil)
	if err != nil {
		return nil, fmt.Errorf("chunk %d: %w", index, ErrAuth)
	}
	if err := checkChunkLen(index, last, len(out)-len(dst)); err != nil {
		return nil, err
	}
	return out, nil
}

func checkChunkLen(index uint64, last bool, n int) error {
	switch {
	case n > ChunkSize:
		return fmt.Errorf("chunk %d holds %d bytes, more than %d: %w", index, n, ChunkSize, ErrStream)
	case !last && n != ChunkSize:
		return fmt.Errorf("chunk %d is not last but holds %d bytes: %w", index, n, ErrStream)
	case last && n == 0 && index != 0:
		return fmt.Errorf("empty last chunk %d after other chunks: %w", index, ErrStream)
	}
	return nil
}

// ChunkCount returns how many chunks a document of size bytes is stored in.
func ChunkCount(size int64) uint64 {
	if size <= 0 {
		return 1
	}
	return uint64((size + ChunkSize - 1) / ChunkSize)
}

// ChunkSink stores the sealed chunks of a document, in order. Append is
// given the chunk's index, the size of its sealed form and seal, which
// appends the sealed chunk to dst and returns the result: a sink seals
// straight into a buffer of its own (store.BlobWriter into the batch it
// commits), and no sealed chunk is copied on its way to the disk.
type ChunkSink interface {
	Append(index uint64, size int, seal func(dst []byte) ([]byte, error)) error
}

// StreamWriter cuts a document into chunks and seals each one into a
// ChunkSink, in the stream format of Stream: every chunk but the last holds
// ChunkSize bytes, and a chunk is sealed only once it is known whether more
// data follows it, since the last one is sealed as last. An empty document
// is one empty last chunk. Close seals the last chunk; until then the
// document is incomplete.
//
// The plaintext is not copied: Write seals from the caller's bytes, and
// keeps a reference to the last chunk of p, which it seals on the next
// Write or on Close. The caller must leave those bytes unchanged until then
// (WriteBlob reads into blocks that circulate). Only a Write that ends
// inside a chunk, followed by another, has its bytes copied, into a buffer
// of one chunk.
type StreamWriter struct {
	s       *Stream
	sink    ChunkSink
	index   uint64                           // the next chunk's index
	pending []byte                           // the latest chunk, not sealed yet: it may be the last
	carry   []byte                           // a partial chunk completed from several writes; nil until needed
	carried bool                             // pending is in carry
	last    bool                             // the pending chunk is sealed as the last one
	sealFn  func(dst []byte) ([]byte, error) // w.sealInto, bound once
	err     error
	closed  bool
}

// NewStreamWriter returns a writer that seals the document's chunks into sink.
func NewStreamWriter(s *Stream, sink ChunkSink) *StreamWriter {
	w := &StreamWriter{s: s, sink: sink}
	w.sealFn = w.sealInto
	return w
}

// Write seals p's chunks into the sink, all but the last (see StreamWriter
// for the bytes it keeps a reference to). After an error every call fails
// with it.
func (w *StreamWriter) Write(p []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("write to a closed document stream")
	}
	for len(p) > 0 {
		if len(w.pending) == ChunkSize {
			if err := w.seal(false); err != nil {
				return err
			}
		}
		if len(w.pending) == 0 {
			k := min(len(p), ChunkSize)
			w.pending, p = p[:k], p[k:]
			continue
		}
		// A partial chunk, and more data: complete it in the carry buffer.
		if !w.carried {
			if w.carry == nil {
				w.carry = make([]byte, 0, ChunkSize)
			}
			w.carry = append(w.carry[:0], w.pending...)
			w.carried = true
		}
		k := min(len(p), ChunkSize-len(w.carry))
		w.carry = append(w.carry, p[:k]...)
		w.pending, p = w.carry, p[k:]
	}
	return nil
}

// seal seals the pending chunk into the sink.
func (w *StreamWriter) seal(last bool) error {
	w.last = last
	if err := w.sink.Append(w.index, len(w.pending)+ChunkOverhead, w.sealFn); err != nil {
		w.err = err
		return err
	}
	w.index++
	w.pending, w.carry, w.carried = nil, w.carry[:0], false
	return nil
}

// sealInto appends the pending chunk, sealed, to dst: the seal function
// the sink is given (a method value made once, so that sealing a chunk
// allocates nothing).
func (w *StreamWriter) sealInto(dst []byte) ([]byte, error) {
	return w.s.SealChunk(dst, w.index, w.last, w.pending)
}

// Close seals the last chunk. It returns the number of chunks written.
func (w *StreamWriter) Close() (uint64, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.closed {
		w.closed = true
		err := w.seal(true)
		clear(w.carry[:cap(w.carry)])
		if err != nil {
			return 0, err
		}
	}
	return w.index, nil
}

// StreamReader reads a document's plaintext, opening its chunks in order
// from a source. It holds at most one chunk of plaintext.
type StreamReader struct {
	s      *Stream
	source func(index uint64) ([]byte, error)
	count  uint64
	index  uint64
	buf    []byte
	off    int
	err    error
}

// NewStreamReader reads the count chunks that source returns for indexes 0 to
// count-1. The last of them is opened as the final chunk, so a stream cut
// short or extended fails to authenticate.
func NewStreamReader(s *Stream, count uint64, source func(index uint64) ([]byte, error)) *StreamReader {
	return &StreamReader{s: s, source: source, count: count, buf: make([]byte, 0, ChunkSize)}
}

// Read implements io.Reader.
func (r *StreamReader) Read(p []byte) (int, error) {
	for r.off == len(r.buf) {
		if r.err != nil {
			return 0, r.err
		}
		if r.count == 0 {
			r.err = fmt.Errorf("document has no chunks: %w", ErrStream)
			return 0, r.err
		}
		if r.index == r.count {
			r.err = io.EOF
			return 0, r.err
		}
		sealed, err := r.source(r.index)
		if err != nil {
			r.err = fmt.Errorf("chunk %d: %w", r.index, err)
			return 0, r.err
		}
		r.buf, err = r.s.OpenChunk(r.buf[:0], r.index, r.index == r.count-1, sealed)
		if err != nil {
			r.err = err
			return 0, err
		}
		r.off = 0
		r.index++
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}
