package check

import (
	"fmt"
	"slices"
	"sort"

	"vault/vault"
)

// What a deadline is for.
const (
	WhatAppeal   = "appeal"
	WhatFiling   = "filing"
	WhatRequest  = "request"
	WhatFollowUp = "follow-up"
)

// Deadline is a day by which something must be done: file the claim, file
// the appeal, answer an insurer's request, or follow up on a call.
type Deadline struct {
	Date vault.Date `json:"date"`
	What string     `json:"what"`
}

// NextDeadline returns the earliest deadline of a claim that is still open
// as of asOf, or nil when there is none. A deadline that has passed but is
// still open (the claim still unfiled, the request unanswered) counts: it is
// the most pressing. Closed claims have no deadlines. On the same day an
// appeal comes before filing, a request, then a follow-up.
func NextDeadline(claim *vault.Claim, items []vault.Record, asOf vault.Date) *Deadline {
	if claim == nil {
		return nil
	}
	return newFacts(claim, items, asOf).nextDeadline()
}

// nextDeadline is NextDeadline of the facts.
func (f *facts) nextDeadline() *Deadline {
	var all []Deadline
	if a, ok := f.appealDue(); ok && a.due.Valid() {
		all = append(all, Deadline{a.due, WhatAppeal})
	}
	if fl, ok := f.filingDue(); ok {
		all = append(all, Deadline{fl.due, WhatFiling})
	}
	for _, r := range f.openRequests() {
		all = append(all, Deadline{r.due, WhatRequest})
	}
	if f.status() != vault.StatusClosed {
		for _, c := range f.openFollowUps() {
			all = append(all, Deadline{c.FollowUp, WhatFollowUp})
		}
	}
	if len(all) == 0 {
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Date < all[j].Date })
	return &all[0]
}

// filing is when a claim not yet submitted must be filed.
type filing struct {
	due   vault.Date      // the last day to file
	first *vault.Document // the record of the earliest date of service
	limit int             // the filing limit in days
	set   bool            // the limit is the claim's own, not the default
}

// filingDue returns the filing deadline of a claim still in draft: its
// filing limit (365 days unless set) after the earliest date of service of
// a receipt or clinical note. ok is false when the claim has been submitted
// or has no date of service yet.
func (f *facts) filingDue() (fl filing, ok bool) {
	if f.status() != vault.StatusDraft {
		return fl, false
	}
	// Documents are in date order; on the same day a receipt is named
	// rather than a note.
	for _, d := range slices.Concat(f.receipts(), f.docsOf(vault.KindClinicalNote)) {
		if d.Date.Valid() && (fl.first == nil || d.Date < fl.first.Date) {
			fl.first = d
		}
	}
	if fl.first == nil {
		return fl, false
	}
	fl.limit = defaultFilingLimitDays
	if n := f.claim.FilingLimitDays; n != nil && *n > 0 {
		fl.limit, fl.set = *n, true
	}
	fl.due = fl.first.Date.AddDays(fl.limit)
	return fl, true
}

// checkFilingDeadline: a claim not yet submitted whose filing limit ends
// within 30 days (warning) or has passed (error).
func checkFilingDeadline(f *facts) []Finding {
	fl, ok := f.filingDue()
	if !ok {
		return nil
	}
	sev := dueSeverity(f.asOf, fl.due, deadlineWarnDays)
	if sev == "" {
		return nil
	}
	source := "the default"
	if fl.set {
		source = "the plan's"
	}
	head := fmt.Sprintf("the claim is not submitted yet and %s filing limit of %d days from the first date of service (%s)",
		source, fl.limit, docLabel(fl.first))
	var msg string
	if sev == Error {
		msg = fmt.Sprintf("%s ended on %s (%s): submit it now and ask the insurer for a late-filing exception, "+
			"with proof of any earlier submission; then record it (vault claim set %s --status submitted)",
			head, fl.due, Relative(f.asOf, fl.due), f.name())
	} else {
		msg = fmt.Sprintf("%s ends on %s (%s): submit the claim, then record it (vault claim set %s --status submitted); "+
			"if your plan allows longer, record its limit (--filing-limit DAYS)",
			head, fl.due, Relative(f.asOf, fl.due), f.name())
	}
	return []Finding{{Severity: sev, Message: msg, IDs: f.claimIDs(fl.first.ID)}}
}

// appeal is when a denied claim's internal appeal is due.
type appeal struct {
	due        vault.Date // the last day to appeal; empty when unknown
	denied     vault.Date // the date of the denial; empty when unknown
	fromLetter bool       // due was set from the letter (--appeal-by)
}

// appealDue returns the internal appeal deadline of a denied claim: the date
// set from the denial letter, else 180 days after the denial date (that of
// the latest "denied" status change). ok is false unless the claim is denied.
func (f *facts) appealDue() (a appeal, ok bool) {
	if f.status() != vault.StatusDenied {
		return a, false
	}
	for _, s := range f.claim.StatusHistory {
		if s.Status == vault.StatusDenied && s.Date.Valid() && s.Date >= a.denied {
			a.denied = s.Date
		}
	}
	switch {
	case f.claim.AppealBy.Valid():
		a.due, a.fromLetter = f.claim.AppealBy, true
	case a.denied != "":
		a.due = a.denied.AddDays(appealDays)
	}
	return a, true
}

// checkAppealDeadline: a denied claim whose internal appeal is due within 30
// days (warning) or overdue (error).
func checkAppealDeadline(f *facts) []Finding {
	a, ok := f.appealDue()
	if !ok {
		return nil
	}
	if a.due == "" {
		return []Finding{{
			Severity: Warning,
			Message: fmt.Sprintf("the claim is denied but the denial has no date, so the appeal deadline is unknown: "+
				"record the date of the denial letter (vault claim set %s --status denied --on D) or the appeal date it gives (--appeal-by D)", f.name()),
			IDs: f.claimIDs(),
		}}
	}
	sev := dueSeverity(f.asOf, a.due, deadlineWarnDays)
	if sev == "" {
		return nil
	}
	basis := fmt.Sprintf("%d days after the denial of %s", appealDays, a.denied)
	if a.fromLetter {
		basis = "the date set from the denial letter"
	}
	var msg string
	if sev == Error {
		msg = fmt.Sprintf("the internal appeal was due on %s (%s; %s): ask the insurer whether it accepts a late appeal for good cause, "+
			"and keep the call's reference", a.due, Relative(f.asOf, a.due), basis)
	} else {
		msg = fmt.Sprintf("the internal appeal is due on %s (%s; %s): send the appeal letter with the denial, the LMN and the session notes, "+
			"add it (vault add --claim %s --kind appeal FILE) and record it (vault claim set %s --status appealed)",
			a.due, Relative(f.asOf, a.due), basis, f.name(), f.name())
	}
	return []Finding{{Severity: sev, Message: msg, IDs: f.claimIDs()}}
}

// openRequest is an insurer request not yet answered, and its due date.
type openRequest struct {
	req       *vault.Request
	due       vault.Date
	defaulted bool // no due date was recorded: 45 days from its receipt
}

// openRequests returns the requests of a claim that no export has answered
// and that have a due date (or a received date, from which the default 45
// days run), soonest first; StateOfRequest decides. A closed claim has none.
func (f *facts) openRequests() []openRequest {
	if f.status() == vault.StatusClosed {
		return nil
	}
	var out []openRequest
	for _, r := range f.requests {
		s := StateOfRequest(r, f.exports, f.asOf)
		if s.AnsweredBy != "" || s.Due == "" {
			continue
		}
		out = append(out, openRequest{req: r, due: s.Due, defaulted: s.Defaulted})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].due < out[j].due })
	return out
}

// checkRequestDue: an insurer request not answered by an export, due within
// 14 days (warning) or past due (error).
func checkRequestDue(f *facts) []Finding {
	var out []Finding
	for _, o := range f.openRequests() {
		sev := dueSeverity(f.asOf, o.due, requestWarnDays)
		if sev == "" {
			continue
		}
		label := "request " + o.req.ID
		if o.req.Received.Valid() {
			label = fmt.Sprintf("request of %s (%s)", o.req.Received, o.req.ID)
		}
		when := Relative(f.asOf, o.due)
		if o.defaulted {
			when += fmt.Sprintf("; %d days from its receipt, as no due date is recorded", RequestAnswerDays)
		}
		export := fmt.Sprintf("vault export --claim %s --request %s -o OUT.zip", f.name(), o.req.ID)
		var msg string
		if sev == Error {
			msg = fmt.Sprintf("%s was due on %s (%s) and is not answered: send it now (%s) and call the insurer to say it is on its way",
				label, o.due, when, export)
		} else {
			msg = fmt.Sprintf("%s is due on %s (%s): answer it with exactly what it asks for (%s)",
				label, o.due, when, export)
		}
		out = append(out, Finding{Severity: sev, Message: msg, IDs: []string{o.req.ID}})
	}
	return out
}
