package vault_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"vault/bench/scale/fill"
	"vault/vault"
	"vault/vault/check"
)

// The scale benchmarks run the vault calls of the everyday commands on
// vaults of 1,000 and 10,000 items (100,000 with VAULT_LONG_TESTS=1), built
// by bench/scale/fill: claims of 50 items each (documents with sealed
// blobs, calls, condition notes). Each operation is one command on a freshly
// opened handle, so its first read decrypts every record, as in a new
// process; the open itself (the KDF, and the rest, about 0.1 ms) is not
// timed. µs/record must stay flat from one size to the next.
//
//	go test -run '^$' -bench Scale ./vault/
//
// bench/scale (go run ./bench/scale) measures the same through the binary
// and writes the tables of docs/BENCHMARKS.md.

// scaleSizes are the vault sizes benchmarked, in items.
func scaleSizes() []int {
	if os.Getenv("VAULT_LONG_TESTS") == "1" {
		return []int{1_000, 10_000, 100_000}
	}
	return []int{1_000, 10_000}
}

// scaleVault is a built vault of one size.
type scaleVault struct {
	path    string
	res     *fill.Result
	claim   string
	records int
}

var scalePass = []byte("scale benchmark")

// buildScaleVault builds a vault of n items in dir.
func buildScaleVault(b *testing.B, dir string, n int) *scaleVault {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("vault-%d.db", n))
	res, err := fill.Build(path, scalePass, fill.Spec{Items: n, Seed: uint64(n)})
	if err != nil {
		b.Fatal(err)
	}
	return &scaleVault{path: path, res: res, claim: res.Claims[len(res.Claims)/2], records: res.Items + len(res.Claims)}
}

// scaleCommands are the vault calls of each command, as cmd/vault makes
// them (without printing).
var scaleCommands = []struct {
	name     string
	readOnly bool
	run      func(v *vault.Vault, sv *scaleVault) error
}{
	{"list", true, func(v *vault.Vault, _ *scaleVault) error {
		if _, err := v.List(vault.Filter{}); err != nil {
			return err
		}
		_, err := v.Claims()
		return err
	}},
	{"search", true, func(v *vault.Vault, _ *scaleVault) error {
		hits, err := v.Search(fill.Needle, vault.Filter{})
		if err == nil && len(hits) == 0 {
			err = fmt.Errorf("search %q found nothing", fill.Needle)
		}
		return err
	}},
	{"show", true, func(v *vault.Vault, sv *scaleVault) error {
		if _, err := v.Resolve(sv.res.SampleIDs[0], nil); err != nil {
			return err
		}
		_, err := v.Claims()
		return err
	}},
	{"check", true, func(v *vault.Vault, sv *scaleVault) error {
		c, err := v.ClaimByName(sv.claim)
		if err != nil {
			return err
		}
		items, err := v.Items(c.ID)
		if err != nil {
			return err
		}
		check.Run(c, items, fill.AsOf)
		check.NextDeadline(c, items, fill.AsOf)
		return nil
	}},
	{"status", true, func(v *vault.Vault, _ *scaleVault) error {
		claims, err := v.Claims()
		if err != nil {
			return err
		}
		all, err := v.Items("")
		if err != nil {
			return err
		}
		byClaim := map[string][]vault.Record{}
		for _, r := range all {
			byClaim[r.ClaimID()] = append(byClaim[r.ClaimID()], r)
		}
		sums := make([]check.Summary, 0, len(claims))
		for _, c := range claims {
			sums = append(sums, check.Summarize(c, byClaim[c.ID], fill.AsOf))
		}
		check.SortSummaries(sums)
		return nil
	}},
	{"log-call", false, func(v *vault.Vault, sv *scaleVault) error {
		c, err := v.ClaimByName(sv.claim)
		if err != nil {
			return err
		}
		_, _, err = v.LogCall(c, vault.Call{Rep: "Dana #4411", Ref: "REF-1", Summary: "Asked about the status"})
		return err
	}},
}

// BenchmarkScale times each everyday command on a fresh handle, per vault
// size, and reports the time per record.
func BenchmarkScale(b *testing.B) {
	dir := b.TempDir()
	for _, n := range scaleSizes() {
		var sv *scaleVault
		for _, c := range scaleCommands {
			b.Run(fmt.Sprintf("items=%d/%s", n, c.name), func(b *testing.B) {
				if sv == nil {
					sv = buildScaleVault(b, dir, n)
				}
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					v, err := vault.Open(sv.path, vault.Secret{Passphrase: scalePass}, vault.Options{ReadOnly: c.readOnly})
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					err = c.run(v, sv)
					b.StopTimer()
					v.Close()
					b.StartTimer()
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(sv.records), "µs/record")
			})
		}
	}
}
