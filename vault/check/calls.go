package check

import (
	"fmt"
	"strings"

	"vault/vault"
)

// checkCallWithoutRef: a call logged with no reference number (warning).
func checkCallWithoutRef(f *facts) []Finding {
	var out []Finding
	for _, c := range f.calls {
		if strings.TrimSpace(c.Ref) != "" {
			continue
		}
		out = append(out, Finding{
			Severity: Warning,
			Message: fmt.Sprintf("%s has no reference number: a reference is what proves the call in a dispute; "+
				"ask for one on every call, and add it if you have it (vault edit %s --ref REF)", callLabel(c), c.ID),
			IDs: []string{c.ID},
		})
	}
	return out
}

// checkFollowUpOverdue: a call's follow-up date has passed (it is before
// asOf) with nothing logged since the call (warning). See followedUp.
func checkFollowUpOverdue(f *facts) []Finding {
	if f.status() == vault.StatusClosed {
		return nil
	}
	var out []Finding
	for _, c := range f.openFollowUps() {
		if !c.FollowUp.Before(f.asOf) {
			continue
		}
		out = append(out, Finding{
			Severity: Warning,
			Message: fmt.Sprintf("%s: its follow-up date %s has passed (%s) with nothing logged since: "+
				"call again about what was promised and log it (vault log-call --claim %s --rep NAME --ref REF --summary S)",
				callLabel(c), c.FollowUp, Relative(f.asOf, c.FollowUp), f.name()),
			IDs: []string{c.ID},
		})
	}
	return out
}

// openFollowUps returns the calls with a follow-up date that nothing has
// answered yet, in call order.
func (f *facts) openFollowUps() []*vault.Call {
	var out []*vault.Call
	for _, c := range f.calls {
		if c.FollowUp.Valid() && !f.followedUp(c) {
			out = append(out, c)
		}
	}
	return out
}

// followedUp reports whether something was logged after a call: a later
// call, a change to a status only the insurer's answer brings (pending,
// approved, paid, denied, closed) dated after the call's day, or an EOB,
// denial or correspondence dated after it (the answer in writing). The
// user's own steps (draft, submitted, appealed) do not count: a new claim's
// draft status is dated the day it was entered, often after the calls.
func (f *facts) followedUp(c *vault.Call) bool {
	day := vault.DateOf(c.At)
	if n := len(f.calls); n > 0 && f.calls[n-1].At.After(c.At) {
		return true // calls are in time order: the last is the latest
	}
	return f.lastAnswer() > day
}

// answerStatuses are the statuses an insurer's answer brings.
var answerStatuses = map[string]bool{
	vault.StatusPending: true, vault.StatusApproved: true, vault.StatusPaid: true, vault.StatusDenied: true, vault.StatusClosed: true,
}

// lastAnswer returns the latest day of a change to an answer status or of
// an EOB, denial or correspondence: the latest sign that the insurer answered. It is
// computed once.
func (f *facts) lastAnswer() vault.Date {
	if f.answered != nil {
		return *f.answered
	}
	var last vault.Date
	for _, s := range f.claim.StatusHistory {
		if answerStatuses[s.Status] && s.Date.Valid() && s.Date > last {
			last = s.Date
		}
	}
	for _, d := range f.docsOf(vault.KindEOB, vault.KindDenial, vault.KindCorrespond) {
		if d.Date.Valid() && d.Date > last {
			last = d.Date
		}
	}
	f.answered = &last
	return last
}
