// Package check finds what is missing from a claim and what is due before
// the insurer does: a receipt with no session note of that day, a letter of
// medical necessity that expired, a filing or appeal window about to close.
//
// Every check is a pure function of the claim, its items and the day the
// checks are run for (asOf), so that it is easy to test and gives the same
// answer every time. The rules and their sources are in docs/CHECKS.md.
package check

import (
	"slices"
	"sort"

	"vault/vault"
)

// Severities of a finding, most serious first.
const (
	// Error: the claim will likely be refused, or a deadline has passed.
	Error = "error"
	// Warning: something an insurer may ask for is missing, or a deadline is near.
	Warning = "warning"
	// Info: a fact worth knowing, such as the change in pain score.
	Info = "info"
)

// Names of the checks. They are a contract: scripts and users match on them.
const (
	NoReferral         = "no-referral"
	LMNExpired         = "lmn-expired"
	ReceiptWithoutNote = "receipt-without-note"
	NoBeforeAfter      = "no-before-after"
	CallWithoutRef     = "call-without-ref"
	FollowUpOverdue    = "follow-up-overdue"
	MissingAmount      = "missing-amount"
	VisitsExceeded     = "visits-exceeded"
	RetiredICD10       = "retired-icd10"
	FilingDeadline     = "filing-deadline"
	AppealDeadline     = "appeal-deadline"
	RequestDue         = "request-due"
)

// Finding is one thing a check found: which check, how serious, what it is
// and what to do about it, and the IDs of the records it concerns (the
// claim's own ID for a finding about the claim as a whole).
type Finding struct {
	Check    string   `json:"check"`
	Severity string   `json:"severity"`
	Message  string   `json:"message"`
	IDs      []string `json:"ids"`
}

// checker is one check: its name and the function that runs it.
type checker struct {
	name string
	run  func(*facts) []Finding
}

// checkers returns every check, in the order of docs/CHECKS.md.
func checkers() []checker {
	return []checker{
		{NoReferral, checkNoReferral},
		{LMNExpired, checkLMNExpired},
		{ReceiptWithoutNote, checkReceiptWithoutNote},
		{NoBeforeAfter, checkNoBeforeAfter},
		{CallWithoutRef, checkCallWithoutRef},
		{FollowUpOverdue, checkFollowUpOverdue},
		{MissingAmount, checkMissingAmount},
		{VisitsExceeded, checkVisitsExceeded},
		{RetiredICD10, checkRetiredICD10},
		{FilingDeadline, checkFilingDeadline},
		{AppealDeadline, checkAppealDeadline},
		{RequestDue, checkRequestDue},
	}
}

// Names returns the name of every check, in the order Run runs them.
func Names() []string {
	var out []string
	for _, c := range checkers() {
		out = append(out, c.name)
	}
	return out
}

// Run runs every check on a claim and its items as of a day. Items of other
// claims are ignored. Findings come errors first, then warnings, then info;
// within a severity in the order of the checks, and within a check by the
// date of the records concerned, so the order is the same every time.
func Run(claim *vault.Claim, items []vault.Record, asOf vault.Date) []Finding {
	if claim == nil {
		return nil
	}
	return newFacts(claim, items, asOf).run()
}

// run runs every check on the facts, in the order Run documents.
func (f *facts) run() []Finding {
	var out []Finding
	for _, c := range checkers() {
		for _, fd := range c.run(f) {
			fd.Check = c.name
			if fd.IDs == nil {
				fd.IDs = []string{}
			}
			out = append(out, fd)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Severity) < rank(out[j].Severity) })
	return out
}

// rank orders severities: errors first.
func rank(severity string) int {
	switch severity {
	case Error:
		return 0
	case Warning:
		return 1
	}
	return 2
}

// Count returns how many findings have each severity.
func Count(findings []Finding) (errors, warnings, infos int) {
	for _, f := range findings {
		switch f.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		default:
			infos++
		}
	}
	return errors, warnings, infos
}

// ForItems returns the findings that concern at least one of the given
// record IDs, in their order. Findings about the claim as a whole carry the
// claim's ID: include it in ids to get them too.
func ForItems(findings []Finding, ids map[string]bool) []Finding {
	var out []Finding
	for _, f := range findings {
		if slices.ContainsFunc(f.IDs, func(id string) bool { return ids[id] }) {
			out = append(out, f)
		}
	}
	return out
}
