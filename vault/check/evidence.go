package check

import (
	"fmt"
	"strings"

	"vault/vault"
)

// coverageKinds are the documents that order the treatment: a receipt's
// date of service must fall within one of them.
var coverageKinds = []string{vault.KindReferral, vault.KindPrescription, vault.KindLMN}

// checkNoReferral: the claim has no referral, prescription or letter of
// medical necessity at all (error).
func checkNoReferral(f *facts) []Finding {
	if len(f.docsOf(coverageKinds...)) > 0 {
		return nil
	}
	return []Finding{{
		Severity: Error,
		Message: fmt.Sprintf("the claim has no referral, prescription or letter of medical necessity: "+
			"ask the physician for one that names the diagnosis, the treatment, its frequency and duration, "+
			"and add it (vault add --claim %s --kind lmn FILE)", f.name()),
		IDs: f.claimIDs(),
	}}
}

// checkLMNExpired: a receipt whose date of service no referral,
// prescription or LMN covers (error). A document covers the days from its
// date through ValidThrough. With no such document at all, no-referral
// reports the claim instead.
func checkLMNExpired(f *facts) []Finding {
	var cover []*vault.Document
	for _, d := range f.docsOf(coverageKinds...) {
		if d.Date.Valid() {
			cover = append(cover, d)
		}
	}
	if len(cover) == 0 {
		return nil
	}
	var out []Finding
	for _, r := range f.receipts() {
		var last *vault.Document // the latest written on or before the service
		covered := false
		for _, d := range cover {
			if d.Date > r.Date {
				continue
			}
			if r.Date <= ValidThrough(d) {
				covered = true
				break
			}
			last = d
		}
		if covered {
			continue
		}
		if last == nil {
			first := cover[0]
			out = append(out, Finding{
				Severity: Error,
				Message: fmt.Sprintf("%s is not covered by a referral, prescription or LMN: the earliest, %s, was written after it; "+
					"ask the physician for one that covers %s, or check the receipt's date", docLabel(r), docLabel(first), r.Date),
				IDs: []string{r.ID, first.ID},
			})
			continue
		}
		out = append(out, Finding{
			Severity: Error,
			Message: fmt.Sprintf("%s is not covered by a referral, prescription or LMN: %s was valid through %s; "+
				"ask the physician for a new letter of medical necessity covering %s and add it", docLabel(r), docLabel(last), ValidThrough(last), r.Date),
			IDs: []string{r.ID, last.ID},
		})
	}
	return out
}

// checkReceiptWithoutNote: a receipt whose date of service has no clinical
// note of the same day (warning).
func checkReceiptWithoutNote(f *facts) []Finding {
	notes := map[vault.Date]bool{}
	for _, d := range f.docsOf(vault.KindClinicalNote) {
		notes[d.Date] = true
	}
	var out []Finding
	for _, r := range f.receipts() {
		if notes[r.Date] {
			continue
		}
		out = append(out, Finding{
			Severity: Warning,
			Message:  fmt.Sprintf("%s has no clinical note of that day: add the therapist's session note", docLabel(r)),
			IDs:      []string{r.ID},
		})
	}
	return out
}

// checkMissingAmount: a receipt with no amount (warning).
func checkMissingAmount(f *facts) []Finding {
	var out []Finding
	for _, r := range f.docsOf(vault.KindReceipt) {
		if r.Amount != nil {
			continue
		}
		out = append(out, Finding{
			Severity: Warning,
			Message:  fmt.Sprintf("%s has no amount: record what was charged and paid (vault edit %s --amount 85.00)", docLabel(r), r.ID),
			IDs:      []string{r.ID},
		})
	}
	return out
}

// checkVisitsExceeded: more receipts than the claim's authorised visits
// (error). Every receipt counts as a visit, as the issue states it: two
// receipts of the same day count twice (record one receipt per visit). The
// finding names the receipts beyond the limit, in date order.
func checkVisitsExceeded(f *facts) []Finding {
	if f.claim.Visits == nil {
		return nil
	}
	limit := max(*f.claim.Visits, 0)
	receipts := f.receipts()
	if len(receipts) <= limit {
		return nil
	}
	var ids, labels []string
	for _, r := range receipts[limit:] {
		ids = append(ids, r.ID)
		labels = append(labels, docLabel(r))
	}
	return []Finding{{
		Severity: Error,
		Message: fmt.Sprintf("%d receipts but %d %s authorised: %s %s beyond the limit; "+
			"ask the insurer to authorise more visits (log the call), then record the new number (vault claim set %s --visits N)",
			len(receipts), limit, plural(limit, "visit is", "visits are"), strings.Join(labels, ", "), plural(len(labels), "is", "are"), f.name()),
		IDs: ids,
	}}
}

// plural picks the singular or plural word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
