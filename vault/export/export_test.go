package export

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vault/store"
	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/check"
)

// dn is the bundle name of the n-th document when it is the sample file.
func (f *fixture) dn(n int, file string) string {
	d := f.docs[file]
	return bundle.DocumentName(n, d.Kind, string(d.Date), d.Title, d.FileName, d.MediaType)
}

func TestSelections(t *testing.T) {
	f := newFixture(t)
	id := func(file string) string { return f.docs[file].ID }
	req, err := AddRequest(f.v, f.claim, vault.Request{Kinds: []string{"receipt"},
		On: []vault.Date{"2026-03-18", "2026-03-04", "2026-03-11"}, IDs: []string{id("lmn-2026-02-24.pdf")[:5]}, Due: "2026-05-30"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		sel   Selection
		req   *vault.Request
		files []string
		calls int    // rows in calls.csv
		conds int    // rows in conditions.csv
		pain  string // index.html's sentence on the pain score, if any
	}{
		{name: "whole claim", files: []string{
			nReferral, nPrescription, nLMN,
			f.dn(4, "receipt-2026-03-04.jpg"), f.dn(5, "session-note-2026-03-04.txt"),
			f.dn(6, "receipt-2026-03-11.png"), f.dn(7, "session-note-2026-03-11.txt"),
			f.dn(8, "receipt-2026-03-18.pdf"), f.dn(9, "session-note-2026-03-18.txt"),
			f.dn(10, "eob-2026-04-10.pdf"), f.dn(11, "denial-2026-04-10.pdf"),
			"calls.csv", "conditions.csv"}, calls: 3, conds: 3,
			pain: "Pain 7/10 on 2026-03-04 (before) → 3/10 on 2026-03-18 (after): 4 points better (57%), a clinically meaningful change (2 points or 30%)."},
		{name: "by kind", sel: Selection{Kinds: []string{"receipt"}}, files: []string{
			"documents/001-receipt-2026-03-04-superbill-ftm-1041-fernhill-therapeutic.jpg",
			"documents/002-receipt-2026-03-11-superbill-ftm-1063-fernhill-therapeutic.png",
			"documents/003-receipt-2026-03-18-superbill-ftm-1088-fernhill-therapeutic.pdf"}},
		{name: "two kinds, case folded", sel: Selection{Kinds: []string{"LMN", "receipt"}}, files: []string{
			"documents/001-lmn-2026-02-24-letter-of-medical-necessity-for-massage.pdf",
			f.dn(2, "receipt-2026-03-04.jpg"), f.dn(3, "receipt-2026-03-11.png"), f.dn(4, "receipt-2026-03-18.pdf")}},
		{name: "date range", sel: Selection{From: "2026-03-11", To: "2026-03-18"}, files: []string{
			f.dn(1, "receipt-2026-03-11.png"), f.dn(2, "session-note-2026-03-11.txt"),
			f.dn(3, "receipt-2026-03-18.pdf"), f.dn(4, "session-note-2026-03-18.txt"), "conditions.csv"}, conds: 2},
		{name: "open range", sel: Selection{From: "2026-04-01"}, files: []string{
			f.dn(1, "eob-2026-04-10.pdf"), f.dn(2, "denial-2026-04-10.pdf"), "calls.csv"}, calls: 1},
		{name: "on dates with a kind", sel: Selection{Kinds: []string{"clinical-note"}, On: []vault.Date{"2026-03-18", "2026-03-04"}}, files: []string{
			"documents/001-clinical-note-2026-03-04-soap-note-massage-visit-1-pain-7-10.txt",
			"documents/002-clinical-note-2026-03-18-soap-note-massage-visit-3-pain-3-10.txt"}},
		{name: "on a date, any kind", sel: Selection{On: []vault.Date{"2026-03-04"}}, files: []string{
			f.dn(1, "receipt-2026-03-04.jpg"), f.dn(2, "session-note-2026-03-04.txt"), "conditions.csv"}, conds: 1},
		{name: "on dates or a range", sel: Selection{Kinds: []string{"receipt"}, On: []vault.Date{"2026-03-04"}, From: "2026-03-15"}, files: []string{
			f.dn(1, "receipt-2026-03-04.jpg"), f.dn(2, "receipt-2026-03-18.pdf")}},
		{name: "by ID prefixes", sel: Selection{IDs: []string{id("lmn-2026-02-24.pdf")[:4], f.calls[1].ID, strings.ToUpper(f.conds[2].ID)}}, files: []string{
			f.dn(1, "lmn-2026-02-24.pdf"), "calls.csv", "conditions.csv"}, calls: 1, conds: 1},
		{name: "IDs add to a kind", sel: Selection{Kinds: []string{"receipt"}, On: []vault.Date{"2026-03-11"}, IDs: []string{id("referral-2026-02-20.pdf")}}, files: []string{
			f.dn(1, "referral-2026-02-20.pdf"), f.dn(2, "receipt-2026-03-11.png")}},
		{name: "calls and conditions", sel: Selection{Kinds: []string{"call", "condition"}}, files: []string{"calls.csv", "conditions.csv"}, calls: 3, conds: 3,
			pain: "Pain 7/10 on 2026-03-04 (before) → 3/10 on 2026-03-18 (after): 4 points better (57%)"},
		{name: "request", req: req, files: []string{
			f.dn(1, "lmn-2026-02-24.pdf"), f.dn(2, "receipt-2026-03-04.jpg"), f.dn(3, "receipt-2026-03-11.png"), f.dn(4, "receipt-2026-03-18.pdf")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, res := f.export(t, tc.req, tc.sel, Options{})
			got := zipNames(t, out)
			if w := want(tc.files...); !slices.Equal(got, w) {
				t.Fatalf("the zip holds\n%s\nwant\n%s", joinLines(got), joinLines(w))
			}
			for _, name := range got {
				if strings.HasPrefix(name, "documents/") {
					doc := docOf(t, res.Manifest, name)
					d := f.docByID(doc.ID)
					if d == nil || d.Claim != f.claim.ID {
						t.Errorf("%s is not a document of the claim", name)
						continue
					}
					sum := sha256.Sum256(zipFile(t, out, name))
					if hex.EncodeToString(sum[:]) != d.SHA256 {
						t.Errorf("%s: bytes differ from the stored document", name)
					}
				}
			}
			if tc.calls > 0 {
				if rows := csvRows(t, zipFile(t, out, "calls.csv")); rows != tc.calls {
					t.Errorf("calls.csv has %d rows, want %d", rows, tc.calls)
				}
			}
			if tc.conds > 0 {
				if rows := csvRows(t, zipFile(t, out, "conditions.csv")); rows != tc.conds {
					t.Errorf("conditions.csv has %d rows, want %d", rows, tc.conds)
				}
			}
			// The pain change is `vault check`'s: from a "before" note to
			// an "after" or "progress" one, or nothing (progress to after
			// is not shown).
			html := string(zipFile(t, out, bundle.IndexName))
			if hasSummary := strings.Contains(html, `<p class="summary">`); hasSummary != (tc.pain != "") || !strings.Contains(html, tc.pain) {
				t.Errorf("index.html's pain change: want %q", tc.pain)
			}
			r, err := bundle.Verify(out)
			if err != nil || !r.OK() {
				t.Fatalf("verify: %v %q", err, r.Problems)
			}
			if !r.PublicKey.Equal(ed25519.NewKeyFromSeed(f.v.Keys().Signing).Public()) {
				t.Error("the bundle is not signed by the vault's key")
			}
		})
	}
	// The other claim never leaks, whatever the selection.
	for _, r := range f.oth {
		if strings.Contains(string(zipFile(t, must(f.export(t, nil, Selection{}, Options{})), "calls.csv")), r.RecordID()) {
			t.Errorf("%s of another claim is in the bundle", r.RecordID())
		}
	}
}

func must(out string, _ *Result) string { return out }

func (f *fixture) docByID(id string) *vault.Document {
	for _, d := range f.docs {
		if d.ID == id {
			return d
		}
	}
	return nil
}

func docOf(t *testing.T, m *bundle.Manifest, path string) bundle.File {
	for _, f := range m.Files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("manifest does not list %s", path)
	return bundle.File{}
}

func csvRows(t *testing.T, b []byte) int {
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return len(rows) - 1
}

func TestMissingWritesNothing(t *testing.T) {
	f := newFixture(t)
	req, err := AddRequest(f.v, f.claim, vault.Request{Kinds: []string{"eob"}})
	if err != nil {
		t.Fatal(err)
	}
	otherReceipt := f.oth[0].RecordID()
	tests := []struct {
		name string
		sel  Selection
		gaps []string
	}{
		{"kind and date", Selection{Kinds: []string{"receipt"}, On: []vault.Date{"2026-03-05"}}, []string{"receipt dated 2026-03-05"}},
		{"one date of two", Selection{Kinds: []string{"receipt"}, On: []vault.Date{"2026-03-04", "2026-03-05"}}, []string{"receipt dated 2026-03-05"}},
		{"two dates of two", Selection{Kinds: []string{"receipt"}, On: []vault.Date{"2026-03-06", "2026-03-05"}},
			[]string{"receipt dated 2026-03-05", "receipt dated 2026-03-06"}},
		{"a kind not on the dates", Selection{Kinds: []string{"receipt", "lmn"}, On: []vault.Date{"2026-03-04", "2026-03-11", "2026-03-18"}},
			[]string{"lmn dated 2026-03-04, 2026-03-11 or 2026-03-18"}},
		{"a kind the claim lacks", Selection{Kinds: []string{"authorization", "receipt"}}, []string{"authorization"}},
		{"a kind in a range", Selection{Kinds: []string{"appeal"}, From: "2026-03-01", To: "2026-03-31"}, []string{"appeal from 2026-03-01 to 2026-03-31"}},
		{"a date, any kind", Selection{On: []vault.Date{"2026-03-05"}}, []string{"any item dated 2026-03-05"}},
		{"an empty range", Selection{From: "2027-01-01"}, []string{"any item from 2027-01-01"}},
		{"an unknown ID", Selection{IDs: []string{"zzzz"}}, []string{"item zzzz (no item of claim back-2026 has this ID)"}},
		{"an item of another claim", Selection{IDs: []string{otherReceipt}}, []string{"item " + otherReceipt + " (it belongs to claim neck-2025, not back-2026)"}},
		{"a request is not an item", Selection{IDs: []string{req.ID}}, []string{"item " + req.ID + " (it is a request, not a document, call or condition note)"}},
		{"a claim is not an item", Selection{IDs: []string{f.claim.ID}}, []string{"item " + f.claim.ID + " (it is a claim, not a document, call or condition note)"}},
		{"several gaps", Selection{Kinds: []string{"receipt", "authorization"}, On: []vault.Date{"2026-03-04", "2026-03-05"}, IDs: []string{"zzzz"}},
			[]string{"authorization dated 2026-03-04 or 2026-03-05", "receipt or authorization dated 2026-03-05", "item zzzz (no item of claim back-2026 has this ID)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			histBefore := f.v.State().HistoryLen
			dir := t.TempDir()
			out := filepath.Join(dir, "bundle.zip")
			p, err := Prepare(f.v, f.claim, nil, tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Write(context.Background(), f.v, p, Options{Output: out})
			var me *MissingError
			if !errors.As(err, &me) {
				t.Fatalf("Write = %v, want a MissingError", err)
			}
			if !slices.Equal(me.Gaps, tc.gaps) {
				t.Errorf("gaps\n%s\nwant\n%s", joinLines(me.Gaps), joinLines(tc.gaps))
			}
			if !strings.Contains(err.Error(), "nothing was written") {
				t.Errorf("error %q", err)
			}
			assertEmptyDir(t, dir)
			if f.v.State().HistoryLen != histBefore {
				t.Error("the vault changed")
			}
			if ex, _ := Exports(f.v, ""); len(ex) != 0 {
				t.Errorf("%d exports recorded", len(ex))
			}

			// --allow-missing writes it, with the gaps in the manifest and index.html.
			res, err := Write(context.Background(), f.v, p, Options{Output: out, AllowMissing: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Manifest.Missing, tc.gaps) || !slices.Equal(res.Export.Missing, tc.gaps) {
				t.Errorf("manifest missing %q, record %q", res.Manifest.Missing, res.Export.Missing)
			}
			html := string(zipFile(t, out, "index.html"))
			if !strings.Contains(html, "Missing from this bundle") {
				t.Error("index.html does not show the gaps")
			}
			if r, err := bundle.Verify(out); err != nil || !r.OK() {
				t.Errorf("verify: %v %v", err, r)
			}
			if err := f.v.Update(func(tx *vault.Tx) error { return tx.Delete(res.Export.ID, "test") }); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestPrepareErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		sel  Selection
		want string
	}{
		{"unknown kind", Selection{Kinds: []string{"reciept"}}, `unknown kind "reciept" (did you mean receipt?)`},
		{"bad date", Selection{On: []vault.Date{"2026-13-01"}}, `bad date "2026-13-01"`},
		{"empty range", Selection{From: "2026-03-02", To: "2026-03-01"}, "the range is empty"},
		{"short ID", Selection{IDs: []string{"ab"}}, "too short"},
	}
	for _, tc := range tests {
		if _, err := Prepare(f.v, f.claim, nil, tc.sel); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Prepare = %v, want %q", tc.name, err, tc.want)
		}
	}
	otherReq, err := AddRequest(f.v, f.other, vault.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(f.v, f.claim, otherReq, Selection{}); err == nil || !strings.Contains(err.Error(), "not a request of claim back-2026") {
		t.Errorf("a request of another claim: %v", err)
	}
}

func TestRequestAnsweredAndRecorded(t *testing.T) {
	f := newFixture(t)
	req, err := AddRequest(f.v, f.claim, vault.Request{Kinds: []string{"receipt"}, On: []vault.Date{"2026-03-04"}, Received: "2026-04-15", Due: "2026-05-30", Note: "send it"})
	if err != nil {
		t.Fatal(err)
	}
	status := func(day vault.Date) check.RequestState {
		t.Helper()
		list, err := Requests(f.v, f.claim.ID, day)
		if err != nil || len(list) != 1 {
			t.Fatalf("Requests = %v, %v", list, err)
		}
		return list[0].State
	}
	if status("2026-05-01").Status != check.RequestOpen || status("2026-05-31").Status != check.RequestOverdue {
		t.Error("the state of an open request")
	}
	out, res := f.export(t, req, Selection{Kinds: []string{"ignored"}}, Options{})
	rec := res.Export
	got, err := f.v.Record(req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.(*vault.Request).Answered != rec.ID || status("2026-06-01") != (check.RequestState{Status: check.RequestAnswered, AnsweredBy: rec.ID, Due: "2026-05-30"}) {
		t.Errorf("request answered = %q, export %s", got.(*vault.Request).Answered, rec.ID)
	}
	stored, err := f.v.Record(rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	e := stored.(*vault.Export)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	abs, _ := filepath.Abs(out)
	if e.Claim != f.claim.ID || e.Request != req.ID || !e.At.Equal(testNow) || e.Output != abs ||
		e.BundleSHA256 != hex.EncodeToString(sum[:]) || e.BundleSize != int64(len(b)) {
		t.Errorf("export record %+v", e)
	}
	// Every file of the zip but the signature is recorded with its hash.
	var recorded []string
	for _, ef := range e.Files {
		recorded = append(recorded, ef.Path)
		s := sha256.Sum256(zipFile(t, out, ef.Path))
		if hex.EncodeToString(s[:]) != ef.SHA256 || ef.Size != int64(len(zipFile(t, out, ef.Path))) {
			t.Errorf("%s: recorded hash or size differs", ef.Path)
		}
	}
	slices.Sort(recorded)
	names := zipNames(t, out)
	if !slices.Equal(recorded, slices.DeleteFunc(names, func(s string) bool { return s == "manifest.sig" })) {
		t.Errorf("recorded %q", recorded)
	}
	m := res.Manifest
	if m.Request == nil || m.Request.ID != req.ID || m.Request.Note != "send it" || m.ExportID != rec.ID || m.Claim.ClaimNumber != "CHP26-0325-77814" {
		t.Errorf("manifest %+v", m)
	}
	// The history has the export and the request's change, in one step.
	h, err := f.v.History()
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-2:]
	if last[0].Action != vault.ActionExport || last[0].RecordID != rec.ID || last[1].Action != vault.ActionEdit || last[1].RecordID != req.ID ||
		!last[0].At.Equal(last[1].At) {
		t.Errorf("history ends with %+v", last)
	}
	ex, err := Exports(f.v, f.claim.ID)
	if err != nil || len(ex) != 1 || ex[0].ID != rec.ID {
		t.Errorf("Exports = %v, %v", ex, err)
	}
	if ex, _ := Exports(f.v, f.other.ID); len(ex) != 0 {
		t.Errorf("exports of the other claim: %v", ex)
	}
}

func TestHostileFileNamesStayInside(t *testing.T) {
	f := newFixture(t)
	// Stored names and titles are whatever was typed: store some hostile
	// ones directly, bypassing the checks of AddDocuments.
	var ids []string
	for i, name := range []string{"../../x", `..\..\win.ini`, "/etc/passwd", "documents/../../evil.pdf", ".hidden", "a\x00b\x1b[2J"} {
		blob, err := f.v.WriteBlob(strings.NewReader("content "+name), vault.BlobOptions{})
		if err != nil {
			t.Fatal(err)
		}
		id, err := f.v.NewID()
		if err != nil {
			t.Fatal(err)
		}
		title := ""
		if i%2 == 1 {
			title = "../../../" + name
		}
		d := &vault.Document{ID: id, Claim: f.claim.ID, Kind: "other", Date: vault.Date("2026-01-0" + string(rune('1'+i))), Title: title,
			FileName: name, MediaType: "application/x-unknown", Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks, Added: testNow}
		if err := f.v.Update(func(t *vault.Tx) error { return t.Put(d, vault.ActionAdd, "") }); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	out, _ := f.export(t, nil, Selection{IDs: ids}, Options{})
	names := zipNames(t, out)
	if len(names) != len(ids)+3 {
		t.Fatalf("zip holds %q", names)
	}
	for _, n := range names {
		if slices.Contains(fixed, n) {
			continue
		}
		if !strings.HasPrefix(n, "documents/") || bundle.CheckPath(n) != nil || strings.Contains(n, "..") {
			t.Errorf("unsafe name %q", n)
		}
		dst := filepath.Join("/extract", filepath.FromSlash(n))
		if filepath.Dir(dst) != "/extract/documents" {
			t.Errorf("%q extracts to %q", n, dst)
		}
	}
	if r, err := bundle.Verify(out); err != nil || !r.OK() {
		t.Errorf("verify: %v %v", err, r)
	}
}

func TestOutputRules(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "bundle.zip")
	if err := os.WriteFile(out, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(f.v, f.claim, nil, Selection{Kinds: []string{"lmn"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Write(context.Background(), f.v, p, Options{Output: out})
	if !errors.Is(err, ErrOutputExists) || !strings.Contains(err.Error(), "give --force") {
		t.Errorf("existing output: %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "precious" {
		t.Error("the existing file was changed")
	}
	// --force replaces it; the bundle is readable by its owner only.
	if _, err := Write(context.Background(), f.v, p, Options{Output: out, Force: true}); err != nil {
		t.Fatal(err)
	}
	if r, err := bundle.Verify(out); err != nil || !r.OK() {
		t.Fatalf("verify: %v %v", err, r)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	es, _ := os.ReadDir(dir)
	if len(es) != 1 {
		t.Errorf("the folder holds %d files", len(es))
	}
	// A folder, a missing folder.
	if _, err := Write(context.Background(), f.v, p, Options{Output: dir, Force: true}); err == nil || !strings.Contains(err.Error(), "it is a folder") {
		t.Errorf("folder: %v", err)
	}
	if _, err := Write(context.Background(), f.v, p, Options{Output: filepath.Join(dir, "no", "b.zip")}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing folder: %v", err)
	}
	// A temporary file left by a killed export is removed by the next one.
	stale := filepath.Join(dir, ".bundle.zip.tmp-0123456789abcdef")
	staleOld := filepath.Join(dir, ".bundle.zip.old-0123456789abcdef")
	keep := filepath.Join(dir, ".bundle.zip.tmp-notours")
	for _, p := range []string{stale, staleOld, keep} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Write(context.Background(), f.v, p, Options{Output: out, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stale) != 2 || fileExists(stale) || fileExists(staleOld) || !fileExists(keep) {
		t.Errorf("stale %q; stale exist %v %v, other exists %v", res.Stale, fileExists(stale), fileExists(staleOld), fileExists(keep))
	}
}

func fileExists(p string) bool { _, err := os.Lstat(p); return err == nil }

func TestInterruptedExportLeavesNothing(t *testing.T) {
	f := newFixture(t)
	req, err := AddRequest(f.v, f.claim, vault.Request{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, dir string, histBefore uint64) {
		t.Helper()
		assertEmptyDir(t, dir)
		if f.v.State().HistoryLen != histBefore {
			t.Error("the vault changed")
		}
		if ex, _ := Exports(f.v, ""); len(ex) != 0 {
			t.Errorf("%d exports recorded", len(ex))
		}
		if r, _ := f.v.Record(req.ID); r.(*vault.Request).Answered != "" {
			t.Error("the request is marked answered")
		}
	}
	p, err := Prepare(f.v, f.claim, req, Selection{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("cancelled midway", func(t *testing.T) {
		dir, hist := t.TempDir(), f.v.State().HistoryLen
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var seen int64
		_, err := Write(ctx, f.v, p, Options{Output: filepath.Join(dir, "b.zip"), Progress: func(done, total int64) {
			seen = done
			if done > total/2 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "export interrupted") {
			t.Errorf("Write = %v", err)
		}
		if seen == 0 {
			t.Error("no progress was reported")
		}
		check(t, dir, hist)
	})

	t.Run("a document fails to read", func(t *testing.T) {
		dir, hist := t.TempDir(), f.v.State().HistoryLen
		// The 8th document of 11, halfway through; this damage is for
		// good, so this subtest comes last.
		d := f.docs["receipt-2026-03-18.pdf"]
		if err := f.v.Store().Update(func(st *store.Tx) error { return st.DeleteBlob(d.Blob) }); err != nil {
			t.Fatal(err)
		}
		_, err = Write(context.Background(), f.v, p, Options{Output: filepath.Join(dir, "b.zip")})
		if !errors.Is(err, vault.ErrTampered) || !strings.Contains(err.Error(), d.ID) {
			t.Errorf("Write = %v", err)
		}
		check(t, dir, hist)
	})
}

func TestSelectIgnoresOtherClaimsAndNonItems(t *testing.T) {
	f := newFixture(t)
	all, err := f.v.Records()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AddRequest(f.v, f.claim, vault.Request{}); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []Selection{{}, {On: []vault.Date{"2026-03-11"}}, {Kinds: []string{"receipt", "call"}}, {IDs: []string{f.oth[0].RecordID()}}} {
		p := Select(f.claim, all, sel)
		for _, r := range p.Items {
			if r.ClaimID() != f.claim.ID || !vault.IsItem(r) {
				t.Errorf("%+v selects %s %s of claim %s", sel, r.RecordType(), r.RecordID(), r.ClaimID())
			}
		}
		if len(p.Items) == 0 && len(sel.IDs) == 0 {
			t.Errorf("%+v selects nothing", sel)
		}
	}
}

// TestRecordedHashIsChecked: the bundle takes a document's SHA-256 from its
// record without hashing the bytes again (bundle.Writer.AddVerified), so
// vault.ReadDocument's check of that hash is what keeps a bundle from
// listing bytes under another hash. A record whose hash disagrees with the
// stored bytes fails the export, and nothing is written or recorded.
func TestRecordedHashIsChecked(t *testing.T) {
	f := newFixture(t)
	d := *f.docs["receipt-2026-03-11.png"]
	d.SHA256 = strings.Repeat("0", 64)
	if err := f.v.Update(func(tx *vault.Tx) error { return tx.Put(&d, vault.ActionEdit, "") }); err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(f.v, f.claim, nil, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	dir, hist := t.TempDir(), f.v.State().HistoryLen
	_, err = Write(context.Background(), f.v, p, Options{Output: filepath.Join(dir, "b.zip")})
	if !errors.Is(err, vault.ErrTampered) || !strings.Contains(err.Error(), d.ID) {
		t.Fatalf("Write = %v, want the document's hash refused", err)
	}
	assertEmptyDir(t, dir)
	if f.v.State().HistoryLen != hist {
		t.Error("the vault changed")
	}
}
