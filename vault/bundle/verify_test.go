package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestWriterAndVerify(t *testing.T) {
	key := testKey(1)
	b := buildBundle(t, key)
	r := VerifyReaderAt(bytes.NewReader(b), int64(len(b)))
	if !r.OK() {
		t.Fatalf("a fresh bundle fails verification: %q", r.Problems)
	}
	if !r.Signed || !r.PublicKey.Equal(key.Public()) {
		t.Errorf("Signed = %v, key %x", r.Signed, r.PublicKey)
	}
	if r.Fingerprint() != Fingerprint(testPub(1)) {
		t.Errorf("Fingerprint = %q", r.Fingerprint())
	}
	m := r.Manifest
	if m.Format != Format || m.ExportID != "eeee5555" || m.Claim.Name != "back-2026" || m.Request.ID != "rrrr4444" {
		t.Errorf("manifest = %+v", m)
	}
	want := []string{IndexName}
	for _, tf := range testFiles {
		want = append(want, tf.f.Path)
	}
	var got []string
	for _, f := range m.Files {
		got = append(got, f.Path)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("manifest files = %q, want %q", got, want)
	}
	for i, tf := range testFiles {
		f := m.Files[i+1]
		if f.SHA256 != sha(tf.data) || f.Size != int64(len(tf.data)) || f.Kind != tf.f.Kind || f.ID != tf.f.ID {
			t.Errorf("manifest entry %+v does not describe %s", f, tf.f.Path)
		}
	}

	// The zip holds exactly the listed files plus manifest.json and
	// manifest.sig; text is deflated, PDF and PNG stored.
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]uint16{}
	for _, f := range zr.File {
		methods[f.Name] = f.Method
	}
	wantMethods := map[string]uint16{
		IndexName: zip.Deflate, ManifestName: zip.Deflate, SignatureName: zip.Store,
		testFiles[0].f.Path: zip.Store, testFiles[1].f.Path: zip.Store, testFiles[2].f.Path: zip.Deflate,
	}
	if len(methods) != len(wantMethods) {
		t.Errorf("zip holds %v", methods)
	}
	for name, want := range wantMethods {
		if got, ok := methods[name]; !ok || got != want {
			t.Errorf("%s: method %d (present %v), want %d", name, got, ok, want)
		}
	}

	// manifest.json is stable JSON with the contract's field names.
	var raw map[string]any
	for _, e := range readZip(t, b) {
		if e.name == ManifestName {
			if err := json.Unmarshal(e.data, &raw); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, k := range []string{"format", "claim", "request", "generated_at", "public_key", "files", "missing"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("manifest.json has no %q", k)
		}
	}
	f0 := raw["files"].([]any)[1].(map[string]any)
	for _, k := range []string{"path", "sha256", "size", "media_type", "kind", "date", "id", "title"} {
		if _, ok := f0[k]; !ok {
			t.Errorf("manifest file entry has no %q: %v", k, f0)
		}
	}
	if raw["generated_at"] != "2026-05-01T10:00:00Z" {
		t.Errorf("generated_at = %v", raw["generated_at"])
	}
}

func TestWriterRefuses(t *testing.T) {
	w := NewWriter(&bytes.Buffer{}, testTime)
	if _, err := w.AddBytes(File{Path: "../evil"}, nil); err == nil {
		t.Error("Add accepted ../evil")
	}
	if _, err := w.AddBytes(File{Path: IndexName}, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddBytes(File{Path: IndexName}, []byte("b")); err == nil {
		t.Error("Add accepted a second index.html")
	}
	if _, err := w.AddBytes(File{Path: CallsName, SHA256: sha([]byte("x")), Size: 1}, []byte("y")); err == nil {
		t.Error("Add accepted content that differs from the expected hash")
	}
	if _, err := w.Close(&Manifest{}, nil); err == nil {
		t.Error("Close accepted no key")
	}
}

// mutation changes a valid bundle's entries; want matches a problem line.
type mutation struct {
	name   string
	change func(t *testing.T, es []entry) []entry
	want   string
}

func find(es []entry, name string) int {
	for i, e := range es {
		if e.name == name {
			return i
		}
	}
	panic("no entry " + name)
}

// editManifest rewrites manifest.json (keeping the old signature).
func editManifest(t *testing.T, es []entry, fn func(m *Manifest)) []entry {
	i := find(es, ManifestName)
	m, err := ParseManifest(es[i].data)
	if err != nil {
		t.Fatal(err)
	}
	fn(m)
	if es[i].data, err = m.Marshal(); err != nil {
		t.Fatal(err)
	}
	return es
}

// resign signs manifest.json again with key, naming key in it.
func resign(t *testing.T, es []entry, key ed25519.PrivateKey) []entry {
	es = editManifest(t, es, func(m *Manifest) { m.PublicKey = EncodePublicKey(key.Public().(ed25519.PublicKey)) })
	es[find(es, SignatureName)].data = ed25519.Sign(key, es[find(es, ManifestName)].data)
	return es
}

func TestVerifyDetects(t *testing.T) {
	doc := testFiles[0].f.Path
	tests := []mutation{
		{"changed byte in a document", func(t *testing.T, es []entry) []entry {
			es[find(es, doc)].data[10] ^= 1
			return es
		}, `^documents/001-lmn-2026-02-24-lmn.pdf: SHA-256 [0-9a-f]{64} does not match the manifest's`},
		{"changed byte in index.html", func(t *testing.T, es []entry) []entry {
			es[find(es, IndexName)].data[100] ^= 1
			return es
		}, `^index.html: SHA-256 .* does not match`},
		{"removed file", func(t *testing.T, es []entry) []entry {
			i := find(es, doc)
			return append(es[:i], es[i+1:]...)
		}, `^documents/001-lmn-2026-02-24-lmn.pdf is listed in the manifest but missing from the zip$`},
		{"added file", func(t *testing.T, es []entry) []entry {
			return append(es, entry{"documents/004-extra.pdf", zip.Store, []byte("extra")})
		}, `^documents/004-extra.pdf is in the zip but not listed in the manifest$`},
		{"added file with an unsafe name", func(t *testing.T, es []entry) []entry {
			return append(es, entry{"../../evil\x1b[2J.sh", zip.Store, []byte("rm -rf")})
		}, `^"\.\./\.\./evil\\x1b\[2J\.sh" is in the zip but not listed in the manifest, and its name is unsafe$`},
		{"truncated file", func(t *testing.T, es []entry) []entry {
			i := find(es, doc)
			es[i].data = es[i].data[:5]
			return es
		}, `^documents/001-lmn-2026-02-24-lmn.pdf: size 5 in the zip, \d+ in the manifest$`},
		{"duplicate entry", func(t *testing.T, es []entry) []entry {
			return append(es, es[find(es, doc)])
		}, `^documents/001-lmn-2026-02-24-lmn.pdf appears 2 times in the zip$`},
		{"names differing in case", func(t *testing.T, es []entry) []entry {
			return append(es, entry{"INDEX.html", zip.Store, []byte("x")})
		}, `^INDEX.html and index.html differ only in letter case$`},
		{"edited manifest", func(t *testing.T, es []entry) []entry {
			return editManifest(t, es, func(m *Manifest) { m.Claim.ClaimNumber = "CHP26-2" })
		}, `^manifest.sig is not a valid signature of manifest.json`},
		{"edited manifest hides a changed file", func(t *testing.T, es []entry) []entry {
			es[find(es, doc)].data[10] ^= 1
			return editManifest(t, es, func(m *Manifest) { m.Files[1].SHA256 = sha(es[find(es, doc)].data) })
		}, `^manifest.sig is not a valid signature`},
		{"manifest lists an escaping path", func(t *testing.T, es []entry) []entry {
			return editManifest(t, es, func(m *Manifest) { m.Files = append(m.Files, File{Path: "../x", SHA256: sha(nil)}) })
		}, `^manifest.json lists "\.\./x" is not a bundle file name`},
		{"manifest lists a file twice", func(t *testing.T, es []entry) []entry {
			return editManifest(t, es, func(m *Manifest) { m.Files = append(m.Files, m.Files[1]) })
		}, `^manifest.json lists documents/001-lmn-2026-02-24-lmn.pdf twice$`},
		{"manifest without index.html", func(t *testing.T, es []entry) []entry {
			es = editManifest(t, es, func(m *Manifest) { m.Files = m.Files[1:] })
			i := find(es, IndexName)
			return append(es[:i], es[i+1:]...)
		}, `^manifest.json does not list index.html$`},
		{"bad signature", func(t *testing.T, es []entry) []entry {
			es[find(es, SignatureName)].data[0] ^= 0x80
			return es
		}, `^manifest.sig is not a valid signature of manifest.json`},
		{"signature by another key", func(t *testing.T, es []entry) []entry {
			es[find(es, SignatureName)].data = ed25519.Sign(testKey(9), es[find(es, ManifestName)].data)
			return es
		}, `^manifest.sig is not a valid signature`},
		{"short signature", func(t *testing.T, es []entry) []entry {
			es[find(es, SignatureName)].data = []byte("sig")
			return es
		}, `^manifest.sig is not a 64-byte Ed25519 signature$`},
		{"missing signature", func(t *testing.T, es []entry) []entry {
			i := find(es, SignatureName)
			return append(es[:i], es[i+1:]...)
		}, `^manifest.sig is missing$`},
		{"missing manifest", func(t *testing.T, es []entry) []entry {
			i := find(es, ManifestName)
			return append(es[:i], es[i+1:]...)
		}, `^manifest.json is missing$`},
		{"manifest not JSON", func(t *testing.T, es []entry) []entry {
			es[find(es, ManifestName)].data = []byte("{nope")
			return es
		}, `^manifest is not valid JSON`},
		{"unknown format", func(t *testing.T, es []entry) []entry {
			return editManifest(t, es, func(m *Manifest) { m.Format = "vault-bundle/9" })
		}, `^manifest format is "vault-bundle/9"`},
		{"bad public key", func(t *testing.T, es []entry) []entry {
			return editManifest(t, es, func(m *Manifest) { m.PublicKey = "AAAA" })
		}, `^manifest.json: public_key is not the base64 of a 32-byte Ed25519 key$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es := tc.change(t, readZip(t, buildBundle(t, testKey(1))))
			b := writeZip(t, es)
			r := VerifyReaderAt(bytes.NewReader(b), int64(len(b)))
			if r.OK() {
				t.Fatal("the damaged bundle passes verification")
			}
			re := regexp.MustCompile(tc.want)
			for _, p := range r.Problems {
				if re.MatchString(p) {
					return
				}
			}
			t.Errorf("no problem matches %q; problems:\n%s", tc.want, strings.Join(r.Problems, "\n"))
		})
	}
}

func TestVerifyResignedByOtherKey(t *testing.T) {
	// A manifest re-signed with another key is valid on its own: Verify
	// reports the other key, which is how a reader tells who signed it.
	es := resign(t, readZip(t, buildBundle(t, testKey(1))), testKey(2))
	b := writeZip(t, es)
	r := VerifyReaderAt(bytes.NewReader(b), int64(len(b)))
	if !r.OK() || r.Fingerprint() != Fingerprint(testPub(2)) {
		t.Errorf("problems %q, fingerprint %q", r.Problems, r.Fingerprint())
	}
}

// TestVerifyRefusesFolderEntry: the vault writes no folder entries, and a
// bundle holds regular files only.
func TestVerifyRefusesFolderEntry(t *testing.T) {
	es := readZip(t, buildBundle(t, testKey(1)))
	es = append([]entry{{"documents/", zip.Store, nil}}, es...)
	b := writeZip(t, es)
	if r := VerifyReaderAt(bytes.NewReader(b), int64(len(b))); r.OK() {
		t.Error("a bundle with a folder entry verifies")
	}
}

func TestVerifyRawDamage(t *testing.T) {
	b := buildBundle(t, testKey(1))
	// Flip one byte inside the stored PNG's data, in the zip file itself.
	png := testFiles[1].data
	i := bytes.Index(b, png[8:40])
	if i < 0 {
		t.Fatal("stored PNG not found in the zip")
	}
	d := bytes.Clone(b)
	d[i+5] ^= 0xff
	r := VerifyReaderAt(bytes.NewReader(d), int64(len(d)))
	if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), "documents/002-receipt-2026-03-11-visit-2.png") {
		t.Errorf("a flipped byte in the PNG: problems %q", r.Problems)
	}
	// Not a zip at all, and a truncated one.
	for _, bad := range [][]byte{[]byte("hello"), b[:len(b)/2], nil} {
		r := VerifyReaderAt(bytes.NewReader(bad), int64(len(bad)))
		if r.OK() || !strings.HasPrefix(r.Problems[0], "not a readable zip archive") {
			t.Errorf("%d bytes: problems %q", len(bad), r.Problems)
		}
	}
}

func TestVerifyManyProblemsAreCapped(t *testing.T) {
	es := readZip(t, buildBundle(t, testKey(1)))
	for i := 0; i < 500; i++ {
		es = append(es, entry{"documents/x" + strings.Repeat("y", i%50) + string(rune('a'+i%26)) + hex.EncodeToString([]byte{byte(i), byte(i >> 8)}), zip.Store, nil})
	}
	b := writeZip(t, es)
	r := VerifyReaderAt(bytes.NewReader(b), int64(len(b)))
	if len(r.Problems) != maxProblems+1 || !strings.HasPrefix(r.Problems[maxProblems], "... and 300 more problems") {
		t.Errorf("%d problems, last %q", len(r.Problems), r.Problems[len(r.Problems)-1])
	}
}

func TestVerifyFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.zip")
	b := buildBundle(t, testKey(1))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(p)
	if err != nil || !r.OK() {
		t.Fatalf("Verify: %v, %q", err, r.Problems)
	}
	if r.SHA256 != sha(b) || r.Size != int64(len(b)) {
		t.Errorf("SHA256 %s size %d", r.SHA256, r.Size)
	}
	if _, err := Verify(filepath.Join(dir, "none.zip")); err == nil {
		t.Error("Verify of a missing file succeeded")
	}
	if _, err := Verify(dir); err == nil {
		t.Error("Verify of a folder succeeded")
	}
}

func TestParseManifest(t *testing.T) {
	good := `{"format":"vault-bundle/1","claim":{"name":"x","insurer":"y"},"request":null,"files":[],"missing":[]}`
	if _, err := ParseManifest([]byte(good + "\n")); err != nil {
		t.Errorf("ParseManifest(good) = %v", err)
	}
	bad := []string{"", "null", "[]", `{"format":"other"}`, good + "{}", good + "x", `{"format":"vault-bundle/1","files":"x"}`,
		`{"format":"vault-bundle/1","generated_at":"yesterday"}`}
	for _, s := range bad {
		if _, err := ParseManifest([]byte(s)); err == nil {
			t.Errorf("ParseManifest(%q) succeeded", s)
		}
	}
	if _, err := ParseManifest(make([]byte, MaxManifestSize+1)); err == nil {
		t.Error("ParseManifest accepted an oversized manifest")
	}
}

// TestManifestAlwaysHasTheListedFields: the fields the format lists are
// written even when empty: claim_number, request (null), and every file's
// kind, date, id and title.
func TestManifestAlwaysHasTheListedFields(t *testing.T) {
	m := &Manifest{Format: Format, Claim: Claim{Name: "x", Insurer: "y"}, GeneratedAt: testTime,
		Files: []File{{Path: IndexName, SHA256: strings.Repeat("0", 64), Size: 1, MediaType: "text/html; charset=utf-8"}}}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Claim   map[string]any   `json:"claim"`
		Request *json.RawMessage `json:"request"`
		Files   []map[string]any `json:"files"`
		Missing []string         `json:"missing"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"name": "x", "insurer": "y", "claim_number": ""} {
		if v, ok := raw.Claim[k]; !ok || v != want {
			t.Errorf("claim.%s = %v (present %v), want %q in\n%s", k, v, ok, want, b)
		}
	}
	if !strings.Contains(string(b), `"request": null`) || raw.Missing == nil {
		t.Errorf("request or missing absent:\n%s", b)
	}
	for _, k := range []string{"path", "sha256", "size", "media_type", "kind", "date", "id", "title"} {
		if _, ok := raw.Files[0][k]; !ok {
			t.Errorf("files[0] lacks %q:\n%s", k, b)
		}
	}
	for _, k := range []string{"patient", "member_id", "diagnoses"} {
		if _, ok := raw.Claim[k]; ok {
			t.Errorf("claim.%s is written though empty and not listed by the format", k)
		}
	}
}
