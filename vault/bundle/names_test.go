package bundle

import (
	"mime"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocumentName(t *testing.T) {
	tests := []struct {
		name                               string
		n                                  int
		kind, date, title, file, mediaType string
		want                               string
	}{
		{"issue example", 3, "receipt", "2026-03-11", "Visit 3", "IMG_2041.PDF", "application/pdf", "documents/003-receipt-2026-03-11-visit-3.pdf"},
		{"media type parameters", 7, "clinical-note", "2026-03-04", "SOAP note", "", "text/plain; charset=utf-8", "documents/007-clinical-note-2026-03-04-soap-note.txt"},
		{"extension from type, not name", 1, "receipt", "2026-03-04", "Receipt", "photo.pdf", "image/jpeg", "documents/001-receipt-2026-03-04-receipt.jpg"},
		{"no title: file stem", 2, "lmn", "2026-02-24", "", "Letter of Necessity.pdf", "application/pdf", "documents/002-lmn-2026-02-24-letter-of-necessity.pdf"},
		{"dot-dot title", 4, "other", "2026-01-01", "../../x", "", "application/pdf", "documents/004-other-2026-01-01-x.pdf"},
		{"dot-dot file name", 5, "other", "2026-01-01", "", "../../etc/passwd", "text/plain", "documents/005-other-2026-01-01-passwd.txt"},
		{"windows path", 6, "other", "2026-01-01", "", `..\..\boot.ini`, "text/plain", "documents/006-other-2026-01-01-boot.txt"},
		{"hostile kind and date", 8, "../x", "../../", "t", "", "application/pdf", "documents/008-x-t.pdf"},
		{"non-ASCII title", 9, "receipt", "2026-03-04", "Reçu — séance n°1 ✓", "", "image/png", "documents/009-receipt-2026-03-04-re-u-s-ance-n-1.png"},
		{"unknown type keeps a plain extension", 10, "other", "2026-01-01", "Scan", "scan.HEIC2", "application/x-unknown", "documents/010-other-2026-01-01-scan.heic2"},
		{"unknown type and hostile extension", 11, "other", "2026-01-01", "Scan", "scan.p/df", "application/octet-stream", "documents/011-other-2026-01-01-scan.bin"},
		{"empty everything", 12, "", "", "", "", "", "documents/012.bin"},
		{"four digits", 1234, "eob", "2026-04-10", "EOB", "", "application/pdf", "documents/1234-eob-2026-04-10-eob.pdf"},
		{"long title is cut", 1, "lmn", "2026-02-24", strings.Repeat("word ", 30), "", "application/pdf",
			"documents/001-lmn-2026-02-24-" + strings.TrimRight(strings.Repeat("word-", 8), "-") + ".pdf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DocumentName(tc.n, tc.kind, tc.date, tc.title, tc.file, tc.mediaType)
			if got != tc.want {
				t.Errorf("DocumentName = %q, want %q", got, tc.want)
			}
			if err := CheckPath(got); err != nil {
				t.Errorf("CheckPath(%q): %v", got, err)
			}
			// Extracted anywhere, the file stays inside documents/.
			root := filepath.Join("/tmp", "x")
			p := filepath.Join(root, filepath.FromSlash(got))
			if filepath.Dir(p) != filepath.Join(root, "documents") {
				t.Errorf("%q lands in %q", got, filepath.Dir(p))
			}
		})
	}
}

// TestExtension: the table first, then the media types built into the
// mimetype library, then a plain extension of the file name, else .bin;
// never the machine's mime.types (package mime), which differ between
// machines and would give the same bundle different names.
func TestExtension(t *testing.T) {
	// A type only package mime knows (as a machine's mime.types might):
	// it must not change the name.
	if err := mime.AddExtensionType(".vaulttest", "application/x-vault-test-only"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ mediaType, fileName, want string }{
		{"application/pdf", "", ".pdf"},
		{"Image/JPEG", "x.jpeg", ".jpg"},
		{"image/tiff", "", ".tif"}, // the table wins over the library's .tiff
		// What the vault refuses unless --any-type leaves under a name
		// that does not run (an archive, a program, a script, markup).
		{"application/zip", "", ".bin"},
		{"application/vnd.microsoft.portable-executable", "setup.exe", ".bin"},
		{"application/octet-stream", "setup.exe", ".bin"},
		{"text/x-python", "run.py", ".txt"},
		{"text/plain", "run.py", ".txt"},
		{"text/html", "eob.html", ".txt"},
		{"image/svg+xml", "chart.svg", ".txt"},
		{"application/vnd.ms-htmlhelp", "help.chm", ".bin"},
		{"application/octet-stream", "disk.iso", ".bin"},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "letter.docx", ".docx"},
		{"audio/mpeg", "voice.bin", ".mp3"},
		{"application/vnd.ms-excel; x=y", "", ".xls"},
		{"application/x-vault-test-only", "", ".bin"},
		{"application/x-vault-test-only", "a.ok", ".ok"},
		{"application/octet-stream", "", ".bin"},
		{"", "", ".bin"},
		{"not a type", "notes.TXT", ".txt"},
	}
	for _, tc := range tests {
		if got := Extension(tc.mediaType, tc.fileName); got != tc.want {
			t.Errorf("Extension(%q, %q) = %q, want %q", tc.mediaType, tc.fileName, got, tc.want)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Visit 3 (Mar.)", 40, "visit-3-mar"},
		{"--a--b--", 40, "a-b"},
		{"", 40, ""},
		{"../..", 40, ""},
		{"abcdef", 3, "abc"},
		{"Referral to massage therapy from Dr. Priya Natarajan", 40, "referral-to-massage-therapy-from-dr"},
		{"Superbill FTM-1041, Fernhill Therapeutic Massage", 40, "superbill-ftm-1041-fernhill-therapeutic"},
		{"Superbill FTM-1041, Fernhill Therapeutics", 40, "superbill-ftm-1041-fernhill-therapeutics"},
		{"averyveryveryverylongwordwithoutanybreaks at all", 20, "averyveryveryverylon"},
		{"ab cdef", 3, "ab"},
		{"\u212a", 40, "k"}, // Kelvin sign lowers to ASCII k
		{"\x00\x1b[31mred", 40, "31mred"},
	}
	for _, tc := range tests {
		if got := Slug(tc.in, tc.max); got != tc.want {
			t.Errorf("Slug(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestCheckPath(t *testing.T) {
	good := []string{"index.html", "calls.csv", "conditions.csv", "documents/001-receipt.pdf", "documents/A_b-1.txt"}
	bad := []string{"", "manifest.json", "manifest.sig", "documents/", "documents/.hidden", "documents/../x",
		"../x", "/etc/passwd", "documents/a/b.pdf", `documents\a.pdf`, "documents/a b.pdf", "Index.html",
		"other.txt", "documents/é.pdf", "documents/a\x00.pdf", "./index.html", "documents/" + strings.Repeat("a", 201)}
	for _, p := range good {
		if err := CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range bad {
		if err := CheckPath(p); err == nil {
			t.Errorf("CheckPath(%q) = nil, want an error", p)
		}
	}
}

func TestCompressible(t *testing.T) {
	tests := map[string]bool{
		"text/plain; charset=utf-8": true, "text/csv": true, "application/json": true, "image/tiff": true,
		"application/pdf": false, "image/jpeg": false, "image/png": false, "application/zip": false, "": false,
	}
	for mt, want := range tests {
		if got := Compressible(mt); got != want {
			t.Errorf("Compressible(%q) = %v, want %v", mt, got, want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	fp := Fingerprint(testPub(1))
	if len(fp) != 19 || strings.Count(fp, " ") != 3 {
		t.Errorf("Fingerprint = %q, want 4 groups of 4 hex digits", fp)
	}
	if fp == Fingerprint(testPub(2)) {
		t.Error("two keys have the same fingerprint")
	}
	k, err := ParsePublicKey(EncodePublicKey(testPub(1)))
	if err != nil || !k.Equal(testPub(1)) {
		t.Errorf("ParsePublicKey(EncodePublicKey(k)) = %v, %v", k, err)
	}
	for _, s := range []string{"", "AAAA", "not base64!", EncodePublicKey(testPub(1)) + "AA=="} {
		if _, err := ParsePublicKey(s); err == nil {
			t.Errorf("ParsePublicKey(%q) succeeded", s)
		}
	}
}
