package sample

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
)

// wantMIME maps a file extension to the type mimetype must detect.
var wantMIME = map[string]string{
	".pdf": "application/pdf",
	".jpg": "image/jpeg",
	".png": "image/png",
	".txt": "text/plain; charset=utf-8",
}

var kinds = []string{"referral", "prescription", "lmn", "authorization", "receipt", "clinical-note", "eob", "denial", "appeal", "policy", "correspondence", "other"}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func TestDocuments(t *testing.T) {
	first, second := Documents(), Documents()
	if len(first) != 11 {
		t.Fatalf("got %d documents, want 11", len(first))
	}
	if len(second) != len(first) {
		t.Fatalf("second call returned %d documents, first %d", len(second), len(first))
	}
	seen := map[string]bool{}
	for i, d := range first {
		t.Run(d.FileName, func(t *testing.T) {
			if len(d.Data) == 0 {
				t.Fatal("empty data")
			}
			if !bytes.Equal(d.Data, second[i].Data) || d.FileName != second[i].FileName {
				t.Error("two calls gave different bytes")
			}
			if seen[d.FileName] {
				t.Errorf("duplicate file name")
			}
			seen[d.FileName] = true

			ext := filepath.Ext(d.FileName)
			want, ok := wantMIME[ext]
			if !ok {
				t.Fatalf("unexpected extension %q", ext)
			}
			got := mimetype.Detect(d.Data)
			if got.String() != want {
				t.Errorf("mimetype detected %q, want %q", got.String(), want)
			}
			if got.Extension() != ext {
				t.Errorf("detected extension %q does not match the file name", got.Extension())
			}

			if !slices.Contains(kinds, d.Kind) {
				t.Errorf("unknown kind %q", d.Kind)
			}
			if !isDate(d.Date) {
				t.Errorf("bad date %q", d.Date)
			}
			if !strings.Contains(d.FileName, d.Date) {
				t.Errorf("file name does not carry the date %s", d.Date)
			}
			if d.Title == "" {
				t.Error("empty title")
			}
			receipt := d.Kind == "receipt"
			if receipt != (d.Amount != "") || receipt != (len(d.CPT) > 0) {
				t.Errorf("amount %q / CPT %v set on a %s", d.Amount, d.CPT, d.Kind)
			}
			if receipt && !regexp.MustCompile(`^\d+\.\d\d$`).MatchString(d.Amount) {
				t.Errorf("amount %q is not a decimal", d.Amount)
			}
			for _, c := range d.CPT {
				if !regexp.MustCompile(`^\d{5}:\d+$`).MatchString(c) {
					t.Errorf("CPT %q not code:units", c)
				}
			}
			if d.ValidUntil != "" {
				if !slices.Contains([]string{"referral", "prescription", "lmn"}, d.Kind) {
					t.Errorf("valid-until set on a %s", d.Kind)
				}
				if !isDate(d.ValidUntil) || d.ValidUntil <= d.Date {
					t.Errorf("bad valid-until %q", d.ValidUntil)
				}
			}

			switch ext {
			case ".pdf":
				checkPDF(t, d.Data)
			case ".jpg", ".png":
				img, format, err := image.Decode(bytes.NewReader(d.Data))
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				if "."+format != map[string]string{".jpg": ".jpeg", ".png": ".png"}[ext] {
					t.Errorf("decoded as %s", format)
				}
				if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 800 {
					t.Errorf("image too small: %v", b)
				}
			case ".txt":
				if !utf8.Valid(d.Data) {
					t.Error("note is not valid UTF-8")
				}
			}
		})
	}
}

// TestSet checks the set of documents the demo relies on.
func TestSet(t *testing.T) {
	want := map[string]string{
		"referral-2026-02-20.pdf":     "referral",
		"prescription-2026-02-20.pdf": "prescription",
		"lmn-2026-02-24.pdf":          "lmn",
		"receipt-2026-03-04.jpg":      "receipt",
		"receipt-2026-03-11.png":      "receipt",
		"receipt-2026-03-18.pdf":      "receipt",
		"session-note-2026-03-04.txt": "clinical-note",
		"session-note-2026-03-11.txt": "clinical-note",
		"session-note-2026-03-18.txt": "clinical-note",
		"eob-2026-04-10.pdf":          "eob",
		"denial-2026-04-10.pdf":       "denial",
	}
	got := map[string]Document{}
	for _, d := range Documents() {
		got[d.FileName] = d
	}
	for name, kind := range want {
		if got[name].Kind != kind {
			t.Errorf("%s: kind %q, want %q", name, got[name].Kind, kind)
		}
	}
	if d := got["lmn-2026-02-24.pdf"]; d.ValidUntil != "2027-02-24" {
		t.Errorf("lmn valid until %q, want 2027-02-24", d.ValidUntil)
	}
	for _, name := range []string{"receipt-2026-03-04.jpg", "receipt-2026-03-11.png", "receipt-2026-03-18.pdf"} {
		d := got[name]
		if d.Amount != "145.00" || !slices.Equal(d.CPT, []string{"97124:2", "97140:1"}) {
			t.Errorf("%s: amount %q CPT %v", name, d.Amount, d.CPT)
		}
	}
}

// TestContent checks that the documents say what a claim needs: the
// codes, the providers' numbers (those of the generator's data), the dates.
func TestContent(t *testing.T) {
	for _, d := range Documents() {
		var want []string
		switch d.Kind {
		case "clinical-note":
			want = []string{"M54.50", "M62.830", "97124", "97140", "30 min", "15 min", "/10", "°", d.Date, "1932507764"}
		case "receipt":
			if filepath.Ext(d.FileName) != ".pdf" {
				continue // images: checked visually
			}
			want = []string{"97124", "97140", "M54.50", "M62.830", "1932507764", "00-4817263", "OR LMT 20417", "11 \\227 Office", "PAID", "Balance due", "DOB", "CHP447100932"}
		case "lmn":
			want = []string{"M54.50", "M62.830", "97124", "97140", "Once a week for 8 weeks", "medically necessary", "February 24, 2027", "1487203959"}
		case "prescription":
			want = []string{"97124", "97140", "Body areas", "1x/week", "8 weeks"}
		case "eob":
			want = []string{"Billed", "Allowed", "Plan paid", "435.00", "198.40", "CO-50"}
		case "denial":
			want = []string{"not medically necessary", "180 days", "October 7, 2026"}
		case "referral":
			want = []string{"M54.50", "AGF-R-260220-14"}
		}
		for _, w := range want {
			if !bytes.Contains(d.Data, []byte(w)) {
				t.Errorf("%s does not contain %q", d.FileName, w)
			}
		}
	}
}

// checkPDF checks the header, that startxref points at the xref table and
// that every in-use xref entry points at "N 0 obj" for its own N.
func checkPDF(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.4\n")) {
		t.Error("missing PDF 1.4 header")
	}
	if !bytes.HasSuffix(data, []byte("%%EOF\n")) {
		t.Error("missing end-of-file marker")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off <= 0 || off >= len(data) || !bytes.HasPrefix(data[off:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at xref", off)
	}
	rest := data[off+len("xref\n"):]
	head := regexp.MustCompile(`^0 (\d+)\n`).FindSubmatch(rest)
	if head == nil {
		t.Fatal("no xref subsection header")
	}
	n, _ := strconv.Atoi(string(head[1]))
	rest = rest[len(head[0]):]
	if len(rest) < 20*n {
		t.Fatalf("xref has fewer than %d entries", n)
	}
	if string(rest[:20]) != "0000000000 65535 f \n" {
		t.Errorf("bad free entry %q", rest[:20])
	}
	for i := 1; i < n; i++ {
		e := string(rest[20*i : 20*i+20])
		if !regexp.MustCompile(`^\d{10} 00000 n \n$`).MatchString(e) {
			t.Errorf("bad xref entry %d: %q", i, e)
			continue
		}
		o, _ := strconv.Atoi(e[:10])
		want := strconv.Itoa(i) + " 0 obj"
		if o >= len(data) || !bytes.HasPrefix(data[o:], []byte(want)) {
			t.Errorf("xref entry %d (offset %d) does not point at %q", i, o, want)
		}
	}
	if !bytes.HasPrefix(rest[20*n:], []byte("trailer\n<< /Size "+strconv.Itoa(n)+" ")) {
		t.Error("trailer /Size does not match the xref")
	}
	// Every stream's /Length must match its data.
	for _, sm := range regexp.MustCompile(`<< /Length (\d+) >>\nstream\n`).FindAllSubmatchIndex(data, -1) {
		length, _ := strconv.Atoi(string(data[sm[2]:sm[3]]))
		if end := sm[1] + length; end+len("\nendstream") > len(data) || !bytes.HasPrefix(data[end:], []byte("\nendstream")) {
			t.Errorf("stream at %d: /Length %d does not reach endstream", sm[0], length)
		}
	}
}

func TestCallsConditionsRequest(t *testing.T) {
	calls := Calls()
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3", len(calls))
	}
	noRef := 0
	for _, c := range calls {
		if _, err := time.Parse("2006-01-02 15:04", c.At); err != nil {
			t.Errorf("call time %q: %v", c.At, err)
		}
		if _, err := time.ParseDuration(c.Duration); err != nil {
			t.Errorf("call duration %q: %v", c.Duration, err)
		}
		if c.Party == "" || c.Rep == "" || c.Phone == "" || c.Summary == "" || c.FollowUp == "" {
			t.Errorf("call %s has empty fields: %+v", c.At, c)
		}
		if c.Ref == "" {
			noRef++
		}
	}
	if noRef != 1 {
		t.Errorf("%d calls without a reference, want 1", noRef)
	}

	conds := Conditions()
	var phases []string
	var pain []int
	for _, c := range conds {
		phases = append(phases, c.Phase)
		pain = append(pain, c.Pain)
		if !isDate(c.Date) || c.Text == "" || len(c.Measures) == 0 {
			t.Errorf("condition %+v incomplete", c)
		}
		for _, m := range c.Measures {
			if k, v, ok := strings.Cut(m, "="); !ok || k == "" || v == "" {
				t.Errorf("measure %q is not name=value", m)
			}
		}
	}
	if !slices.Equal(phases, []string{"before", "progress", "after"}) || !slices.Equal(pain, []int{7, 4, 3}) {
		t.Errorf("phases %v pain %v", phases, pain)
	}
	if conds[0].Date != "2026-03-04" || conds[2].Date != "2026-03-18" {
		t.Errorf("condition dates %s..%s", conds[0].Date, conds[2].Date)
	}

	r := InsurerRequest()
	if r.Received != "2026-04-15" || r.Due != "2026-05-30" || r.Note == "" {
		t.Errorf("request %+v", r)
	}
	if !slices.Equal(r.Kinds, []string{"receipt", "lmn"}) || !slices.Equal(r.On, []string{"2026-03-04", "2026-03-11", "2026-03-18"}) {
		t.Errorf("request kinds %v on %v", r.Kinds, r.On)
	}
}
