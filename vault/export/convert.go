package export

import (
	"vault/vault"
	"vault/vault/bundle"
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
