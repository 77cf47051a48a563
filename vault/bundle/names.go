package bundle

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"vault/vault/internal/filetype"

	"github.com/gabriel-vasile/mimetype"
)

// maxSlug bounds the title part of a document's file name.
const maxSlug = 40

// DocumentName returns the path in the bundle of the n-th document (from 1):
// documents/NNN-KIND-DATE-SLUG.EXT, e.g.
// "documents/003-receipt-2026-03-11-visit-3.pdf". Every part is reduced to
// lowercase ASCII letters, digits and dashes, so the name is safe on every
// file system and can never leave documents/; the slug comes from the title
// (or, without one, from the original file name's stem) and the extension
// from the detected media type. Distinct n give distinct names.
func DocumentName(n int, kind, date, title, fileName, mediaType string) string {
	parts := []string{fmt.Sprintf("%03d", n)}
	for _, p := range []string{Slug(kind, maxSlug), Slug(date, 10)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	s := Slug(title, maxSlug)
	if s == "" {
		base := path.Base(strings.ReplaceAll(fileName, `\`, "/"))
		s = Slug(strings.TrimSuffix(base, path.Ext(base)), maxSlug)
	}
	if s != "" {
		parts = append(parts, s)
	}
	return DocumentsDir + strings.Join(parts, "-") + Extension(mediaType, fileName)
}

// Slug reduces s to at most max lowercase ASCII letters, digits and single
// dashes, without a dash at either end ("Visit 3 (Mar.)" -> "visit-3-mar").
// A longer slug is cut at a dash when one falls in its second half, so that
// words stay whole.
func Slug(s string, max int) string {
	var b []byte
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && len(b) > 0 {
				b = append(b, '-')
			}
			dash = false
			b = append(b, byte(r))
			if len(b) > max {
				break
			}
		} else {
			dash = true
		}
	}
	if len(b) > max {
		cut := max
		if b[max] != '-' {
			if i := bytes.LastIndexByte(b[:max], '-'); i > max/2 {
				cut = i
			}
		}
		b = b[:cut]
	}
	return strings.Trim(string(b), "-")
}

// extensions maps the media types documents usually have to an extension.
// It comes first, so that the names of these files never change, whatever
// the version of the mimetype library.
var extensions = map[string]string{
	"application/pdf":    ".pdf",
	"image/jpeg":         ".jpg",
	"image/png":          ".png",
	"image/gif":          ".gif",
	"image/webp":         ".webp",
	"image/tiff":         ".tif",
	"image/heic":         ".heic",
	"image/heif":         ".heif",
	"image/bmp":          ".bmp",
	"image/svg+xml":      ".svg",
	"text/plain":         ".txt",
	"text/csv":           ".csv",
	"text/html":          ".html",
	"text/markdown":      ".md",
	"text/rtf":           ".rtf",
	"application/rtf":    ".rtf",
	"application/json":   ".json",
	"application/xml":    ".xml",
	"text/xml":           ".xml",
	"application/msword": ".doc",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.oasis.opendocument.text":                                 ".odt",
	"message/rfc822": ".eml",
}

// Extension returns the file extension for a media type ("application/pdf;
// x=y" -> ".pdf"): from the table above, else from the media types the
// mimetype library knows (built into the program, so the same on every
// machine, unlike the system's mime.types that package mime reads). For a
// type neither knows it keeps the original file name's extension when that
// is short and plain ASCII, else ".bin".
func Extension(mediaType, fileName string) string {
	mt := baseType(mediaType)
	// A program, script, archive or markup stored with --any-type never
	// leaves under a name that runs it when opened.
	if e, ok := filetype.NeutralExtension(mt, fileName, strings.HasPrefix(mt, "text/") || mt == "image/svg+xml" || mt == "application/xhtml+xml"); ok {
		return e
	}
	if e, ok := extensions[mt]; ok {
		return e
	}
	if m := mimetype.Lookup(mt); m != nil && m.Extension() != "" {
		if e := "." + Slug(strings.TrimPrefix(m.Extension(), "."), 8); e != "." {
			return e
		}
	}
	if e := path.Ext(strings.ReplaceAll(fileName, `\`, "/")); len(e) > 1 {
		if s := Slug(e[1:], 8); s != "" && s == strings.ToLower(e[1:]) {
			return "." + s
		}
	}
	return ".bin"
}

// baseType returns the media type without parameters, in lower case.
func baseType(mediaType string) string {
	mt, _, _ := strings.Cut(mediaType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// Compressible reports whether a file of this media type is worth
// deflating: text and a few uncompressed formats are; PDFs, JPEG, PNG and
// other already-compressed formats are stored as they are.
func Compressible(mediaType string) bool {
	mt := baseType(mediaType)
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	switch mt {
	case "application/json", "application/xml", "image/svg+xml", "application/rtf",
		"image/bmp", "image/tiff", "message/rfc822", "application/msword":
		return true
	}
	return false
}

// CheckPath reports whether p may be the path of a file in a bundle: one of
// the fixed names, or documents/NAME where NAME is made only of ASCII
// letters, digits, dots, dashes and underscores and does not start with a
// dot. Such a path stays inside the folder it is extracted to, on every
// system.
func CheckPath(p string) error {
	switch p {
	case IndexName, CallsName, ConditionsName:
		return nil
	case ManifestName, SignatureName:
		return fmt.Errorf("%q is the manifest itself and cannot be listed in it", p)
	}
	name, ok := strings.CutPrefix(p, DocumentsDir)
	if !ok {
		return fmt.Errorf("%q is not a bundle file name (expected index.html, calls.csv, conditions.csv or documents/NAME)", p)
	}
	if name == "" || len(name) > 200 || name[0] == '.' {
		return fmt.Errorf("%q is not a safe document file name", p)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return fmt.Errorf("%q is not a safe document file name", p)
		}
	}
	return nil
}
