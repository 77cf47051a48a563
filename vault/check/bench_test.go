package check

import (
	"fmt"
	"testing"
	"time"

	"vault/vault"
)

// bigClaim is one claim with n receipts, n notes, n calls and n condition
// notes: a claim far larger than any real one.
func bigClaim(n int) (*vault.Claim, []vault.Record) {
	c := baseClaim()
	c.Visits = intp(n / 2)
	items := []vault.Record{doc("lmn00001", "lmn", "2020-01-01")}
	start := day("2020-01-02")
	for i := range n {
		d := string(start.AddDays(i % 2000))
		items = append(items,
			receipt(fmt.Sprintf("r%07d", i), d, 9500),
			doc(fmt.Sprintf("n%07d", i), "clinical-note", d),
			&vault.Call{ID: fmt.Sprintf("c%07d", i), Claim: claimID, At: start.Time().Add(time.Duration(i) * time.Hour), FollowUp: start.AddDays(i%2000 + 14)},
			cond(fmt.Sprintf("k%07d", i), d, "progress", i%11),
		)
	}
	return c, items
}

// BenchmarkSummarize measures all the checks and the next deadline on one
// claim of 10,000 items of each kind; `vault check` runs them once, `vault
// status` once per claim.
func BenchmarkSummarize(b *testing.B) {
	c, items := bigClaim(10_000)
	b.ReportAllocs()
	for b.Loop() {
		Summarize(c, items, asOf)
	}
}
