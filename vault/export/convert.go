package export

import (
	"fmt"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/check"
)

// claimInfo is what the bundle says about the claim.
func claimInfo(c *vault.Claim) bundle.Claim {
	out := bundle.Claim{
		Name: c.Name, Patient: c.Patient, Insurer: c.Insurer, Plan: c.Plan, MemberID: c.MemberID, Group: c.Group,
		ClaimNumber: c.ClaimNumber, Provider: c.Provider, NPI: c.NPI, License: c.License, Referrer: c.Referrer,
		Diagnoses: append([]string(nil), c.Diagnoses...), Status: c.Status,
	}
	if c.Billed != nil {
		out.Billed = c.Billed.String()
	}
	if c.Paid != nil {
		out.Paid = c.Paid.String()
	}
	return out
}

// requestInfo is what the bundle says about the request it answers.
func requestInfo(r *vault.Request) *bundle.Request {
	if r == nil {
		return nil
	}
	return &bundle.Request{
		ID: r.ID, Received: string(r.Received), Due: string(r.Due), Kinds: append([]string(nil), r.Kinds...),
		From: string(r.From), To: string(r.To), On: dates(r.On), IDs: append([]string(nil), r.IDs...), Note: r.Note,
	}
}

// Describe says in words what the selection asks for, as index.html does:
// "receipt dated 2026-03-04 or 2026-03-11, and item 3k9fq2ab".
func (s Selection) Describe() string { return bundle.DescribeSelection(selectionInfo(s)) }

// selectionInfo is the selection as the manifest states it.
func selectionInfo(s Selection) *bundle.Selection {
	return &bundle.Selection{Kinds: append([]string(nil), s.Kinds...), From: string(s.From), To: string(s.To),
		On: dates(s.On), IDs: append([]string(nil), s.IDs...)}
}

func callInfo(c *vault.Call) bundle.Call {
	return bundle.Call{ID: c.ID, At: c.At, Party: c.Party, Rep: c.Rep, Ref: c.Ref, Phone: c.Phone, Duration: c.Duration,
		Summary: c.Summary, Promised: c.Promised, FollowUp: string(c.FollowUp)}
}

func conditionInfo(c *vault.Condition) bundle.Condition {
	out := bundle.Condition{ID: c.ID, Date: string(c.Date), Phase: c.Phase, Text: c.Text}
	if c.Pain != nil {
		p := *c.Pain
		out.Pain = &p
	}
	for _, m := range c.Measures {
		out.Measures = append(out.Measures, bundle.Measure{Name: m.Name, Value: m.Value})
	}
	return out
}

// painChangeText is index.html's sentence on the change in pain score of
// the condition notes selected, as check.PainChangeOf finds it (the same
// notes `vault check` compares); "" when it cannot be shown.
func painChangeText(notes []*vault.Condition) string {
	p := check.PainChangeOf(notes)
	if !p.Complete() {
		return ""
	}
	b, a := p.Before, p.After
	return fmt.Sprintf("Pain %d/10 on %s (%s) → %d/10 on %s (%s): %s.", *b.Pain, b.Date, b.Phase, *a.Pain, a.Date, a.Phase, p.Verdict())
}
