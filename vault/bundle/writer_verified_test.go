package bundle

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAddVerified: the manifest takes the expected hash without hashing
// again, a size that differs is still refused, a writer's failure (as
// vault.ReadDocument's on a hash that differs) fails the file, and a file
// without a well-formed expected hash is refused before anything is written.
func TestAddVerified(t *testing.T) {
	data := []byte("%PDF-1.4 receipt\n%%EOF\n")
	good := File{Path: "documents/001-receipt.pdf", MediaType: "application/pdf", SHA256: sha(data), Size: int64(len(data))}
	writeData := func(w io.Writer) error { _, err := w.Write(data); return err }

	var buf bytes.Buffer
	w := NewWriter(&buf, testTime)
	if _, err := w.AddBytes(File{Path: IndexName, MediaType: "text/html; charset=utf-8"}, []byte("<!doctype html><title>x</title>")); err != nil {
		t.Fatal(err)
	}
	got, err := w.AddVerified(good, writeData)
	if err != nil || got.SHA256 != sha(data) || got.Size != int64(len(data)) {
		t.Fatalf("AddVerified = %+v, %v", got, err)
	}
	if _, err := w.Close(&Manifest{ExportID: "eeee5555", GeneratedAt: testTime, Missing: []string{}}, testKey(1)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(path)
	if err != nil || !r.OK() {
		t.Fatalf("a bundle made with AddVerified does not verify: %v %+v", err, r)
	}

	cases := []struct {
		name  string
		f     File
		write func(io.Writer) error
		want  string
	}{
		{"shorter than expected", good, func(w io.Writer) error { _, err := w.Write(data[:5]); return err }, "does not match the expected SHA-256 and size"},
		{"writer refuses the content", good, func(w io.Writer) error { return errors.New("document does not match its recorded SHA-256") }, "recorded SHA-256"},
		{"no expected hash", File{Path: "documents/002-x.pdf"}, writeData, "no expected SHA-256"},
		{"malformed expected hash", File{Path: "documents/003-x.pdf", SHA256: strings.Repeat("z", 64)}, writeData, "no expected SHA-256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := NewWriter(io.Discard, testTime)
			if _, err := w.AddVerified(c.f, c.write); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("AddVerified = %v, want an error containing %q", err, c.want)
			}
			if len(w.Files()) != 0 {
				t.Errorf("the refused file is listed: %+v", w.Files())
			}
		})
	}
}
