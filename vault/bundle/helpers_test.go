package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/ed25519"
	"hash/crc32"
	"io"
	"testing"
	"time"
)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func testPub(seed byte) ed25519.PublicKey { return testKey(seed).Public().(ed25519.PublicKey) }

var testTime = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// testFiles are the files of the test bundle besides index.html.
var testFiles = []struct {
	f    File
	data []byte
}{
	{File{Path: "documents/001-lmn-2026-02-24-lmn.pdf", MediaType: "application/pdf", Kind: "lmn", Date: "2026-02-24", ID: "aaaa1111", Title: "LMN"},
		[]byte("%PDF-1.4 pretend letter of medical necessity\n%%EOF\n")},
	{File{Path: "documents/002-receipt-2026-03-11-visit-2.png", MediaType: "image/png", Kind: "receipt", Date: "2026-03-11", ID: "bbbb2222", Title: "Visit 2"},
		append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1, 2, 3}, 100)...)},
	{File{Path: "documents/003-clinical-note-2026-03-11-note.txt", MediaType: "text/plain; charset=utf-8", Kind: "clinical-note", Date: "2026-03-11", ID: "cccc3333", Title: "Note"},
		bytes.Repeat([]byte("S: pain 4/10.\n"), 20)},
}

// buildBundle writes a valid test bundle signed by key and returns its bytes.
func buildBundle(t testing.TB, key ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, testTime)
	m := &Manifest{
		ExportID:    "eeee5555",
		Claim:       Claim{Name: "back-2026", Insurer: "Cedar Health Plan", ClaimNumber: "CHP26-1"},
		Request:     &Request{ID: "rrrr4444", Due: "2026-05-30", Kinds: []string{"receipt"}, On: []string{"2026-03-11"}},
		GeneratedAt: testTime,
		Missing:     []string{},
	}
	var files []File
	for _, tf := range testFiles {
		f := tf.f
		f.SHA256, f.Size = sha(tf.data), int64(len(tf.data))
		files = append(files, f)
	}
	pre := *m
	pre.Files = files
	html, err := RenderIndex(&Index{Manifest: &pre, Fingerprint: Fingerprint(key.Public().(ed25519.PublicKey))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddBytes(File{Path: IndexName, MediaType: "text/html; charset=utf-8"}, html); err != nil {
		t.Fatal(err)
	}
	for i, tf := range testFiles {
		if _, err := w.AddBytes(files[i], tf.data); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(m, key); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// entry is one file of a zip, for rewriting archives in tests.
type entry struct {
	name   string
	method uint16
	data   []byte
}

func readZip(t testing.TB, b []byte) []entry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{f.Name, f.Method, data})
	}
	return out
}

func writeZip(t testing.TB, es []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		// As the vault's Writer does: CRC-32 and sizes in the local
		// header, no data descriptor.
		fh := &zip.FileHeader{Name: e.name, Method: e.method, CRC32: crc32.ChecksumIEEE(e.data),
			UncompressedSize64: uint64(len(e.data))}
		body := e.data
		if e.method == zip.Deflate {
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, flate.DefaultCompression)
			fw.Write(e.data)
			fw.Close()
			body = c.Bytes()
		}
		fh.CompressedSize64 = uint64(len(body))
		w, err := zw.CreateRaw(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
