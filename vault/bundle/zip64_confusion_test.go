package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"testing"
)

// Central directory of exactly 0xffff bytes: archive/zip takes that for a
// zip64 marker (it compares directorySize with 0xffff), checkLayout does not.
// TestVerifyZip64SizeConfusion: a central directory of exactly 0xffff bytes
// makes archive/zip look for zip64 records (it compares with 0xffff) that a
// forger hides inside a stored entry holding the whole signed bundle: the
// layout walk and archive/zip then read two different archives. Found by a
// review; it verified as signed before sameEntries.
func TestVerifyZip64SizeConfusion(t *testing.T) {
	le := binary.LittleEndian
	good := buildBundle(t, testKey(1))
	p := partsOf(t, good)
	// pad = the signed bundle without its end record, then a zip64 end record
	// after its central directory.
	pad := bytes.Clone(good[:p.cdOffset+p.cdSize])
	z := make([]byte, zip64EndLen)
	le.PutUint32(z, sigZip64End)
	le.PutUint64(z[4:], zip64EndLen-12)
	n := uint64(len(centralEntries(t, good)))
	le.PutUint64(z[24:], n)
	le.PutUint64(z[32:], n)
	le.PutUint64(z[40:], uint64(p.cdSize))
	le.PutUint64(z[48:], uint64(p.cdOffset))
	pad = append(pad, z...)

	forged := []byte("<h1>FORGED index</h1>")
	_ = []byte("%PDF-1.4 FORGED letter: the insurer wrote this\n%%EOF\n")
	var out []byte
	e1 := centralFor("index.html", forged, len(out))
	out = append(out, localEntry("index.html", forged)...)
	padName := "documents/zz-pad.bin"
	padOff := len(out)
	e2 := centralFor(padName, pad, padOff)
	out = append(out, localEntry(padName, pad)...)
	zip64At := padOff + localLen + len(padName) + p.cdOffset + p.cdSize
	// e2 gets a timestamp extra field whose body fills the central
	// directory to 0xffff bytes and ends with a zip64 locator.
	bodyLen := 0xffff - len(e1) - len(e2) - 4
	body := make([]byte, bodyLen)
	loc := body[bodyLen-zip64LocatorLen:]
	le.PutUint32(loc, sigZip64Locator)
	le.PutUint64(loc[8:], uint64(zip64At))
	le.PutUint32(loc[16:], 1)
	x := make([]byte, 4)
	le.PutUint16(x, extraTimestamp)
	le.PutUint16(x[2:], uint16(bodyLen))
	le.PutUint16(e2[30:], uint16(4+bodyLen))
	e2 = append(append(e2, x...), body...)
	cd := append(e1, e2...)
	if len(cd) != 0xffff {
		t.Fatalf("cd %d", len(cd))
	}
	cdOff := len(out)
	out = append(out, cd...)
	end := make([]byte, endLen)
	le.PutUint32(end, sigEnd)
	le.PutUint16(end[8:], 2)
	le.PutUint16(end[10:], 2)
	le.PutUint32(end[12:], uint32(len(cd)))
	le.PutUint32(end[16:], uint32(cdOff))
	out = append(out, end...)

	r := VerifyReaderAt(bytes.NewReader(out), int64(len(out)))
	t.Logf("OK=%v signed=%v problems=%q", r.OK(), r.PublicKey != nil, r.Problems)
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "index.html" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			t.Logf("archive/zip reads %s: %q", f.Name, b)
		}
	}
	s, _ := streamEntries(out)
	t.Logf("streaming reads %s: %q", lmnPath, s["index.html"])
	if r.OK() {
		t.Errorf("verifies as signed, but a streaming extractor reads forged bytes")
	}
}

func centralFor(name string, data []byte, off int) []byte {
	h := make([]byte, centralLen)
	le := binary.LittleEndian
	le.PutUint32(h, sigCentral)
	le.PutUint16(h[4:], 20)
	le.PutUint16(h[6:], 20)
	le.PutUint32(h[16:], crc32.ChecksumIEEE(data))
	le.PutUint32(h[20:], uint32(len(data)))
	le.PutUint32(h[24:], uint32(len(data)))
	le.PutUint16(h[28:], uint16(len(name)))
	le.PutUint32(h[42:], uint32(off))
	return append(h, name...)
}
