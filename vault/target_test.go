package vault

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestResolveItemAndLastFiled(t *testing.T) {
	v := evVault(t)
	back := evClaim(t, v, "back-2026")
	neck := evClaim(t, v, "neck-2026")
	if _, err := v.LastFiled(""); !errors.Is(err, ErrNothingFiled) {
		t.Fatalf("LastFiled of an empty vault = %v", err)
	}
	add := func(c *Claim, name string, at time.Time) *Document {
		t.Helper()
		v.now = func() time.Time { return at }
		docs, _, err := v.AddDocuments(c, []NewDocument{textDoc("receipt", name, "bytes of "+name)}, AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return docs[0]
	}
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a := add(back, "a.txt", t0)
	b := add(neck, "b.txt", t0.Add(time.Minute))
	c := add(back, "c.txt", t0.Add(-time.Hour)) // filed later, but its clock said earlier: Added decides
	for _, tc := range []struct {
		arg, claim, want string
	}{
		{"last", "", b.ID},
		{"LAST", back.ID, a.ID},
		{"last", neck.ID, b.ID},
		{"back-2026", "", back.ID},
		{a.ID[:4], "", a.ID},
		{c.ID, "", c.ID},
	} {
		r, err := v.ResolveItem(tc.arg, tc.claim)
		if err != nil || r.RecordID() != tc.want {
			t.Errorf("ResolveItem(%q, %q) = %v, %v; want %s", tc.arg, tc.claim, r, err, tc.want)
		}
	}
	if _, err := v.ResolveItem("nope-2026", ""); err == nil {
		t.Error("ResolveItem of an unknown name succeeded")
	}
}

func TestRemoveClaimWithExportsOnly(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	docs, _, err := v.AddDocuments(c, []NewDocument{textDoc("receipt", "r.pdf", pdfBytes)}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exp := &Export{Claim: c.ID}
	if err := v.Update(func(tx *Tx) error {
		var err error
		if exp.ID, err = tx.NewID(); err != nil {
			return err
		}
		return tx.Put(exp, ActionAdd, "export")
	}); err != nil {
		t.Fatal(err)
	}
	err = v.Remove(c)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "claim back-2026 still holds 1 document: remove them first") {
		t.Fatalf("Remove of a claim with a document = %v", err)
	}
	if err := v.Remove(docs[0]); err != nil {
		t.Fatal(err)
	}
	if err := v.Remove(c); err != nil {
		t.Fatalf("Remove of a claim with only an export = %v", err)
	}
	if _, err := v.Record(exp.ID); err == nil {
		t.Error("the export record outlived its claim")
	}
}
