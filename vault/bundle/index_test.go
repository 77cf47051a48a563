package bundle

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"time"
)

func intp(i int) *int { return &i }

func testIndex() *Index {
	pst := time.FixedZone("PST", -8*3600)
	return &Index{
		Manifest: &Manifest{
			ExportID:    "eeee5555",
			Claim:       Claim{Name: "back-2026", Patient: "Alex <b>Rivera</b>", Insurer: "Cedar & Co", ClaimNumber: "CHP26-1", Diagnoses: []string{"M54.50", "M62.830"}, Billed: "435.00"},
			Request:     &Request{ID: "rrrr4444", Received: "2026-04-15", Due: "2026-05-30", Note: "Send <script>alert(1)</script> receipts"},
			Selection:   &Selection{Kinds: []string{"receipt"}, On: []string{"2026-03-04", "2026-03-11"}, IDs: []string{"aaaa1111"}},
			GeneratedAt: testTime,
			Files: []File{
				{Path: "documents/001-lmn-2026-02-24-lmn.pdf", SHA256: strings.Repeat("ab", 32), Size: 7989, Kind: "lmn", Date: "2026-02-24", Title: `LMN "quoted" <i>x</i>`},
				{Path: CallsName, SHA256: strings.Repeat("cd", 32), Size: 300, Kind: "call"},
			},
			Missing: []string{"receipt dated 2026-03-11"},
		},
		Calls: []Call{{ID: "c1", At: time.Date(2026, 3, 2, 10, 15, 0, 0, pst), Rep: "Dana (ID 4471)", Summary: "Benefits <check>", Duration: 14 * time.Minute}},
		Conditions: []Condition{
			{ID: "n1", Date: "2026-03-04", Phase: "before", Pain: intp(7), Measures: []Measure{{"ODI", "42%"}, {"flexion", "35deg"}}, Text: "stiff"},
			{ID: "n2", Date: "2026-03-18", Phase: "after", Pain: intp(3), Measures: []Measure{{"flexion", "60deg"}}, Text: "better"},
		},
		PainChange:  "Pain 7/10 on 2026-03-04 (before) → 3/10 on 2026-03-18 (after): 4 points <better>.",
		Fingerprint: "3f2a 91c0 7be4 d5a8",
	}
}

func TestRenderIndex(t *testing.T) {
	b, err := RenderIndex(testIndex())
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{
		"Alex &lt;b&gt;Rivera&lt;/b&gt;", "Cedar &amp; Co", "CHP26-1", "M54.50, M62.830", "$435.00",
		"Send &lt;script&gt;alert(1)&lt;/script&gt; receipts", "due 2026-05-30",
		"receipt dated 2026-03-04 or 2026-03-11, and item aaaa1111",
		"Missing from this bundle (1)", "<li>receipt dated 2026-03-11</li>",
		`<a class="file" href="documents/001-lmn-2026-02-24-lmn.pdf">`, "7.8 KiB", strings.Repeat("ab", 32),
		"LMN &#34;quoted&#34; &lt;i&gt;x&lt;/i&gt;",
		"2026-03-02 10:15 PST (UTC-08:00)", "14 min", "Benefits &lt;check&gt;",
		`<p class="summary">Pain 7/10 on 2026-03-04 (before) → 3/10 on 2026-03-18 (after): 4 points &lt;better&gt;.</p>`,
		"2026-05-01 10:00:00 UTC", "3f2a 91c0 7be4 d5a8", "eeee5555", "@media print", Format,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// Self-contained: no script, no external resource of any kind.
	for _, bad := range []string{"<script", "http://", "https://", "src=", "@import", "url("} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
	// The measures line up: flexion is in both columns, ODI only before.
	if !regexp.MustCompile(`<th scope="row">flexion</th><td>35deg</td><td>60deg</td>`).MatchString(html) {
		t.Error("the flexion row does not compare before and after")
	}
	if !regexp.MustCompile(`<th scope="row">ODI</th><td>42%</td><td><span class="muted">-</span></td>`).MatchString(html) {
		t.Error("the ODI row does not show the gap")
	}
}

func TestRenderIndexMinimal(t *testing.T) {
	b, err := RenderIndex(&Index{Manifest: &Manifest{Claim: Claim{Name: "x", Insurer: "y"}, GeneratedAt: testTime}})
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{"Records for claim x", "Selected: the whole claim.", "No files were selected."} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, bad := range []string{"Missing from", "Calls (", "Condition notes (", "Insurer request", `class="summary"`} {
		if strings.Contains(html, bad) {
			t.Errorf("index.html has %q with nothing to show", bad)
		}
	}
}

// TestRenderIndexNoPainChange: condition notes without a pain change to
// show get no summary line.
func TestRenderIndexNoPainChange(t *testing.T) {
	ix := testIndex()
	ix.PainChange = ""
	b, err := RenderIndex(ix)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Condition notes (2)") || strings.Contains(string(b), `class="summary"`) {
		t.Errorf("index.html:\n%s", b)
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 812: "812 bytes", 1023: "1023 bytes", 1024: "1.0 KiB", 201011: "196.3 KiB",
		12 << 20: "12.0 MiB", 3 << 29: "1.50 GiB", 5 << 40: "5120.00 GiB",
	} {
		if got := HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDescribeSelection(t *testing.T) {
	tests := []struct {
		s    *Selection
		want string
	}{
		{nil, "the whole claim"},
		{&Selection{}, "the whole claim"},
		{&Selection{Kinds: []string{"receipt", "lmn"}}, "receipt or lmn"},
		{&Selection{From: "2026-03-01", To: "2026-03-31"}, "any item from 2026-03-01 to 2026-03-31"},
		{&Selection{From: "2026-03-01"}, "any item from 2026-03-01"},
		{&Selection{To: "2026-03-31"}, "any item up to 2026-03-31"},
		{&Selection{Kinds: []string{"call"}, On: []string{"2026-03-04"}, From: "2026-04-01", To: "2026-04-30"}, "call dated 2026-03-04 or from 2026-04-01 to 2026-04-30"},
		{&Selection{IDs: []string{"a", "b"}}, "items a, b"},
		{&Selection{Kinds: []string{"receipt"}, On: []string{"1", "2", "3"}, IDs: []string{"a"}}, "receipt dated 1, 2 or 3, and item a"},
	}
	for _, tc := range tests {
		if got := DescribeSelection(tc.s); got != tc.want {
			t.Errorf("DescribeSelection(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestCallsCSV(t *testing.T) {
	b := CallsCSV(testIndex().Calls)
	b = append(b, CallsCSV([]Call{{ID: "c2", At: testTime, Rep: "=HYPERLINK(\"http://x\")", Summary: "+1 555", Promised: "-", Ref: "@ref"}})...)
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,at,party,rep,ref,phone,duration_minutes,summary,promised,follow_up" {
		t.Errorf("header %q", rows[0])
	}
	if got := strings.Join(rows[1], "|"); got != "c1|2026-03-02T10:15:00-08:00||Dana (ID 4471)|||14|Benefits <check>||" {
		t.Errorf("row %q", got)
	}
	if got := strings.Join(rows[3], "|"); got != `c2|2026-05-01T10:00:00Z||'=HYPERLINK("http://x")|'@ref|||'+1 555|'-|` {
		t.Errorf("formulas not neutralised: %q", got)
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("calls.csv lines do not end in CRLF")
	}
}

func TestConditionsCSV(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(ConditionsCSV(testIndex().Conditions))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "date", "phase", "pain", "ODI", "flexion", "text"},
		{"n1", "2026-03-04", "before", "7", "42%", "35deg", "stiff"},
		{"n2", "2026-03-18", "after", "3", "", "60deg", "better"},
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}
