package vault

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"vault/vault/internal/filetype"
)

func TestParseICD10(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"M54.50", "M54.50"},
		{"m54.5", "M54.5"},
		{"M545", "M54.5"},
		{"M62.830", "M62.830"},
		{"S13.4XXA", "S13.4XXA"},
		{"S134XXA", "S13.4XXA"},
		{"M54", "M54"},
		{"C7A.1", "C7A.1"},
		{" M79.10 ", "M79.10"},
		{"M5", ""},
		{"554.5", ""},
		{"MM4.5", ""},
		{"M54.", ""},
		{"M54.50000", ""},
		{"M54.5-", ""},
		{"M54..5", ""},
		{"", ""},
	} {
		got, err := ParseICD10(tc.in)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "bad ICD-10 code") {
				t.Errorf("ParseICD10(%q) = %q, %v; want an error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseICD10(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseKind(t *testing.T) {
	if k, err := ParseKind("Receipt"); err != nil || k != "receipt" {
		t.Errorf("ParseKind(Receipt) = %q, %v", k, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"reciept", `unknown kind "reciept" (did you mean receipt?)`},
		{"clinical-notes", `(did you mean clinical-note?)`},
		{"xyzzy", `unknown kind "xyzzy": use one of referral,`},
		{"call", `unknown kind "call"`},
		{"session-note", `unknown kind "session-note" (did you mean clinical-note?)`},
		{"Note", `(did you mean clinical-note?)`},
		{"bill", `(did you mean receipt?)`},
		{"invoice", `(did you mean receipt?)`},
		{"superbill", `(did you mean receipt?)`},
		{"letter", `(did you mean lmn?)`},
		{"doctor-letter", `(did you mean lmn?)`},
		{"prescription letter", `(did you mean lmn?)`},
		{"rx", `(did you mean prescription?)`},
		{"prior_auth", `(did you mean authorization?)`},
	} {
		if _, err := ParseKind(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKind(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
	if k, err := ParseItemKind("call"); err != nil || k != "call" {
		t.Errorf("ParseItemKind(call) = %q, %v", k, err)
	}
	if _, err := ParseItemKind("condtion"); err == nil || !strings.Contains(err.Error(), "did you mean condition?") {
		t.Errorf("ParseItemKind(condtion) = %v", err)
	}
}

func TestParseCPTPainMeasure(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want CPTLine
		ok   bool
	}{
		{"97124:2", CPTLine{"97124", 2}, true},
		{"97140", CPTLine{"97140", 1}, true},
		{"0001f:1", CPTLine{"0001F", 1}, true},
		{"9712", CPTLine{}, false},
		{"97124:0", CPTLine{}, false},
		{"97124:x", CPTLine{}, false},
		{"A7124", CPTLine{}, false},
	} {
		got, err := ParseCPT(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCPT(%q) = %v, %v", tc.in, got, err)
		}
	}
	for in, ok := range map[string]bool{"0": true, "10": true, "7": true, "11": false, "-1": false, "seven": false, "": false, "7.5": false} {
		if _, err := ParsePain(in); (err == nil) != ok {
			t.Errorf("ParsePain(%q) = %v", in, err)
		}
	}
	if m, err := ParseMeasure("neck rotation = 45deg"); err != nil || m != (Measure{"neck rotation", "45deg"}) {
		t.Errorf("ParseMeasure = %v, %v", m, err)
	}
	// The errors name the field and never repeat a condition note's text.
	const want = `: expected NAME=VALUE, such as "ODI=42%"`
	for in, msg := range map[string]string{
		"private":        `bad measure: no "=" between the name and the value` + want,
		"":               `bad measure: no "=" between the name and the value` + want,
		"=private":       `bad measure: the name before "=" is empty` + want,
		"private= ":      `bad measure: the value after "=" is empty` + want,
		" private = \t ": `bad measure: the value after "=" is empty` + want,
	} {
		if _, err := ParseMeasure(in); err == nil || err.Error() != msg {
			t.Errorf("ParseMeasure(%q) = %v, want %q", in, err, msg)
		}
	}
}

// TestValidateText checks that every free-text field of every record is
// checked: control characters (none in one-line fields; line breaks and
// tabs only in notes), UTF-8 and length, with an error naming the field
// as a FieldError.
func TestValidateText(t *testing.T) {
	at := evNow
	claim := func(f func(*Claim)) Record {
		c := &Claim{Name: "back-2026", Insurer: "Acme", Status: StatusDraft, StatusHistory: []StatusChange{{StatusDraft, "2026-05-01"}}}
		f(c)
		return c
	}
	doc := func(f func(*Document)) Record {
		d := &Document{Kind: KindReceipt, Date: "2026-03-04", Title: "Visit 1", FileName: "r.pdf"}
		f(d)
		return d
	}
	call := func(f func(*Call)) Record {
		c := &Call{At: at, Rep: "Dana", Summary: "Pending."}
		f(c)
		return c
	}
	cond := func(f func(*Condition)) Record {
		c := &Condition{Phase: PhaseBefore, Date: "2026-03-04", Text: "Stiff."}
		f(c)
		return c
	}
	const esc = "x\x1b[31m"
	for _, tc := range []struct {
		name  string
		r     Record
		field string
		want  string
	}{
		{"claim insurer", claim(func(c *Claim) { c.Insurer = esc }), "insurer", "insurer has a control character (U+001B)"},
		{"claim patient", claim(func(c *Claim) { c.Patient = "Jane\nDoe" }), "patient", "patient has a line break"},
		{"claim member ID", claim(func(c *Claim) { c.MemberID = "\xff" }), "member_id", "member ID is not valid UTF-8 text"},
		{"claim group", claim(func(c *Claim) { c.Group = "G\t9" }), "group", "group has a tab"},
		{"claim number", claim(func(c *Claim) { c.ClaimNumber = esc }), "claim_number", "claim number has a control character"},
		{"claim provider", claim(func(c *Claim) { c.Provider = "Sam\u0085Lee" }), "provider", "provider has a control character (U+0085)"},
		{"claim license", claim(func(c *Claim) { c.License = esc }), "license", "license has a control character"},
		{"claim referrer", claim(func(c *Claim) { c.Referrer = esc }), "referrer", "referrer has a control character"},
		{"claim name", claim(func(c *Claim) { c.Name = esc }), "name", "bad claim name"},
		{"document title", doc(func(d *Document) { d.Title = esc }), "title", "title has a control character (U+001B)"},
		{"document title UTF-8", doc(func(d *Document) { d.Title = "caf\xe9" }), "title", "title is not valid UTF-8 text"},
		{"document file name", doc(func(d *Document) { d.FileName = esc }), "file_name", "file name has a control character"},
		{"document file name folders", doc(func(d *Document) { d.FileName = "../../etc/x" }), "file_name", `bad file name "../../etc/x"`},
		{"call rep", call(func(c *Call) { c.Rep = esc }), "rep", "representative has a control character"},
		{"call rep UTF-8", call(func(c *Call) { c.Rep = "Da\xffna" }), "rep", "representative is not valid UTF-8 text"},
		{"call ref", call(func(c *Call) { c.Ref = "R\n1" }), "ref", "reference has a line break"},
		{"call phone", call(func(c *Call) { c.Phone = esc }), "phone", "phone has a control character"},
		{"call summary", call(func(c *Call) { c.Summary = "ok\n" + esc }), "summary", "summary has a control character (U+001B): only line breaks and tabs are allowed"},
		{"call summary UTF-8", call(func(c *Call) { c.Summary = "\xfe" }), "summary", "summary is not valid UTF-8 text"},
		{"call promised", call(func(c *Call) { c.Promised = "by\rFriday" }), "promised", "promised has a control character (U+000D)"},
		{"condition text", cond(func(c *Condition) { c.Text = esc }), "text", "text has a control character"},
		{"condition measure", cond(func(c *Condition) { c.Measures = []Measure{{"ODI", esc}} }), "measures", "measure has a control character"},
		{"request note", &Request{Note: esc}, "note", "the note has a control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.r)
			var fe *FieldError
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("Validate = %v, want %q (field %s)", err, tc.want, tc.field)
			}
			if strings.Contains(err.Error(), "\x1b") {
				t.Errorf("the error carries the escape: %q", err)
			}
		})
	}
	// Notes keep their line breaks and tabs.
	for _, r := range []Record{
		call(func(c *Call) { c.Summary, c.Promised = "line 1\n\tline 2", "a\nb" }),
		cond(func(c *Condition) { c.Text = "before:\n\tstiff" }),
		&Request{Note: "items:\n\t1. the LMN"},
	} {
		if err := Validate(r); err != nil {
			t.Errorf("Validate(%T) = %v", r, err)
		}
	}
}

func TestValidateClaimForms(t *testing.T) {
	base := func() *Claim {
		return &Claim{Name: "back-2026", Insurer: "Acme", Plan: "medicare", Diagnoses: []string{"M54.5"}, NPI: "1932507764",
			Status: StatusDenied, StatusHistory: []StatusChange{{StatusDraft, "2026-03-01"}, {StatusDenied, "2026-04-01"}}}
	}
	if err := Validate(base()); err != nil {
		t.Fatalf("a good claim: %v", err)
	}
	for _, tc := range []struct {
		name, field, want string
		f                 func(*Claim)
	}{
		{"plan not folded", "plan", `"Medicare" is not in its usual form "medicare"`, func(c *Claim) { c.Plan = "Medicare" }},
		{"unknown plan", "plan", `unknown plan "hmo"`, func(c *Claim) { c.Plan = "hmo" }},
		{"code not in usual form", "diagnoses", `"m545" is not in its usual form "M54.5"`, func(c *Claim) { c.Diagnoses = []string{"m545"} }},
		{"bad code", "diagnoses", `bad ICD-10 code "M5"`, func(c *Claim) { c.Diagnoses = []string{"M5"} }},
		{"npi", "npi", `bad NPI "12345"`, func(c *Claim) { c.NPI = "12345" }},
		{"no insurer", "insurer", "claim back-2026 needs an insurer", func(c *Claim) { c.Insurer = " " }},
		{"empty status", "status", `unknown status ""`, func(c *Claim) { c.Status = "" }},
		{"status not in history", "status", "claim back-2026 has status paid but its status history ends with denied", func(c *Claim) { c.Status = StatusPaid }},
		{"no history", "status_history", "claim back-2026 has no status history", func(c *Claim) { c.StatusHistory = nil }},
		{"visits", "visits", "bad number of visits 1001", func(c *Claim) { c.Visits = ptr(1001) }},
		{"filing limit", "filing_limit_days", "bad filing limit 0 days", func(c *Claim) { c.FilingLimitDays = ptr(0) }},
		{"billed", "billed", "bad billed amount -1.00", func(c *Claim) { c.Billed = ptr(Cents(-100)) }},
		{"appeal-by", "appeal_by", `bad appeal-by date "soon"`, func(c *Claim) { c.AppealBy = "soon" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.f(c)
			err := Validate(c)
			var fe *FieldError
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("Validate = %v, want %q (field %s)", err, tc.want, tc.field)
			}
		})
	}
}

func TestCheckNPI(t *testing.T) {
	for in, ok := range map[string]bool{"1932507764": true, "193250776": false, "19325077640": false, "19325O7764": false} {
		if err := CheckNPI(in); (err == nil) != ok {
			t.Errorf("CheckNPI(%q) = %v", in, err)
		}
	}
}

func TestFileTypes(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n")
	zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 56)...)
	gz := []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00")
	text := []byte("Session note: 30 minutes of 97124.\n")
	for _, tc := range []struct {
		name    string
		head    []byte
		refused string
		warn    bool
	}{
		{"letter.pdf", pdf, "", false},
		{"letter.PDF", pdf, "", false},
		{"letter.txt", pdf, "", true},
		{"letter.jpg", pdf, "", true},
		{"letter", pdf, "", false},
		{"notes.txt", text, "", false},
		{"notes.md", text, "", false},
		{"notes.pdf", text, "", true},
		{"a.zip", zip, "an archive", false},
		{"a.pdf", zip, "an archive", true},
		{"prog", elf, "a program", false},
		{"x.tar.gz", gz, "an archive", false},
		// By extension, whatever the bytes look like.
		{"setup.exe", []byte{0x13, 0x37, 0x00, 0xfe, 0x99}, "a program", false},
		{"run.py", text, "a script", false},
		{"install.iso", []byte{0, 0, 0, 0}, "a disk image", false},
		{"help.chm", []byte("ITSF\x03\x00\x00\x00"), "compiled help (it can run code)", false},
	} {
		mt := detectType(tc.head, tc.name)
		if got := filetype.Refused(mt, tc.name); got != tc.refused {
			t.Errorf("%s: refusedType = %q, want %q (%s)", tc.name, got, tc.refused, mt)
		}
		if w := extensionWarning(tc.name, mt); (w != "") != tc.warn {
			t.Errorf("%s: extensionWarning = %q (%s)", tc.name, w, mt)
		}
	}
	// A zip named .docx is taken for a Word document and accepted.
	if mt := detectType(zip, "letter.docx"); filetype.Refused(mt, "letter.docx") != "" || !mt.Is("application/vnd.openxmlformats-officedocument.wordprocessingml.document") {
		t.Errorf("zip named .docx: %s", mt)
	}
	if !IsText("text/plain; charset=utf-8") || IsText("application/pdf") {
		t.Error("IsText")
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("M5\x1b"); got != `"M5\x1b"` {
		t.Errorf("Quote = %s", got)
	}
	long := strings.Repeat("é", 100)
	if got := Quote(long); got != `"`+strings.Repeat("é", 40)+`"... (200 bytes)` {
		t.Errorf("Quote(long) = %s", got)
	}
	if _, err := ParseICD10(strings.Repeat("M", 1000)); err == nil || len(err.Error()) > 200 {
		t.Errorf("a long code is echoed: %d bytes", len(err.Error()))
	}
}

// TestKindSynonymsNameRealKinds: every synonym suggests a kind that exists,
// and no synonym hides a real kind.
func TestKindSynonymsNameRealKinds(t *testing.T) {
	for word, kind := range kindSynonyms {
		if !slices.Contains(documentKinds, kind) {
			t.Errorf("synonym %q suggests %q, not a document kind", word, kind)
		}
		if slices.Contains(itemKinds, word) {
			t.Errorf("synonym %q is itself a kind", word)
		}
	}
}
