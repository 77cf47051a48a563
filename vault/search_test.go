package vault

import (
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"vault/store"
)

func TestSearch(t *testing.T) {
	v := evVault(t)
	back := evClaim(t, v, "back-2026")
	neck := evClaim(t, v, "neck-2026")
	// A long text note whose word spans the first chunk boundary (64 KiB).
	long := strings.Repeat("x", 64*1024-4) + "hypertonicity" + strings.Repeat(" y", 100)
	note := textDoc("clinical-note", "long-note.txt", long)
	pdf := textDoc("lmn", "lmn.pdf", pdfBytes+"% medical necessity\n")
	typed := textDoc("correspondence", "", "Faxed the LMN; Réception confirmed.")
	typed.Typed = true
	docs, _, err := v.AddDocuments(back, []NewDocument{note, pdf, typed}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	call, _, err := v.LogCall(back, Call{Rep: "Dana", Ref: "CR-77", Summary: "Claim pending review", Promised: "Decision by April 15", At: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	cond, err := v.LogCondition(neck, Condition{Phase: "before", Text: "Sitting tolerance 20 minutes", Measures: []Measure{{"ODI", "42%"}}})
	if err != nil {
		t.Fatal(err)
	}
	amount := Cents(9500)
	rc := textDoc("receipt", "r.pdf", pdfBytes+"%r")
	rc.Date, rc.Amount, rc.CPT = "2026-03-04", &amount, []CPTLine{{"97124", 2}}
	rcs, _, err := v.AddDocuments(neck, []NewDocument{rc}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.UpdateClaim(neck, ClaimUpdate{ClaimNumber: ptr("CLM-0042"), Referrer: ptr("Dr. Natarajan")}); err != nil {
		t.Fatal(err)
	}
	type hit struct{ id, fields string }
	for _, tc := range []struct {
		text string
		f    Filter
		want []hit
	}{
		{"HYPERTONICITY", Filter{}, []hit{{docs[0].ID, "content"}}},
		{"medical necessity", Filter{}, nil}, // inside a PDF: not read
		{"lmn", Filter{}, []hit{{docs[1].ID, "title,file_name"}, {docs[2].ID, "title,content"}}},
		{"réception", Filter{}, []hit{{docs[2].ID, "title,content"}}},
		{"pending", Filter{}, []hit{{call.ID, "summary"}}},
		{"april 15", Filter{}, []hit{{call.ID, "promised"}}},
		{"cr-77", Filter{}, []hit{{call.ID, "ref"}}},
		{"sitting", Filter{}, []hit{{cond.ID, "text"}}},
		{"odi=42", Filter{}, []hit{{cond.ID, "measures"}}},
		{"sitting", Filter{ClaimID: back.ID}, nil},
		{"nothing like this", Filter{}, nil},
		{"95", Filter{}, []hit{{rcs[0].ID, "amount"}}},
		{"$95.00", Filter{}, []hit{{rcs[0].ID, "amount"}}},
		{"97124", Filter{}, []hit{{rcs[0].ID, "cpt"}}},
		{"2026-03", Filter{}, []hit{{rcs[0].ID, "date"}}},
		{"2026-04", Filter{}, []hit{{call.ID, "date"}}},
		{"clm-0042", Filter{}, []hit{{cond.ID, "claim_number"}, {rcs[0].ID, "claim_number"}}},
		{"natarajan", Filter{}, []hit{{cond.ID, "referrer"}, {rcs[0].ID, "referrer"}}},
		{"decision pending", Filter{}, []hit{{call.ID, "promised,summary"}}},
		{"decision nowhere", Filter{}, nil},
		{"faxed reception", Filter{}, []hit{{docs[2].ID, "title"}}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			hits, err := v.Search(tc.text, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []hit
			for _, h := range hits {
				got = append(got, hit{h.Item.RecordID(), strings.Join(h.Fields, ",")})
				if h.Snippet == "" || strings.ContainsAny(h.Snippet, "\n\t") {
					t.Errorf("snippet %q", h.Snippet)
				}
			}
			// Items of the same date and time come by ID: compare in that order.
			sort.Slice(tc.want, func(i, j int) bool { return tc.want[i].id < tc.want[j].id })
			sort.Slice(got, func(i, j int) bool { return got[i].id < got[j].id })
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("hit %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
	hits, _ := v.Search("hypertonicity", Filter{})
	if s := hits[0].Snippet; s != "...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxhypertonicity y y y y y y y y y y y y y y y..." {
		t.Errorf("snippet across the chunk boundary = %q", s)
	}
	if _, err := v.Search("  ", Filter{}); err == nil {
		t.Error("an empty search was accepted")
	}
	if _, err := v.Search("x", Filter{Kinds: []string{"reciept"}}); err == nil || !strings.Contains(err.Error(), "did you mean receipt") {
		t.Errorf("bad kind: %v", err)
	}
}

func TestFinder(t *testing.T) {
	feed := func(f *finder, parts ...string) {
		for _, p := range parts {
			if _, err := f.Write([]byte(p)); err != nil {
				return
			}
		}
	}
	// A match split across writes, in any case.
	f := &finder{needle: []byte("lumbar"), keep: 32, limit: 1 << 20}
	feed(f, "pain in the LUM", "BAR region")
	if !f.found || f.snippet != "pain in the LUMBAR region" {
		t.Errorf("split match: found %v, snippet %q", f.found, f.snippet)
	}
	// Beyond the limit nothing is read.
	f = &finder{needle: []byte("lumbar"), keep: 32, limit: 10}
	feed(f, "0123456789", "lumbar")
	if f.found || !f.full {
		t.Errorf("past the limit: found %v, full %v", f.found, f.full)
	}
	// The tail stays bounded.
	f = &finder{needle: []byte("zzz"), keep: 20, limit: 1 << 20}
	feed(f, strings.Repeat("a", 5000), strings.Repeat("b", 5000))
	if len(f.tail) > 20 {
		t.Errorf("tail grew to %d bytes", len(f.tail))
	}
}

func TestSearchTamperedContent(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	docs, _, err := v.AddDocuments(c, []NewDocument{textDoc("clinical-note", "n.txt", "Session note: lumbar pain.")}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Search("lumbar", Filter{}); err != nil {
		t.Fatal(err)
	}
	// Flip one byte of the sealed chunk, behind the vault's back.
	err = v.Store().Bolt().Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(store.BucketChunks))
		k := store.ChunkKey(docs[0].Blob, 0)
		sealed := append([]byte(nil), b.Get(k)...)
		sealed[len(sealed)/2] ^= 1
		return b.Put(k, sealed)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Search("lumbar", Filter{}); !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), docs[0].ID) {
		t.Errorf("search over a tampered document: %v", err)
	}
}
