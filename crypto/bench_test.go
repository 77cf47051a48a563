package crypto

// Benchmarks of the costs that bound the vault's commands from below, run by
// bench/run.sh beside the whole commands (docs/BENCHMARKS.md):
//
//	go test -run '^$' -bench . -benchmem ./crypto/
//
// SealChunk and OpenChunk are the CPU's limit for `vault add` and `vault
// get` (one core: ChaCha20-Poly1305 over 64 KiB chunks); SHA256Chunk is the
// hash every document's bytes also go through; DeriveKeyDefault is the
// unlock that every command pays before anything else.

import (
	"crypto/sha256"
	"testing"
)

// benchStream returns a document stream under a fixed key and nonce.
func benchStream(b *testing.B) *Stream {
	b.Helper()
	s, err := NewStream(make([]byte, KeySize), make([]byte, StreamNonceSize))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkSealChunk seals full 64 KiB chunks, as a document's every chunk
// but the last: the raw ChaCha20-Poly1305 seal throughput on one core.
func BenchmarkSealChunk(b *testing.B) {
	s := benchStream(b)
	plain := patternBytes(ChunkSize)
	dst := make([]byte, 0, ChunkSize+ChunkOverhead)
	b.SetBytes(ChunkSize)
	b.ReportAllocs()
	var i uint64
	for b.Loop() {
		if _, err := s.SealChunk(dst[:0], i, false, plain); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkOpenChunk opens (authenticates and decrypts) full 64 KiB chunks.
func BenchmarkOpenChunk(b *testing.B) {
	s := benchStream(b)
	sealed, err := s.SealChunk(nil, 0, false, patternBytes(ChunkSize))
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]byte, 0, ChunkSize)
	b.SetBytes(ChunkSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.OpenChunk(dst[:0], 0, false, sealed); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSHA256Chunk hashes 64 KiB blocks: the SHA-256 that `vault add`
// records and `vault get` checks for every document.
func BenchmarkSHA256Chunk(b *testing.B) {
	plain := patternBytes(ChunkSize)
	h := sha256.New()
	b.SetBytes(ChunkSize)
	b.ReportAllocs()
	for b.Loop() {
		h.Write(plain)
	}
}

// BenchmarkDeriveKeyDefault derives a key with Argon2id at the default
// parameters (64 MiB, 3 passes, 4 lanes): the unlock every command pays.
// Its B/op is the memory cost, allocated at once.
func BenchmarkDeriveKeyDefault(b *testing.B) {
	pass := []byte("correct horse battery staple")
	salt := make([]byte, SaltSize)
	b.ReportAllocs()
	for b.Loop() {
		k, err := DeriveKey(pass, salt, DefaultKDF())
		if err != nil {
			b.Fatal(err)
		}
		clear(k)
	}
}
