package bundle

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStandardTools runs docs/BUNDLE.md's recipe
// (testdata/verify-with-standard-tools.sh: sha256sum, jq, base64, OpenSSL
// 3) on an unzipped bundle: it passes, and fails on a changed file, an
// added file and an edited manifest. Skipped when a tool is missing.
func TestStandardTools(t *testing.T) {
	for _, tool := range []string{"sh", "jq", "sha256sum", "base64", "openssl", "diff", "find"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	if out, err := exec.Command("openssl", "version").Output(); err != nil || !strings.HasPrefix(string(out), "OpenSSL 3") {
		t.Skipf("needs OpenSSL 3 (for pkeyutl -rawin): %s", out)
	}
	script, err := filepath.Abs("testdata/verify-with-standard-tools.sh")
	if err != nil {
		t.Fatal(err)
	}
	key := testKey(1)
	b := buildBundle(t, key)
	run := func(dir string) (string, error) {
		out, err := exec.Command("sh", script, dir).CombinedOutput()
		return string(out), err
	}

	dir := unzipTo(t, b)
	out, err := run(dir)
	if err != nil {
		t.Fatalf("the recipe fails on a good bundle: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Signature Verified Successfully") || !strings.Contains(out, "fingerprint: "+Fingerprint(testPub(1))) {
		t.Errorf("output:\n%s", out)
	}

	for name, damage := range map[string]func(dir string){
		"changed file": func(dir string) {
			p := filepath.Join(dir, filepath.FromSlash(testFiles[0].f.Path))
			data, _ := os.ReadFile(p)
			data[3] ^= 1
			os.WriteFile(p, data, 0o600)
		},
		"added file": func(dir string) {
			os.WriteFile(filepath.Join(dir, "documents", "extra.pdf"), []byte("x"), 0o600)
		},
		"edited manifest": func(dir string) {
			p := filepath.Join(dir, ManifestName)
			data, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(data, []byte("CHP26-1"), []byte("CHP26-2"), 1), 0o600)
		},
	} {
		dir := unzipTo(t, b)
		damage(dir)
		if out, err := run(dir); err == nil {
			t.Errorf("%s: the recipe passes:\n%s", name, out)
		}
	}
}

// unzipTo extracts a (trusted, test-made) bundle into a new folder.
func unzipTo(t *testing.T, b []byte) string {
	t.Helper()
	dir := t.TempDir()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
