package vault

import (
	"path/filepath"
	"regexp"
	"time"
)

// fileNameDate finds a calendar day in a file name: receipt-2026-02-03.pdf,
// "2026-02-03 note.txt", 2026_02_03.pdf, IMG_20260203_142233.jpg. The digits
// must stand apart from other digits, the day must exist, fall in the years
// 1900-2199 and not after today, so that a number that only looks like a
// date is not taken for one.
var fileNameDatePattern = regexp.MustCompile(`(?:^|[^0-9])((?:19|20|21)[0-9]{2})([-_.]?)([0-9]{2})([-_.]?)([0-9]{2})(?:[^0-9]|$)`)

// fileNameDate returns the first date in the base name of name that is not
// after today, and whether there was one.
func fileNameDate(name string, now time.Time) (Date, bool) {
	base := filepath.Base(cleanFileName(name))
	for _, m := range fileNameDatePattern.FindAllStringSubmatch(base, -1) {
		if m[2] != m[4] {
			continue // 2026-0203 is not a date someone wrote
		}
		d := Date(m[1] + "-" + m[3] + "-" + m[5])
		if d.Valid() && !DateOf(now).Before(d) {
			return d, true
		}
	}
	return "", false
}

// datedByService reports whether a document's date is the date of service
// that the insurer matches against its claim lines (receipts, clinical
// notes), so that a date defaulted to today is worth a warning.
func datedByService(kind string) bool { return kind == KindReceipt || kind == KindClinicalNote }
