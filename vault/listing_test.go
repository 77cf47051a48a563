package vault

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vault/crypto"
)

func TestList(t *testing.T) {
	v := evVault(t)
	back := evClaim(t, v, "back-2026")
	neck := evClaim(t, v, "neck-2026")
	add := func(c *Claim, kind string, date Date, content string) *Document {
		t.Helper()
		d := textDoc(kind, kind+".txt", content)
		d.Date = date
		docs, _, err := v.AddDocuments(c, []NewDocument{d}, AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return docs[0]
	}
	r2 := add(back, "receipt", "2026-03-11", "receipt two")
	r1 := add(back, "receipt", "2026-03-04", "receipt one")
	lmn := add(back, "lmn", "2026-02-20", "letter")
	other := add(neck, "receipt", "2026-03-04", "neck receipt")
	call, _, err := v.LogCall(back, Call{Rep: "Dana", Summary: "s", At: time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	cond, err := v.LogCondition(back, Condition{Phase: "before", Date: "2026-03-04"})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(rs []Record) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.RecordID())
		}
		return strings.Join(s, " ")
	}
	join := func(rs ...Record) string { return ids(rs) }
	for _, tc := range []struct {
		name string
		f    Filter
		want string
	}{
		{"all of a claim, by date", Filter{ClaimID: back.ID}, ids(sortedItems(lmn, r1, cond, call, r2))},
		{"every claim", Filter{}, ids(sortedItems(lmn, r1, other, cond, call, r2))},
		{"kind", Filter{ClaimID: back.ID, Kinds: []string{"receipt"}}, join(r1, r2)},
		{"kinds call and condition", Filter{Kinds: []string{"call", "Condition"}}, join(cond, call)},
		{"from", Filter{ClaimID: back.ID, From: "2026-03-05"}, join(call, r2)},
		{"to", Filter{ClaimID: back.ID, To: "2026-03-04"}, ids(sortedItems(lmn, r1, cond))},
		{"on one day", Filter{ClaimID: back.ID, From: "2026-03-11", To: "2026-03-11"}, join(call, r2)},
		{"nothing", Filter{ClaimID: back.ID, Kinds: []string{"eob"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := v.List(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if ids(got) != tc.want {
				t.Errorf("got  %s\nwant %s", ids(got), tc.want)
			}
		})
	}
	for _, tc := range []struct {
		f    Filter
		want string
	}{
		{Filter{Kinds: []string{"reciept"}}, `unknown kind "reciept" (did you mean receipt?)`},
		{Filter{From: "2026-3-1"}, "bad --from date"},
		{Filter{From: "2026-03-02", To: "2026-03-01"}, "the range is empty"},
	} {
		if _, err := v.List(tc.f); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("List(%+v) = %v, want %q", tc.f, err, tc.want)
		}
	}
}

// sortedItems returns the records in SortItems order.
func sortedItems(rs ...Record) []Record {
	SortItems(rs)
	return rs
}

func TestItemKindDate(t *testing.T) {
	at := time.Date(2026, 3, 1, 23, 0, 0, 0, time.FixedZone("PST", -8*3600))
	for _, tc := range []struct {
		r          Record
		kind, date string
	}{
		{&Document{Kind: "eob", Date: "2026-01-02"}, "eob", "2026-01-02"},
		{&Call{At: at}, "call", "2026-03-01"},
		{&Condition{Date: "2026-01-03"}, "condition", "2026-01-03"},
		{&Request{Received: "2026-01-04"}, "request", "2026-01-04"},
		{&Claim{}, "claim", ""},
	} {
		if k, d := ItemKind(tc.r), ItemDate(tc.r); k != tc.kind || string(d) != tc.date {
			t.Errorf("%T: kind %q date %q, want %q %q", tc.r, k, d, tc.kind, tc.date)
		}
	}
}

// The scale of the benchmarks: items across claims, as in the issue.
const (
	benchClaims = 200
	benchItems  = 10_000
)

// buildBenchVault writes a vault with benchClaims claims and benchItems
// items (half documents, a fifth of them typed text notes; a quarter calls;
// a quarter condition notes) with the cheapest key derivation, records
// written with v.Update in batches. It returns the path and passphrase.
func buildBenchVault(b *testing.B) (string, []byte) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "vault.db")
	pass := []byte("bench passphrase")
	if _, err := Init(path, pass, InitOptions{KDF: crypto.MinKDF()}); err != nil {
		b.Fatal(err)
	}
	v, err := Open(path, Secret{Passphrase: pass}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	v.Store().Bolt().NoSync = true // building only: the benchmark reads
	claims := make([]*Claim, benchClaims)
	if err := v.Update(func(t *Tx) error {
		for i := range claims {
			id, err := v.NewID()
			if err != nil {
				return err
			}
			claims[i] = &Claim{ID: id, Name: fmt.Sprintf("claim-%03d", i), Insurer: "Acme Health", Plan: "commercial",
				Status: StatusDraft, StatusHistory: []StatusChange{{StatusDraft, "2026-01-01"}}, Diagnoses: []string{"M54.50"}}
			if err := t.Put(claims[i], ActionAdd, ""); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	note := strings.Repeat("Subjective: low back pain 6/10 after sitting. Objective: paraspinal hypertonicity, L4-L5. ", 16)
	pdf := pdfBytes + strings.Repeat("0123456789abcdef", 256)
	const batch = 500
	var pending []Record
	flush := func() {
		if err := v.Update(func(t *Tx) error {
			for _, r := range pending {
				if err := t.Put(r, ActionAdd, ""); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		pending = pending[:0]
	}
	added := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < benchItems; i++ {
		c := claims[i%benchClaims]
		date := Date("2026-01-01").AddDays(i % 120)
		id, err := v.NewID()
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range pending {
			if p.RecordID() == id {
				b.Fatal("ID drawn twice")
			}
		}
		var r Record
		switch i % 4 {
		case 0, 1:
			content, kind, media := fmt.Sprintf("%s visit %d", pdf, i), "receipt", "application/pdf"
			if i%10 == 1 {
				content, kind, media = fmt.Sprintf("%s Visit %d.", note, i), "clinical-note", "text/plain; charset=utf-8"
			}
			blob, err := v.WriteBlob(strings.NewReader(content), BlobOptions{})
			if err != nil {
				b.Fatal(err)
			}
			amount := Cents(8500)
			d := &Document{ID: id, Claim: c.ID, Kind: kind, Date: date, Title: fmt.Sprintf("visit %d", i), FileName: fmt.Sprintf("visit-%d.pdf", i),
				MediaType: media, Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks, Added: added}
			if kind == "receipt" {
				d.Amount, d.CPT = &amount, []CPTLine{{"97124", 2}}
			}
			r = d
		case 2:
			r = &Call{ID: id, Claim: c.ID, At: date.Time().Add(14 * time.Hour), Party: "insurer", Rep: "Dana", Ref: fmt.Sprintf("REF-%d", i),
				Summary: "Asked about the status of the claim; the representative said it is pending review.", Promised: "a call back within 10 days", Added: added}
		case 3:
			pain := i % 11
			r = &Condition{ID: id, Claim: c.ID, Date: date, Phase: "progress", Pain: &pain, Measures: []Measure{{"ODI", "42%"}, {"neck rotation", "45deg"}},
				Text: "Sitting tolerance 30 minutes; sleeping better.", Added: added}
		}
		pending = append(pending, r)
		if len(pending) == batch {
			flush()
		}
	}
	flush()
	return path, pass
}

// benchOpen opens the bench vault read-only, as the CLI's list does.
func benchOpen(b *testing.B, path string, pass []byte) *Vault {
	v, err := Open(path, Secret{Passphrase: pass}, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkList10k measures `vault list` over 10,000 items across 200
// claims. "cold" is what one command pays beyond key derivation: the timer
// is stopped while the vault is opened (Argon2id), so it covers decrypting
// and decoding every record, filtering and sorting. "warm" lists again on
// a vault already loaded.
func BenchmarkList10k(b *testing.B) {
	path, pass := buildBenchVault(b)
	for _, f := range []struct {
		name string
		f    Filter
	}{{"all", Filter{}}, {"receipts", Filter{Kinds: []string{"receipt"}}}} {
		b.Run("cold-"+f.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				v := benchOpen(b, path, pass)
				b.StartTimer()
				items, err := v.List(f.f)
				if err != nil || len(items) == 0 {
					b.Fatal(len(items), err)
				}
				b.StopTimer()
				v.Close()
				b.StartTimer()
			}
		})
	}
	b.Run("warm", func(b *testing.B) {
		v := benchOpen(b, path, pass)
		defer v.Close()
		if _, err := v.List(Filter{}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if items, err := v.List(Filter{}); err != nil || len(items) != benchItems {
				b.Fatal(len(items), err)
			}
		}
	})
}

// BenchmarkSearch10k measures `vault search` over the same vault, beyond
// key derivation: a word found nowhere (every title, note, call and the
// content of every text document is read) and a word found in every
// condition note.
func BenchmarkSearch10k(b *testing.B) {
	path, pass := buildBenchVault(b)
	for _, q := range []struct{ name, text string }{{"miss", "xyzzy"}, {"hit", "sleeping"}} {
		b.Run("cold-"+q.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				v := benchOpen(b, path, pass)
				b.StartTimer()
				if _, err := v.Search(q.text, Filter{}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				v.Close()
				b.StartTimer()
			}
		})
	}
}
