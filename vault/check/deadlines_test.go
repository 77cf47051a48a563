package check

import (
	"slices"
	"testing"

	"vault/vault"
)

// TestValidThrough: 12 months run through the day before the anniversary,
// across month ends and leap days; a valid-until date wins.
func TestValidThrough(t *testing.T) {
	tests := []struct{ date, until, want string }{
		{"2026-01-15", "", "2027-01-14"},
		{"2026-02-24", "", "2027-02-23"},
		{"2026-01-01", "", "2026-12-31"},
		{"2026-12-31", "", "2027-12-30"},
		{"2026-03-31", "", "2027-03-30"},
		{"2024-02-29", "", "2025-02-28"}, // the anniversary of a leap day is 1 March
		{"2023-03-01", "", "2024-02-29"}, // ends on a leap day
		{"2025-03-01", "", "2026-02-28"},
		{"2027-03-01", "", "2028-02-29"},
		{"2026-02-24", "2026-06-30", "2026-06-30"},
		{"2026-02-24", "2028-01-01", "2028-01-01"},
		{"", "", ""},
	}
	for _, tc := range tests {
		d := &vault.Document{Kind: "lmn", Date: day(tc.date), ValidUntil: day(tc.until)}
		if got := ValidThrough(d); got != day(tc.want) {
			t.Errorf("ValidThrough(%s, until %q) = %s, want %s", tc.date, tc.until, got, tc.want)
		}
	}
}

// TestDayArithmetic: the deadline sums the checks make, across month ends,
// year ends and leap days.
func TestDayArithmetic(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-01"},
		{"2026-02-28", 1, "2026-03-01"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-02-29", 1, "2024-03-01"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2026-03-31", 30, "2026-04-30"},
		{"2026-04-10", appealDays, "2026-10-07"}, // appeal: 180 days after the denial
		{"2027-09-01", appealDays, "2028-02-28"}, // across a leap February
		{"2027-09-02", appealDays, "2028-02-29"}, // onto the leap day
		{"2026-03-04", defaultFilingLimitDays, "2027-03-04"},
		{"2023-03-01", defaultFilingLimitDays, "2024-02-29"}, // a leap year: 365 days fall short of the anniversary
		{"2024-02-29", defaultFilingLimitDays, "2025-02-28"},
		{"2026-04-01", RequestAnswerDays, "2026-05-16"},
		{"2026-03-01", -1, "2026-02-28"},
	}
	for _, tc := range tests {
		if got := day(tc.from).AddDays(tc.n); got != day(tc.want) {
			t.Errorf("%s + %d days = %s, want %s", tc.from, tc.n, got, tc.want)
		}
		if got := daysBetween(day(tc.from), day(tc.want)); got != tc.n {
			t.Errorf("daysBetween(%s, %s) = %d, want %d", tc.from, tc.want, got, tc.n)
		}
	}
}

func TestRelative(t *testing.T) {
	tests := map[string]string{
		"2026-05-01": "today", "2026-05-02": "tomorrow", "2026-04-30": "yesterday",
		"2026-05-31": "in 30 days", "2026-04-01": "30 days ago",
		"": "", "2026-02-30": "", "20260501": "",
	}
	for d, want := range tests {
		if got := Relative(asOf, day(d)); got != want {
			t.Errorf("Relative(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestDueSeverity(t *testing.T) {
	tests := []struct {
		due  string
		want string
	}{
		{"2026-05-31", Warning}, {"2026-06-01", ""}, {"2026-05-01", Warning}, {"2026-04-30", Error},
	}
	for _, tc := range tests {
		if got := dueSeverity(asOf, day(tc.due), deadlineWarnDays); got != tc.want {
			t.Errorf("dueSeverity(%s) = %q, want %q", tc.due, got, tc.want)
		}
	}
}

func TestNextDeadline(t *testing.T) {
	denied := func(c *vault.Claim) {
		c.Status = "denied"
		c.StatusHistory = append(c.StatusHistory, vault.StatusChange{Status: "denied", Date: "2026-04-10"})
	}
	tests := []struct {
		name  string
		claim func(*vault.Claim)
		items func([]vault.Record) []vault.Record
		want  *Deadline
	}{
		{name: "submitted, nothing open"},
		{name: "filing", claim: func(c *vault.Claim) { c.Status = "draft" }, want: &Deadline{"2027-03-04", WhatFiling}},
		{name: "appeal", claim: denied, want: &Deadline{"2026-10-07", WhatAppeal}},
		{name: "appeal from the letter", claim: func(c *vault.Claim) { denied(c); c.AppealBy = "2026-06-01" }, want: &Deadline{"2026-06-01", WhatAppeal}},
		{name: "a request comes before the appeal", claim: denied, items: func(it []vault.Record) []vault.Record {
			return with(it, request("req00001", "2026-04-20", "2026-06-04"))
		}, want: &Deadline{"2026-06-04", WhatRequest}},
		{name: "an answered request does not count", claim: denied, items: func(it []vault.Record) []vault.Record {
			r := request("req00001", "2026-04-20", "2026-06-04")
			r.Answered = "exp00001"
			return with(it, r)
		}, want: &Deadline{"2026-10-07", WhatAppeal}},
		{name: "a follow-up", items: func(it []vault.Record) []vault.Record {
			return with(it, call("call0009", "2026-04-20 10:00", "REF-9", "2026-05-04"))
		}, want: &Deadline{"2026-05-04", WhatFollowUp}},
		{name: "an overdue follow-up is still next", items: func(it []vault.Record) []vault.Record { return without(it, "call0002") },
			want: &Deadline{"2026-04-09", WhatFollowUp}},
		{name: "a followed-up call does not count"},
		{name: "appeal before a follow-up on the same day", claim: func(c *vault.Claim) { denied(c); c.AppealBy = "2026-05-04" }, items: func(it []vault.Record) []vault.Record {
			return with(it, call("call0009", "2026-04-20 10:00", "REF-9", "2026-05-04"))
		}, want: &Deadline{"2026-05-04", WhatAppeal}},
		{name: "closed", claim: func(c *vault.Claim) { c.Status = "closed" }, items: func(it []vault.Record) []vault.Record {
			return with(without(it, "call0002"), request("req00001", "2026-04-20", "2026-06-04"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := baseClaim()
			if tc.claim != nil {
				tc.claim(c)
			}
			items := baseItems()
			if tc.items != nil {
				items = tc.items(items)
			}
			got := NextDeadline(c, items, asOf)
			switch {
			case got == nil && tc.want == nil:
			case got == nil || tc.want == nil || *got != *tc.want:
				t.Fatalf("NextDeadline = %v, want %v", got, tc.want)
			}
		})
	}
	if NextDeadline(nil, nil, asOf) != nil {
		t.Fatal("NextDeadline(nil) is not nil")
	}
}

func TestSummarize(t *testing.T) {
	items := with(without(baseItems(), "note0002"), call("call0009", "2026-04-20 10:00", "", "2026-05-04"))
	s := Summarize(baseClaim(), items, asOf)
	if s.Documents != 7 || s.Calls != 3 || s.Conditions != 2 {
		t.Errorf("counts: %d documents, %d calls, %d conditions", s.Documents, s.Calls, s.Conditions)
	}
	if s.Errors != 0 || s.Warnings != 2 {
		t.Errorf("%d errors, %d warnings, want 0 and 2:\n%s", s.Errors, s.Warnings, dump(s.Findings))
	}
	if s.Next == nil || *s.Next != (Deadline{"2026-05-04", WhatFollowUp}) {
		t.Errorf("next deadline %v", s.Next)
	}
	// The same findings and deadline as Run and NextDeadline, from one
	// sorting of the items.
	if got, want := dump(s.Findings), dump(Run(baseClaim(), items, asOf)); got != want {
		t.Errorf("Summarize findings:\n%swant Run's:\n%s", got, want)
	}
	if n := NextDeadline(baseClaim(), items, asOf); n == nil || *n != *s.Next {
		t.Errorf("NextDeadline %v, Summarize %v", n, s.Next)
	}
	if z := Summarize(nil, items, asOf); z.Findings != nil || z.Next != nil || z.Documents != 0 {
		t.Errorf("Summarize(nil) = %+v", z)
	}
}

// TestSortSummaries: soonest deadline first, overdue ones before upcoming
// ones, claims without a deadline last, ties by name.
func TestSortSummaries(t *testing.T) {
	mk := func(name, date, what string) Summary {
		s := Summary{Claim: &vault.Claim{Name: name}}
		if date != "" {
			s.Next = &Deadline{day(date), what}
		}
		return s
	}
	in := []Summary{
		mk("zeta", "", ""),
		mk("neck-2026", "2026-06-01", WhatAppeal),
		mk("alpha", "", ""),
		mk("back-2026", "2026-05-10", WhatRequest),
		mk("old-2025", "2026-04-01", WhatFiling),
		mk("hip-2026", "2026-06-01", WhatFollowUp),
		mk("knee-2026", "2027-01-31", WhatFiling),
	}
	SortSummaries(in)
	var got []string
	for _, s := range in {
		got = append(got, s.Claim.Name)
	}
	want := []string{"old-2025", "back-2026", "hip-2026", "neck-2026", "knee-2026", "alpha", "zeta"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
}
