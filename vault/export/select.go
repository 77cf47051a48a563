// Package export answers an insurer: it selects a claim's items (documents,
// calls, condition notes) by kind, date and ID, or by a stored request,
// finds what was asked for but is missing, writes the bundle (package
// bundle) atomically beside its destination while streaming the documents
// out of the vault, and records the export in the vault, marking the
// request it answers.
package export

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vault/vault"
	"vault/vault/bundle"
)

// Selection says which items of a claim to export. An item is included
// when it is named in IDs, or when its kind is one of Kinds (any kind when
// Kinds is empty) and its date is within From..To (inclusive) or equal to
// one of On (any date when none of From, To, On is set). The zero
// Selection is the whole claim.
type Selection struct {
	Kinds    []string     // item kinds: document kinds, "call", "condition"
	From, To vault.Date   // inclusive; either may be empty
	On       []vault.Date // exact dates
	IDs      []string     // record IDs (Prepare also accepts unique prefixes)
}

// IsZero reports whether the selection is the whole claim.
func (s Selection) IsZero() bool {
	return len(s.Kinds) == 0 && s.From == "" && s.To == "" && len(s.On) == 0 && len(s.IDs) == 0
}

// hasCriteria reports whether kinds or dates are given (as opposed to IDs
// only).
func (s Selection) hasCriteria() bool {
	return len(s.Kinds) > 0 || s.hasDates()
}

func (s Selection) hasDates() bool { return s.From != "" || s.To != "" || len(s.On) > 0 }

// RequestSelection returns the selection a stored request asks for.
func RequestSelection(r *vault.Request) Selection {
	return Selection{Kinds: slices.Clone(r.Kinds), From: r.From, To: r.To, On: slices.Clone(r.On), IDs: slices.Clone(r.IDs)}
}

// Check validates the kinds (folding them to their stored form, suggesting
// the nearest for a typo) and the dates, sorts the dates and removes
// repeats.
func (s *Selection) Check() error {
	kinds := make([]string, 0, len(s.Kinds))
	for _, k := range s.Kinds {
		kind, err := vault.ParseItemKind(k)
		if err != nil {
			return err
		}
		if !slices.Contains(kinds, kind) {
			kinds = append(kinds, kind)
		}
	}
	s.Kinds = kinds
	for _, d := range append([]vault.Date{s.From, s.To}, s.On...) {
		if d != "" && !d.Valid() {
			return fmt.Errorf("bad date %q: expected YYYY-MM-DD", string(d))
		}
	}
	if s.From != "" && s.To != "" && s.To.Before(s.From) {
		return fmt.Errorf("the range is empty: --to %s is before --from %s", s.To, s.From)
	}
	s.On = slices.Compact(slices.Sorted(slices.Values(s.On)))
	var ids []string
	for _, id := range s.IDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	s.IDs = ids
	return nil
}

// matchesCriteria reports whether an item passes the kind and date
// criteria (not the IDs).
func (s Selection) matchesCriteria(r vault.Record) bool {
	if len(s.Kinds) > 0 && !slices.Contains(s.Kinds, vault.ItemKind(r)) {
		return false
	}
	return s.matchesDate(vault.ItemDate(r))
}

func (s Selection) matchesDate(d vault.Date) bool {
	if !s.hasDates() {
		return true
	}
	if slices.Contains(s.On, d) {
		return true
	}
	if s.From == "" && s.To == "" {
		return false
	}
	return (s.From == "" || !d.Before(s.From)) && (s.To == "" || !s.To.Before(d))
}

// Plan is what an export will hold: the claim, the request it answers (or
// nil), what was asked for, the items selected (by date, newest last) and
// what was asked for but is missing.
type Plan struct {
	Claim     *vault.Claim
	Request   *vault.Request
	Selection Selection // with full IDs
	Items     []vault.Record
	// Missing lists each gap in words, e.g. "receipt dated 2026-03-11";
	// the command prints each as "missing: ...".
	Missing []string
}

// Select applies a selection (with full IDs) to a claim's items and finds
// the gaps: every kind asked for must match at least one item, every On
// date at least one item, and every ID must be an item of the claim
// (documents, calls, condition notes). Records that are not items (and
// items of other claims) are never selected.
func Select(claim *vault.Claim, items []vault.Record, sel Selection) *Plan {
	p := &Plan{Claim: claim, Selection: sel}
	byID := map[string]vault.Record{}
	var own []vault.Record
	for _, r := range items {
		if vault.IsItem(r) && r.ClaimID() == claim.ID {
			own = append(own, r)
			byID[r.RecordID()] = r
		}
	}
	named := map[string]bool{}
	for _, id := range sel.IDs {
		if _, ok := byID[id]; ok {
			named[id] = true
		} else {
			p.Missing = append(p.Missing, fmt.Sprintf("item %s (not an item of claim %s)", id, claim.Name))
		}
	}
	kindHit := map[string]bool{}
	dateHit := map[vault.Date]bool{}
	for _, r := range own {
		crit := (sel.hasCriteria() || len(sel.IDs) == 0) && sel.matchesCriteria(r)
		if crit {
			kindHit[vault.ItemKind(r)] = true
			dateHit[vault.ItemDate(r)] = true
		}
		if crit || named[r.RecordID()] {
			p.Items = append(p.Items, r)
		}
	}
	sortItems(p.Items)

	what := "any item"
	if len(sel.Kinds) > 0 {
		what = strings.Join(sel.Kinds, " or ")
	}
	var dateGaps []string
	for _, d := range sel.On {
		if !dateHit[d] {
			dateGaps = append(dateGaps, fmt.Sprintf("%s dated %s", what, d))
		}
	}
	// A kind's gap says nothing new when every On date is already a gap
	// and there is no range: nothing matched at all.
	allDatesMissing := len(sel.On) > 0 && len(dateGaps) == len(sel.On) && sel.From == "" && sel.To == ""
	var kindGaps []string
	for _, k := range sel.Kinds {
		if kindHit[k] || allDatesMissing {
			continue
		}
		gap := k
		if d := bundle.DescribeDates(string(sel.From), string(sel.To), dates(sel.On)); d != "" {
			gap += " " + d
		}
		kindGaps = append(kindGaps, gap)
	}
	p.Missing = append(append(kindGaps, dateGaps...), p.Missing...)
	// A range alone that matches nothing is a gap too: the user asked for
	// something and would get an empty bundle.
	if len(p.Missing) == 0 && len(p.Items) == 0 && len(sel.Kinds) == 0 && (sel.From != "" || sel.To != "") {
		p.Missing = append(p.Missing, "any item "+bundle.DescribeDates(string(sel.From), string(sel.To), nil))
	}
	return p
}

// sortItems orders items as a bundle numbers them: by date; on the same
// date by kind in the order of vault.ItemKinds (referral, prescription,
// lmn, ..., receipt, clinical-note, ..., call, condition), then a call's
// time, the title, when it was added, and the ID, so that the order is the
// same every time.
func sortItems(items []vault.Record) {
	kinds := vault.ItemKinds()
	rank := func(r vault.Record) int {
		if i := slices.Index(kinds, vault.ItemKind(r)); i >= 0 {
			return i
		}
		return len(kinds)
	}
	slices.SortStableFunc(items, func(a, b vault.Record) int {
		if c := strings.Compare(string(vault.ItemDate(a)), string(vault.ItemDate(b))); c != 0 {
			return c
		}
		if c := rank(a) - rank(b); c != 0 {
			return c
		}
		ta, tb := itemOrder(a), itemOrder(b)
		if c := ta.at.Compare(tb.at); c != 0 {
			return c
		}
		if c := strings.Compare(ta.title, tb.title); c != 0 {
			return c
		}
		if c := ta.added.Compare(tb.added); c != 0 {
			return c
		}
		return strings.Compare(a.RecordID(), b.RecordID())
	})
}

type order struct {
	at, added time.Time
	title     string
}

func itemOrder(r vault.Record) order {
	switch r := r.(type) {
	case *vault.Document:
		return order{title: r.Title, added: r.Added}
	case *vault.Call:
		return order{at: r.At, added: r.Added}
	case *vault.Condition:
		return order{title: r.Phase, added: r.Added}
	}
	return order{}
}

func dates(ds []vault.Date) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d)
	}
	return out
}

// Prepare builds the plan of an export of claim: from the stored request
// req when it is not nil (sel is then ignored), else from sel, whose IDs
// may be unique prefixes of at least 4 characters. An ID that is not an
// item of the claim is a gap, not an error; an ID prefix that matches
// several items of the claim, an unknown kind or a bad date is an error.
func Prepare(v *vault.Vault, claim *vault.Claim, req *vault.Request, sel Selection) (*Plan, error) {
	if req != nil {
		if req.Claim != claim.ID {
			return nil, fmt.Errorf("request %s is not a request of claim %s", req.ID, claim.Name)
		}
		sel = RequestSelection(req)
	}
	if err := sel.Check(); err != nil {
		return nil, err
	}
	var gaps []string
	var ids []string
	for _, p := range sel.IDs {
		id, reason, err := resolveItem(v, claim, p)
		if err != nil {
			return nil, err
		}
		if reason != "" {
			gaps = append(gaps, fmt.Sprintf("item %s (%s)", shownID(v, p), reason))
		} else if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	sel.IDs = ids
	items, err := v.Items(claim.ID)
	if err != nil {
		return nil, fmt.Errorf("read claim %s: %w", claim.Name, err)
	}
	plan := Select(claim, items, sel)
	plan.Request = req
	plan.Missing = append(plan.Missing, gaps...)
	return plan, nil
}

// resolveItem finds the item of the claim that an ID (or unique prefix)
// names. When there is none it returns no ID and the reason, such as "it
// belongs to claim neck-2025, not back-2026".
func resolveItem(v *vault.Vault, claim *vault.Claim, prefix string) (id, reason string, err error) {
	inClaim := func(r vault.Record) bool { return vault.IsItem(r) && r.ClaimID() == claim.ID }
	r, err := v.Resolve(prefix, inClaim)
	if err == nil {
		return r.RecordID(), "", nil
	}
	if !errors.Is(err, vault.ErrNotFound) {
		return "", "", fmt.Errorf("--id %s: %w", prefix, err)
	}
	other, oerr := v.Resolve(prefix, nil)
	switch {
	case oerr != nil:
		return "", fmt.Sprintf("no item of claim %s has this ID", claim.Name), nil
	case !vault.IsItem(other):
		return "", fmt.Sprintf("it is a %s, not a document, call or condition note", other.RecordType()), nil
	}
	name := other.ClaimID()
	if c, err := v.ClaimOf(other); err == nil {
		name = c.Name
	}
	return "", fmt.Sprintf("it belongs to claim %s, not %s", name, claim.Name), nil
}

// shownID is how a gap names an ID that was typed: the full ID when the
// prefix names one record, else the prefix as typed (normalised).
func shownID(v *vault.Vault, prefix string) string {
	if r, err := v.Resolve(prefix, nil); err == nil {
		return r.RecordID()
	}
	return vault.NormalizeID(prefix)
}

// MissingError reports gaps in what was asked for: nothing was written.
type MissingError struct {
	Gaps []string
}

// Error implements error: how many gaps, and that nothing was written.
func (e *MissingError) Error() string {
	n := len(e.Gaps)
	what := fmt.Sprintf("%d of the items asked for are missing", n)
	if n == 1 {
		what = "1 of the items asked for is missing"
	}
	return what + ": nothing was written (add them to the vault, or give --allow-missing to export without them)"
}
