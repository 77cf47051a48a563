package vault

import (
	"testing"
	"time"
)

// TestDateRange: years 1900 to 2199 only, at both edges; inside the range
// dates order as calendar days, and a deadline computed from the last day
// accepted still orders right (no five-digit year from 9999-12-31).
func TestDateRange(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"1900-01-01", true}, {"2199-12-31", true}, {"2026-02-28", true}, {"2024-02-29", true},
		{"1899-12-31", false}, {"2200-01-01", false}, {"0000-01-01", false}, {"0001-01-01", false},
		{"9999-12-31", false}, {"2025-02-29", false},
	} {
		d, err := ParseDate(c.in, now)
		if (err == nil) != c.ok {
			t.Errorf("ParseDate(%s) = %q, %v; want ok %v", c.in, d, err, c.ok)
		}
		if Date(c.in).Valid() != c.ok {
			t.Errorf("Date(%s).Valid() = %v", c.in, !c.ok)
		}
		if err := checkDate("date", Date(c.in), true); (err == nil) != c.ok {
			t.Errorf("checkDate(%s) = %v", c.in, err)
		}
	}
	last := Date("2199-12-31")
	later := last.AddDays(180)
	if !last.Before(later) || later.Before(last) || later != "2200-06-29" {
		t.Errorf("2199-12-31 + 180 days = %s, ordered wrongly", later)
	}
	if !Date("1999-12-31").Before("2000-01-01") || Date("2000-01-01").Before("1999-12-31") {
		t.Error("dates across a century do not order")
	}
	if err := validateCall(&Call{ID: "x", Claim: "y", At: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), Rep: "r"}); err == nil {
		t.Error("a call in the year 9999 is accepted")
	}
}
