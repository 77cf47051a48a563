package vault

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckTexts(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    textField
		want string // "" means accepted
	}{
		{"plain", oneLineText("title", "title", "Visit 1 — Dr. Ñúñez (LMT)"), ""},
		{"empty", oneLineText("title", "title", ""), ""},
		{"escape", oneLineText("title", "title", "Visit\x1b[31m red"), "title has a control character (U+001B): type it as plain text"},
		{"NUL", oneLineText("rep", "representative", "Da\x00na"), "representative has a control character (U+0000): type it as plain text"},
		{"DEL", oneLineText("ref", "reference", "R\x7f1"), "reference has a control character (U+007F): type it as plain text"},
		{"C1 CSI", oneLineText("insurer", "insurer", "Acme\u009b31m"), "insurer has a control character (U+009B): type it as plain text"},
		{"line feed", oneLineText("patient", "patient", "Jane\nDoe"), "patient has a line break: type it on one line"},
		{"carriage return", oneLineText("patient", "patient", "Jane\rDoe"), "patient has a line break: type it on one line"},
		{"tab", oneLineText("title", "title", "a\tb"), "title has a tab: use spaces instead"},
		{"not UTF-8", oneLineText("title", "title", "caf\xe9"), "title is not valid UTF-8 text"},
		{"too long", oneLineText("title", "title", strings.Repeat("x", maxShortText+1)), "title is too long (201 bytes; at most 200)"},
		{"longest", oneLineText("title", "title", strings.Repeat("x", maxShortText)), ""},
		{"note lines and tabs", noteText("summary", "summary", "line 1\n\tline 2\n"), ""},
		{"note escape", noteText("summary", "summary", "ok\n\x1b[2Jcleared"), "summary has a control character (U+001B): only line breaks and tabs are allowed"},
		{"note carriage return", noteText("text", "text", "a\rb"), "text has a control character (U+000D): only line breaks and tabs are allowed"},
		{"note bell", noteText("promised", "promised", "soon\a"), "promised has a control character (U+0007): only line breaks and tabs are allowed"},
		{"note not UTF-8", noteText("summary", "summary", "\xff"), "summary is not valid UTF-8 text"},
		{"right-to-left override", oneLineText("file_name", "file name", "receipt\u202efdp.exe"), "file name has a bidirectional formatting character (U+202E), which shows text in another order than it holds: remove it"},
		{"first strong isolate", oneLineText("title", "title", "a\u2068b"), "title has a bidirectional formatting character (U+2068), which shows text in another order than it holds: remove it"},
		{"note left-to-right embedding", noteText("summary", "summary", "ok\n\u202aquoted"), "summary has a bidirectional formatting character (U+202A), which shows text in another order than it holds: remove it"},
		{"note pop isolate", noteText("text", "text", "x\u2069"), "text has a bidirectional formatting character (U+2069), which shows text in another order than it holds: remove it"},
		{"right-to-left script without controls", oneLineText("title", "title", "מכתב רפואי — نامه"), ""},
		{"right-to-left mark is not a control", oneLineText("title", "title", "a\u200fb"), ""},
		{"note too long", noteText("summary", "summary", strings.Repeat("x", maxLongText+1)), "summary is too long (65537 bytes; at most 65536)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkTexts(oneLineText("other", "other", "fine"), tc.f)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.f.field {
				t.Errorf("err = %#v, want a FieldError of %s", err, tc.f.field)
			}
			if strings.Contains(err.Error(), tc.f.value) && tc.f.value != "" {
				t.Errorf("the error repeats the text: %v", err)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	if got := cleanNote("  a\r\nb\r\n\n "); got != "a\nb" {
		t.Errorf("cleanNote = %q", got)
	}
	if got := cleanLine(" \tDana \n"); got != "Dana" {
		t.Errorf("cleanLine = %q", got)
	}
	for in, want := range map[string]string{
		"scan.pdf":              "scan.pdf",
		" scan.pdf ":            "scan.pdf",
		"../../etc/passwd":      "passwd",
		`C:\scans\eob.pdf`:      "eob.pdf",
		"/abs/dir/x.pdf":        "x.pdf",
		"dir/":                  "dir",
		"a/..":                  ".",
		"..":                    "..",
		"/":                     "/",
		"":                      "",
		"../x\x1b[31m.pdf":      "x\x1b[31m.pdf",
		"folder/caf\xe9.pdf":    "caf\xe9.pdf",
		"folder/.hidden-scan.p": ".hidden-scan.p",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckFileName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"scan.pdf", ""},
		{"", ""},
		{"..", `bad file name "..": give the file's name without folders, such as scan.pdf`},
		{".", `bad file name ".": give the file's name without folders, such as scan.pdf`},
		{"/", `bad file name "/": give the file's name without folders, such as scan.pdf`},
		{"dir/x.pdf", `bad file name "dir/x.pdf": give the file's name without folders, such as scan.pdf`},
		{`dir\x.pdf`, `bad file name "dir\\x.pdf": give the file's name without folders, such as scan.pdf`},
		{"x\x1b[31m.pdf", "file name has a control character (U+001B): type it as plain text"},
		{"caf\xe9.pdf", "file name is not valid UTF-8 text"},
		{strings.Repeat("x", maxFileName+1), "file name is too long (256 bytes; at most 255)"},
	} {
		err := checkFileName(tc.in)
		if tc.want == "" {
			if err != nil {
				t.Errorf("checkFileName(%q) = %v", tc.in, err)
			}
			continue
		}
		var fe *FieldError
		if err == nil || err.Error() != tc.want || !errors.As(err, &fe) || fe.Field != "file_name" {
			t.Errorf("checkFileName(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"scan.pdf":      "scan.pdf",
		"my scan.pdf":   "my scan.pdf",
		"x\x1b[31m.pdf": `"x\x1b[31m.pdf"`,
		"caf\xe9.pdf":   `"caf\xe9.pdf"`,
		"a\nb":          `"a\nb"`,
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %s, want %s", in, got, want)
		}
	}
}
