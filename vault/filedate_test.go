package vault

import (
	"testing"
	"time"
)

func TestFileNameDate(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		want Date
	}{
		{"receipt-2026-02-03.pdf", "2026-02-03"},
		{"2026-02-03 note.txt", "2026-02-03"},
		{"/home/jane/scans/IMG_20260203_142233.jpg", "2026-02-03"},
		{"visit_2026_02_03.pdf", "2026-02-03"},
		{"2024.02.29.pdf", "2024-02-29"},
		{"note 2026-02-30 then 2026-03-02.txt", "2026-03-02"}, // the first is no day
		{"receipt.pdf", ""},
		{"receipt-2026-0203.pdf", ""},      // mixed separators
		{"scan-120260203.pdf", ""},         // digits run on
		{"invoice-2026-06-01.pdf", ""},     // after today
		{"order-1850-01-01.pdf", ""},       // out of range
		{"receipt-02-03-2026.pdf", ""},     // not year first: ambiguous
		{"2026-13-01.pdf", ""},             // no month 13
		{"claim-20260431.pdf", ""},         // no April 31
		{"IMG_20260203142233.jpg", ""},     // one long number
		{"dir-2026-01-01/receipt.pdf", ""}, // only the file's own name counts
	} {
		got, ok := fileNameDate(tc.name, now)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("fileNameDate(%q) = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
}
