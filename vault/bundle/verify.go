package bundle

import (
	"archive/zip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// maxProblems bounds how many problems a Result lists one by one; a hostile
// archive with a million entries gets a summary line for the rest.
const maxProblems = 200

// Result is what Verify found out about a bundle.
type Result struct {
	// Manifest is the parsed manifest.json; nil when it is missing or
	// unreadable. Its content is trustworthy only when Signed is true.
	Manifest *Manifest
	// PublicKey is the key named in the manifest, nil when unreadable.
	PublicKey ed25519.PublicKey
	// Signed reports that manifest.sig is a valid signature of
	// manifest.json by PublicKey.
	Signed bool
	// Problems lists everything wrong, one line each, in a stable order.
	Problems []string
	// SHA256 and Size describe the bundle file itself (Verify only).
	SHA256 string
	Size   int64
	more   int
}

// OK reports whether the bundle passed every check.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

// Fingerprint returns the signing key's fingerprint, or "" when the key is
// unreadable.
func (r *Result) Fingerprint() string {
	if r.PublicKey == nil {
		return ""
	}
	return Fingerprint(r.PublicKey)
}

func (r *Result) problem(format string, args ...any) {
	if len(r.Problems) >= maxProblems {
		r.more++
		return
	}
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *Result) finish() {
	if r.more > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("... and %d more problems", r.more))
		r.more = 0
	}
}

// Verify checks the bundle file at path with nothing but the file itself:
// that manifest.sig is a valid Ed25519 signature of manifest.json by the key
// it names, that every file listed is in the zip with its size and SHA-256,
// that no file is unlisted, and that no name is repeated or could escape
// the folder the bundle is extracted to. The error is for a file that
// cannot be read at all; everything wrong with the bundle is a Problem.
func Verify(path string) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open bundle: %s is not a regular file", path)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	r := VerifyReaderAt(f, n)
	r.SHA256, r.Size = hex.EncodeToString(h.Sum(nil)), n
	return r, nil
}

// VerifyReaderAt checks a bundle held in ra (size bytes); see Verify. It
// never panics and reads each entry at most up to the size the manifest
// lists, whatever the archive claims.
func VerifyReaderAt(ra io.ReaderAt, size int64) *Result {
	r := &Result{}
	defer r.finish()
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		r.problem("not a readable zip archive: %v", err)
		return r
	}
	for _, p := range checkLayout(ra, size, zr) {
		r.problem("%s", p)
	}
	entries := map[string][]*zip.File{}
	var names []string
	for _, f := range zr.File {
		if len(entries[f.Name]) == 0 {
			names = append(names, f.Name)
		}
		entries[f.Name] = append(entries[f.Name], f)
	}
	sort.Strings(names)
	folded := map[string]string{}
	for _, name := range names {
		if n := len(entries[name]); n > 1 {
			r.problem("%s appears %d times in the zip", show(name), n)
		}
		low := strings.ToLower(name)
		if other, ok := folded[low]; ok {
			r.problem("%s and %s differ only in letter case", show(other), show(name))
		} else {
			folded[low] = name
		}
	}

	mb := r.readManifest(entries)
	if mb != nil {
		r.checkSignature(mb, entries)
	}
	listed := map[string]bool{}
	if r.Manifest != nil {
		r.checkFiles(entries, listed)
	}
	for _, name := range names {
		switch {
		case listed[name], name == ManifestName, name == SignatureName:
		case CheckPath(name) != nil:
			r.problem("%s is in the zip but not listed in the manifest, and its name is unsafe", show(name))
		default:
			r.problem("%s is in the zip but not listed in the manifest", show(name))
		}
	}
	return r
}

// readManifest returns manifest.json's bytes and parses them into
// r.Manifest; nil when missing or unreadable.
func (r *Result) readManifest(entries map[string][]*zip.File) []byte {
	es := entries[ManifestName]
	if len(es) == 0 {
		r.problem("manifest.json is missing")
		return nil
	}
	if es[0].UncompressedSize64 > MaxManifestSize {
		r.problem("manifest.json is larger than %d bytes", MaxManifestSize)
		return nil
	}
	mb, err := readEntry(es[0], MaxManifestSize)
	if err != nil {
		r.problem("manifest.json cannot be read: %v", err)
		return nil
	}
	m, err := ParseManifest(mb)
	if err != nil {
		r.problem("%v", err)
		return mb
	}
	r.Manifest = m
	return mb
}

// checkSignature checks manifest.sig against manifest.json's bytes and the
// public key named in the manifest.
func (r *Result) checkSignature(mb []byte, entries map[string][]*zip.File) {
	if r.Manifest != nil {
		pub, err := ParsePublicKey(r.Manifest.PublicKey)
		if err != nil {
			r.problem("manifest.json: %v", err)
		} else {
			r.PublicKey = pub
		}
	}
	es := entries[SignatureName]
	if len(es) == 0 {
		r.problem("manifest.sig is missing")
		return
	}
	sig, err := readEntry(es[0], ed25519.SignatureSize)
	switch {
	case err != nil:
		r.problem("manifest.sig cannot be read: %v", err)
		return
	case len(sig) != ed25519.SignatureSize:
		r.problem("manifest.sig is not a %d-byte Ed25519 signature", ed25519.SignatureSize)
		return
	}
	if r.PublicKey == nil {
		return
	}
	if !ed25519.Verify(r.PublicKey, mb, sig) {
		r.problem("manifest.sig is not a valid signature of manifest.json by the key it names (the manifest or the signature was changed)")
		return
	}
	r.Signed = true
}

// checkFiles checks every file the manifest lists against the zip and
// records the listed names.
func (r *Result) checkFiles(entries map[string][]*zip.File, listed map[string]bool) {
	index := false
	for _, f := range r.Manifest.Files {
		if err := CheckPath(f.Path); err != nil {
			r.problem("manifest.json lists %v", err)
			continue
		}
		if listed[f.Path] {
			r.problem("manifest.json lists %s twice", f.Path)
			continue
		}
		listed[f.Path] = true
		index = index || f.Path == IndexName
		if !isSHA256(f.SHA256) || f.Size < 0 {
			r.problem("%s: the manifest's sha256 or size is malformed", f.Path)
			continue
		}
		es := entries[f.Path]
		if len(es) == 0 {
			r.problem("%s is listed in the manifest but missing from the zip", f.Path)
			continue
		}
		e := es[0]
		if e.UncompressedSize64 != uint64(f.Size) {
			r.problem("%s: size %d in the zip, %d in the manifest", f.Path, e.UncompressedSize64, f.Size)
			continue
		}
		sum, n, err := hashEntry(e, f.Size)
		switch {
		case err != nil:
			r.problem("%s cannot be read: %v", f.Path, err)
		case n != f.Size:
			r.problem("%s: size %d in the zip, %d in the manifest", f.Path, n, f.Size)
		case sum != f.SHA256:
			r.problem("%s: SHA-256 %s does not match the manifest's %s (the file was changed)", f.Path, sum, f.SHA256)
		}
	}
	if !index {
		r.problem("manifest.json does not list index.html")
	}
}

// readEntry reads at most max bytes of a zip entry (one more shows that it
// is longer).
func readEntry(f *zip.File, max int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("longer than %d bytes", max)
	}
	return b, nil
}

// hashEntry hashes a zip entry, reading at most max+1 bytes.
func hashEntry(f *zip.File, max int64) (string, int64, error) {
	rc, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, max+1))
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func isSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// show prints a name from the archive: as it is when it is plain printable
// ASCII without spaces, else quoted with escapes, so that a hostile name
// cannot play tricks with the terminal.
func show(name string) string {
	q := strconv.QuoteToASCII(name)
	if q == `"`+name+`"` && !strings.ContainsAny(name, " \"") && name != "" {
		return name
	}
	return q
}
