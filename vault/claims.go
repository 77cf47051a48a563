package vault

import (
	"fmt"
	"slices"
	"strings"
)

// NewClaim validates and stores a new claim: its name (unique), plan,
// ICD-10 codes (normalized to their usual form), and sets its status to
// draft, dated today. It returns the stored claim with its new ID.
func (v *Vault) NewClaim(c Claim) (*Claim, error) {
	c.Name = strings.TrimSpace(c.Name)
	if err := CheckClaimName(c.Name); err != nil {
		return nil, err
	}
	if err := normalizeClaim(&c); err != nil {
		return nil, err
	}
	claims, err := v.Claims()
	if err != nil {
		return nil, err
	}
	for _, o := range claims {
		if o.Name == c.Name {
			return nil, fmt.Errorf("a claim named %s already exists: choose another name, or change it with 'vault claim set %s'", c.Name, c.Name)
		}
	}
	now := v.Now()
	if c.Status == "" {
		c.Status = StatusDraft
	}
	if len(c.StatusHistory) == 0 {
		c.StatusHistory = []StatusChange{{Status: c.Status, Date: DateOf(now)}}
	}
	if c.Created.IsZero() {
		c.Created = now.UTC()
	}
	if c.ID, err = v.NewID(); err != nil {
		return nil, err
	}
	if err := validateClaim(&c); err != nil {
		return nil, err
	}
	if err := v.Update(func(t *Tx) error { return t.Put(&c, ActionAdd, "claim "+c.Name) }); err != nil {
		return nil, fmt.Errorf("add claim %s: %w", c.Name, err)
	}
	return &c, nil
}

// normalizeClaim folds the choice fields to their stored form and checks
// them: plan, diagnoses.
func normalizeClaim(c *Claim) error {
	if c.Plan != "" {
		p, err := ParsePlan(c.Plan)
		if err != nil {
			return err
		}
		c.Plan = p
	}
	var codes []string
	for _, d := range c.Diagnoses {
		code, err := ParseICD10(d)
		if err != nil {
			return err
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	c.Diagnoses = codes
	if strings.TrimSpace(c.Insurer) == "" {
		return fmt.Errorf("claim %s needs an insurer: give --insurer NAME", c.Name)
	}
	return nil
}

// Clone returns a deep copy of the claim, safe to change.
func (c *Claim) Clone() *Claim {
	n := *c
	n.Diagnoses = slices.Clone(c.Diagnoses)
	n.StatusHistory = slices.Clone(c.StatusHistory)
	n.Billed = clonePtr(c.Billed)
	n.Paid = clonePtr(c.Paid)
	n.Visits = clonePtr(c.Visits)
	n.FilingLimitDays = clonePtr(c.FilingLimitDays)
	return &n
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	x := *p
	return &x
}

// ClaimUpdate is a change to a claim. Nil fields are left as they are; a
// non-nil pointer to "" clears an optional text field.
type ClaimUpdate struct {
	Insurer, Plan, Patient, MemberID, Group, ClaimNumber *string
	Provider, NPI, License, Referrer                     *string
	// Diagnoses, when non-nil, replaces the claim's diagnosis codes.
	Diagnoses       []string
	Billed, Paid    *Cents
	Visits          *int
	FilingLimitDays *int
	AppealBy        *Date
	// Status, when set, moves the claim to this status on StatusOn (today
	// when empty), appending to its status history.
	Status   string
	StatusOn Date
}

// SetClaim applies a change to a claim in one transaction and returns the
// claim as stored. A status change is logged as its own history entry
// ("status"), other changes as an edit; the history keeps what the claim
// was before.
func (v *Vault) SetClaim(c *Claim, u ClaimUpdate) (*Claim, error) {
	cur, err := v.Record(c.ID)
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	old, ok := cur.(*Claim)
	if !ok {
		return nil, fmt.Errorf("%s is not a claim", c.ID)
	}
	n := old.Clone()
	var changed []string
	setText := func(field string, dst *string, src *string) {
		if src != nil && *dst != strings.TrimSpace(*src) {
			*dst = strings.TrimSpace(*src)
			changed = append(changed, field)
		}
	}
	setText("insurer", &n.Insurer, u.Insurer)
	setText("plan", &n.Plan, u.Plan)
	setText("patient", &n.Patient, u.Patient)
	setText("member ID", &n.MemberID, u.MemberID)
	setText("group", &n.Group, u.Group)
	setText("claim number", &n.ClaimNumber, u.ClaimNumber)
	setText("provider", &n.Provider, u.Provider)
	setText("NPI", &n.NPI, u.NPI)
	setText("license", &n.License, u.License)
	setText("referrer", &n.Referrer, u.Referrer)
	if u.Diagnoses != nil {
		prev := n.Diagnoses
		n.Diagnoses = u.Diagnoses
		if err := normalizeClaim(n); err != nil {
			return nil, err
		}
		if !slices.Equal(prev, n.Diagnoses) {
			changed = append(changed, "diagnoses")
		}
	} else if err := normalizeClaim(n); err != nil {
		return nil, err
	}
	if u.Billed != nil && !equalPtr(n.Billed, u.Billed) {
		n.Billed, changed = clonePtr(u.Billed), append(changed, "billed")
	}
	if u.Paid != nil && !equalPtr(n.Paid, u.Paid) {
		n.Paid, changed = clonePtr(u.Paid), append(changed, "paid")
	}
	if u.Visits != nil && !equalPtr(n.Visits, u.Visits) {
		n.Visits, changed = clonePtr(u.Visits), append(changed, "visits")
	}
	if u.FilingLimitDays != nil && !equalPtr(n.FilingLimitDays, u.FilingLimitDays) {
		n.FilingLimitDays, changed = clonePtr(u.FilingLimitDays), append(changed, "filing limit")
	}
	if u.AppealBy != nil && n.AppealBy != *u.AppealBy {
		n.AppealBy, changed = *u.AppealBy, append(changed, "appeal-by date")
	}
	if err := validateClaim(n); err != nil {
		return nil, err
	}
	var status *Claim
	if u.Status != "" {
		s, err := ParseStatus(u.Status)
		if err != nil {
			return nil, err
		}
		on := u.StatusOn
		if on == "" {
			on = DateOf(v.Now())
		}
		if err := checkDate("status date", on, true); err != nil {
			return nil, err
		}
		last := n.StatusHistory[len(n.StatusHistory)-1]
		if last.Status != s || last.Date != on {
			status = n.Clone()
			status.Status = s
			status.StatusHistory = append(status.StatusHistory, StatusChange{Status: s, Date: on})
		}
	}
	if len(changed) == 0 && status == nil {
		return old, nil
	}
	err = v.Update(func(t *Tx) error {
		if len(changed) > 0 {
			if err := t.Put(n, ActionEdit, "changed "+strings.Join(changed, ", ")); err != nil {
				return err
			}
		}
		if status != nil {
			last := status.StatusHistory[len(status.StatusHistory)-1]
			return t.Put(status, ActionStatus, fmt.Sprintf("status %s on %s", last.Status, last.Date))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("change claim %s: %w", c.Name, err)
	}
	if status != nil {
		return status, nil
	}
	return n, nil
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// ClaimOf returns the claim an item belongs to.
func (v *Vault) ClaimOf(r Record) (*Claim, error) {
	cr, err := v.Record(r.ClaimID())
	if err != nil {
		return nil, fmt.Errorf("the claim of %s: %w", r.RecordID(), err)
	}
	c, ok := cr.(*Claim)
	if !ok {
		return nil, fmt.Errorf("%w: the claim of %s is a %s", ErrTampered, r.RecordID(), cr.RecordType())
	}
	return c, nil
}
