package vault

import (
	"strings"
	"testing"
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
	for _, in := range []string{"ODI", "=42%", "ODI=", ""} {
		if _, err := ParseMeasure(in); err == nil {
			t.Errorf("ParseMeasure(%q) accepted", in)
		}
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
	} {
		mt := detectType(tc.head, tc.name)
		if got := refusedType(mt); got != tc.refused {
			t.Errorf("%s: refusedType = %q, want %q (%s)", tc.name, got, tc.refused, mt)
		}
		if w := extensionWarning(tc.name, mt); (w != "") != tc.warn {
			t.Errorf("%s: extensionWarning = %q (%s)", tc.name, w, mt)
		}
	}
	// A zip named .docx is taken for a Word document and accepted.
	if mt := detectType(zip, "letter.docx"); refusedType(mt) != "" || !mt.Is("application/vnd.openxmlformats-officedocument.wordprocessingml.document") {
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
