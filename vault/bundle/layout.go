package bundle

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"sort"
)

// A zip archive can say two things at once: its central directory (what
// Go's archive/zip, Info-ZIP and most tools read) and its local headers
// (what streaming readers such as Java's ZipInputStream, bsdtar and
// Windows' tar read, entry after entry from the start). A bundle whose
// signature checks against the central directory must not show other files
// to a streaming reader, so checkLayout accepts a zip only when every byte
// of it is accounted for, as the vault's Writer lays it out:
//
//	local header 1, data 1, local header 2, data 2, ..., central directory,
//	[zip64 end record, zip64 locator,] end record (no comment)
//
// with each local header agreeing with its central directory entry.

// Zip record signatures and fixed sizes (APPNOTE.TXT 4.3).
const (
	sigLocal        = 0x04034b50
	sigCentral      = 0x02014b50
	sigEnd          = 0x06054b50
	sigZip64End     = 0x06064b50
	sigZip64Locator = 0x07064b50
	localLen        = 30
	centralLen      = 46
	endLen          = 22
	zip64EndLen     = 56
	zip64LocatorLen = 20
	// maxCentral bounds the central directory checkLayout reads into memory.
	maxCentral = 64 << 20
)

// Extra field IDs the Writer writes (archive/zip): zip64 sizes and the
// extended timestamp. Any other extra field is refused.
const (
	extraZip64     = 0x0001
	extraTimestamp = 0x5455
)

// flagDataDescriptor is general-purpose bit 3: sizes and CRC after the
// data. The Writer never sets it, so that streaming readers need not guess
// where stored data ends. flagUTF8 (bit 11) is the only other bit it sets.
const (
	flagDataDescriptor = 1 << 3
	flagUTF8           = 1 << 11
)

// cdEntry is one central directory entry, with zip64 values applied.
type cdEntry struct {
	name           string
	flags, method  uint16
	modTime, mod   uint16
	crc            uint32
	csize, usize   uint64
	offset         uint64
	creator        uint16
	externalAttrs  uint32
	extra          []byte
	commentPresent bool
}

// checkLayout returns what is wrong with the archive's structure, one line
// each; nil when every byte is where the Writer puts it.
//
// zr is the same archive as archive/zip read it (nil when it could not):
// the two readings must find the same entries at the same offsets, or a zip
// built to be read one way by archive/zip (which the signature check uses)
// and another way by everything else would pass.
func checkLayout(ra io.ReaderAt, size int64, zr *zip.Reader) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	cdOffset, cdSize, count, endStart, err := readEnd(ra, size)
	if err != nil {
		return []string{"the zip's end records are not as the vault writes them: " + err.Error()}
	}
	if cdSize > maxCentral || cdOffset+cdSize > uint64(endStart) {
		return []string{"the zip's central directory lies outside the file or is too large"}
	}
	if cdOffset+cdSize != uint64(endStart) {
		add("%d bytes lie between the zip's central directory and its end record", uint64(endStart)-cdOffset-cdSize)
	}
	cd := make([]byte, cdSize)
	if _, err := ra.ReadAt(cd, int64(cdOffset)); err != nil {
		return []string{"the zip's central directory cannot be read: " + err.Error()}
	}
	entries, err := parseCentral(cd, count)
	if err != nil {
		return append(problems, "the zip's central directory is malformed: "+err.Error())
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].offset < entries[j].offset })
	next := uint64(0)
	starts := map[string][]uint64{} // name -> where its data starts
	for _, e := range entries {
		switch {
		case e.offset > next:
			add("bytes %d to %d of the zip belong to no entry of its central directory (a streaming extractor would read them as files)", next, e.offset-1)
		case e.offset < next:
			add("%s overlaps the entry before it in the zip", show(e.name))
			return problems
		}
		end, lp := checkLocal(ra, size, e)
		problems = append(problems, lp...)
		if end == 0 {
			return problems
		}
		next = end
		starts[e.name] = append(starts[e.name], end-e.csize)
	}
	if next < cdOffset {
		add("bytes %d to %d of the zip belong to no entry of its central directory (a streaming extractor would read them as files)", next, cdOffset-1)
	} else if next > cdOffset {
		add("the last entry of the zip runs into its central directory")
	}
	if zr != nil && !sameEntries(zr, entries, starts) {
		add("the zip's entries read differently to different zip readers (its end records were crafted)")
	}
	return problems
}

// readEnd finds the end record, which must close the file with no comment,
// and the zip64 records before it when present. It returns where the
// central directory is, how many entries it has, and where the end records
// start.
func readEnd(ra io.ReaderAt, size int64) (cdOffset, cdSize, count uint64, endStart int64, err error) {
	if size < endLen {
		return 0, 0, 0, 0, fmt.Errorf("the file is too short")
	}
	b := make([]byte, endLen)
	if _, err := ra.ReadAt(b, size-endLen); err != nil {
		return 0, 0, 0, 0, err
	}
	le := binary.LittleEndian
	if le.Uint32(b) != sigEnd {
		return 0, 0, 0, 0, fmt.Errorf("no end record at the end of the file (a comment or trailing bytes)")
	}
	if le.Uint16(b[4:]) != 0 || le.Uint16(b[6:]) != 0 || le.Uint16(b[8:]) != le.Uint16(b[10:]) {
		return 0, 0, 0, 0, fmt.Errorf("a multi-disk archive")
	}
	count, cdSize, cdOffset = uint64(le.Uint16(b[10:])), uint64(le.Uint32(b[12:])), uint64(le.Uint32(b[16:]))
	endStart = size - endLen
	if count != 0xffff && cdSize != 0xffffffff && cdOffset != 0xffffffff {
		return cdOffset, cdSize, count, endStart, nil
	}
	// Zip64: a locator just before the end record points at the zip64 end
	// record, which must sit just before the locator.
	if endStart < zip64LocatorLen+zip64EndLen {
		return 0, 0, 0, 0, fmt.Errorf("zip64 records missing")
	}
	loc := make([]byte, zip64LocatorLen)
	if _, err := ra.ReadAt(loc, endStart-zip64LocatorLen); err != nil {
		return 0, 0, 0, 0, err
	}
	if le.Uint32(loc) != sigZip64Locator {
		return 0, 0, 0, 0, fmt.Errorf("zip64 locator missing")
	}
	at := int64(le.Uint64(loc[8:]))
	if at != endStart-zip64LocatorLen-zip64EndLen {
		return 0, 0, 0, 0, fmt.Errorf("the zip64 end record is not where the vault writes it")
	}
	z := make([]byte, zip64EndLen)
	if _, err := ra.ReadAt(z, at); err != nil {
		return 0, 0, 0, 0, err
	}
	if le.Uint32(z) != sigZip64End || le.Uint64(z[4:]) != zip64EndLen-12 {
		return 0, 0, 0, 0, fmt.Errorf("malformed zip64 end record")
	}
	return le.Uint64(z[48:]), le.Uint64(z[40:]), le.Uint64(z[32:]), at, nil
}

// parseCentral parses count central directory entries filling cd exactly.
func parseCentral(cd []byte, count uint64) ([]cdEntry, error) {
	le := binary.LittleEndian
	var out []cdEntry
	for len(cd) > 0 {
		if len(cd) < centralLen || le.Uint32(cd) != sigCentral {
			return nil, fmt.Errorf("entry %d is truncated or has a bad signature", len(out)+1)
		}
		e := cdEntry{
			creator: le.Uint16(cd[4:]), flags: le.Uint16(cd[8:]), method: le.Uint16(cd[10:]),
			modTime: le.Uint16(cd[12:]), mod: le.Uint16(cd[14:]), crc: le.Uint32(cd[16:]),
			csize: uint64(le.Uint32(cd[20:])), usize: uint64(le.Uint32(cd[24:])),
			externalAttrs: le.Uint32(cd[38:]), offset: uint64(le.Uint32(cd[42:])),
		}
		nameLen, extraLen, commentLen := int(le.Uint16(cd[28:])), int(le.Uint16(cd[30:])), int(le.Uint16(cd[32:]))
		if le.Uint16(cd[34:]) != 0 {
			return nil, fmt.Errorf("entry %d is on another disk", len(out)+1)
		}
		total := centralLen + nameLen + extraLen + commentLen
		if len(cd) < total {
			return nil, fmt.Errorf("entry %d is truncated", len(out)+1)
		}
		e.name = string(cd[centralLen : centralLen+nameLen])
		e.extra = cd[centralLen+nameLen : centralLen+nameLen+extraLen]
		e.commentPresent = commentLen > 0
		if err := applyZip64(&e.usize, &e.csize, &e.offset, e.extra); err != nil {
			return nil, fmt.Errorf("%s: %v", show(e.name), err)
		}
		out = append(out, e)
		cd = cd[total:]
	}
	if uint64(len(out)) != count {
		return nil, fmt.Errorf("%d entries, the end record says %d", len(out), count)
	}
	return out, nil
}

// applyZip64 replaces the 32-bit values saturated at 0xffffffff by those of
// the zip64 extra field, in the order APPNOTE 4.5.3 gives. Only the extra
// fields the Writer writes are allowed.
func applyZip64(usize, csize, offset *uint64, extra []byte) error {
	le := binary.LittleEndian
	for len(extra) > 0 {
		if len(extra) < 4 {
			return fmt.Errorf("a truncated extra field")
		}
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if len(extra) < 4+n {
			return fmt.Errorf("a truncated extra field")
		}
		body := extra[4 : 4+n]
		switch id {
		case extraTimestamp:
		case extraZip64:
			for _, p := range []*uint64{usize, csize, offset} {
				if p == nil || *p != 0xffffffff {
					continue
				}
				if len(body) < 8 {
					return fmt.Errorf("a truncated zip64 field")
				}
				*p, body = le.Uint64(body), body[8:]
			}
		default:
			return fmt.Errorf("an extra field of type %#04x, which the vault does not write", id)
		}
		extra = extra[4+n:]
	}
	return nil
}

// checkLocal checks e's local header against e itself and returns where
// its data ends (0 when the entry cannot be followed further).
func checkLocal(ra io.ReaderAt, size int64, e cdEntry) (uint64, []string) {
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s: ", show(e.name))+fmt.Sprintf(format, args...))
	}
	if e.flags&^flagUTF8 != 0 {
		add("flags %#04x in the central directory (the vault sets none but UTF-8)", e.flags)
	}
	if e.commentPresent {
		add("a comment in the central directory")
	}
	if mode, ok := entryMode(e); !ok || mode.Type() != 0 {
		add("is not a regular file in the zip (attributes %#08x)", e.externalAttrs)
	}
	if e.method != 0 && e.method != 8 {
		add("compression method %d", e.method)
	}
	le := binary.LittleEndian
	h := make([]byte, localLen)
	if e.offset > uint64(size) || int64(e.offset)+localLen > size {
		add("its local header lies outside the file")
		return 0, problems
	}
	if _, err := ra.ReadAt(h, int64(e.offset)); err != nil || le.Uint32(h) != sigLocal {
		add("no local header where the central directory says")
		return 0, problems
	}
	nameLen, extraLen := int64(le.Uint16(h[26:])), int64(le.Uint16(h[28:]))
	if int64(e.offset)+localLen+nameLen+extraLen > size {
		add("its local header runs past the end of the file")
		return 0, problems
	}
	rest := make([]byte, nameLen+extraLen)
	if _, err := ra.ReadAt(rest, int64(e.offset)+localLen); err != nil {
		add("its local header cannot be read")
		return 0, problems
	}
	name, extra := string(rest[:nameLen]), rest[nameLen:]
	flags, method := le.Uint16(h[6:]), le.Uint16(h[8:])
	crc, csize, usize := le.Uint32(h[14:]), uint64(le.Uint32(h[18:])), uint64(le.Uint32(h[22:]))
	if err := applyZip64(&usize, &csize, nil, extra); err != nil {
		add("local header: %v", err)
		return 0, problems
	}
	if name != e.name {
		add("the local header names it %s (an extractor reading the zip from the start would write that file)", show(name))
	}
	if flags != e.flags || flags&flagDataDescriptor != 0 {
		add("the local header's flags %#04x differ from the central directory's %#04x or use a data descriptor", flags, e.flags)
	}
	if method != e.method || crc != e.crc || csize != e.csize || usize != e.usize {
		add("the local header's method, CRC or sizes differ from the central directory's")
	}
	end := e.offset + localLen + uint64(nameLen) + uint64(extraLen) + e.csize
	if end < e.offset || end > uint64(size) {
		add("its data runs past the end of the file")
		return 0, problems
	}
	return end, problems
}

// entryMode returns the file mode the entry's attributes give, as
// archive/zip reads them (Unix mode in the high 16 bits when made on Unix,
// MS-DOS attributes otherwise); ok is false for attributes it cannot read.
func entryMode(e cdEntry) (fs.FileMode, bool) {
	const (
		creatorFAT  = 0
		creatorUnix = 3
		creatorNTFS = 11
		creatorMac  = 19
		dosDir      = 0x10
		unixTypeBit = 0o170000
		unixReg     = 0o100000
	)
	switch e.creator >> 8 {
	case creatorUnix, creatorMac:
		m := e.externalAttrs >> 16
		if m == 0 {
			return 0, true
		}
		if m&unixTypeBit != unixReg {
			return fs.ModeIrregular, true
		}
		return fs.FileMode(m & 0o777), true
	case creatorFAT, creatorNTFS:
		if e.externalAttrs&dosDir != 0 {
			return fs.ModeDir, true
		}
		return 0, true
	}
	return 0, false
}

// sameEntries reports whether archive/zip found exactly the entries the
// layout walk found: as many, each with a name, data offset, CRC-32 and
// sizes the walk found too.
func sameEntries(zr *zip.Reader, entries []cdEntry, starts map[string][]uint64) bool {
	if len(zr.File) != len(entries) {
		return false
	}
	byName := map[string][]cdEntry{}
	for _, e := range entries {
		byName[e.name] = append(byName[e.name], e)
	}
	for _, f := range zr.File {
		off, err := f.DataOffset()
		if err != nil || off < 0 {
			return false
		}
		found := false
		for i, e := range byName[f.Name] {
			if i < len(starts[f.Name]) && starts[f.Name][i] == uint64(off) && e.crc == f.CRC32 &&
				e.csize == f.CompressedSize64 && e.usize == f.UncompressedSize64 && e.method == f.Method {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
