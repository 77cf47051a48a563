package vault_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// coreMarker is written into every field a user can fill; it must appear
// nowhere in the vault file.
const coreMarker = "ZQXMARKER"

// coreMarkerForms returns the byte strings that would betray the marker:
// as typed, in lower, upper and mixed case, as UTF-16 (both byte orders),
// hex and base64 (as JSON encodes []byte).
func coreMarkerForms() map[string][]byte {
	forms := map[string][]byte{}
	for name, s := range map[string]string{"as typed": coreMarker, "lower": strings.ToLower(coreMarker), "title": "Zqxmarker"} {
		forms[name] = []byte(s)
		var le, be []byte
		for _, u := range utf16.Encode([]rune(s)) {
			le = append(le, byte(u), byte(u>>8))
			be = append(be, byte(u>>8), byte(u))
		}
		forms[name+" UTF-16LE"] = le
		forms[name+" UTF-16BE"] = be
	}
	forms["hex"] = []byte(hex.EncodeToString([]byte(coreMarker)))
	forms["base64"] = []byte(base64.StdEncoding.EncodeToString([]byte(coreMarker))[:8])
	return forms
}

// TestCoreMarkerNowhereInFile writes the marker through every path a user's
// words take into the vault (claim fields, a document's file name, title
// and contents, call and condition notes, request notes, history notes,
// edits and removals that keep the old version in the history, a passphrase
// change) and then searches the whole file for it.
func TestCoreMarkerNowhereInFile(t *testing.T) {
	path, _ := coreInit(t)
	v := coreOpen(t, path, corePass)
	m := coreMarker
	ids := map[string]bool{}
	newID := func() string {
		for {
			id, err := v.NewID()
			if err != nil {
				t.Fatal(err)
			}
			if !ids[id] {
				ids[id] = true
				return id
			}
		}
	}
	visits := 12
	claim := &vault.Claim{ID: newID(), Name: "claim-" + m, Patient: "Pat " + m, Insurer: "Insurer " + m, Plan: "plan " + m,
		MemberID: "M-" + m, Group: "G-" + m, ClaimNumber: "CN-" + m, Provider: "Dr " + m, NPI: m, License: m, Referrer: m,
		Diagnoses: []string{"M17.11 " + m}, Visits: &visits, Status: "open " + m,
		StatusHistory: []vault.StatusChange{{Status: "filed " + m, Date: "2026-04-01"}}, Created: coreNow}
	// Document contents: the marker at a chunk boundary, in a small text
	// document and spread through a large one.
	small := []byte("typed note: " + m + "\n" + strings.ToLower(m) + "\n")
	large := bytes.Repeat([]byte(m+" lorem ipsum "), 20_000) // ~440 KiB, 7 chunks
	boundary := append(bytes.Repeat([]byte{' '}, crypto.ChunkSize-4), m...)
	var utf16doc []byte
	for _, u := range utf16.Encode([]rune(strings.Repeat(m+" ", 100))) {
		utf16doc = append(utf16doc, byte(u), byte(u>>8))
	}
	var docs []*vault.Document
	for i, content := range [][]byte{small, large, boundary, utf16doc} {
		blob, err := v.WriteBlob(bytes.NewReader(content), vault.BlobOptions{})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, &vault.Document{ID: newID(), Claim: claim.ID, Kind: "letter-" + m, Date: vault.Date("2026-04-0" + string(rune('1'+i))),
			Title: "Title " + m, FileName: m + ".pdf", MediaType: "text/" + m, Size: blob.Size, SHA256: blob.SHA256,
			CPT: []vault.CPTLine{{Code: m, Units: 1}}, Typed: i == 0, Blob: blob.ID, Chunks: blob.Chunks, Added: coreNow})
	}
	pain := 6
	call := &vault.Call{ID: newID(), Claim: claim.ID, At: coreNow, Party: "insurer " + m, Rep: "Rep " + m, Ref: "REF-" + m,
		Phone: "555 " + m, Summary: "said " + m, Promised: "to call " + m, Added: coreNow}
	cond := &vault.Condition{ID: newID(), Claim: claim.ID, Date: "2026-04-05", Phase: "before", Pain: &pain,
		Measures: []vault.Measure{{Name: "ODI " + m, Value: "42% " + m}}, Text: "cannot climb stairs " + m, Added: coreNow}
	req := &vault.Request{ID: newID(), Claim: claim.ID, Received: "2026-04-06", Kinds: []string{"kind-" + m}, Note: "send " + m, Added: coreNow}
	err := v.Update(func(tx *vault.Tx) error {
		recs := []vault.Record{claim, call, cond, req}
		for _, d := range docs {
			recs = append(recs, d)
		}
		for _, r := range recs {
			if err := tx.Put(r, vault.ActionAdd, "note "+m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// An edit and a removal: the history keeps the old plaintext (sealed).
	edited := *claim
	edited.Status = "paid " + m
	err = v.Update(func(tx *vault.Tx) error {
		if err := tx.Put(&edited, vault.ActionEdit, "edited "+m); err != nil {
			return err
		}
		return tx.Delete(cond.ID, "removed "+m)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.ChangePassphrase([]byte("passphrase "+m), crypto.KDFParams{}); err != nil {
		t.Fatal(err)
	}
	// An orphan blob holding the marker (reclaimed at the next open, but
	// its chunks are on disk now).
	if _, err := v.WriteBlob(bytes.NewReader(large), vault.BlobOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}

	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, hit := range markerHits(b, m) {
		t.Errorf("the marker (%s) is in the vault file", hit)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("vault file mode %v, want 0600", st.Mode().Perm())
	}
	// The test can fail: a copy of this vault file with the marker planted
	// as a raw bbolt value (as a bug that stored plaintext would) is found
	// by the same search.
	planted := filepath.Join(t.TempDir(), "planted.db")
	if err := os.WriteFile(planted, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(planted, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(store.BucketRecords)).Put([]byte("planted"), []byte("call note "+m))
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	pb, err := os.ReadFile(planted)
	if err != nil {
		t.Fatal(err)
	}
	if len(markerHits(pb, m)) == 0 {
		t.Fatal("the search does not find the marker planted in a vault file as a raw bbolt value")
	}
	// And everything is really in there, readable with the passphrase.
	v = coreOpen(t, path, "passphrase "+m)
	defer v.Close()
	var buf bytes.Buffer
	if err := v.ReadDocument(docs[1], &buf); err != nil || !bytes.Equal(buf.Bytes(), large) {
		t.Fatalf("the large document does not read back: %v", err)
	}
	got, err := v.Record(claim.ID)
	if err != nil || got.(*vault.Claim).Status != "paid "+m {
		t.Fatalf("the edited claim does not read back: %v", err)
	}
	h, err := v.History()
	if err != nil || !strings.Contains(h[len(h)-2].Note, m) {
		t.Fatalf("history notes do not read back: %v", err)
	}
}

// markerHits names each form of the marker m found in b (see
// coreMarkerForms), and any other casing of its ASCII.
func markerHits(b []byte, m string) []string {
	var hits []string
	for name, f := range coreMarkerForms() {
		if i := bytes.Index(b, f); i >= 0 {
			hits = append(hits, fmt.Sprintf("%s, at offset %d", name, i))
		}
	}
	if i := bytes.Index(bytes.ToUpper(b), []byte(strings.ToUpper(m))); i >= 0 {
		hits = append(hits, fmt.Sprintf("some casing, at offset %d", i))
	}
	return hits
}
