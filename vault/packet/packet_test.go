package packet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"vault/vault"
	"vault/vault/export"
)

// packetFixture is a claim with documents of every kind a packet places:
// PDFs of three producers and three page sizes, one rotated, one encrypted
// with an empty user password; JPEGs with EXIF orientations 3, 6 and 8;
// PNGs with alpha, 16 bits and a palette; a typed note; calls and
// condition notes.
type packetFixture struct {
	v     *vault.Vault
	claim *vault.Claim
	docs  []*vault.Document
}

func newPacketFixture(t testing.TB) *packetFixture {
	t.Helper()
	v := newVault(t)
	dob := vault.Date("1984-07-09")
	claim, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Cedar Health Plan", Plan: "commercial", Patient: "Alex Rivera-Łukasz",
		PatientDOB: dob, MemberID: "CHP447100932", Group: "G-5521", ClaimNumber: "CHP26-0325-77814", Provider: "Jordan Lee, LMT",
		NPI: "1245319599", Referrer: "Dr. Priya Natarajan", Diagnoses: []string{"M54.50", "M62.830"}})
	if err != nil {
		t.Fatal(err)
	}
	amount := func(s string) *vault.Cents {
		a, err := vault.ParseAmount(s)
		if err != nil {
			t.Fatal(err)
		}
		return &a
	}
	var referral []byte
	for _, d := range sampleDocs() {
		if d.Kind == vault.KindReferral {
			referral = d.Data
		}
	}
	landscape := fpdfDoc(t, 842, 595, "A4 LANDSCAPE ROTATED", 1)
	up := upright(640, 400)
	nds := []vault.NewDocument{
		{Kind: vault.KindReferral, Date: "2026-02-20", Title: "Referral letter (sample writer)", FileName: "referral.pdf", Open: opener(referral)},
		{Kind: vault.KindReceipt, Date: "2026-03-04", Title: "Visit 1 superbill (fpdf, Letter)", FileName: "visit1.pdf", Amount: amount("145.00"),
			CPT: []vault.CPTLine{{Code: "97124", Units: 2}, {Code: "97140", Units: 1}}, Open: opener(fpdfDoc(t, 612, 792, "FPDF LETTER", 2))},
		{Kind: vault.KindReceipt, Date: "2026-03-11", Title: "Visit 2 receipt (pdfcpu, rotated)", FileName: "visit2.pdf", Amount: amount("145.00"),
			CPT: []vault.CPTLine{{Code: "97124", Units: 2}, {Code: "97140", Units: 1}}, Open: opener(rotated(t, landscape, 90))},
		{Kind: vault.KindLMN, Date: "2026-02-24", Title: "Letter of medical necessity (encrypted, A5)", FileName: "lmn.pdf", ValidUntil: "2027-02-23",
			Open: opener(encrypted(t, fpdfDoc(t, 420, 595, "A5 ENCRYPTED", 1), "", "owner-secret"))},
		{Kind: vault.KindClinicalNote, Date: "2026-03-04", Title: "Photo, EXIF orientation 3", FileName: "o3.jpg", Open: opener(exifJPEG(t, stored(up, 3), 3, false))},
		{Kind: vault.KindClinicalNote, Date: "2026-03-04", Title: "Photo, EXIF orientation 6", FileName: "o6.jpg", Open: opener(exifJPEG(t, stored(up, 6), 6, true))},
		{Kind: vault.KindClinicalNote, Date: "2026-03-04", Title: "Photo, EXIF orientation 8", FileName: "o8.jpg", Open: opener(exifJPEG(t, stored(up, 8), 8, false))},
		{Kind: vault.KindOther, Date: "2026-03-05", Title: "PNG with alpha", FileName: "alpha.png", Open: opener(alphaPNG(t))},
		{Kind: vault.KindOther, Date: "2026-03-05", Title: "PNG, 16 bits", FileName: "deep.png", Open: opener(deepPNG(t))},
		{Kind: vault.KindOther, Date: "2026-03-05", Title: "PNG, palette", FileName: "palette.png", Open: opener(palettePNG(t))},
		{Kind: vault.KindCorrespond, Date: "2026-03-06", Title: "Note to the insurer", Typed: true,
			Open: opener([]byte("Dear Cedar Health Plan,\n\nPlease find the records you asked for. Пациент: Алексей. Ελληνικά.\n\tIndented line.\n"))},
	}
	docs, _, err := v.AddDocuments(claim, nds, vault.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []vault.Call{
		{At: time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC), Party: "insurer", Rep: "Dana", Ref: "REF-1001", Duration: 12 * time.Minute,
			Summary: "Asked what the claim needs.", Promised: "Send the LMN and the receipts.", FollowUp: "2026-03-16"},
		{At: time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC), Party: "insurer", Rep: "Sam", Summary: "Confirmed the records arrived."},
	} {
		if _, _, err := v.LogCall(claim, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		date, phase string
		pain        int
	}{{"2026-02-20", "before", 7}, {"2026-03-11", "progress", 5}, {"2026-04-01", "after", 3}} {
		p := c.pain
		if _, err := v.LogCondition(claim, vault.Condition{Date: vault.Date(c.date), Phase: c.phase, Pain: &p,
			Measures: []vault.Measure{{Name: "ODI", Value: fmt.Sprintf("%d%%", 10*c.pain)}}, Text: "Stiffness on " + c.phase + "."}); err != nil {
			t.Fatal(err)
		}
	}
	return &packetFixture{v: v, claim: claim, docs: docs}
}

// write makes the packet of the whole claim.
func (f *packetFixture) write(t testing.TB, o WriteOptions) *Result {
	t.Helper()
	p, err := export.Prepare(f.v, f.claim, nil, export.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Output == "" {
		o.Output = filepath.Join(t.TempDir(), "packet.pdf")
	}
	res, err := Write(context.Background(), f.v, p, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tool returns the path of a command-line tool, skipping the test when it
// is missing, except under CI, where it must be there.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (CI installs it: .ci/run)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

func TestPacketBuildsAndChecksWithIndependentReaders(t *testing.T) {
	f := newPacketFixture(t)
	res := f.write(t, WriteOptions{Options: Options{StampPrefix: "CHP"}})
	if len(res.Paths) != 1 {
		t.Fatalf("%d parts, want 1", len(res.Paths))
	}
	path := res.Paths[0]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("packet mode %v, want 0600", st.Mode().Perm())
	}
	part := res.Packet.Parts[0]
	if keep := os.Getenv("PACKET_KEEP"); keep != "" {
		// For looking at the pages: PACKET_KEEP=/tmp/packet.pdf go test -run TestPacketBuilds
		_ = os.WriteFile(keep, data, 0o600)
	}

	// pdfcpu's own validation (relaxed: its strict mode also rejects
	// font descriptors without the optional FontFamily, as fpdf writes
	// them; qpdf checks the structure below).
	if err := api.Validate(bytes.NewReader(data), pdfConfig()); err != nil {
		t.Errorf("pdfcpu validation: %v", err)
	}
	n, err := api.PageCount(bytes.NewReader(data), pdfConfig())
	if err != nil || n != part.Pages {
		t.Fatalf("page count %d (%v), want %d", n, err, part.Pages)
	}
	// Pages: cover 1, contents, referral (sample) pages, 2 + 1 + 1 imported, 6 photos, 1 note, calls, conditions, integrity.
	if n < 16 {
		t.Errorf("only %d pages", n)
	}
	if res.Exports[0].Kind != Kind || res.Exports[0].Pages != n {
		t.Errorf("export record kind %q pages %d, want pdf %d", res.Exports[0].Kind, res.Exports[0].Pages, n)
	}
	sum := sha256.Sum256(data)
	if res.Exports[0].BundleSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("recorded SHA-256 %s is not the file's", res.Exports[0].BundleSHA256)
	}

	// Attachments: every document's original bytes, by the vault's hash.
	atts, err := api.Attachments(bytes.NewReader(data), pdfConfig())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, a := range atts {
		names[a.FileName] = true
	}
	ctx, err := api.ReadContext(bytes.NewReader(data), pdfConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := ctx.ExtractAttachments(nil)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]byte{}
	for _, a := range got {
		b, err := io.ReadAll(a)
		if err != nil {
			t.Fatal(err)
		}
		byName[a.FileName] = b
	}
	for _, file := range part.Files {
		b, ok := byName[file.Path]
		if !ok {
			t.Errorf("attachment %s missing", file.Path)
			continue
		}
		s := sha256.Sum256(b)
		if hex.EncodeToString(s[:]) != file.SHA256 {
			t.Errorf("attachment %s: SHA-256 differs from the manifest's", file.Path)
		}
	}
	for _, d := range f.docs {
		found := false
		for _, file := range part.Files {
			if file.ID == d.ID && file.SHA256 == d.SHA256 {
				found = true
			}
		}
		if !found {
			t.Errorf("document %s (%s) is not attached with its vault SHA-256", d.ID, d.FileName)
		}
	}
	for _, n := range []string{"manifest.json", "manifest.sig", "calls.csv", "conditions.csv"} {
		if _, ok := byName[n]; !ok {
			t.Errorf("attachment %s missing", n)
		}
	}
	vr, err := Verify(path)
	if err != nil || !vr.OK() {
		t.Errorf("Verify: %v %v", err, vr.Problems)
	}

	// qpdf's structural check.
	qpdf := tool(t, "qpdf")
	if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	} else if !strings.Contains(string(out), "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check:\n%s", out)
	}

	// The stamp on every page, read back by poppler.
	pdftotext := tool(t, "pdftotext")
	pageText := func(p int) string {
		out, err := exec.Command(pdftotext, "-layout", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext page %d: %v", p, err)
		}
		return string(out)
	}
	stampRE := regexp.MustCompile(`Claim CHP26-0325-77814 · Alex Rivera-Łukasz · (Cover|Contents|Integrity|Exhibit (\d+)) · page (\d+) of (\d+)`)
	firstPage := map[int]int{}
	texts := make([]string, n+1)
	for p := 1; p <= n; p++ {
		texts[p] = pageText(p)
		m := stampRE.FindStringSubmatch(texts[p])
		if m == nil {
			t.Errorf("page %d has no stamp:\n%s", p, texts[p])
			continue
		}
		if m[3] != strconv.Itoa(p) || m[4] != strconv.Itoa(n) {
			t.Errorf("page %d is stamped page %s of %s", p, m[3], m[4])
		}
		if bates := fmt.Sprintf("CHP%06d", p); !strings.Contains(texts[p], bates) {
			t.Errorf("page %d has no Bates number %s", p, bates)
		}
		if m[2] != "" {
			k, _ := strconv.Atoi(m[2])
			if _, ok := firstPage[k]; !ok {
				firstPage[k] = p
			}
		}
	}
	if !strings.Contains(texts[1], "Records for claim CHP26-0325-77814") || !strings.Contains(texts[1], "1984-07-09") ||
		!strings.Contains(texts[1], "Low back pain, unspecified") {
		t.Errorf("cover lacks the title, date of birth or diagnosis names:\n%s", texts[1])
	}
	// The contents' start pages are the pages each exhibit's stamp begins on.
	rowRE := regexp.MustCompile(`(?m)^\s*(\d+)\s+\S.*\s(\d+)\s*$`)
	checked := 0
	for p := 2; p <= n && strings.Contains(texts[p], "· Contents ·"); p++ {
		for _, m := range rowRE.FindAllStringSubmatch(texts[p], -1) {
			k, _ := strconv.Atoi(m[1])
			page, _ := strconv.Atoi(m[2])
			want, ok := firstPage[k]
			if !ok || page < 2 {
				continue
			}
			checked++
			if page != want {
				t.Errorf("contents: exhibit %d starts on page %d, its stamp first shows on page %d", k, page, want)
			}
		}
	}
	if checked < len(firstPage)-2 {
		t.Errorf("contents: only %d of %d start pages found", checked, len(firstPage))
	}
	if len(firstPage) != len(f.docs)+2 {
		t.Errorf("%d exhibits stamped, want %d", len(firstPage), len(f.docs)+2)
	}
	// The imported pages keep their markers: their text is still there.
	all := strings.Join(texts, "\n")
	for _, marker := range []string{"FPDF LETTER", "A4 LANDSCAPE ROTATED", "A5 ENCRYPTED", "Пациент", "Indented line"} {
		if !strings.Contains(all, marker) {
			t.Errorf("no page shows %q", marker)
		}
	}
}

func TestPacketRefusesWhatItCannotPlace(t *testing.T) {
	f := newPacketFixture(t)
	bad := []vault.NewDocument{
		{Kind: vault.KindReceipt, Date: "2026-03-18", FileName: "locked.pdf", Open: opener(encrypted(t, fpdfDoc(t, 612, 792, "LOCKED", 1), "secret", "owner"))},
		{Kind: vault.KindReceipt, Date: "2026-03-19", FileName: "broken.pdf", Open: opener([]byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\ntrailer\n"))},
		{Kind: vault.KindOther, Date: "2026-03-20", FileName: "photo.heic", Open: opener(append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...))},
	}
	added, _, err := f.v.AddDocuments(f.claim, bad, vault.AddOptions{AnyType: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := export.Prepare(f.v, f.claim, nil, export.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "packet.pdf")
	_, err = Write(context.Background(), f.v, p, WriteOptions{Output: out})
	var re *RefusedError
	if !errors.As(err, &re) || len(re.Problems) != 3 {
		t.Fatalf("err %v, want a refusal of 3 documents", err)
	}
	joined := strings.Join(re.Problems, "\n")
	for _, want := range []string{added[0].ID, "password", added[1].ID, "damaged", added[2].ID, "JPEG"} {
		if !strings.Contains(joined, want) {
			t.Errorf("refusal lacks %q:\n%s", want, joined)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused packet was written: %v", err)
	}
	list, err := export.Exports(f.v, "")
	if err != nil || len(list) != 0 {
		t.Errorf("a refused packet was recorded: %d exports (%v)", len(list), err)
	}
	// With --allow-missing they are listed as not included, and attached.
	res, err := Write(context.Background(), f.v, p, WriteOptions{Output: out, Options: Options{AllowMissing: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packet.NotIncluded) != 3 {
		t.Errorf("not included: %v", res.Packet.NotIncluded)
	}
	if txt, ok := pdfText(t, out, 2); ok && !strings.Contains(txt, "Not included") {
		t.Errorf("contents do not list what is not included:\n%s", txt)
	}
}

// pdfText is one page's text by pdftotext; ok is false when it is not
// installed (outside CI).
func pdfText(t testing.TB, path string, page int) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil && os.Getenv("CI") == "" {
		return "", false
	}
	out, err := exec.Command(tool(t, "pdftotext"), "-layout", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), true
}

// TestPacketSplitsByMaxSize: --max-size makes parts named FILE-partN-of-M
// with their own cover and contents, never splitting an exhibit; one
// exhibit alone larger than the limit makes its own part, and is reported.
func TestPacketSplitsByMaxSize(t *testing.T) {
	f := newPacketFixture(t)
	out := filepath.Join(t.TempDir(), "claim.pdf")
	const limit = 150_000
	res := f.write(t, WriteOptions{Output: out, Options: Options{MaxSize: limit}})
	if len(res.Paths) < 2 {
		t.Fatalf("%d parts", len(res.Paths))
	}
	seen := map[int]bool{}
	for i, part := range res.Packet.Parts {
		want := filepath.Join(filepath.Dir(out), fmt.Sprintf("claim-part%d-of-%d.pdf", i+1, len(res.Paths)))
		if res.Paths[i] != want {
			t.Errorf("part %d is %s, want %s", i+1, res.Paths[i], want)
		}
		for _, n := range part.Exhibits {
			if seen[n] {
				t.Errorf("exhibit %d is in two parts", n)
			}
			seen[n] = true
		}
		if len(part.PDF) > limit && len(part.Exhibits) > 1 {
			t.Errorf("part %d is %d bytes with %d exhibits", i+1, len(part.PDF), len(part.Exhibits))
		}
		if r, err := Verify(res.Paths[i]); err != nil || !r.OK() {
			t.Errorf("part %d: %v %v", i+1, err, r.Problems)
		}
		if txt, ok := pdfText(t, res.Paths[i], 1); ok && !strings.Contains(txt, fmt.Sprintf("part %d of %d", i+1, len(res.Paths))) {
			t.Errorf("part %d's cover does not say which part it is:\n%s", i+1, txt)
		}
		if res.Exports[i].Part != i+1 || res.Exports[i].Parts != len(res.Paths) {
			t.Errorf("export record of part %d: part %d of %d", i+1, res.Exports[i].Part, res.Exports[i].Parts)
		}
	}
	if len(seen) != len(f.docs)+2 {
		t.Errorf("%d exhibits in the parts, want %d", len(seen), len(f.docs)+2)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s was written besides the parts", out)
	}
	// A limit below what one exhibit takes: each exhibit alone, said so.
	res = f.write(t, WriteOptions{Options: Options{MaxSize: 20_000}})
	if len(res.Paths) != len(f.docs)+2 || len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, "\n"), "alone is") {
		t.Errorf("%d parts, warnings %q", len(res.Paths), res.Warnings)
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{{"10MB", 10_000_000}, {"10 MiB", 10 << 20}, {"500kB", 500_000}, {"2GB", 2_000_000_000}, {"300000", 300_000}} {
		if got, err := ParseSize(c.in); err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "lots", "10XB", "1kB", "-5MB", "1.5MB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}
