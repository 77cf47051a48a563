package vault

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Free text is what a person typed into a field. Every writer cleans it the
// same way (cleanLine, cleanNote, cleanFileName) and Validate checks it
// (checkTexts), so that no name, title or note stored in the vault carries
// broken UTF-8 or control characters (terminal escapes) to whoever prints
// it later.

// Limits on free text, so that one mistyped command cannot bloat the vault.
const (
	maxShortText = 200     // names, titles, references, phone numbers
	maxLongText  = 1 << 16 // summaries, notes
	maxFileName  = 255     // a file's base name, as most file systems allow
)

// FieldError is a refused value of one field of a record. Field is the
// field's JSON name ("plan", "diagnoses", "title"), so that a caller can
// tell which of its inputs was wrong (the command line maps it to a flag);
// the message names the field for people and never repeats free text.
type FieldError struct {
	Field string
	Err   error
}

// Error returns the message of the underlying error.
func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldError wraps err, when not nil, as a FieldError of field.
func fieldError(field string, err error) error {
	if err == nil {
		return nil
	}
	return &FieldError{Field: field, Err: err}
}

// textField is one free-text field of a record to check.
type textField struct {
	field string // JSON name, for FieldError
	label string // for people: "member ID"
	value string
	max   int  // bytes
	lines bool // may hold line breaks and tabs (notes, summaries)
}

// oneLineText is a one-line field (a name, a title, a reference): no
// control characters at all, not even a tab or a line break.
func oneLineText(field, label, value string) textField {
	return textField{field: field, label: label, value: value, max: maxShortText}
}

// noteText is a multi-line field (a summary, a note): line breaks and tabs
// are allowed, other control characters are not.
func noteText(field, label, value string) textField {
	return textField{field: field, label: label, value: value, max: maxLongText, lines: true}
}

// checkTexts checks free-text fields in order and returns the first
// problem, a *FieldError.
func checkTexts(fields ...textField) error {
	for _, f := range fields {
		if err := f.check(); err != nil {
			return err
		}
	}
	return nil
}

// check checks the field's encoding, length and characters. Errors name
// the field, never its content.
func (f textField) check() error {
	var err error
	switch {
	case !utf8.ValidString(f.value):
		err = fmt.Errorf("%s is not valid UTF-8 text", f.label)
	case len(f.value) > f.max:
		err = fmt.Errorf("%s is too long (%d bytes; at most %d)", f.label, len(f.value), f.max)
	default:
		err = checkControls(f.label, f.value, f.lines)
	}
	return fieldError(f.field, err)
}

// isControl reports whether r is a control character: C0 (U+0000 to
// U+001F), DEL (U+007F) or C1 (U+0080 to U+009F). A terminal acts on them
// instead of printing them.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }

// IsBidiControl reports whether r is one of the explicit bidirectional
// formatting characters (U+202A to U+202E, U+2066 to U+2069): they make a
// terminal or a viewer show text in another order than it is stored, so
// that "receipt<U+202E>fdp.exe" reads as "receiptexe.pdf" ("Trojan Source",
// CVE-2021-42574). Text in right-to-left scripts does not need them.
func IsBidiControl(r rune) bool { return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 }

// checkControls refuses the control characters and the bidirectional
// formatting characters of s; lines allows line feeds and tabs.
func checkControls(label, s string, lines bool) error {
	for _, r := range s {
		switch {
		case IsBidiControl(r):
			return fmt.Errorf("%s has a bidirectional formatting character (%U), which shows text in another order than it holds: remove it", label, r)
		case !isControl(r), lines && (r == '\n' || r == '\t'):
			continue
		case lines:
			return fmt.Errorf("%s has a control character (%U): only line breaks and tabs are allowed", label, r)
		case r == '\n' || r == '\r':
			return fmt.Errorf("%s has a line break: type it on one line", label)
		case r == '\t':
			return fmt.Errorf("%s has a tab: use spaces instead", label)
		}
		return fmt.Errorf("%s has a control character (%U): type it as plain text", label, r)
	}
	return nil
}

// cleanLine returns a one-line field as stored: without surrounding space.
func cleanLine(s string) string { return strings.TrimSpace(s) }

// cleanNote returns a multi-line field as stored: without surrounding space
// and with Windows line ends (CRLF) as plain line feeds.
func cleanNote(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// foldTo replaces *s with its usual form when parse accepts it ("Medicare"
// -> "medicare"), and leaves it for a later check to refuse otherwise.
func foldTo(s *string, parse func(string) (string, error)) {
	if got, err := parse(*s); err == nil {
		*s = got
	}
}

// cleanFileName returns the base name of a file name given with folders
// (either separator): "../../scans/eob.pdf" and `C:\scans\eob.pdf` give
// "eob.pdf". What is left is checked by checkFileName.
func cleanFileName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return filepath.Base(filepath.Clean(strings.ReplaceAll(s, `\`, "/")))
}

// checkFileName checks a document's original file name: a base name
// (cleanFileName's result), one line of plain text.
func checkFileName(name string) error {
	f := oneLineText("file_name", "file name", name)
	f.max = maxFileName
	if err := f.check(); err != nil {
		return err
	}
	if name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return fieldError("file_name", fmt.Errorf("bad file name %s: give the file's name without folders, such as scan.pdf", Quote(name)))
	}
	return nil
}

// SafeName returns a name from the user or the file system (a file's path)
// as it can be printed in a message: as is when it is one line of plain
// text, quoted with escapes otherwise, so that no control character in it
// reaches the terminal.
func SafeName(s string) string {
	if utf8.ValidString(s) && checkControls("", s, false) == nil {
		return s
	}
	return Quote(s)
}

// TerminalSafe reports whether b can be written to a terminal as it is:
// it holds no control character a terminal acts on (escape sequences that
// move the cursor, retitle the window or write the clipboard, OSC 52) but
// tab, line feed and carriage return. A byte 0x80 to 0x9f that is not part
// of a UTF-8 character counts as a control: 8-bit terminals act on it.
func TerminalSafe(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1:
			if b[0] >= 0x80 && b[0] < 0xa0 {
				return false
			}
		case r == '\t' || r == '\n' || r == '\r':
		case isControl(r):
			return false
		}
		b = b[n:]
	}
	return true
}
