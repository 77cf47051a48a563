package check

import (
	"fmt"

	"vault/vault"
)

// checkNoBeforeAfter: the claim lacks a condition note before treatment, or
// one after it or in progress (warning). With both, an info finding gives
// the change in pain score (see PainChangeOf); a change of 2 points or 30%
// is clinically meaningful.
func checkNoBeforeAfter(f *facts) []Finding {
	var before, after []*vault.Condition
	for _, c := range f.conds {
		switch c.Phase {
		case vault.PhaseBefore:
			before = append(before, c)
		case vault.PhaseAfter, vault.PhaseProgress:
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
	return []Finding{painFinding(PainChangeOf(f.conds), before[0], after[len(after)-1])}
}

// PainChange is the change in pain score over treatment: from the earliest
// "before" note that has a score to the latest "after" or "progress" note
// that has one (by date, then ID). It is the one calculation of it: the
// no-before-after check reports it and index.html of a bundle shows it.
type PainChange struct {
	Before *vault.Condition // nil when no "before" note has a score
	After  *vault.Condition // nil when no "after" or "progress" note has one
}

// PainChangeOf finds the notes of the change among notes, in any order.
// Notes without a pain score or a phase the change does not use are
// skipped.
func PainChangeOf(notes []*vault.Condition) PainChange {
	var p PainChange
	earlier := func(a, b *vault.Condition) bool { return a.Date < b.Date || a.Date == b.Date && a.ID < b.ID }
	for _, c := range notes {
		if c == nil || c.Pain == nil {
			continue
		}
		switch c.Phase {
		case vault.PhaseBefore:
			if p.Before == nil || earlier(c, p.Before) {
				p.Before = c
			}
		case vault.PhaseAfter, vault.PhaseProgress:
			if p.After == nil || earlier(p.After, c) {
				p.After = c
			}
		}
	}
	return p
}

// Complete reports whether both notes were found, so that the change can
// be shown.
func (p PainChange) Complete() bool { return p.Before != nil && p.After != nil }

// Points is the improvement in points: positive when the pain went down,
// negative when it went up; 0 when the change is not Complete.
func (p PainChange) Points() int {
	if !p.Complete() {
		return 0
	}
	return *p.Before.Pain - *p.After.Pain
}

// Verdict says what the change means: "no change", "1 point worse", "4
// points better (57%), a clinically meaningful change (2 points or 30%)";
// "" when the change is not Complete.
func (p PainChange) Verdict() string {
	if !p.Complete() {
		return ""
	}
	from, diff := *p.Before.Pain, p.Points()
	switch {
	case diff == 0:
		return "no change"
	case diff < 0:
		return fmt.Sprintf("%d %s worse", -diff, plural(-diff, "point", "points"))
	}
	what := fmt.Sprintf("%d %s better", diff, plural(diff, "point", "points"))
	if from > 0 {
		what += fmt.Sprintf(" (%d%%)", diff*100/from)
	}
	if diff >= 2 || diff*100 >= 30*from {
		return what + ", a clinically meaningful change (2 points or 30%)"
	}
	return what + ", less than a clinically meaningful change (2 points or 30%)"
}

// painFinding describes the change in pain score, or says that a score is
// missing (b0 and a0, the first before and last after note, are named
// then).
func painFinding(p PainChange, b0, a0 *vault.Condition) Finding {
	if !p.Complete() {
		var ids []string
		which := "before or after"
		switch {
		case p.Before == nil && p.After == nil:
			ids = []string{b0.ID, a0.ID}
		case p.Before == nil:
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
	b, a := p.Before, p.After
	head := fmt.Sprintf("pain %d/10 before (%s, %s) and %d/10 %s (%s, %s)", *b.Pain, b.Date, b.ID, *a.Pain, a.Phase, a.Date, a.ID)
	return Finding{Severity: Info, Message: head + ": " + p.Verdict(), IDs: []string{b.ID, a.ID}}
}
