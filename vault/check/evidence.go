package check

import (
	"fmt"
	"strings"

	"vault/vault"
)

// coverageKinds are the documents that order the treatment: a receipt's
// date of service must fall within one of them.
var coverageKinds = []string{kindReferral, kindPrescription, kindLMN}

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
		if valid(d.Date) {
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
	for _, d := range f.docsOf(kindClinicalNote) {
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
	for _, r := range f.docsOf(kindReceipt) {
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

// checkVisitsExceeded: more visits with receipts than the claim's authorised
// visits (error). A visit is a day of service: two receipts of the same day
// count once. The finding names the receipts of the days beyond the limit.
func checkVisitsExceeded(f *facts) []Finding {
	if f.claim.Visits == nil {
		return nil
	}
	limit := *f.claim.Visits
	var days []vault.Date
	byDay := map[vault.Date][]*vault.Document{}
	for _, r := range f.receipts() {
		if len(byDay[r.Date]) == 0 {
			days = append(days, r.Date)
		}
		byDay[r.Date] = append(byDay[r.Date], r)
	}
	if len(days) <= limit {
		return nil
	}
	var ids, labels []string
	for _, day := range days[max(limit, 0):] {
		for _, r := range byDay[day] {
			ids = append(ids, r.ID)
			labels = append(labels, docLabel(r))
		}
	}
	return []Finding{{
		Severity: Error,
		Message: fmt.Sprintf("%d visits have receipts but %d %s authorised: %s %s beyond the limit; "+
			"ask the insurer to authorise more visits (log the call), then record the new number (vault claim set %s --visits N)",
			len(days), limit, plural(limit, "is", "are"), strings.Join(labels, ", "), plural(len(labels), "is", "are"), f.name()),
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
