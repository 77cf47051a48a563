package check

import (
	"sort"
	"strings"

	"vault/vault"
)

// facts is a claim's items sorted out by type, in date order, for the checks.
type facts struct {
	claim    *vault.Claim
	asOf     vault.Date
	docs     []*vault.Document  // by date, then ID
	calls    []*vault.Call      // by time, then ID
	conds    []*vault.Condition // by date, then ID
	requests []*vault.Request   // by received date, then ID
	exports  []*vault.Export    // by time, then ID
	answered *vault.Date        // cache of lastAnswer
}

// newFacts sorts a claim's items; items of other claims are left out.
func newFacts(claim *vault.Claim, items []vault.Record, asOf vault.Date) *facts {
	f := &facts{claim: claim, asOf: asOf}
	for _, r := range items {
		if r == nil || r.ClaimID() != claim.ID {
			continue
		}
		switch r := r.(type) {
		case *vault.Document:
			f.docs = append(f.docs, r)
		case *vault.Call:
			f.calls = append(f.calls, r)
		case *vault.Condition:
			f.conds = append(f.conds, r)
		case *vault.Request:
			f.requests = append(f.requests, r)
		case *vault.Export:
			f.exports = append(f.exports, r)
		}
	}
	sort.Slice(f.docs, func(i, j int) bool {
		a, b := f.docs[i], f.docs[j]
		return a.Date < b.Date || a.Date == b.Date && a.ID < b.ID
	})
	sort.Slice(f.calls, func(i, j int) bool {
		a, b := f.calls[i], f.calls[j]
		return a.At.Before(b.At) || a.At.Equal(b.At) && a.ID < b.ID
	})
	sort.Slice(f.conds, func(i, j int) bool {
		a, b := f.conds[i], f.conds[j]
		return a.Date < b.Date || a.Date == b.Date && a.ID < b.ID
	})
	sort.Slice(f.requests, func(i, j int) bool {
		a, b := f.requests[i], f.requests[j]
		return a.Received < b.Received || a.Received == b.Received && a.ID < b.ID
	})
	sort.Slice(f.exports, func(i, j int) bool {
		a, b := f.exports[i], f.exports[j]
		return a.At.Before(b.At) || a.At.Equal(b.At) && a.ID < b.ID
	})
	return f
}

// docsOf returns the documents of the given kinds, in date order.
func (f *facts) docsOf(kinds ...string) []*vault.Document {
	var out []*vault.Document
	for _, d := range f.docs {
		for _, k := range kinds {
			if d.Kind == k {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// receipts returns the receipts with a valid date of service, in date order.
func (f *facts) receipts() []*vault.Document {
	var out []*vault.Document
	for _, d := range f.docsOf(vault.KindReceipt) {
		if d.Date.Valid() {
			out = append(out, d)
		}
	}
	return out
}

// status is the claim's status, draft when none is recorded.
func (f *facts) status() string {
	if s := strings.TrimSpace(f.claim.Status); s != "" {
		return s
	}
	return vault.StatusDraft
}

// name is the claim's name, for the commands suggested in messages.
func (f *facts) name() string { return f.claim.Name }

// claimIDs is the IDs of a finding about the claim as a whole.
func (f *facts) claimIDs(more ...string) []string {
	return append([]string{f.claim.ID}, more...)
}

// docLabel names a document in a message: "receipt 2026-03-11 (k3f9q2)".
func docLabel(d *vault.Document) string {
	kind := d.Kind
	if kind == vault.KindLMN {
		kind = "LMN"
	}
	return kind + " " + string(d.Date) + " (" + d.ID + ")"
}

// callLabel names a call in a message: "call of 2026-03-20 14:05 (k3f9q2)".
func callLabel(c *vault.Call) string {
	return "call of " + c.At.Format("2006-01-02 15:04") + " (" + c.ID + ")"
}
