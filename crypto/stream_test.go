package crypto

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// patternBytes returns n deterministic bytes: byte i is i mod 251 (a prime,
// so consecutive chunks differ). The vectors document the same rule.
func patternBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// testNonce returns a fixed document nonce whose bytes all equal b.
func testNonce(b byte) []byte { return bytes.Repeat([]byte{b}, StreamNonceSize) }

// sinkFunc is a ChunkSink made of a function.
type sinkFunc func(index uint64, size int, seal func(dst []byte) ([]byte, error)) error

func (f sinkFunc) Append(index uint64, size int, seal func(dst []byte) ([]byte, error)) error {
	return f(index, size, seal)
}

// sealDocument seals pt with a StreamWriter, writing it in pieces of step
// bytes, and returns every sealed chunk. The sink seals each chunk after
// a few bytes already in its buffer, as a batch holds earlier chunks, and
// checks the size it was told.
func sealDocument(t testing.TB, docKey, nonce, pt []byte, step int) [][]byte {
	t.Helper()
	s, err := NewStream(docKey, nonce)
	if err != nil {
		t.Fatal(err)
	}
	var chunks [][]byte
	w := NewStreamWriter(s, sinkFunc(func(i uint64, size int, seal func([]byte) ([]byte, error)) error {
		if i != uint64(len(chunks)) {
			t.Fatalf("sink got chunk %d, want %d", i, len(chunks))
		}
		batch, err := seal([]byte("earlier"))
		if err != nil {
			return err
		}
		if string(batch[:7]) != "earlier" || len(batch)-7 != size {
			t.Fatalf("chunk %d: sealed %d bytes after the batch's 7, announced %d", i, len(batch)-7, size)
		}
		chunks = append(chunks, batch[7:])
		return nil
	}))
	for rest := pt; len(rest) > 0; {
		n := min(step, len(rest))
		if err := w.Write(rest[:n]); err != nil {
			t.Fatalf("write: %v", err)
		}
		rest = rest[n:]
	}
	n, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(chunks)) {
		t.Fatalf("Close reports %d chunks, sink saw %d", n, len(chunks))
	}
	return chunks
}

// readDocument reads count chunks served from chunks (an index past the end
// is a source error) and returns the plaintext read and the error.
func readDocument(docKey, nonce []byte, count uint64, chunks [][]byte) ([]byte, error) {
	s, err := NewStream(docKey, nonce)
	if err != nil {
		return nil, err
	}
	r := NewStreamReader(s, count, func(i uint64) ([]byte, error) {
		if i >= uint64(len(chunks)) {
			return nil, errors.New("missing chunk")
		}
		return chunks[i], nil
	})
	return io.ReadAll(r)
}

func TestStreamRoundTrip(t *testing.T) {
	docKey := testKey(9)
	for _, size := range []int{0, 1, 65535, 65536, 65537, 2*ChunkSize + 17, 10 << 20} {
		for _, step := range []int{1 << 20, 4096, 65536, 65537} {
			t.Run(fmt.Sprintf("%d bytes in %d-byte writes", size, step), func(t *testing.T) {
				pt := patternBytes(size)
				nonce := testNonce(4)
				chunks := sealDocument(t, docKey, nonce, pt, step)
				if want := ChunkCount(int64(size)); uint64(len(chunks)) != want {
					t.Fatalf("%d chunks, ChunkCount says %d", len(chunks), want)
				}
				for i, c := range chunks {
					want := ChunkSize + ChunkOverhead
					if i == len(chunks)-1 {
						want = size - i*ChunkSize + ChunkOverhead
					}
					if len(c) != want {
						t.Fatalf("chunk %d is %d bytes, want %d", i, len(c), want)
					}
				}
				got, err := readDocument(docKey, nonce, uint64(len(chunks)), chunks)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, pt) {
					t.Fatal("round trip changed the document")
				}
			})
		}
	}
}

func TestStreamReaderSmallReads(t *testing.T) {
	docKey, nonce := testKey(9), testNonce(4)
	pt := patternBytes(3*ChunkSize + 5)
	chunks := sealDocument(t, docKey, nonce, pt, 1<<20)
	s, _ := NewStream(docKey, nonce)
	r := NewStreamReader(s, uint64(len(chunks)), func(i uint64) ([]byte, error) { return chunks[i], nil })
	var got []byte
	buf := make([]byte, 1000)
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, pt) {
		t.Fatal("small reads changed the document")
	}
}

// TestStreamTamper: every way of cutting, reordering, mixing, extending or
// changing a stored document is an authentication or stream error, and the
// bytes read before the error are a prefix of the true document (never wrong
// bytes).
func TestStreamTamper(t *testing.T) {
	docKey := testKey(9)
	nonceA, nonceB := testNonce(1), testNonce(2)
	ptA := patternBytes(4*ChunkSize + 100) // 5 chunks
	ptB := make([]byte, len(ptA))          // same length, other bytes
	for i := range ptB {
		ptB[i] = byte(i % 241)
	}
	a := sealDocument(t, docKey, nonceA, ptA, 1<<20)
	b := sealDocument(t, docKey, nonceB, ptB, 1<<20)
	n := uint64(len(a))
	if n != 5 || len(b) != 5 {
		t.Fatalf("want 5 chunks, got %d and %d", len(a), len(b))
	}
	cp := func() [][]byte { return append([][]byte(nil), a...) }
	flip := func(c []byte, i int) []byte {
		c = append([]byte(nil), c...)
		c[i] ^= 0x01
		return c
	}
	// One empty final chunk, and a document whose chunks were all sealed as
	// non-final, and one whose first (full) chunk was sealed as final.
	s, _ := NewStream(docKey, nonceA)
	sealAs := func(i uint64, last bool, pt []byte) []byte {
		c, err := s.SealChunk(nil, i, last, pt)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	noFinal := [][]byte{sealAs(0, false, ptA[:ChunkSize]), sealAs(1, false, ptA[ChunkSize:2*ChunkSize])}
	earlyFinal := [][]byte{sealAs(0, true, ptA[:ChunkSize]), sealAs(1, true, ptA[ChunkSize:ChunkSize+10])}

	cases := []struct {
		name   string
		count  uint64
		chunks [][]byte
		docKey []byte
		nonce  []byte
		pt     []byte // the true document for the prefix check
		// missing: the error is the source's (a chunk it does not hold),
		// not the cipher's.
		missing bool
	}{
		{name: "truncated: last chunk dropped, count told one less", count: n - 1, chunks: a[:n-1]},
		{name: "truncated: last chunk dropped, count unchanged", count: n, chunks: a[:n-1], missing: true},
		{name: "truncated: only the first chunk", count: 1, chunks: a[:1]},
		{name: "reordered: chunks 1 and 2 swapped", count: n, chunks: func() [][]byte { c := cp(); c[1], c[2] = c[2], c[1]; return c }()},
		{name: "reordered: first and last swapped", count: n, chunks: func() [][]byte { c := cp(); c[0], c[n-1] = c[n-1], c[0]; return c }()},
		{name: "middle chunk dropped, count one less", count: n - 1, chunks: append(cp()[:2], a[3:]...)},
		{name: "middle chunk duplicated", count: n, chunks: func() [][]byte { c := cp(); c[2] = a[1]; return c }()},
		{name: "chunk from another document", count: n, chunks: func() [][]byte { c := cp(); c[2] = b[2]; return c }()},
		{name: "last chunk from another document", count: n, chunks: func() [][]byte { c := cp(); c[n-1] = b[n-1]; return c }()},
		{name: "whole other document under this nonce", count: n, chunks: b},
		{name: "extended with a copy of the last chunk", count: n + 1, chunks: append(cp(), a[n-1])},
		{name: "extended with another document's chunk", count: n + 1, chunks: append(cp(), b[n-1])},
		{name: "count told one more, nothing appended", count: n + 1, chunks: a},
		{name: "bit flipped in first chunk", count: n, chunks: func() [][]byte { c := cp(); c[0] = flip(c[0], 100); return c }()},
		{name: "bit flipped in a middle chunk's tag", count: n, chunks: func() [][]byte { c := cp(); c[2] = flip(c[2], len(c[2])-1); return c }()},
		{name: "bit flipped in last chunk", count: n, chunks: func() [][]byte { c := cp(); c[n-1] = flip(c[n-1], 0); return c }()},
		{name: "last chunk cut by one byte", count: n, chunks: func() [][]byte { c := cp(); c[n-1] = c[n-1][:len(c[n-1])-1]; return c }()},
		{name: "middle chunk cut to its tag", count: n, chunks: func() [][]byte { c := cp(); c[1] = c[1][len(c[1])-ChunkOverhead:]; return c }()},
		{name: "middle chunk shorter than a tag", count: n, chunks: func() [][]byte { c := cp(); c[1] = c[1][:5]; return c }()},
		{name: "oversized chunk", count: n, chunks: func() [][]byte { c := cp(); c[1] = append(append([]byte(nil), c[1]...), 0); return c }()},
		{name: "wrong documents key", count: n, chunks: a, docKey: testKey(10)},
		{name: "wrong nonce", count: n, chunks: a, nonce: nonceB},
		{name: "zero count", count: 0, chunks: a},
		{name: "last flag missing on every chunk", count: 2, chunks: noFinal},
		{name: "last flag on a non-final chunk", count: 2, chunks: earlyFinal},
		{name: "final-flagged full chunk followed by another", count: 2, chunks: [][]byte{earlyFinal[0], a[1]}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key, nonce, pt := docKey, nonceA, ptA
			if tc.docKey != nil {
				key = tc.docKey
			}
			if tc.nonce != nil {
				nonce = tc.nonce
			}
			if tc.pt != nil {
				pt = tc.pt
			}
			got, err := readDocument(key, nonce, tc.count, tc.chunks)
			if err == nil {
				t.Fatalf("read %d bytes without an error", len(got))
			}
			if tc.missing {
				if !strings.Contains(err.Error(), "missing chunk") {
					t.Fatalf("err = %v, want the source's error", err)
				}
			} else if !errors.Is(err, ErrAuth) && !errors.Is(err, ErrStream) {
				t.Fatalf("err = %v, want ErrAuth or ErrStream", err)
			}
			if !bytes.HasPrefix(pt, got) {
				t.Fatalf("read %d bytes that are not a prefix of the document", len(got))
			}
		})
	}
}

// TestStreamMissingChunkIsAnError: a chunk the source cannot supply is an
// error naming the chunk (the vault turns it into ErrTampered).
func TestStreamMissingChunkIsAnError(t *testing.T) {
	docKey, nonce := testKey(9), testNonce(1)
	a := sealDocument(t, docKey, nonce, patternBytes(3*ChunkSize), 1<<20)
	// Told 4 chunks: the true final chunk 2 is opened as non-final and fails
	// before chunk 3 is even asked for.
	if _, err := readDocument(docKey, nonce, 4, a); !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	_, err := readDocument(docKey, nonce, 3, a[:2])
	if err == nil || !strings.Contains(err.Error(), "chunk 2: missing chunk") {
		t.Fatalf("err = %v, want the source's error naming chunk 2", err)
	}
}

func TestEmptyDocument(t *testing.T) {
	docKey, nonce := testKey(9), testNonce(1)
	chunks := sealDocument(t, docKey, nonce, nil, 1)
	if len(chunks) != 1 || len(chunks[0]) != ChunkOverhead {
		t.Fatalf("empty document: %d chunks", len(chunks))
	}
	got, err := readDocument(docKey, nonce, 1, chunks)
	if err != nil || len(got) != 0 {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	s, _ := NewStream(docKey, nonce)
	if _, err := s.OpenChunk(nil, 0, false, chunks[0]); !errors.Is(err, ErrAuth) {
		t.Fatalf("empty final chunk opened as non-final: %v", err)
	}
	if _, err := s.OpenChunk(nil, 1, true, chunks[0]); !errors.Is(err, ErrAuth) {
		t.Fatalf("empty final chunk opened at index 1: %v", err)
	}
}

// TestChunkRules: the sealing side refuses chunks the format does not allow.
func TestChunkRules(t *testing.T) {
	s, err := NewStream(testKey(9), testNonce(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		index uint64
		last  bool
		n     int
		ok    bool
	}{
		{"full non-final", 0, false, ChunkSize, true},
		{"short non-final", 0, false, ChunkSize - 1, false},
		{"empty non-final", 3, false, 0, false},
		{"oversized non-final", 0, false, ChunkSize + 1, false},
		{"full final", 5, true, ChunkSize, true},
		{"short final", 5, true, 1, true},
		{"empty final at 0 (empty document)", 0, true, 0, true},
		{"empty final after other chunks", 1, true, 0, false},
		{"oversized final", 0, true, ChunkSize + 1, false},
		{"index at the limit", maxChunks, true, 1, false},
		{"index below the limit", maxChunks - 1, true, 1, true},
	} {
		_, err := s.SealChunk(nil, tc.index, tc.last, make([]byte, tc.n))
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && !errors.Is(err, ErrStream) {
			t.Errorf("%s: err = %v, want ErrStream", tc.name, err)
		}
	}
	if _, err := NewStream(testKey(9), make([]byte, 12)); err == nil {
		t.Error("NewStream accepted a 12-byte nonce")
	}
}

func TestChunkNonceLayout(t *testing.T) {
	n, err := chunkNonce(0x0102030405, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 1}
	if !bytes.Equal(n, want) {
		t.Fatalf("nonce = %x, want %x", n, want)
	}
	n, _ = chunkNonce(7, false)
	if want := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0}; !bytes.Equal(n, want) {
		t.Fatalf("nonce = %x, want %x", n, want)
	}
}

func TestStreamWriterErrors(t *testing.T) {
	s, _ := NewStream(testKey(9), testNonce(1))
	boom := errors.New("disk full")
	calls := 0
	w := NewStreamWriter(s, sinkFunc(func(uint64, int, func([]byte) ([]byte, error)) error { calls++; return boom }))
	if err := w.Write(patternBytes(ChunkSize + 1)); !errors.Is(err, boom) {
		t.Fatalf("Write: %v, want the sink's error", err)
	}
	if err := w.Write([]byte("x")); !errors.Is(err, boom) {
		t.Fatalf("Write after failure: %v", err)
	}
	if _, err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close after failure: %v", err)
	}
	if calls != 1 {
		t.Fatalf("sink called %d times after failing", calls)
	}
	// A failure of the sealing itself (the sink's buffer is not the issue)
	// stops the writer as well.
	w = NewStreamWriter(s, sinkFunc(func(_ uint64, _ int, seal func([]byte) ([]byte, error)) error {
		_, err := seal(nil)
		return err
	}))
	w.index = maxChunks
	if err := w.Write(patternBytes(ChunkSize + 1)); !errors.Is(err, ErrStream) {
		t.Fatalf("Write beyond the chunk limit: %v, want ErrStream", err)
	}
	w = NewStreamWriter(s, sinkFunc(func(_ uint64, _ int, seal func([]byte) ([]byte, error)) error {
		_, err := seal(nil)
		return err
	}))
	if n, err := w.Close(); err != nil || n != 1 {
		t.Fatalf("Close: %d, %v", n, err)
	}
	if err := w.Write([]byte("x")); err == nil {
		t.Fatal("Write after Close succeeded")
	}
	if n, err := w.Close(); err != nil || n != 1 {
		t.Fatalf("second Close: %d, %v", n, err)
	}
}

// TestStreamWriterFromCirculatingBlocks: the writer keeps a reference to
// no more than the last chunk of a Write, until the next Write (the
// contract WriteBlob's circulating blocks rely on): with two blocks taking
// turns, each rewritten as soon as the other has been written, the sealed
// chunks are those of the whole document written at once.
func TestStreamWriterFromCirculatingBlocks(t *testing.T) {
	docKey, nonce := testKey(9), testNonce(1)
	pt := patternBytes(3*ChunkSize + 100)
	want := sealDocument(t, docKey, nonce, pt, len(pt))
	s, _ := NewStream(docKey, nonce)
	var got [][]byte
	w := NewStreamWriter(s, sinkFunc(func(_ uint64, _ int, seal func([]byte) ([]byte, error)) error {
		c, err := seal(nil)
		got = append(got, c)
		return err
	}))
	blocks := [][]byte{make([]byte, 2*ChunkSize), make([]byte, 2*ChunkSize)}
	for i, rest := 0, pt; len(rest) > 0; i++ {
		b := blocks[i%2]
		n := copy(b, rest)
		rest = rest[n:]
		if err := w.Write(b[:n]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d chunks, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("chunk %d differs", i)
		}
	}
}

func TestChunkCount(t *testing.T) {
	for _, tc := range []struct {
		size int64
		want uint64
	}{{0, 1}, {1, 1}, {65535, 1}, {65536, 1}, {65537, 2}, {10 << 20, 160}, {10<<20 + 1, 161}} {
		if got := ChunkCount(tc.size); got != tc.want {
			t.Errorf("ChunkCount(%d) = %d, want %d", tc.size, got, tc.want)
		}
	}
}
