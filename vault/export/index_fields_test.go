package export

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"vault/vault"
	"vault/vault/bundle"
)

// TestIndexAndManifestShowAmountsCPTAndValidity: receipts show their amount
// and CPT codes with a total, letters their valid-until date, billed and
// paid are two rows, the hash sits in its own row under each file; the
// manifest has amount, cpt and valid_until for every file.
func TestIndexAndManifestShowAmountsCPTAndValidity(t *testing.T) {
	f := newFixture(t)
	path, _ := f.export(t, nil, Selection{}, Options{})
	html := string(zipFile(t, path, bundle.IndexName))
	var m bundle.Manifest
	if err := json.Unmarshal(zipFile(t, path, bundle.ManifestName), &m); err != nil {
		t.Fatal(err)
	}
	var total vault.Cents
	receipts, letters := 0, 0
	for _, file := range m.Files {
		if file.CPT == nil {
			t.Errorf("%s: cpt is null, want a list", file.Path)
		}
		d := f.docs[""]
		for _, doc := range f.docs {
			if doc.ID == file.ID && file.ID != "" {
				d = doc
			}
		}
		if d == nil {
			continue
		}
		if d.Amount != nil {
			receipts++
			total += *d.Amount
			if file.Amount != d.Amount.String() {
				t.Errorf("%s: amount %q, want %s", file.Path, file.Amount, d.Amount)
			}
			if !strings.Contains(html, "$"+d.Amount.String()) {
				t.Errorf("index.html lacks the amount $%s", d.Amount)
			}
		}
		if len(d.CPT) > 0 && (len(file.CPT) != len(d.CPT) || !strings.Contains(html, strings.Join(file.CPT, ", "))) {
			t.Errorf("%s: cpt %v not in the manifest and index.html", file.Path, file.CPT)
		}
		if d.ValidUntil != "" {
			letters++
			if file.ValidUntil != string(d.ValidUntil) || !strings.Contains(html, "valid until "+string(d.ValidUntil)) {
				t.Errorf("%s: valid until %s not shown", file.Path, d.ValidUntil)
			}
		}
	}
	if receipts == 0 || letters == 0 {
		t.Fatalf("the fixture has %d receipts with amounts and %d letters with valid-until", receipts, letters)
	}
	if !regexp.MustCompile(`Total of the receipts</td><td class="num">\$` + regexp.QuoteMeta(total.String())).MatchString(html) {
		t.Errorf("index.html lacks the total $%s", total)
	}
	if strings.Contains(html, "Billed / paid") || !strings.Contains(html, `<th scope="row">Billed</th>`) || !strings.Contains(html, `<th scope="row">Paid</th>`) {
		t.Error("billed and paid are not two rows")
	}
	if n := strings.Count(html, `<tr class="hash-row">`); n != len(m.Files)-1 { // all but index.html itself
		t.Errorf("%d hash rows for %d files", n, len(m.Files))
	}
}
