package check

import (
	"sort"

	"vault/vault"
)

// Summary is one claim's line in `vault status`: what it holds, its next
// deadline and how many errors and warnings the checks find.
type Summary struct {
	Claim      *vault.Claim
	Documents  int
	Calls      int
	Conditions int
	Next       *Deadline // nil when the claim has no open deadline
	Findings   []Finding
	Errors     int
	Warnings   int
}

// Summarize runs the checks on a claim, finds its next deadline and counts
// its items as of a day; items of other claims are ignored. It sorts the
// claim's items once for all of that: `vault check` and `vault status` call
// it rather than Run and NextDeadline.
func Summarize(claim *vault.Claim, items []vault.Record, asOf vault.Date) Summary {
	s := Summary{Claim: claim}
	if claim == nil {
		return s
	}
	f := newFacts(claim, items, asOf)
	s.Documents, s.Calls, s.Conditions = len(f.docs), len(f.calls), len(f.conds)
	s.Findings = f.run()
	s.Errors, s.Warnings, _ = Count(s.Findings)
	s.Next = f.nextDeadline()
	return s
}

// SortSummaries orders claims by their next deadline, soonest first; claims
// with no deadline come last. Ties go by claim name.
func SortSummaries(s []Summary) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i].Next, s[j].Next
		switch {
		case a != nil && b != nil && a.Date != b.Date:
			return a.Date < b.Date
		case a != nil && b == nil:
			return true
		case a == nil && b != nil:
			return false
		}
		return name(s[i].Claim) < name(s[j].Claim)
	})
}

// name is a claim's name, empty for none.
func name(c *vault.Claim) string {
	if c == nil {
		return ""
	}
	return c.Name
}
