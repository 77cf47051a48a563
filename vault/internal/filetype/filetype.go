// Package filetype decides which files the vault refuses to store (and
// never hands back under a name that would run them): programs, scripts,
// installers, archives, disk images, compiled help, and HTML or SVG that
// can run code. Insurers accept none of them, and a bundle or a download
// must never carry something that runs when opened. It judges by content
// (the media type detected from the first bytes) and by the file name's
// extension, since either alone can lie.
package filetype

import (
	"html"
	"path"
	"regexp"
	"strings"
	"unicode"

	"github.com/gabriel-vasile/mimetype"
)

// byType maps detected media types to what they are, for the ones refused.
func byType() map[string]string {
	return map[string]string{
		"application/vnd.microsoft.portable-executable": "a program",
		"application/x-elf":                             "a program",
		"application/x-executable":                      "a program",
		"application/x-object":                          "a program",
		"application/x-sharedlib":                       "a program",
		"application/x-mach-binary":                     "a program",
		"application/wasm":                              "a program",
		"application/x-java-applet":                     "a program",
		"application/x-bytecode.python":                 "a program",
		"application/x-ms-installer":                    "an installer",
		"application/x-installshield":                   "an installer",
		"application/vnd.android.package-archive":       "an installer",
		"application/x-chrome-extension":                "an installer",
		"application/x-ms-shortcut":                     "a shortcut",
		"application/vnd.ms-htmlhelp":                   "compiled help (it can run code)",
		"text/x-shellscript":                            "a script",
		"text/x-python":                                 "a script",
		"text/x-perl":                                   "a script",
		"text/x-php":                                    "a script",
		"text/x-lua":                                    "a script",
		"text/x-tcl":                                    "a script",
		"text/javascript":                               "a script",
		"application/zip":                               "an archive",
		"application/java-archive":                      "an archive",
		"application/x-7z-compressed":                   "an archive",
		"application/x-tar":                             "an archive",
		"application/x-xar":                             "an archive",
		"application/x-bzip2":                           "an archive",
		"application/gzip":                              "an archive",
		"application/vnd.rar":                           "an archive",
		"application/zstd":                              "an archive",
		"application/x-xz":                              "an archive",
		"application/lzip":                              "an archive",
		"application/x-cpio":                            "an archive",
		"application/x-archive":                         "an archive",
		"application/vnd.ms-cab-compressed":             "an archive",
		"application/vnd.debian.binary-package":         "an archive",
		"application/x-rpm":                             "an archive",
		"application/zlib":                              "an archive",
	}
}

// byExtension maps file name extensions to what they are, for the ones
// refused whatever the content looks like (random bytes named .exe are
// still meant to run).
func byExtension() map[string]string {
	m := map[string]string{}
	for what, exts := range map[string][]string{
		"a program":                       {"exe", "dll", "com", "scr", "pif", "cpl", "sys", "elf", "so", "dylib", "app", "jar", "class", "pyc", "wasm"},
		"an installer":                    {"msi", "msix", "msp", "appx", "apk", "pkg", "deb", "rpm", "crx", "xpi"},
		"a script":                        {"bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsh", "hta", "sh", "bash", "zsh", "csh", "ksh", "py", "pyw", "pl", "rb", "php", "lua", "tcl", "command", "applescript", "scpt", "reg", "inf"},
		"a shortcut":                      {"lnk", "url", "desktop", "webloc"},
		"an archive":                      {"zip", "7z", "rar", "tar", "gz", "tgz", "bz2", "tbz", "xz", "txz", "zst", "lz", "cab", "cpio", "ar", "z"},
		"a disk image":                    {"iso", "img", "dmg", "vhd", "vhdx", "vmdk", "qcow2", "toast"},
		"compiled help (it can run code)": {"chm", "hlp"},
	} {
		for _, e := range exts {
			m["."+e] = what
		}
	}
	return m
}

// officeZips are zip-based document formats that are not archives.
func officeZips() map[string]bool {
	return map[string]bool{".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".odp": true, ".epub": true}
}

// Refused says what a file is ("a program", "an archive") when the vault
// refuses to store it, judged by its detected media type and by its file
// name's extension; "" when it may be stored. Markup (HTML, SVG) is judged
// by its whole content with ActiveContent instead.
func Refused(mt *mimetype.MIME, fileName string) string {
	for t, what := range byType() {
		if mt.Is(t) {
			if t == "application/zip" && officeZips()[ext(fileName)] {
				return ""
			}
			return what
		}
	}
	return byExtension()[ext(fileName)]
}

// ext returns the file name's extension in lower case ("" for none). A
// backslash counts as a folder separator, as on Windows.
func ext(fileName string) string {
	return strings.ToLower(path.Ext(strings.ReplaceAll(fileName, `\`, "/")))
}

// IsMarkup reports whether a file is HTML or SVG, by type or by name: a
// browser runs what such a file holds.
func IsMarkup(mediaType, fileName string) bool {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(mediaType, ";")[0]))
	switch mt {
	case "text/html", "application/xhtml+xml", "image/svg+xml":
		return true
	}
	switch ext(fileName) {
	case ".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".mht", ".mhtml":
		return true
	}
	return false
}

// activePatterns are what makes markup run code or fetch it: script
// elements, event handler attributes (after a space or a slash, as HTML
// parses <svg/onload=...>), embedded objects and frames, SVG's
// foreignObject (HTML inside SVG), animation of attributes, meta refresh,
// entities. Matched on the lower-cased text with character references
// decoded.
var activePatterns = regexp.MustCompile(`<script|<iframe|<frame|<object|<embed|<applet|<foreignobject|<animate|<set[\s/>]|<handler|<meta[^>]*http-equiv|<link[^>]*import|<base[\s/>]|[\s/"'\x60]on[a-z]+\s*=|<!entity|<\?xml-stylesheet`)

// activeSchemes are URL schemes that run code; browsers drop tabs, line
// breaks and other control characters inside a URL before reading its
// scheme, so they are matched with those removed.
var activeSchemes = regexp.MustCompile(`javascript:|vbscript:|livescript:|data:text/html|data:image/svg|data:application/`)

// MaxMarkup is the largest HTML or SVG file the vault checks (and so
// stores): markup larger than this is refused as unchecked.
const MaxMarkup = 16 << 20

// ActiveContent reports whether markup can run code when opened: a script,
// an event handler, a javascript: link, an embedded object or frame and the
// like. Character references are decoded first (&#106;avascript: is
// javascript:), and URL schemes are looked for with whitespace and control
// characters removed (java&#9;script:). It is a deny list, so it errs on the
// side of refusing: plain documents (text, tables, images, links to web
// pages) pass.
func ActiveContent(b []byte) bool {
	text := strings.ToLower(html.UnescapeString(strings.ToLower(string(b))))
	if activePatterns.MatchString(text) {
		return true
	}
	squeezed := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, text)
	return activeSchemes.MatchString(squeezed)
}

// NeutralExtension returns the extension a stored file of a refused type,
// or active markup, is handed back under so that nothing runs it when
// opened: ".txt" for text (scripts, HTML, SVG: readable as text), ".bin"
// for the rest. ok is false when the file's own extension is fine.
func NeutralExtension(mediaType, fileName string, text bool) (string, bool) {
	mt := mimetype.Lookup(strings.TrimSpace(strings.Split(mediaType, ";")[0]))
	refused := byExtension()[ext(fileName)] != ""
	if mt != nil && Refused(mt, fileName) != "" {
		refused = true
	}
	if !refused && !IsMarkup(mediaType, fileName) {
		return "", false
	}
	if text {
		return ".txt", true
	}
	return ".bin", true
}
