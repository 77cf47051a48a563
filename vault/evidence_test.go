package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"vault/store"
)

// textDoc is a NewDocument read from a string.
func textDoc(kind, name, content string) NewDocument {
	return NewDocument{Kind: kind, FileName: name, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(content)), nil
	}}
}

var pdfBytes = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"

func TestAddDocuments(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	amount := Cents(8500)
	r := textDoc("receipt", "dir/receipt-0304.pdf", pdfBytes)
	r.Date, r.Amount, r.CPT = "2026-03-04", &amount, []CPTLine{{"97124", 2}}
	docs, warnings, err := v.AddDocuments(c, []NewDocument{r, textDoc("Clinical-Note", "note.txt", "SOAP note: pain 6/10\n")}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The receipt had its date; the note's date of service defaulted to today.
	if len(warnings) != 1 || !strings.Contains(warnings[0], "clinical-note "+docs[1].ID+" (note.txt) has no date of service: it defaulted to today, 2026-05-01; set the real one with 'vault edit "+docs[1].ID+" --date D'") {
		t.Errorf("warnings: %q", warnings)
	}
	d := docs[0]
	if d.Kind != "receipt" || d.Date != "2026-03-04" || d.FileName != "receipt-0304.pdf" || d.Title != "receipt-0304" ||
		d.MediaType != "application/pdf" || d.Size != int64(len(pdfBytes)) || *d.Amount != 8500 || d.Claim != c.ID {
		t.Errorf("document = %+v", d)
	}
	if docs[1].Kind != "clinical-note" || docs[1].Date != "2026-05-01" || !IsText(docs[1].MediaType) {
		t.Errorf("note = %+v", docs[1])
	}
	if sum := sha256.Sum256([]byte(pdfBytes)); d.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 = %s, want %x", d.SHA256, sum)
	}
	var buf bytes.Buffer
	if err := v.ReadDocument(d, &buf); err != nil || buf.String() != pdfBytes {
		t.Errorf("ReadDocument = %q, %v", buf.String(), err)
	}

	// A date in the file name is taken, and said; a letter dated today is
	// not warned about.
	named, warnings, err := v.AddDocuments(c, []NewDocument{
		textDoc("receipt", "receipt-2026-02-03.pdf", pdfBytes+"2"),
		textDoc("clinical-note", "IMG_20260203_142233.txt", "visit 2"),
		textDoc("lmn", "letter.pdf", pdfBytes+"3"),
	}, AddOptions{})
	if err != nil || named[0].Date != "2026-02-03" || named[1].Date != "2026-02-03" || named[2].Date != "2026-05-01" {
		t.Fatalf("dated from names = %+v, %v", named, err)
	}
	if len(warnings) != 2 || warnings[0] != "receipt "+named[0].ID+" is dated 2026-02-03, taken from its file name receipt-2026-02-03.pdf: if that is wrong, change it with 'vault edit "+named[0].ID+" --date D'" {
		t.Errorf("warnings = %q", warnings)
	}

	// A typed note gets its first line as title.
	typed := textDoc("clinical-note", "", "\n  Visit 3:  worked on\nthe neck\n")
	typed.Typed = true
	got, _, err := v.AddDocuments(c, []NewDocument{typed}, AddOptions{})
	if err != nil || got[0].Title != "Visit 3: worked on" || !got[0].Typed {
		t.Fatalf("typed = %+v, %v", got, err)
	}

	// A typed note's title is plain text whatever its first line holds, and
	// no longer than a title may be.
	for _, tc := range []struct{ text, want string }{
		{"\x1b[31mRed\x1b[0m alert\r\nmore", "[31mRed [0m alert"},
		{"caf\xe9 \u0085note", "caf note"},
		{strings.Repeat("€", 100), strings.Repeat("€", 57) + "..."},
	} {
		typed := textDoc("clinical-note", "", tc.text)
		typed.Typed = true
		got, _, err := v.AddDocuments(c, []NewDocument{typed}, AddOptions{AllowDuplicate: true})
		if err != nil || got[0].Title != tc.want {
			t.Errorf("typed %q: title %q, %v; want %q", tc.text, got[0].Title, err, tc.want)
		}
	}
	wide := textDoc("clinical-note", "", strings.Repeat("\U0001F600", 70))
	wide.Typed = true
	if got, _, err := v.AddDocuments(c, []NewDocument{wide}, AddOptions{}); err != nil || len(got[0].Title) > maxShortText {
		t.Errorf("typed emoji: %v (%d bytes of title)", err, len(got[0].Title))
	}

	// A mismatched extension warns.
	_, warnings, err = v.AddDocuments(c, []NewDocument{textDoc("eob", "eob.jpg", pdfBytes+"x")}, AddOptions{})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "eob.jpg: the name ends in .jpg but the content is PDF") {
		t.Errorf("warnings = %v, %v", warnings, err)
	}
}

func TestAddDocumentsRefusals(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	first, _, err := v.AddDocuments(c, []NewDocument{textDoc("receipt", "r.pdf", pdfBytes)}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other := evClaim(t, v, "neck-2026")
	good := textDoc("receipt", "good.pdf", pdfBytes+"good")
	failOpen := NewDocument{Kind: "receipt", FileName: "gone.pdf", Open: func() (io.ReadCloser, error) { return nil, errors.New("gone.pdf: no such file") }}
	failRead := NewDocument{Kind: "receipt", FileName: "bad.pdf", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(strings.NewReader(pdfBytes), errReader{})), nil
	}}
	amount := Cents(100)
	withAmount := textDoc("lmn", "lmn.pdf", pdfBytes+"lmn")
	withAmount.Amount = &amount
	validUntil := textDoc("receipt", "v.pdf", pdfBytes+"v")
	validUntil.ValidUntil = "2026-12-31"
	early := textDoc("lmn", "lmn.pdf", pdfBytes+"early")
	early.Date, early.ValidUntil = "2026-03-01", "2026-02-01"
	badDate := textDoc("receipt", "d.pdf", pdfBytes+"d")
	badDate.Date = "2026-02-30"
	for _, tc := range []struct {
		name string
		docs []NewDocument
		o    AddOptions
		want string
	}{
		{"empty", []NewDocument{good, textDoc("receipt", "empty.pdf", "")}, AddOptions{}, "empty.pdf is empty: nothing was added"},
		{"duplicate", []NewDocument{good, textDoc("receipt", "again.pdf", pdfBytes)}, AddOptions{}, "again.pdf is already stored under claim back-2026 as " + first[0].ID},
		{"duplicate in batch", []NewDocument{good, textDoc("receipt", "copy.pdf", pdfBytes+"good")}, AddOptions{}, "good.pdf and copy.pdf have the same content"},
		{"archive", []NewDocument{good, textDoc("receipt", "a.zip", "PK\x03\x04\x14\x00\x00\x00\x08\x00")}, AddOptions{}, "a.zip is an archive (application/zip), which insurers do not accept"},
		{"program", []NewDocument{textDoc("other", "run", "\x7fELF\x02\x01\x01\x00"+strings.Repeat("\x00", 56))}, AddOptions{}, "run is a program"},
		{"script", []NewDocument{textDoc("other", "x.sh", "#!/bin/sh\necho hi\n")}, AddOptions{}, "x.sh is a script"},
		{"open fails", []NewDocument{good, failOpen}, AddOptions{}, "gone.pdf: no such file"},
		{"read fails", []NewDocument{good, failRead}, AddOptions{}, "bad.pdf: store: disk on fire"},
		{"kind", []NewDocument{good, textDoc("reciept", "k.pdf", pdfBytes+"k")}, AddOptions{}, `k.pdf: unknown kind "reciept" (did you mean receipt?)`},
		{"amount on lmn", []NewDocument{withAmount}, AddOptions{}, "an amount and CPT codes belong to receipts"},
		{"valid-until on receipt", []NewDocument{validUntil}, AddOptions{}, "a valid-until date belongs to a referral"},
		{"valid-until before date", []NewDocument{early}, AddOptions{}, "is before the document's date"},
		{"bad date", []NewDocument{badDate}, AddOptions{}, "bad date"},
		{"title escape", []NewDocument{good, titled("t.pdf", "Visit\x1b[31m 1")}, AddOptions{}, "t.pdf: title has a control character (U+001B): type it as plain text"},
		{"title line break", []NewDocument{titled("t.pdf", "Visit\n1")}, AddOptions{}, "t.pdf: title has a line break: type it on one line"},
		{"title not UTF-8", []NewDocument{titled("t.pdf", "caf\xe9")}, AddOptions{}, "t.pdf: title is not valid UTF-8 text"},
		{"file name escape", []NewDocument{good, textDoc("receipt", "../../etc/x\x1b[31m.pdf", pdfBytes+"n")}, AddOptions{}, `"x\x1b[31m.pdf": file name has a control character (U+001B): type it as plain text`},
		{"file name not UTF-8", []NewDocument{textDoc("receipt", "scans/caf\xe9.pdf", pdfBytes+"n")}, AddOptions{}, `"caf\xe9.pdf": file name is not valid UTF-8 text`},
		{"file name dots", []NewDocument{textDoc("receipt", "scans/..", pdfBytes+"n")}, AddOptions{}, `bad file name ".": give the file's name without folders`},
		{"nothing", nil, AddOptions{}, "nothing to add"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := historyLen(t, v)
			_, _, err := v.AddDocuments(c, tc.docs, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.ContainsAny(err.Error(), "\x1b\xe9") {
				t.Errorf("the error carries raw bytes of the input: %q", err)
			}
			if historyLen(t, v) != before {
				t.Error("a refused add was written")
			}
			items, _ := v.Items(c.ID)
			if len(items) != 1 {
				t.Errorf("claim holds %d items, want 1", len(items))
			}
			if n := countChunks(t, v); n != 1 {
				t.Errorf("the vault holds chunks of %d blobs, want 1 (refused blobs were not discarded)", n)
			}
		})
	}
	// Overrides.
	if _, _, err := v.AddDocuments(c, []NewDocument{textDoc("receipt", "again.pdf", pdfBytes)}, AddOptions{AllowDuplicate: true}); err != nil {
		t.Errorf("--allow-duplicate: %v", err)
	}
	if _, _, err := v.AddDocuments(c, []NewDocument{textDoc("other", "a.zip", "PK\x03\x04\x14\x00\x00\x00\x08\x00")}, AddOptions{AnyType: true}); err != nil {
		t.Errorf("--any-type: %v", err)
	}
	// The same file under another claim is not a duplicate.
	if _, _, err := v.AddDocuments(other, []NewDocument{textDoc("receipt", "r.pdf", pdfBytes)}, AddOptions{}); err != nil {
		t.Errorf("same file, other claim: %v", err)
	}
}

// titled is a receipt named name with a title.
func titled(name, title string) NewDocument {
	d := textDoc("receipt", name, pdfBytes+name)
	d.Title = title
	return d
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// countChunks counts the distinct blobs that have chunks in the store.
func countChunks(t testing.TB, v *Vault) int {
	t.Helper()
	blobs := map[string]bool{}
	tx, err := v.Store().Bolt().Begin(false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	b := tx.Bucket([]byte(store.BucketChunks))
	if b == nil {
		t.Fatal("no chunks bucket")
	}
	_ = b.ForEach(func(k, _ []byte) error {
		blobs[string(k[:len(k)-8])] = true
		return nil
	})
	return len(blobs)
}

func TestLogCallAndCondition(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	ny := time.FixedZone("EDT", -4*3600)
	call, warnings, err := v.LogCall(c, Call{Rep: " Dana ", Summary: "asked for the LMN", Party: "Insurer", At: time.Date(2026, 4, 1, 23, 30, 0, 0, ny), Duration: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "ask the representative for a call reference") {
		t.Errorf("warnings = %v", warnings)
	}
	if call.Rep != "Dana" || call.Party != "insurer" || ItemDate(call) != "2026-04-01" || ItemKind(call) != "call" {
		t.Errorf("call = %+v, date %s", call, ItemDate(call))
	}
	stored, err := v.Record(call.ID)
	if err != nil || !stored.(*Call).At.Equal(call.At) {
		t.Errorf("stored = %+v, %v", stored, err)
	}
	if _, w, err := v.LogCall(c, Call{Rep: "Dana", Summary: "x", Ref: "R-1"}); err != nil || len(w) != 0 {
		t.Errorf("with ref: %v %v", w, err)
	}
	pain := 7
	cond, err := v.LogCondition(c, Condition{Phase: "Before", Pain: &pain, Measures: []Measure{{"ODI", "42%"}}, Text: "stiff neck"})
	if err != nil || cond.Date != "2026-05-01" || cond.Phase != "before" || ItemKind(cond) != "condition" {
		t.Fatalf("condition = %+v, %v", cond, err)
	}
	n := historyLen(t, v)
	bad := 11
	for _, tc := range []struct {
		name string
		fn   func() error
		want string
	}{
		{"no rep", func() error { _, _, err := v.LogCall(c, Call{Summary: "x"}); return err }, "no representative"},
		{"no summary", func() error { _, _, err := v.LogCall(c, Call{Rep: "x"}); return err }, "no summary"},
		{"party", func() error { _, _, err := v.LogCall(c, Call{Rep: "x", Summary: "y", Party: "insurance"}); return err }, `unknown party "insurance"`},
		{"follow-up", func() error {
			_, _, err := v.LogCall(c, Call{Rep: "x", Summary: "y", FollowUp: "soon"})
			return err
		}, "bad follow-up date"},
		{"pain", func() error { _, err := v.LogCondition(c, Condition{Phase: "after", Pain: &bad}); return err }, "bad pain score 11"},
		{"phase", func() error { _, err := v.LogCondition(c, Condition{Phase: "durring"}); return err }, `unknown phase "durring"`},
		{"measure", func() error {
			_, err := v.LogCondition(c, Condition{Phase: "after", Measures: []Measure{{"", "1"}}})
			return err
		}, "a measure needs a name"},
		{"unknown claim", func() error { _, err := v.LogCondition(&Claim{ID: "zzzzzzzz"}, Condition{Phase: "after"}); return err }, "no such record"},
		{"rep escape", func() error { _, _, err := v.LogCall(c, Call{Rep: "Dana\x1b]0;owned\a", Summary: "y"}); return err }, "representative has a control character (U+001B): type it as plain text"},
		{"rep not UTF-8", func() error { _, _, err := v.LogCall(c, Call{Rep: "Da\xffna", Summary: "y"}); return err }, "representative is not valid UTF-8 text"},
		{"summary escape", func() error { _, _, err := v.LogCall(c, Call{Rep: "x", Summary: "ok\n\x1b[2J"}); return err }, "summary has a control character (U+001B): only line breaks and tabs are allowed"},
		{"summary not UTF-8", func() error { _, _, err := v.LogCall(c, Call{Rep: "x", Summary: "\xfe"}); return err }, "summary is not valid UTF-8 text"},
		{"condition text escape", func() error { _, err := v.LogCondition(c, Condition{Phase: "after", Text: "\u009b2J"}); return err }, "text has a control character (U+009B)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.fn(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if historyLen(t, v) != n {
		t.Error("refused records were written")
	}
	// Notes keep line breaks and tabs; Windows line ends become plain ones.
	call, _, err = v.LogCall(c, Call{Rep: "Lee", Ref: "R-2", Summary: " said:\r\n\tpending\r\n", Promised: "a\r\nb"})
	if err != nil || call.Summary != "said:\n\tpending" || call.Promised != "a\nb" {
		t.Errorf("call = %q %q, %v", call.Summary, call.Promised, err)
	}
}

func TestUpdateItem(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	docs, _, err := v.AddDocuments(c, []NewDocument{textDoc("receipt", "r.pdf", pdfBytes)}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := *docs[0]
	d.Title, d.Date = "Visit 1", "2026-03-04"
	changed, err := v.UpdateItem(&d)
	if err != nil || strings.Join(changed, ",") != "date,title" {
		t.Fatalf("UpdateItem = %v, %v", changed, err)
	}
	h, _ := v.History()
	last := h[len(h)-1]
	if was, err := BeforeRecord(last); last.Action != ActionEdit || err != nil || was.(*Document).Title != "r" {
		t.Errorf("history: %v %+v %v", last.Action, was, err)
	}
	n := historyLen(t, v)
	if changed, err := v.UpdateItem(&d); err != nil || len(changed) != 0 || historyLen(t, v) != n {
		t.Errorf("unchanged: %v %v", changed, err)
	}
	// Edits are normalized as adding is: the same title with spaces is no
	// change; a file name keeps only its base name.
	spaced := d
	spaced.Title = "  Visit 1 "
	if changed, err := v.UpdateItem(&spaced); err != nil || len(changed) != 0 || historyLen(t, v) != n {
		t.Errorf("spaced title: %v %v", changed, err)
	}
	renamed := d
	renamed.FileName = "../../etc/passwd"
	if changed, err := v.UpdateItem(&renamed); err != nil || strings.Join(changed, ",") != "file_name" {
		t.Fatalf("rename: %v, %v", changed, err)
	}
	if r, _ := v.Record(d.ID); r.(*Document).FileName != "passwd" {
		t.Errorf("file name stored as %q", r.(*Document).FileName)
	}
	d.FileName = "passwd"
	n = historyLen(t, v)
	bytesChanged := d
	bytesChanged.SHA256 = strings.Repeat("0", 64)
	badKind := d
	badKind.Kind = "reciept"
	moved := d
	moved.Claim = "zzzzzzzz"
	for _, tc := range []struct {
		name string
		r    Record
		want string
	}{
		{"bytes", &bytesChanged, "its bytes never change"},
		{"kind", &badKind, "did you mean receipt?"},
		{"claim", &moved, "no such record"},
		{"claim record", c, "only documents, calls and condition notes"},
		{"type", &Call{ID: d.ID}, "is a document, not a call"},
		{"file name escape", withDoc(d, func(d *Document) { d.FileName = "../../etc/x\x1b[31m" }), "file name has a control character (U+001B): type it as plain text"},
		{"file name not UTF-8", withDoc(d, func(d *Document) { d.FileName = "x\xff.pdf" }), "file name is not valid UTF-8 text"},
		{"file name dots", withDoc(d, func(d *Document) { d.FileName = "a/.." }), `bad file name "."`},
		{"title escape", withDoc(d, func(d *Document) { d.Title = "Visit\x1b[31m" }), "title has a control character (U+001B)"},
		{"title not UTF-8", withDoc(d, func(d *Document) { d.Title = "\xff" }), "title is not valid UTF-8 text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := v.UpdateItem(tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if historyLen(t, v) != n {
		t.Error("refused edits were written")
	}
}

// withDoc returns a changed copy of a document.
func withDoc(d Document, f func(*Document)) *Document {
	f(&d)
	return &d
}

func TestUpdateItemCallAndCondition(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	call, _, err := v.LogCall(c, Call{Rep: "Dana", Ref: "R-1", Summary: "pending"})
	if err != nil {
		t.Fatal(err)
	}
	cond, err := v.LogCondition(c, Condition{Phase: "before", Text: "stiff", Measures: []Measure{{"ODI", "42%"}}})
	if err != nil {
		t.Fatal(err)
	}
	n := historyLen(t, v)
	for _, tc := range []struct {
		name string
		r    Record
		want string
	}{
		{"rep escape", &Call{ID: call.ID, Claim: c.ID, At: call.At, Rep: "Dana\x1b[8m", Summary: "pending", Added: call.Added}, "representative has a control character (U+001B)"},
		{"rep not UTF-8", &Call{ID: call.ID, Claim: c.ID, At: call.At, Rep: "\xff", Summary: "pending", Added: call.Added}, "representative is not valid UTF-8 text"},
		{"summary escape", &Call{ID: call.ID, Claim: c.ID, At: call.At, Rep: "Dana", Summary: "a\x07", Added: call.Added}, "summary has a control character (U+0007): only line breaks and tabs are allowed"},
		{"measure escape", &Condition{ID: cond.ID, Claim: c.ID, Phase: "before", Date: cond.Date, Measures: []Measure{{"ODI", "4\x1b2"}}, Added: cond.Added}, "measure has a control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.UpdateItem(tc.r)
			var fe *FieldError
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &fe) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if historyLen(t, v) != n {
		t.Error("refused edits were written")
	}
	// The caller's measures are not changed by the normalization.
	ms := []Measure{{" ODI ", " 38% "}}
	changed, err := v.UpdateItem(&Condition{ID: cond.ID, Claim: c.ID, Phase: "Before", Date: cond.Date, Text: "stiff\r\n", Measures: ms, Added: cond.Added})
	if err != nil || strings.Join(changed, ",") != "measures" || ms[0].Name != " ODI " {
		t.Errorf("UpdateItem = %v, %v; caller's measures %q", changed, err, ms)
	}
}
