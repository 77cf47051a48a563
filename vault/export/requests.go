package export

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"vault/vault"
	"vault/vault/check"
)

// maxNote bounds a request's note (what the letter asks).
const maxNote = 1 << 16

// AddRequest validates and stores an insurer's request under the claim:
// its kinds (folded, "did you mean" for a typo), dates, and IDs (unique
// prefixes of the claim's items, stored in full). Received defaults to
// today. It returns the stored request with its new ID.
func AddRequest(v *vault.Vault, claim *vault.Claim, r vault.Request) (*vault.Request, error) {
	if _, err := v.Record(claim.ID); err != nil {
		return nil, fmt.Errorf("claim %s: %w", claim.Name, err)
	}
	sel := RequestSelection(&r)
	if err := sel.Check(); err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range sel.IDs {
		id, reason, err := resolveItem(v, claim, p)
		if err != nil {
			return nil, err
		}
		if reason != "" {
			return nil, fmt.Errorf("--id %s: %s", p, reason)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	now := v.Now()
	r.Claim = claim.ID
	r.Kinds, r.From, r.To, r.On, r.IDs = sel.Kinds, sel.From, sel.To, sel.On, ids
	r.Note = strings.TrimSpace(r.Note)
	r.Answered = ""
	r.Added = now.UTC()
	if r.Received == "" {
		r.Received = vault.DateOf(now)
	}
	for _, d := range []struct {
		name string
		d    vault.Date
	}{{"received", r.Received}, {"due", r.Due}} {
		if d.d != "" && !d.d.Valid() {
			return nil, fmt.Errorf("bad %s date %q: expected YYYY-MM-DD", d.name, string(d.d))
		}
	}
	if r.Due != "" && r.Due.Before(r.Received) {
		return nil, fmt.Errorf("the due date %s is before the date received %s", r.Due, r.Received)
	}
	if !utf8.ValidString(r.Note) {
		return nil, errors.New("the note is not valid UTF-8 text")
	}
	if len(r.Note) > maxNote {
		return nil, fmt.Errorf("the note is too long (%d bytes; at most %d)", len(r.Note), maxNote)
	}
	var err error
	if r.ID, err = v.NewID(); err != nil {
		return nil, err
	}
	if err := v.Update(func(t *vault.Tx) error { return t.Put(&r, vault.ActionAdd, "request") }); err != nil {
		return nil, fmt.Errorf("add request to claim %s: %w", claim.Name, err)
	}
	return &r, nil
}

// Standing is an insurer's request and where it stands as of a day.
type Standing struct {
	Request *vault.Request
	State   check.RequestState
}

// Requests returns the requests of a claim (every claim when claimID is
// empty), by date received, then ID, each with where it stands as of asOf:
// check.StateOfRequest says, from the request and the exports of its claim,
// as `vault check` does.
func Requests(v *vault.Vault, claimID string, asOf vault.Date) ([]Standing, error) {
	items, err := v.Items(claimID)
	if err != nil {
		return nil, err
	}
	exports := exportsOf(items)
	byClaim := map[string][]*vault.Export{}
	for _, e := range exports {
		byClaim[e.Claim] = append(byClaim[e.Claim], e)
	}
	var out []Standing
	for _, r := range items {
		if q, ok := r.(*vault.Request); ok {
			out = append(out, Standing{Request: q, State: check.StateOfRequest(q, byClaim[q.Claim], asOf)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Request, out[j].Request
		if a.Received != b.Received {
			return a.Received < b.Received
		}
		return a.ID < b.ID
	})
	return out, nil
}

// Exports returns the exports of a claim (every claim when claimID is
// empty), oldest first.
func Exports(v *vault.Vault, claimID string) ([]*vault.Export, error) {
	items, err := v.Items(claimID)
	if err != nil {
		return nil, err
	}
	return exportsOf(items), nil
}

// exportsOf returns the exports among records, oldest first.
func exportsOf(items []vault.Record) []*vault.Export {
	var out []*vault.Export
	for _, r := range items {
		if e, ok := r.(*vault.Export); ok {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
