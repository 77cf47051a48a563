package export

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vault/crypto"
	"vault/vault"
	"vault/vault/sample"
)

var testNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// sampleDocs generates the sample documents once per test binary (it takes
// most of a second: the images are drawn and encoded).
var sampleDocs = sync.OnceValue(sample.Documents)

func fixedNow() time.Time { return testNow }

// newVault creates and opens a vault with the cheapest key derivation.
func newVault(t testing.TB) *vault.Vault {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.db")
	if _, err := vault.Init(path, []byte("pw"), vault.InitOptions{KDF: crypto.MinKDF(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte("pw")}, vault.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// fixture is the sample claim back-2026 (11 documents, 3 calls, 3
// condition notes) and another claim, neck-2025, with a receipt, a call and
// a note on dates back-2026 also has, which must never leak into its
// exports.
type fixture struct {
	v     *vault.Vault
	claim *vault.Claim
	other *vault.Claim
	docs  map[string]*vault.Document // by the sample's file name
	calls []*vault.Call
	conds []*vault.Condition
	oth   []vault.Record
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	v := newVault(t)
	f := &fixture{v: v, docs: map[string]*vault.Document{}}
	var err error
	f.claim, err = v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Cedar Health Plan", Patient: "Alex Rivera",
		MemberID: "CHP447100932", ClaimNumber: "CHP26-0325-77814", Diagnoses: []string{"M54.50", "M62.830"}})
	if err != nil {
		t.Fatal(err)
	}
	var nds []vault.NewDocument
	for _, d := range sampleDocs() {
		nds = append(nds, newDoc(t, d))
	}
	docs, _, err := v.AddDocuments(f.claim, nds, vault.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range sampleDocs() {
		f.docs[d.FileName] = docs[i]
	}
	for _, c := range sample.Calls() {
		at, err := time.Parse("2006-01-02 15:04", c.At)
		if err != nil {
			t.Fatal(err)
		}
		dur, _ := time.ParseDuration(c.Duration)
		call, _, err := v.LogCall(f.claim, vault.Call{At: at, Party: "insurer", Rep: c.Rep, Ref: c.Ref, Phone: c.Phone,
			Duration: dur, Summary: c.Summary, Promised: c.Promised})
		if err != nil {
			t.Fatal(err)
		}
		f.calls = append(f.calls, call)
	}
	for _, c := range sample.Conditions() {
		pain := c.Pain
		var ms []vault.Measure
		for _, m := range c.Measures {
			mm, err := vault.ParseMeasure(m)
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, mm)
		}
		n, err := v.LogCondition(f.claim, vault.Condition{Date: vault.Date(c.Date), Phase: c.Phase, Pain: &pain, Measures: ms, Text: c.Text})
		if err != nil {
			t.Fatal(err)
		}
		f.conds = append(f.conds, n)
	}

	f.other, err = v.NewClaim(vault.Claim{Name: "neck-2025", Insurer: "Other Insurer"})
	if err != nil {
		t.Fatal(err)
	}
	od, _, err := v.AddDocuments(f.other, []vault.NewDocument{textDoc("receipt", "other-receipt.txt", "2026-03-11", "receipt of another claim\n")}, vault.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	oc, _, err := v.LogCall(f.other, vault.Call{At: time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC), Rep: "X", Summary: "other claim"})
	if err != nil {
		t.Fatal(err)
	}
	f.oth = []vault.Record{od[0], oc}
	return f
}

// newDoc turns a sample document into what AddDocuments takes.
func newDoc(t testing.TB, d sample.Document) vault.NewDocument {
	t.Helper()
	nd := vault.NewDocument{Kind: d.Kind, Date: vault.Date(d.Date), Title: d.Title, ValidUntil: vault.Date(d.ValidUntil),
		FileName: d.FileName, Open: opener(d.Data)}
	if d.Amount != "" {
		a, err := vault.ParseAmount(d.Amount)
		if err != nil {
			t.Fatal(err)
		}
		nd.Amount = &a
	}
	for _, c := range d.CPT {
		l, err := vault.ParseCPT(c)
		if err != nil {
			t.Fatal(err)
		}
		nd.CPT = append(nd.CPT, l)
	}
	return nd
}

func opener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func textDoc(kind, name, date, content string) vault.NewDocument {
	return vault.NewDocument{Kind: kind, FileName: name, Date: vault.Date(date), Open: opener([]byte(content))}
}

// export prepares and writes a bundle to a new file and returns its path.
func (f *fixture) export(t testing.TB, req *vault.Request, sel Selection, o Options) (string, *Result) {
	t.Helper()
	p, err := Prepare(f.v, f.claim, req, sel)
	if err != nil {
		t.Fatal(err)
	}
	if o.Output == "" {
		o.Output = filepath.Join(t.TempDir(), "bundle.zip")
	}
	res, err := Write(context.Background(), f.v, p, o)
	if err != nil {
		t.Fatal(err)
	}
	return o.Output, res
}

// zipNames returns the names in a zip file, sorted.
func zipNames(t testing.TB, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

// zipFile returns one file's content from a zip.
func zipFile(t testing.TB, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return nil
}

// Names of the sample documents in a whole-claim bundle, by number.
var (
	nReferral     = "documents/001-referral-2026-02-20-referral-to-massage-therapy-from-dr.pdf"
	nPrescription = "documents/002-prescription-2026-02-20-prescription-for-massage-therapy-97124.pdf"
	nLMN          = "documents/003-lmn-2026-02-24-letter-of-medical-necessity-for-massage.pdf"
)

// fixed is the index.html, manifest.json and manifest.sig every bundle has.
var fixed = []string{"index.html", "manifest.json", "manifest.sig"}

func want(names ...string) []string {
	out := append(slices.Clone(fixed), names...)
	slices.Sort(out)
	return out
}

func gapsOf(err error) []string {
	if me, ok := err.(*MissingError); ok {
		return me.Gaps
	}
	return nil
}

func joinLines(ss []string) string { return strings.Join(ss, "\n") }
