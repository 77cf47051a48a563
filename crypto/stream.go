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

// StreamWriter seals a document chunk by chunk as it is written, handing each
// sealed chunk to a sink. It holds at most one chunk of plaintext. Close seals
// the last chunk; until then the document is incomplete.
type StreamWriter struct {
	s      *Stream
	sink   func(index uint64, sealed []byte) error
	buf    []byte
	sealed []byte
	index  uint64
	err    error
	closed bool
}

// NewStreamWriter returns a writer that passes chunk index and sealed bytes to
// sink, in order. The sealed slice is reused after sink returns.
func NewStreamWriter(s *Stream, sink func(index uint64, sealed []byte) error) *StreamWriter {
	return &StreamWriter{s: s, sink: sink, buf: make([]byte, 0, ChunkSize), sealed: make([]byte, 0, ChunkSize+ChunkOverhead)}
}

// Write buffers p, sealing each full chunk once more data follows it.
func (w *StreamWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, errors.New("write to a closed document stream")
	}
	n := 0
	for len(p) > 0 {
		if len(w.buf) == ChunkSize {
			if err := w.flush(false); err != nil {
				return n, err
			}
		}
		k := copy(w.buf[len(w.buf):ChunkSize], p)
		w.buf = w.buf[:len(w.buf)+k]
		p = p[k:]
		n += k
	}
	return n, nil
}

func (w *StreamWriter) flush(last bool) error {
	sealed, err := w.s.SealChunk(w.sealed[:0], w.index, last, w.buf)
	if err == nil {
		err = w.sink(w.index, sealed)
	}
	if err != nil {
		w.err = err
		return err
	}
	w.index++
	w.buf = w.buf[:0]
	return nil
}

// Close seals the last chunk. It returns the number of chunks written.
func (w *StreamWriter) Close() (uint64, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.closed {
		w.closed = true
		if err := w.flush(true); err != nil {
			return 0, err
		}
		clear(w.buf[:cap(w.buf)])
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
