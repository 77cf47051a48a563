package vault

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Filter selects items: documents, calls and condition notes.
type Filter struct {
	ClaimID  string   // one claim; empty means every claim
	Kinds    []string // item kinds (document kinds, call, condition); none means all
	From, To Date     // inclusive date range; empty means open
}

// IsItem reports whether a record is an item of a claim's evidence: a
// document, a call or a condition note.
func IsItem(r Record) bool {
	switch r.(type) {
	case *Document, *Call, *Condition:
		return true
	}
	return false
}

// ItemKind returns the kind of an item: a document's kind, "call" or
// "condition" (and the record type of anything else).
func ItemKind(r Record) string {
	switch r := r.(type) {
	case *Document:
		return r.Kind
	case *Call:
		return KindCall
	case *Condition:
		return KindCondition
	}
	return string(r.RecordType())
}

// ItemDate returns the date of an item: a document's date, the day of a
// call (in the time zone it was logged in), a condition note's date; a
// request's received date, an export's day; empty for a claim.
func ItemDate(r Record) Date {
	switch r := r.(type) {
	case *Document:
		return r.Date
	case *Call:
		return DateOf(r.At)
	case *Condition:
		return r.Date
	case *Request:
		return r.Received
	case *Export:
		return DateOf(r.At)
	}
	return ""
}

// itemTime orders items of the same date: a call's time, else when the
// item was added.
func itemTime(r Record) time.Time {
	switch r := r.(type) {
	case *Call:
		return r.At
	case *Document:
		return r.Added
	case *Condition:
		return r.Added
	}
	return time.Time{}
}

// SortItems orders items by date, oldest first (newest last); on the same
// date by time, then by ID.
func SortItems(items []Record) {
	// The keys are computed once an item, as numbers where they can be:
	// comparing them is most of the sort, which is most of a warm listing.
	type keyed struct {
		day  int64 // itemDay: YYYYMMDD + 1, 0 without a date, -1 when malformed (then compared as text)
		sec  int64 // the time (Unix seconds and nanoseconds)
		nsec int32
		r    Record
	}
	ks := make([]keyed, len(items))
	plain := true
	for i, r := range items {
		t := itemTime(r)
		k := keyed{day: itemDay(r), sec: t.Unix(), nsec: int32(t.Nanosecond()), r: r}
		plain = plain && k.day >= 0
		ks[i] = k
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if plain {
			if c := cmp.Compare(a.day, b.day); c != 0 {
				return c
			}
		} else if c := strings.Compare(string(ItemDate(a.r)), string(ItemDate(b.r))); c != 0 {
			return c
		}
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
			return c
		}
		return strings.Compare(a.r.RecordID(), b.r.RecordID())
	})
	for i := range ks {
		items[i] = ks[i].r
	}
}

// itemDay is ItemDate as the number YYYYMMDD + 1 (0 for no date), which
// orders as the text does; -1 when the date is not of the form YYYY-MM-DD.
func itemDay(r Record) int64 {
	if c, ok := r.(*Call); ok { // not through text: DateOf formats
		y, m, d := c.At.Date()
		if y >= 0 && y <= 9999 {
			return int64(y)*10000 + int64(m)*100 + int64(d) + 1
		}
	}
	d := ItemDate(r)
	if d == "" {
		return 0
	}
	if len(d) != len(DateLayout) || d[4] != '-' || d[7] != '-' {
		return -1
	}
	var n int64
	for i := 0; i < len(d); i++ {
		switch c := d[i]; {
		case i == 4 || i == 7:
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
		default:
			return -1
		}
	}
	return n + 1
}

// Check validates the filter's kinds (unknown kind: "did you mean") and
// dates, and folds the kinds to their stored form.
func (f *Filter) Check() error {
	for i, k := range f.Kinds {
		kind, err := ParseItemKind(k)
		if err != nil {
			return err
		}
		f.Kinds[i] = kind
	}
	if err := checkDate("--from date", f.From, false); err != nil {
		return err
	}
	if err := checkDate("--to date", f.To, false); err != nil {
		return err
	}
	if f.From != "" && f.To != "" && f.To.Before(f.From) {
		return fmt.Errorf("the range is empty: --to %s is before --from %s", f.To, f.From)
	}
	return nil
}

// Match reports whether an item passes the filter (the claim, one of the
// kinds, the date range).
func (f *Filter) Match(r Record) bool {
	if !IsItem(r) || f.ClaimID != "" && r.ClaimID() != f.ClaimID {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, ItemKind(r)) {
		return false
	}
	if f.From == "" && f.To == "" {
		return true
	}
	d := ItemDate(r)
	return (f.From == "" || !d.Before(f.From)) && (f.To == "" || !f.To.Before(d))
}

// List returns the items (documents, calls, condition notes) that pass the
// filter, by date, newest last.
func (v *Vault) List(f Filter) ([]Record, error) {
	f.Kinds = slices.Clone(f.Kinds)
	if err := f.Check(); err != nil {
		return nil, err
	}
	// Straight from the decrypted records: SortItems orders them, so the
	// sort by ID of Records would be wasted.
	if err := v.load(); err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range v.cache.inOrder() {
		if f.Match(r) {
			out = append(out, r)
		}
	}
	SortItems(out)
	return out, nil
}

// BeforeRecord decodes what a history entry kept of the record before the
// change (edits, status changes, removals); nil when the entry kept nothing.
func BeforeRecord(h HistoryEntry) (Record, error) {
	if len(h.Before) == 0 {
		return nil, nil
	}
	r, err := decodeRecord(h.Before)
	if err != nil {
		return nil, fmt.Errorf("history entry %d: %w", h.Seq, err)
	}
	return r, nil
}
