package check

import (
	"fmt"

	"vault/vault"
)

// Windows before a deadline in which a check warns.
const (
	// deadlineWarnDays: filing and appeal deadlines warn this many days ahead.
	deadlineWarnDays = 30
	// requestWarnDays: insurer requests warn this many days ahead.
	requestWarnDays = 14
	// defaultFilingLimitDays applies when the claim records no filing limit.
	defaultFilingLimitDays = 365
	// appealDays is the internal appeal window after a denial (ACA/ERISA).
	appealDays = 180
	// RequestAnswerDays is the time a patient gets to answer a request for
	// information when the letter gives no due date.
	RequestAnswerDays = 45
)

// daysBetween returns the number of days from a to b (negative when b is
// earlier). Both must be valid.
func daysBetween(a, b vault.Date) int {
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

// ValidThrough returns the last day a referral, prescription or letter of
// medical necessity covers: its valid-until date when one is set, otherwise
// 12 months from its date, that is through the day before its anniversary.
// The anniversary follows time.AddDate: that of 2024-02-29 is 2025-03-01, so
// a letter of 2024-02-29 is valid through 2025-02-28, and one of 2023-03-01
// through 2024-02-29.
func ValidThrough(d *vault.Document) vault.Date {
	if d.ValidUntil.Valid() {
		return d.ValidUntil
	}
	if !d.Date.Valid() {
		return ""
	}
	return vault.DateOf(d.Date.Time().AddDate(1, 0, -1))
}

// Relative says when a day is as seen from asOf: "today", "tomorrow",
// "in 3 days", "yesterday", "2 days ago"; "" when either is not a valid day.
func Relative(asOf, d vault.Date) string {
	if !asOf.Valid() || !d.Valid() {
		return ""
	}
	n := daysBetween(asOf, d)
	switch {
	case n == 0:
		return "today"
	case n == 1:
		return "tomorrow"
	case n == -1:
		return "yesterday"
	case n > 0:
		return fmt.Sprintf("in %d days", n)
	}
	return fmt.Sprintf("%d days ago", -n)
}

// dueSeverity grades a deadline as of a day: an error once it has passed, a
// warning within warn days (the day itself included), nothing before.
func dueSeverity(asOf, due vault.Date, warn int) string {
	n := daysBetween(asOf, due)
	switch {
	case n < 0:
		return Error
	case n <= warn:
		return Warning
	}
	return ""
}
