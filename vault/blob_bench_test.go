package vault_test

// Benchmarks of the document path: WriteBlob (seal and commit in batches, as
// `vault add` does) and ReadDocument (open and verify, as `vault get` and
// `vault export` do). They run on the disk that holds the test's temporary
// folder, fsyncs included; the page cache is warm. bench/run.sh times the
// whole commands cold against age and restic; docs/BENCHMARKS.md has both.
//
//	go test -run '^$' -bench 'WriteBlob|ReadDocument' -benchmem ./vault/

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// benchDocSize is the size of the benchmarks' document: large enough for
// several batches, small enough for a quick run.
const benchDocSize = 64 << 20

// benchReader returns size bytes of incompressible data without holding
// them: a 1 MiB random block, repeated.
func benchReader(size int64) io.Reader {
	block := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{7}).Read(block)
	return io.LimitReader(&repeatReader{block: block}, size)
}

type repeatReader struct {
	block []byte
	off   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p, r.block[r.off:])
	r.off = (r.off + n) % len(r.block)
	return n, nil
}

// benchVault creates and opens an empty vault with the weakest KDF.
func benchVault(b *testing.B) *vault.Vault {
	b.Helper()
	path := filepath.Join(b.TempDir(), "vault.db")
	if _, err := vault.Init(path, []byte("bench"), vault.InitOptions{KDF: crypto.MinKDF()}); err != nil {
		b.Fatal(err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte("bench")}, vault.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { v.Close() })
	return v
}

// BenchmarkWriteBlob stores a 64 MiB document into a fresh vault, at the
// default batch size and at others, to compare what a batch costs.
func BenchmarkWriteBlob(b *testing.B) {
	for _, batch := range []int{0, 4 << 20, 16 << 20, 32 << 20} {
		name := "batch=default"
		if batch != 0 {
			name = fmt.Sprintf("batch=%dMiB", batch>>20)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(benchDocSize)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				v := benchVault(b)
				r := benchReader(benchDocSize)
				b.StartTimer()
				if _, err := v.WriteBlob(r, vault.BlobOptions{BatchBytes: batch}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadDocument reads a 64 MiB document back, verifying it, from a
// warm page cache: the CPU's side of `vault get`.
func BenchmarkReadDocument(b *testing.B) {
	v := benchVault(b)
	blob, err := v.WriteBlob(benchReader(benchDocSize), vault.BlobOptions{})
	if err != nil {
		b.Fatal(err)
	}
	d := &vault.Document{ID: "bench", Blob: blob.ID, Chunks: blob.Chunks, Size: blob.Size, SHA256: blob.SHA256}
	b.SetBytes(benchDocSize)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.ReadDocument(d, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// The default batch must be one of those compared above.
var _ = store.DefaultBatchBytes
