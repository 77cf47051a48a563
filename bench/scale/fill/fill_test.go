package fill

import (
	"path/filepath"
	"testing"

	"vault/vault"
	"vault/vault/integrity"
)

// TestBuild builds a small vault and checks that it is what the benchmarks
// claim to measure: every record and document in the vault's own format
// (integrity.Verify, reading every document), the counts of each kind, the
// items spread over the claims, and the needle found by search.
func TestBuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.db")
	pass := []byte("fill test")
	res, err := Build(path, pass, Spec{Items: 500, Claims: 5, Batch: 120, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items != 500 || res.Documents+res.Calls+res.Conditions != 500 || len(res.Claims) != 5 {
		t.Fatalf("built %d items (%d documents, %d calls, %d conditions) in %d claims, want 500 in 5",
			res.Items, res.Documents, res.Calls, res.Conditions, len(res.Claims))
	}
	if res.TextDocs == 0 || res.Calls == 0 || res.Conditions == 0 || len(res.SampleIDs) == 0 {
		t.Fatalf("a kind is missing: %+v", res)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: pass}, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	rep, err := integrity.Verify(v, integrity.Options{ReadData: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("the built vault fails verify: %v", rep.Problems)
	}
	if rep.DocumentsRead != res.Documents || rep.Records != 505 {
		t.Fatalf("verify read %d documents and %d records, want %d and 505", rep.DocumentsRead, rep.Records, res.Documents)
	}
	for _, name := range res.Claims {
		c, err := v.ClaimByName(name)
		if err != nil {
			t.Fatal(err)
		}
		items, err := v.Items(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 100 {
			t.Errorf("claim %s has %d items, want 100", name, len(items))
		}
	}
	hits, err := v.Search(Needle, vault.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || len(hits) > res.Items/10 {
		t.Errorf("search %q found %d of %d items, want a few", Needle, len(hits), res.Items)
	}
}
