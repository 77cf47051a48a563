package vault

import (
	"fmt"
	"slices"
	"strings"
)

// NewClaim validates and stores a new claim: its name (unique), plan,
// ICD-10 codes (stored in their usual form) and other facts. A claim given
// no status starts as draft, or as the last status of the history it is
// given; with no history its status is dated today. It returns the stored
// claim with its new ID. A refused field comes as a *FieldError naming it.
func (v *Vault) NewClaim(c Claim) (*Claim, error) {
	normalizeClaim(&c)
	now := v.Now()
	if c.Status == "" {
		c.Status = StatusDraft
		if n := len(c.StatusHistory); n > 0 {
			c.Status = c.StatusHistory[n-1].Status
		}
	}
	if len(c.StatusHistory) == 0 {
		c.StatusHistory = []StatusChange{{Status: c.Status, Date: DateOf(now)}}
	}
	if c.Created.IsZero() {
		c.Created = now.UTC()
	}
	if err := validateClaim(&c); err != nil {
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
	err = v.Update(func(t *Tx) error {
		var err error
		if c.ID, err = t.NewID(); err != nil {
			return err
		}
		return t.Put(&c, ActionAdd, "claim "+c.Name)
	})
	if err != nil {
		return nil, fmt.Errorf("add claim %s: %w", c.Name, err)
	}
	return &c, nil
}

// normalizeClaim puts a claim's fields in their stored form: text without
// surrounding space, the plan, statuses and ICD-10 codes folded to their
// usual form ("Medicare" -> "medicare", "m545" -> "M54.5"), each code once.
// It checks nothing: a value it cannot fold is left for validateClaim to
// refuse.
func normalizeClaim(c *Claim) {
	for _, s := range []*string{&c.Name, &c.Insurer, &c.Patient, &c.MemberID, &c.Group, &c.ClaimNumber,
		&c.Provider, &c.NPI, &c.License, &c.Referrer} {
		*s = cleanLine(*s)
	}
	if c.Plan != "" {
		foldTo(&c.Plan, ParsePlan)
	}
	if c.Status != "" {
		foldTo(&c.Status, ParseStatus)
	}
	var codes []string
	for _, d := range c.Diagnoses {
		foldTo(&d, ParseICD10)
		if !slices.Contains(codes, d) {
			codes = append(codes, d)
		}
	}
	c.Diagnoses = codes
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
	// PatientDOB, when non-nil, sets the patient's date of birth ("" clears it).
	PatientDOB *Date
	// Status, when set, moves the claim to this status on StatusOn (today
	// when empty), appending to its status history.
	Status   string
	StatusOn Date
}

// UpdateClaim applies a change to a claim in one transaction. It returns
// the claim as stored and whether anything changed: a value equal to the
// stored one once normalized (--plan Medicare on a medicare claim) is no
// change, and when nothing changes nothing is written. A status change is
// logged as its own history entry ("status"), other changes as one edit
// naming the fields; the history keeps what the claim was before. A
// refused field comes as a *FieldError naming it.
func (v *Vault) UpdateClaim(c *Claim, u ClaimUpdate) (*Claim, bool, error) {
	cur, err := v.Record(c.ID)
	if err != nil {
		return nil, false, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	old, ok := cur.(*Claim)
	if !ok {
		return nil, false, fmt.Errorf("%s is not a claim", c.ID)
	}
	n := old.Clone()
	for _, f := range []struct {
		dst *string
		src *string
	}{
		{&n.Insurer, u.Insurer}, {&n.Plan, u.Plan}, {&n.Patient, u.Patient}, {&n.MemberID, u.MemberID},
		{&n.Group, u.Group}, {&n.ClaimNumber, u.ClaimNumber}, {&n.Provider, u.Provider}, {&n.NPI, u.NPI},
		{&n.License, u.License}, {&n.Referrer, u.Referrer},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if u.Diagnoses != nil {
		n.Diagnoses = slices.Clone(u.Diagnoses)
	}
	if u.Billed != nil {
		n.Billed = clonePtr(u.Billed)
	}
	if u.Paid != nil {
		n.Paid = clonePtr(u.Paid)
	}
	if u.Visits != nil {
		n.Visits = clonePtr(u.Visits)
	}
	if u.FilingLimitDays != nil {
		n.FilingLimitDays = clonePtr(u.FilingLimitDays)
	}
	if u.AppealBy != nil {
		n.AppealBy = *u.AppealBy
	}
	if u.PatientDOB != nil {
		n.PatientDOB = *u.PatientDOB
	}
	normalizeClaim(n)
	if err := validateClaim(n); err != nil {
		return nil, false, err
	}
	changed := claimChanges(old, n)
	var status *Claim
	if u.Status != "" {
		s, err := ParseStatus(u.Status)
		if err != nil {
			return nil, false, fieldError("status", err)
		}
		on := u.StatusOn
		if on == "" {
			on = DateOf(v.Now())
		}
		if err := checkDate("status date", on, true); err != nil {
			return nil, false, fieldError("status_history", err)
		}
		last := n.StatusHistory[len(n.StatusHistory)-1]
		if last.Status != s || last.Date != on {
			status = n.Clone()
			status.Status = s
			status.StatusHistory = append(status.StatusHistory, StatusChange{Status: s, Date: on})
		}
	}
	if len(changed) == 0 && status == nil {
		return old, false, nil
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
		return nil, false, fmt.Errorf("change claim %s: %w", c.Name, err)
	}
	if status != nil {
		return status, true, nil
	}
	return n, true, nil
}

// claimChanges names the facts that differ between two versions of a
// claim (its status aside), in the order claim show lists them.
func claimChanges(a, b *Claim) []string {
	var out []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"insurer", a.Insurer == b.Insurer}, {"plan", a.Plan == b.Plan}, {"patient", a.Patient == b.Patient},
		{"member ID", a.MemberID == b.MemberID}, {"group", a.Group == b.Group},
		{"claim number", a.ClaimNumber == b.ClaimNumber}, {"provider", a.Provider == b.Provider},
		{"NPI", a.NPI == b.NPI}, {"license", a.License == b.License}, {"referrer", a.Referrer == b.Referrer},
		{"diagnoses", slices.Equal(a.Diagnoses, b.Diagnoses)},
		{"billed", equalPtr(a.Billed, b.Billed)}, {"paid", equalPtr(a.Paid, b.Paid)},
		{"visits", equalPtr(a.Visits, b.Visits)}, {"filing limit", equalPtr(a.FilingLimitDays, b.FilingLimitDays)},
		{"appeal-by date", a.AppealBy == b.AppealBy}, {"date of birth", a.PatientDOB == b.PatientDOB},
	} {
		if !f.same {
			out = append(out, f.name)
		}
	}
	return out
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
