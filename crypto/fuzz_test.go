package crypto

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzOpenRecord: Open never panics, and what it accepts is exactly what
// sealing the returned plaintext under the same nonce produces (so nothing
// but a genuine sealed value opens). Anything else is ErrAuth.
func FuzzOpenRecord(f *testing.F) {
	key := seqBytes(0x80, KeySize)
	for _, c := range []struct {
		bucket string
		dbKey  []byte
		pt     []byte
	}{
		{"records", []byte("abcd2345"), []byte(`{"type":"claim","data":{"id":"abcd2345"}}`)},
		{"history", []byte{0, 0, 0, 0, 0, 0, 0, 1}, []byte(`{"seq":1}`)},
		{"meta", []byte("state"), nil},
	} {
		sealed, err := SealRecord(key, c.bucket, c.dbKey, c.pt)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sealed, c.bucket, c.dbKey)
	}
	f.Add([]byte{}, "records", []byte{})
	f.Fuzz(func(t *testing.T, sealed []byte, bucket string, dbKey []byte) {
		ad := RecordAD(bucket, dbKey)
		pt, err := Open(key, sealed, ad)
		if err != nil {
			if !errors.Is(err, ErrAuth) || pt != nil {
				t.Fatalf("err = %v with %d bytes, want ErrAuth and none", err, len(pt))
			}
			return
		}
		again, err := sealWithNonce(key, sealed[:24], pt, ad)
		if err != nil || !bytes.Equal(again, sealed) {
			t.Fatalf("opened a value that sealing does not produce")
		}
	})
}

// FuzzOpenChunk: OpenChunk never panics; a chunk it accepts is one that
// SealChunk produces for the same index and flag, and obeys the chunk size
// rules. Anything else is ErrAuth or ErrStream.
func FuzzOpenChunk(f *testing.F) {
	s, err := NewStream(seqBytes(0x10, KeySize), seqBytes(0xA0, StreamNonceSize))
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range []struct {
		index uint64
		last  bool
		n     int
	}{{0, true, 0}, {0, true, 1}, {3, true, 1000}, {0, false, ChunkSize}, {1, true, ChunkSize}} {
		sealed, err := s.SealChunk(nil, c.index, c.last, patternBytes(c.n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c.index, c.last, sealed)
	}
	f.Add(uint64(maxChunks), true, make([]byte, 40))
	f.Fuzz(func(t *testing.T, index uint64, last bool, sealed []byte) {
		pt, err := s.OpenChunk(nil, index, last, sealed)
		if err != nil {
			if !errors.Is(err, ErrAuth) && !errors.Is(err, ErrStream) {
				t.Fatalf("err = %v, want ErrAuth or ErrStream", err)
			}
			return
		}
		if err := checkChunkLen(index, last, len(pt)); err != nil {
			t.Fatalf("opened a chunk the format forbids: %v", err)
		}
		again, err := s.SealChunk(nil, index, last, pt)
		if err != nil || !bytes.Equal(again, sealed) {
			t.Fatalf("opened a chunk that sealing does not produce")
		}
	})
}

// FuzzStreamReader serves a document's chunks in an order the fuzzer picks
// (from the document itself, another document, or missing), with bits
// flipped where it picks. The reader must return the true document only for
// the untouched chunks in their order; otherwise an error, and the bytes
// before it must be a prefix of the true document: never wrong bytes.
func FuzzStreamReader(f *testing.F) {
	docKey := seqBytes(0x10, KeySize)
	nonceA, nonceB := seqBytes(0xA0, StreamNonceSize), seqBytes(0xB0, StreamNonceSize)
	ptA := patternBytes(2*ChunkSize + 100)
	ptB := bytes.Repeat([]byte{0x5A}, len(ptA))
	a := sealDocument(f, docKey, nonceA, ptA, 1<<20)
	b := sealDocument(f, docKey, nonceB, ptB, 1<<20)
	// Chunks of A and of B (another document: another nonce). Two documents
	// never share a nonce (16 random bytes), so the pool holds no other
	// document under A's nonce.
	pool := [][]byte{a[0], a[1], a[2], b[0], b[1], b[2]}
	const missing = 6
	sA, err := NewStream(docKey, nonceA)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(3), []byte{0, 1, 2}, []byte{})        // the true document
	f.Add(uint8(2), []byte{0, 1}, []byte{})           // truncated
	f.Add(uint8(3), []byte{0, 2, 1}, []byte{})        // reordered
	f.Add(uint8(3), []byte{0, 4, 2}, []byte{})        // a chunk from B
	f.Add(uint8(4), []byte{0, 1, 2, 2}, []byte{})     // extended
	f.Add(uint8(3), []byte{0, 1, 2}, []byte{1, 0, 5}) // a flipped bit
	f.Add(uint8(1), []byte{2}, []byte{})              // A's last chunk alone
	f.Add(uint8(3), []byte{0, 1, missing}, []byte{})  // a missing chunk
	f.Add(uint8(0), []byte{}, []byte{})               // no chunks
	f.Fuzz(func(t *testing.T, count uint8, order []byte, flips []byte) {
		n := uint64(count % 8)
		served := make([][]byte, n)
		for i := range served {
			k := missing
			if i < len(order) {
				k = int(order[i]) % (len(pool) + 1)
			}
			if k < len(pool) {
				served[i] = append([]byte(nil), pool[k]...)
			}
		}
		// flips: triples (chunk, offset, mask).
		for j := 0; j+2 < len(flips); j += 3 {
			c := int(flips[j]) % 8
			if c < len(served) && served[c] != nil && flips[j+2] != 0 {
				off := int(flips[j+1]) * 263 % len(served[c])
				served[c][off] ^= flips[j+2]
			}
		}
		// The true document: A's own chunks, in order, unchanged (two flips
		// of one bit cancel out).
		identity := n == uint64(len(a))
		for i := range served {
			identity = identity && bytes.Equal(served[i], a[i])
		}
		r := NewStreamReader(sA, n, func(i uint64) ([]byte, error) {
			if served[i] == nil {
				return nil, errors.New("missing chunk")
			}
			return served[i], nil
		})
		got, err := io.ReadAll(r)
		if !bytes.HasPrefix(ptA, got) {
			t.Fatalf("read %d bytes that are not a prefix of the document", len(got))
		}
		if err == nil && (!identity || !bytes.Equal(got, ptA)) {
			t.Fatalf("read %d bytes without error from a changed document", len(got))
		}
		if err != nil && identity {
			t.Fatalf("the true document failed: %v", err)
		}
	})
}
