package check

import (
	"fmt"

	"vault/vault"
)

// checkNoBeforeAfter: the claim lacks a condition note before treatment, or
// one after it or in progress (warning). With both, an info finding gives
// the change in pain score from the first "before" note that has one to the
// latest "after" or "progress" note that has one; a change of 2 points or
// 30% is clinically meaningful.
func checkNoBeforeAfter(f *facts) []Finding {
	var before, after []*vault.Condition
	for _, c := range f.conds {
		switch c.Phase {
		case phaseBefore:
			before = append(before, c)
		case phaseAfter, phaseProgress:
			after = append(after, c)
		}
	}
	log := "vault log-condition --claim " + f.name()
	switch {
	case len(before) == 0 && len(after) == 0:
		return []Finding{{
			Severity: Warning,
			Message: fmt.Sprintf("no condition notes before or after treatment: log the pain score and measures such as range of motion "+
				"before treatment (%s --phase before --pain N) and after it (--phase after)", log),
			IDs: f.claimIDs(),
		}}
	case len(before) == 0:
		return []Finding{{
			Severity: Warning,
			Message: fmt.Sprintf("no condition note before treatment: log the baseline from the first session note or evaluation "+
				"(%s --phase before --date D --pain N)", log),
			IDs: f.claimIDs(),
		}}
	case len(after) == 0:
		return []Finding{{
			Severity: Warning,
			Message: fmt.Sprintf("no condition note after treatment or in progress: log the current pain score and measures "+
				"(%s --phase progress --pain N)", log),
			IDs: f.claimIDs(),
		}}
	}
	return []Finding{painChange(firstWithPain(before), lastWithPain(after), before[0], after[len(after)-1])}
}

// firstWithPain returns the earliest note with a pain score, or nil.
func firstWithPain(notes []*vault.Condition) *vault.Condition {
	for _, c := range notes {
		if c.Pain != nil {
			return c
		}
	}
	return nil
}

// lastWithPain returns the latest note with a pain score, or nil.
func lastWithPain(notes []*vault.Condition) *vault.Condition {
	for i := len(notes) - 1; i >= 0; i-- {
		if notes[i].Pain != nil {
			return notes[i]
		}
	}
	return nil
}

// painChange describes the change in pain score between two notes, or says
// that a score is missing (b0 and a0 name the notes then).
func painChange(b, a, b0, a0 *vault.Condition) Finding {
	if b == nil || a == nil {
		var ids []string
		which := "before or after"
		switch {
		case b == nil && a == nil:
			ids = []string{b0.ID, a0.ID}
		case b == nil:
			which, ids = "before", []string{b0.ID}
		default:
			which, ids = "after or progress", []string{a0.ID}
		}
		return Finding{
			Severity: Info,
			Message:  fmt.Sprintf("no %s note has a pain score, so the change cannot be shown: give --pain 0-10 when you log the condition", which),
			IDs:      ids,
		}
	}
	from, to := *b.Pain, *a.Pain
	diff := from - to // improvement in points
	head := fmt.Sprintf("pain %d/10 before (%s, %s) and %d/10 %s (%s, %s)", from, b.Date, b.ID, to, a.Phase, a.Date, a.ID)
	var what string
	switch {
	case diff == 0:
		what = "no change"
	case diff < 0:
		what = fmt.Sprintf("%d %s worse", -diff, plural(-diff, "point", "points"))
	default:
		what = fmt.Sprintf("%d %s better", diff, plural(diff, "point", "points"))
		if from > 0 {
			what += fmt.Sprintf(" (%d%%)", diff*100/from)
		}
		if diff >= 2 || diff*100 >= 30*from {
			what += ", a clinically meaningful change (2 points or 30%)"
		} else {
			what += ", less than a clinically meaningful change (2 points or 30%)"
		}
	}
	return Finding{Severity: Info, Message: head + ": " + what, IDs: []string{b.ID, a.ID}}
}
