package vault

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// sortItemsReference is SortItems as first written: the date as text, then
// the time, then the ID.
func sortItemsReference(items []Record) {
	slices.SortStableFunc(items, func(a, b Record) int {
		if c := strings.Compare(string(ItemDate(a)), string(ItemDate(b))); c != 0 {
			return c
		}
		if c := itemTime(a).Compare(itemTime(b)); c != 0 {
			return c
		}
		return strings.Compare(a.RecordID(), b.RecordID())
	})
}

// TestSortItemsMatchesReference: the numeric keys order items exactly as
// the dates as text do, with calls in other time zones, items without a
// date, equal dates and times, and malformed dates (read from an old or
// damaged record) that send the sort back to text.
func TestSortItemsMatchesReference(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("EST", -5*3600), time.FixedZone("JST", 9*3600), time.FixedZone("far", -14*3600)}
	dates := []Date{"", "2026-03-04", "2026-03-05", "2025-12-31", "2024-02-29", "0001-01-01", "9999-12-31"}
	bad := []Date{"2026-3-4", "20260304xx", "abcd-ef-gh", "2026-03-04 ", "99999-01-01"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		var items []Record
		for i := range 1 + rng.IntN(40) {
			id := fmt.Sprintf("%08d", rng.IntN(50))
			at := time.Date(2024+rng.IntN(3), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, rng.IntN(2), rng.IntN(3), zones[rng.IntN(len(zones))])
			d := dates[rng.IntN(len(dates))]
			if round%3 == 0 && i == 0 {
				d = bad[rng.IntN(len(bad))]
			}
			switch rng.IntN(5) {
			case 0:
				items = append(items, &Call{ID: id, At: at})
			case 1:
				items = append(items, &Document{ID: id, Date: d, Added: at})
			case 2:
				items = append(items, &Condition{ID: id, Date: d, Added: at})
			case 3:
				items = append(items, &Request{ID: id, Received: d})
			default:
				items = append(items, &Export{ID: id, At: at})
			}
		}
		got, want := slices.Clone(items), slices.Clone(items)
		SortItems(got)
		sortItemsReference(want)
		for i := range got {
			if ItemDate(got[i]) != ItemDate(want[i]) || !itemTime(got[i]).Equal(itemTime(want[i])) || got[i].RecordID() != want[i].RecordID() {
				t.Fatalf("round %d, position %d: got %T %s %s %v, want %T %s %s %v", round, i,
					got[i], got[i].RecordID(), ItemDate(got[i]), itemTime(got[i]), want[i], want[i].RecordID(), ItemDate(want[i]), itemTime(want[i]))
			}
		}
	}
}
