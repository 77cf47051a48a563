package vault

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	good := []struct {
		in   string
		want Cents
	}{
		{"85", 8500}, {"85.5", 8550}, {"85.00", 8500}, {"$85.05", 8505}, {" 0.01 ", 1},
		{".5", 50}, {"1,250.00", 125000}, {"12,345,678", 1234567800}, {"0", 0},
	}
	for _, tt := range good {
		got, err := ParseAmount(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	bad := []string{"", "$", "abc", "1,5", "1,50.00", ",100", "1234,567", "85.", "85.123", "-5", "1e3", "85,00",
		"10000000001", "99999999999999999999", "8 5", "１２"}
	for _, in := range bad {
		if got, err := ParseAmount(in); err == nil {
			t.Errorf("ParseAmount(%q) = %d, want an error", in, got)
		} else if !strings.HasPrefix(err.Error(), "bad amount ") {
			t.Errorf("ParseAmount(%q) error %q does not say what was wrong", in, err)
		}
	}
	if _, err := ParseAmount(strings.Repeat("9", 10_000)); err == nil || len(err.Error()) > 200 {
		t.Errorf("a huge amount should be refused with a short error, got %v", err)
	}
}

func TestCentsString(t *testing.T) {
	for c, want := range map[Cents]string{0: "0.00", 5: "0.05", 8500: "85.00", 123456: "1234.56", -250: "-2.50", -5: "-0.05", 100: "1.00", 9: "0.09",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08"} {
		if got := c.String(); got != want {
			t.Errorf("Cents(%d).String() = %q, want %q", c, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC)
	good := map[string]Date{"2026-02-28": "2026-02-28", "today": "2026-03-01", "Yesterday": "2026-02-28", "2024-02-29": "2024-02-29",
		"03/04/2026": "2026-03-04", "3/4/2026": "2026-03-04", "12/31/2026": "2026-12-31", "02/29/2024": "2024-02-29",
		"2026/03/04": "2026-03-04", "2026/3/4": "2026-03-04"}
	for in, want := range good {
		if got, err := ParseDate(in, now); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2026-2-28", "2026-02-30", "2025-02-29", "2026-03-04T10:00",
		"03/04/26", "13/04/2026", "02/30/2026", "04/31/2026", "2026/13/01", "2026/02/30", "3//4/2026", "03-04-2026", "04.03.2026", "0003/04/2026", "3/4/02026", "tomorrow", strings.Repeat("x", 5000)} {
		_, err := ParseDate(in, now)
		if err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
			continue
		}
		if !strings.Contains(err.Error(), "expected YYYY-MM-DD, MM/DD/YYYY or YYYY/MM/DD") || len(err.Error()) > 200 {
			t.Errorf("ParseDate(%q) error %q: want a short error naming the form", in, err)
		}
	}
}

func TestDateValid(t *testing.T) {
	for d, want := range map[Date]bool{"2026-03-04": true, "2024-02-29": true, "2025-02-29": false, "": false, "2026-3-4": false, "today": false} {
		if got := d.Valid(); got != want {
			t.Errorf("Date(%q).Valid() = %v, want %v", d, got, want)
		}
	}
}
