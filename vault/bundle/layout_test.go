package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// zipParts locates a bundle's central directory and end record.
type zipParts struct {
	cdOffset, cdSize int
	end              int // offset of the end record
}

func partsOf(t testing.TB, b []byte) zipParts {
	t.Helper()
	end := len(b) - endLen
	le := binary.LittleEndian
	if le.Uint32(b[end:]) != sigEnd {
		t.Fatal("no end record at the end")
	}
	return zipParts{cdOffset: int(le.Uint32(b[end+16:])), cdSize: int(le.Uint32(b[end+12:])), end: end}
}

// centralEntries returns the offsets of each central directory entry.
func centralEntries(t testing.TB, b []byte) []int {
	t.Helper()
	p := partsOf(t, b)
	le := binary.LittleEndian
	var out []int
	for at := p.cdOffset; at < p.cdOffset+p.cdSize; {
		out = append(out, at)
		at += centralLen + int(le.Uint16(b[at+28:])) + int(le.Uint16(b[at+30:])) + int(le.Uint16(b[at+32:]))
	}
	return out
}

// localEntry builds a local header and stored data, as a forger would.
func localEntry(name string, data []byte) []byte {
	h := make([]byte, localLen)
	le := binary.LittleEndian
	le.PutUint32(h, sigLocal)
	le.PutUint16(h[4:], 20)
	le.PutUint32(h[14:], crc32.ChecksumIEEE(data))
	le.PutUint32(h[18:], uint32(len(data)))
	le.PutUint32(h[22:], uint32(len(data)))
	le.PutUint16(h[26:], uint16(len(name)))
	return append(append(h, name...), data...)
}

// insertAt inserts ins at offset at and moves every offset after it in the
// central directory and end record, so that the central directory still
// reads exactly as before.
func insertAt(t testing.TB, b []byte, at int, ins []byte) []byte {
	t.Helper()
	le := binary.LittleEndian
	out := append(append(append([]byte(nil), b[:at]...), ins...), b[at:]...)
	shift := func(off int) int {
		if off >= at {
			return off + len(ins)
		}
		return off
	}
	for _, e := range centralEntries(t, b) {
		pos := shift(e) + 42
		le.PutUint32(out[pos:], uint32(shift(int(le.Uint32(b[e+42:])))))
	}
	p := partsOf(t, b)
	le.PutUint32(out[shift(p.end)+16:], uint32(shift(p.cdOffset)))
	return out
}

// findCentral returns the offset of name's central directory entry.
func findCentral(t testing.TB, b []byte, name string) int {
	t.Helper()
	le := binary.LittleEndian
	for _, e := range centralEntries(t, b) {
		n := int(le.Uint16(b[e+28:]))
		if string(b[e+centralLen:e+centralLen+n]) == name {
			return e
		}
	}
	t.Fatalf("%s not in the central directory", name)
	return 0
}

const lmnPath = "documents/001-lmn-2026-02-24-lmn.pdf"

// TestVerifyZipLevelAttacks: a signed bundle altered at the container level,
// so that the central directory (what Go's archive/zip reads, and what the
// signature covers) still reads as the original while a streaming extractor
// sees other files. Each was accepted as signed before the layout checks.
func TestVerifyZipLevelAttacks(t *testing.T) {
	good := buildBundle(t, testKey(1))
	if r := VerifyReaderAt(bytes.NewReader(good), int64(len(good))); !r.OK() {
		t.Fatalf("the bundle itself fails: %q", r.Problems)
	}
	le := binary.LittleEndian
	attacks := map[string]struct {
		bundle []byte
		want   string
	}{}
	// A second local entry with a document's name before the central
	// directory: bsdtar and Windows' tar extract the forged bytes.
	p := partsOf(t, good)
	attacks["forged second entry"] = struct {
		bundle []byte
		want   string
	}{insertAt(t, good, p.cdOffset, localEntry(lmnPath, []byte("%PDF-1.4 forged"))), "belong to no entry of its central directory"}
	// An entry prepended before the first: a Java extractor writes it
	// outside its folder.
	attacks["prepended entry"] = struct {
		bundle []byte
		want   string
	}{insertAt(t, good, 0, localEntry("../../evil.sh", []byte("echo owned"))), "bytes 0 to"}
	// A local header renamed (same length).
	renamed := bytes.Clone(good)
	i := bytes.Index(renamed, []byte(lmnPath))
	copy(renamed[i+len("documents/"):], "002")
	attacks["local header renamed"] = struct {
		bundle []byte
		want   string
	}{renamed, "the local header names it"}
	// An entry's attributes turned into a symbolic link.
	link := bytes.Clone(good)
	e := findCentral(t, link, lmnPath)
	le.PutUint16(link[e+4:], 3<<8|20)
	le.PutUint32(link[e+38:], 0o120777<<16)
	attacks["symlink attributes"] = struct {
		bundle []byte
		want   string
	}{link, "is not a regular file"}
	// Bytes after the end record, and a data descriptor flag.
	attacks["trailing bytes"] = struct {
		bundle []byte
		want   string
	}{append(bytes.Clone(good), "PK\x03\x04 trailing"...), "end record"}
	flagged := bytes.Clone(good)
	le.PutUint16(flagged[e+8:], flagDataDescriptor)
	attacks["data descriptor flag"] = struct {
		bundle []byte
		want   string
	}{flagged, "flags"}
	for name, a := range attacks {
		t.Run(name, func(t *testing.T) {
			// The central directory still reads as a whole, valid zip.
			if _, err := zip.NewReader(bytes.NewReader(a.bundle), int64(len(a.bundle))); err != nil && name != "trailing bytes" {
				t.Logf("archive/zip: %v", err)
			}
			r := VerifyReaderAt(bytes.NewReader(a.bundle), int64(len(a.bundle)))
			if r.OK() {
				t.Fatal("the altered bundle verifies")
			}
			if !strings.Contains(strings.Join(r.Problems, "\n"), a.want) {
				t.Errorf("no problem says %q:\n%s", a.want, strings.Join(r.Problems, "\n"))
			}
		})
	}
}

// TestWriterWritesNoDataDescriptors: every local header carries its CRC-32
// and sizes, and agrees with the central directory.
func TestWriterWritesNoDataDescriptors(t *testing.T) {
	b := buildBundle(t, testKey(1))
	if problems := checkLayout(bytes.NewReader(b), int64(len(b)), nil); len(problems) > 0 {
		t.Fatalf("the writer's own layout: %q", problems)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Flags&flagDataDescriptor != 0 {
			t.Errorf("%s has a data descriptor", f.Name)
		}
	}
}

// TestStreamingReaderReadsBundle reads a bundle entry by entry from the start
// with Java's ZipInputStream, which fails on stored entries with data
// descriptors, and compares what it reads with the central directory.
func TestStreamingReaderReadsBundle(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run the streaming-reader test: java is missing")
		}
		t.Skip("java is not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "Stream.java")
	if err := os.WriteFile(src, []byte(`import java.io.*; import java.util.zip.*;
public class Stream { public static void main(String[] a) throws Exception {
  try (ZipInputStream z = new ZipInputStream(new FileInputStream(a[0]))) {
    ZipEntry e; byte[] buf = new byte[65536];
    while ((e = z.getNextEntry()) != null) {
      CRC32 c = new CRC32(); long n = 0; int k;
      while ((k = z.read(buf)) > 0) { c.update(buf, 0, k); n += k; }
      System.out.println(e.getName() + " " + n + " " + Long.toHexString(c.getValue()));
    } } } }
`), 0o600); err != nil {
		t.Fatal(err)
	}
	b := buildBundle(t, testKey(1))
	zipPath := filepath.Join(dir, "bundle.zip")
	if err := os.WriteFile(zipPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(java, src, zipPath).CombinedOutput()
	if err != nil {
		t.Fatalf("ZipInputStream: %v\n%s", err, out)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, f := range zr.File {
		fmt.Fprintf(&want, "%s %d %x\n", f.Name, f.UncompressedSize64, f.CRC32)
	}
	if string(out) != want.String() {
		t.Errorf("the streaming reader read:\n%s\nthe central directory says:\n%s", out, want.String())
	}
}

// streamEntries reads the zip as a streaming extractor does: local header
// after local header from offset 0, each entry's stored bytes as its local
// header sizes them, until something that is not a local header. It returns
// name -> raw (compressed) bytes, and false when it meets a duplicate name.
func streamEntries(b []byte) (map[string][]byte, bool) {
	le := binary.LittleEndian
	out := map[string][]byte{}
	for at := 0; at+localLen <= len(b) && le.Uint32(b[at:]) == sigLocal; {
		n, x := int(le.Uint16(b[at+26:])), int(le.Uint16(b[at+28:]))
		size := int(le.Uint32(b[at+18:]))
		start := at + localLen + n + x
		if start > len(b) || size < 0 || start+size > len(b) {
			return out, true
		}
		name := string(b[at+localLen : at+localLen+n])
		if _, dup := out[name]; dup {
			return out, false
		}
		out[name] = b[start : start+size]
		at = start + size
	}
	return out, true
}

// FuzzVerifyContainer alters a signed bundle at the container level (bytes
// set, ranges copied elsewhere or deleted) and checks what the old oracle
// could not see: a bundle that verifies reads the same to a streaming
// extractor as to the central directory, entry for entry.
func FuzzVerifyContainer(f *testing.F) {
	good := buildBundle(f, testKey(1))
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 200, 40})
	f.Add([]byte{2, 0, 10, 30, 0})
	f.Add([]byte{0, 0, 6, 8, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		b := bytes.Clone(good)
		for len(ops) >= 5 && len(b) > 0 {
			kind, pos, val := ops[0]%3, int(binary.LittleEndian.Uint16(ops[1:]))%len(b), int(binary.LittleEndian.Uint16(ops[3:]))
			ops = ops[5:]
			switch kind {
			case 0:
				b[pos] = byte(val)
			case 1: // copy a range to another place
				n := min(val%512, len(b)-pos)
				to := int(ops0(ops)) % (len(b) + 1)
				chunk := bytes.Clone(b[pos : pos+n])
				b = append(b[:to], append(chunk, b[to:]...)...)
			case 2:
				n := min(val%512, len(b)-pos)
				b = append(b[:pos], b[pos+n:]...)
			}
		}
		r := VerifyReaderAt(bytes.NewReader(b), int64(len(b)))
		if !r.OK() {
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("verified, but archive/zip cannot read it: %v", err)
		}
		streamed, unique := streamEntries(b)
		if !unique || len(streamed) != len(zr.File) {
			t.Fatalf("verified, but a streaming reader sees %d entries (unique %v), the central directory %d", len(streamed), unique, len(zr.File))
		}
		for _, zf := range zr.File {
			rc, err := zf.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			raw := make([]byte, zf.CompressedSize64)
			if _, err := io.ReadFull(rc, raw); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(streamed[zf.Name], raw) {
				t.Fatalf("verified, but %s reads differently when streamed", zf.Name)
			}
		}
	})
}

// ops0 reads the next op's position bytes as a target offset (0 when none).
func ops0(ops []byte) uint16 {
	if len(ops) < 3 {
		return 0
	}
	return binary.LittleEndian.Uint16(ops[1:])
}
