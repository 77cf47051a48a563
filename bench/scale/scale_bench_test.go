package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"vault/bench/scale/fill"
	"vault/vault"
)

// BenchmarkScale runs the vault calls of the everyday commands (commands,
// as `go run ./scale` measures them) on vaults of 1,000 and 10,000 items
// (100,000 with VAULT_LONG_TESTS=1) built by fill. Each operation is one
// command on a freshly opened handle, so its first read decrypts every
// record, as in a new process; the open itself (the KDF, and the rest,
// about 0.1 ms) is not timed. µs/record must stay flat from one size to the
// next.
//
//	cd bench && go test -run '^$' -bench Scale ./scale/
func BenchmarkScale(b *testing.B) {
	sizes := []int{1_000, 10_000}
	if os.Getenv("VAULT_LONG_TESTS") == "1" {
		sizes = append(sizes, 100_000)
	}
	dir := b.TempDir()
	pass := []byte("scale benchmark")
	for _, n := range sizes {
		var fx *fixture
		build := func(b *testing.B) {
			path := filepath.Join(dir, fmt.Sprintf("vault-%d.db", n))
			res, err := fill.Build(path, pass, fill.Spec{Items: n, Seed: uint64(n)})
			if err != nil {
				b.Fatal(err)
			}
			fx = newFixture(path, pass, res)
		}
		for _, c := range commands(&fixture{}) {
			b.Run(fmt.Sprintf("items=%d/%s", n, c.name), func(b *testing.B) {
				if fx == nil {
					build(b)
				}
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					v, err := vault.Open(fx.path, vault.Secret{Passphrase: pass}, vault.Options{ReadOnly: c.readOnly})
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					err = c.run(v, fx)
					b.StopTimer()
					v.Close()
					b.StartTimer()
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(fx.records), "µs/record")
			})
		}
	}
}
