package main

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"vault/vault"
)

// The JSON views printed by --json. Their field names are a contract
// (docs/CLI.md): add fields, never rename or remove them.

// recItemBase holds the fields every item has.
type recItemBase struct {
	ID    string     `json:"id"`
	Claim string     `json:"claim"` // the claim's name
	Kind  string     `json:"kind"`
	Date  vault.Date `json:"date"`
	Title string     `json:"title"`
}

type recCptJSON struct {
	Code  string `json:"code"`
	Units int    `json:"units"`
}

type recDocumentJSON struct {
	recItemBase
	FileName   string       `json:"file_name"`
	MediaType  string       `json:"media_type"`
	Size       int64        `json:"size"`
	SHA256     string       `json:"sha256"`
	Amount     *string      `json:"amount,omitempty"`
	CPT        []recCptJSON `json:"cpt,omitempty"`
	ValidUntil string       `json:"valid_until,omitempty"`
	Typed      bool         `json:"typed,omitempty"`
	Added      string       `json:"added"`
}

type recCallJSON struct {
	recItemBase
	At       string `json:"at"`
	Party    string `json:"party"`
	Rep      string `json:"rep"`
	Ref      string `json:"ref"`
	Phone    string `json:"phone"`
	Duration string `json:"duration"`
	Summary  string `json:"summary"`
	Promised string `json:"promised"`
	FollowUp string `json:"follow_up"`
	Added    string `json:"added"`
}

type recConditionJSON struct {
	recItemBase
	Phase    string            `json:"phase"`
	Pain     *int              `json:"pain,omitempty"`
	Measures map[string]string `json:"measures"`
	Text     string            `json:"text"`
	Added    string            `json:"added"`
}

// recRFC3339 formats a time for JSON, keeping its zone.
func recRFC3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// recAmountString returns an amount as "85.00", or nil.
func recAmountString(c *vault.Cents) *string {
	if c == nil {
		return nil
	}
	s := c.String()
	return &s
}

// recItemTitle is the title shown for an item: a document's title, a call's
// summary, a condition note's phase and pain.
func recItemTitle(r vault.Record) string {
	switch r := r.(type) {
	case *vault.Document:
		if r.Title == "" {
			return r.FileName
		}
		return r.Title
	case *vault.Call:
		return vault.TitleFromText(r.Summary)
	case *vault.Condition:
		t := r.Phase
		if r.Pain != nil {
			t += ", pain " + strconv.Itoa(*r.Pain) + "/10"
		}
		if s := vault.TitleFromText(r.Text); s != "" {
			t += ": " + s
		}
		return t
	}
	return ""
}

// recItemView returns the JSON view of an item; names maps claim IDs to names.
func recItemView(r vault.Record, names map[string]string) any {
	base := recItemBase{ID: r.RecordID(), Claim: names[r.ClaimID()], Kind: vault.ItemKind(r), Date: vault.ItemDate(r), Title: recItemTitle(r)}
	switch r := r.(type) {
	case *vault.Document:
		d := recDocumentJSON{recItemBase: base, FileName: r.FileName, MediaType: r.MediaType, Size: r.Size, SHA256: r.SHA256,
			Amount: recAmountString(r.Amount), ValidUntil: string(r.ValidUntil), Typed: r.Typed, Added: recRFC3339(r.Added)}
		for _, l := range r.CPT {
			d.CPT = append(d.CPT, recCptJSON(l))
		}
		return d
	case *vault.Call:
		return recCallJSON{recItemBase: base, At: recRFC3339(r.At), Party: r.Party, Rep: r.Rep, Ref: r.Ref, Phone: r.Phone,
			Duration: recFormatDuration(r.Duration), Summary: r.Summary, Promised: r.Promised, FollowUp: string(r.FollowUp), Added: recRFC3339(r.Added)}
	case *vault.Condition:
		c := recConditionJSON{recItemBase: base, Phase: r.Phase, Pain: r.Pain, Measures: map[string]string{}, Text: r.Text, Added: recRFC3339(r.Added)}
		for _, m := range r.Measures {
			c.Measures[m.Name] = m.Value
		}
		return c
	}
	return r
}

type recStatusJSON struct {
	Status string     `json:"status"`
	Date   vault.Date `json:"date"`
}

type recCountsJSON struct {
	Documents  int `json:"documents"`
	Calls      int `json:"calls"`
	Conditions int `json:"conditions"`
}

type recClaimJSON struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Patient         string          `json:"patient"`
	Insurer         string          `json:"insurer"`
	Plan            string          `json:"plan"`
	MemberID        string          `json:"member_id"`
	Group           string          `json:"group"`
	ClaimNumber     string          `json:"claim_number"`
	Provider        string          `json:"provider"`
	NPI             string          `json:"npi"`
	License         string          `json:"license"`
	Referrer        string          `json:"referrer"`
	Diagnoses       []string        `json:"diagnoses"`
	Billed          *string         `json:"billed,omitempty"`
	Paid            *string         `json:"paid,omitempty"`
	Visits          *int            `json:"visits,omitempty"`
	Status          string          `json:"status"`
	StatusHistory   []recStatusJSON `json:"status_history"`
	FilingLimitDays *int            `json:"filing_limit_days,omitempty"`
	AppealBy        string          `json:"appeal_by,omitempty"`
	PatientDOB      string          `json:"patient_dob,omitempty"`
	Created         string          `json:"created"`
	Counts          recCountsJSON   `json:"counts"`
}

// recClaimView returns the JSON view of a claim, with the counts of its items.
func recClaimView(c *vault.Claim, items []vault.Record) recClaimJSON {
	j := recClaimJSON{ID: c.ID, Name: c.Name, Patient: c.Patient, Insurer: c.Insurer, Plan: c.Plan, MemberID: c.MemberID,
		Group: c.Group, ClaimNumber: c.ClaimNumber, Provider: c.Provider, NPI: c.NPI, License: c.License, Referrer: c.Referrer,
		Diagnoses: append([]string{}, c.Diagnoses...), Billed: recAmountString(c.Billed), Paid: recAmountString(c.Paid),
		Visits: c.Visits, Status: c.Status, StatusHistory: []recStatusJSON{}, FilingLimitDays: c.FilingLimitDays,
		AppealBy: string(c.AppealBy), PatientDOB: string(c.PatientDOB), Created: recRFC3339(c.Created), Counts: recCountItems(items)}
	for _, s := range c.StatusHistory {
		j.StatusHistory = append(j.StatusHistory, recStatusJSON(s))
	}
	return j
}

// recCountItems counts a claim's documents, calls and condition notes.
func recCountItems(items []vault.Record) recCountsJSON {
	var n recCountsJSON
	for _, r := range items {
		switch r.(type) {
		case *vault.Document:
			n.Documents++
		case *vault.Call:
			n.Calls++
		case *vault.Condition:
			n.Conditions++
		}
	}
	return n
}

// recClaimNames maps every claim's ID to its name.
func recClaimNames(v *vault.Vault) (map[string]string, error) {
	claims, err := v.Claims()
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(claims))
	for _, c := range claims {
		m[c.ID] = c.Name
	}
	return m, nil
}

// recWriteJSON prints v as indented JSON.
func recWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
