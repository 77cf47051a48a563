package vault

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day written YYYY-MM-DD; the empty Date means none.
type Date string

// DateLayout is the form every date is stored and printed in.
const DateLayout = "2006-01-02"

// DateForms names the forms ParseDate accepts, for error messages and help.
const DateForms = "YYYY-MM-DD, MM/DD/YYYY or YYYY/MM/DD (or today, yesterday)"

// MinYear and MaxYear bound the years a Date may have: a patient's records
// and an insurer's deadlines fall well within them, and every Date in the
// range has four digits, so that dates order as their text does.
const (
	MinYear = 1900
	MaxYear = 2199
)

// ParseDate reads a date typed by the user: YYYY-MM-DD, the US form
// MM/DD/YYYY (month first: this vault's rules are US rules), YYYY/MM/DD,
// "today" or "yesterday" (relative to now, in its location). The month and
// day of the slashed forms may have one digit (3/4/2026); the year always has
// four, so that 03/04/26 is refused rather than guessed. The Date is always
// YYYY-MM-DD, with a year from MinYear to MaxYear.
func ParseDate(s string, now time.Time) (Date, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "today":
		return DateOf(now), nil
	case "yesterday":
		return DateOf(now.AddDate(0, 0, -1)), nil
	}
	t, ok := parseDateForms(s)
	if !ok {
		return "", fmt.Errorf("bad date %s: expected %s", Quote(s), DateForms)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return "", fmt.Errorf("date %s is out of range: give a year from %d to %d", Quote(s), MinYear, MaxYear)
	}
	return DateOf(t), nil
}

// parseDateForms parses the numeric forms ParseDate accepts.
func parseDateForms(s string) (time.Time, bool) {
	if len(s) == len(DateLayout) {
		if t, err := time.Parse(DateLayout, s); err == nil {
			return t, true
		}
	}
	if len(s) > len("12/31/2026") {
		return time.Time{}, false
	}
	for _, layout := range []string{"1/2/2006", "2006/1/2"} {
		t, err := time.Parse(layout, s)
		if err == nil && strings.Count(s, "/") == 2 && !strings.Contains(s, "//") {
			if layout == "1/2/2006" && len(s[strings.LastIndexByte(s, '/')+1:]) != 4 {
				continue
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return Date(t.Format(DateLayout)) }

// Time returns the start of the day in UTC; the zero time for an empty or
// malformed Date.
func (d Date) Time() time.Time {
	t, err := time.Parse(DateLayout, string(d))
	if err != nil {
		return time.Time{}
	}
	return t
}

// Valid reports whether d is a well-formed calendar day (YYYY-MM-DD) of a
// year from MinYear to MaxYear.
func (d Date) Valid() bool {
	if len(d) != len(DateLayout) {
		return false
	}
	t := d.Time()
	return !t.IsZero() && t.Year() >= MinYear && t.Year() <= MaxYear
}

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// Before reports whether d is earlier than e, as calendar days when both
// are valid (and as text otherwise, which puts the empty Date first).
func (d Date) Before(e Date) bool {
	if d.Valid() && e.Valid() {
		return d.Time().Before(e.Time())
	}
	return d < e
}

// Cents is an amount of money in integer cents, so that it is exact.
type Cents int64

// maxCents bounds amounts to something a person could be billed (10 billion).
const maxCents = 1_000_000_000_000

// ParseAmount reads a decimal amount: "85", "85.5", "85.00", "1,250.00", with
// an optional leading "$". Commas may only separate thousands ("1,5" is
// refused rather than read as 15); more than two decimals is refused.
func ParseAmount(s string) (Cents, error) {
	bad := fmt.Errorf("bad amount %s: expected a decimal number such as 85 or 85.00", Quote(s))
	t := strings.TrimPrefix(strings.TrimSpace(s), "$")
	if strings.Contains(t, ",") {
		bad := fmt.Errorf("bad amount %s: use a dot for the decimals (85.50) and commas only between thousands (1,250.00)", Quote(s))
		whole, _, _ := strings.Cut(t, ".")
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, bad
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, bad
			}
		}
		t = strings.ReplaceAll(t, ",", "")
	}
	if t == "" {
		return 0, bad
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" {
		whole = "0"
	}
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return 0, bad
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, bad
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/100 {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	c := Cents(w*100 + f)
	if c > maxCents {
		return 0, fmt.Errorf("bad amount %s: too large", Quote(s))
	}
	return c, nil
}

// String formats the amount with two decimals, e.g. "85.00".
func (c Cents) String() string { return string(c.Append(make([]byte, 0, 24))) }

// Append appends the amount as String formats it to b.
func (c Cents) Append(b []byte) []byte {
	u := uint64(c)
	if c < 0 {
		u = -u // two's complement: right for the smallest int64 too
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
}
