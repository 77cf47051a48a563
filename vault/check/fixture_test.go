package check

import (
	"slices"
	"strings"
	"testing"
	"time"

	"vault/vault"
)

// The fixture is a complete claim, back-2026, as of 2026-05-01: nothing
// but the info finding on the pain score fires. Each test changes one
// thing to make one check fire.
const (
	claimID = "c1a1m000"
	asOf    = vault.Date("2026-05-01")
)

func day(s string) vault.Date { return vault.Date(s) }

func cents(n int64) *vault.Cents { c := vault.Cents(n); return &c }

func intp(n int) *int { return &n }

func baseClaim() *vault.Claim {
	return &vault.Claim{
		ID: claimID, Name: "back-2026", Insurer: "Acme Health", Diagnoses: []string{"M54.50", "M62.830"},
		Visits: intp(12), Status: "submitted",
		StatusHistory: []vault.StatusChange{{Status: "draft", Date: "2026-02-20"}, {Status: "submitted", Date: "2026-03-25"}},
	}
}

func doc(id, kind, date string) *vault.Document {
	return &vault.Document{ID: id, Claim: claimID, Kind: kind, Date: day(date)}
}

func receipt(id, date string, amount int64) *vault.Document {
	d := doc(id, "receipt", date)
	d.Amount = cents(amount)
	return d
}

func call(id, at, ref, followUp string) *vault.Call {
	t, err := time.Parse("2006-01-02 15:04", at)
	if err != nil {
		panic(err)
	}
	return &vault.Call{ID: id, Claim: claimID, At: t, Rep: "Dana", Ref: ref, Summary: "asked", FollowUp: day(followUp)}
}

// cond makes a condition note; pain < 0 means no score.
func cond(id, date, phase string, pain int) *vault.Condition {
	c := &vault.Condition{ID: id, Claim: claimID, Date: day(date), Phase: phase}
	if pain >= 0 {
		c.Pain = intp(pain)
	}
	return c
}

func request(id, received, due string) *vault.Request {
	return &vault.Request{ID: id, Claim: claimID, Received: day(received), Due: day(due)}
}

// baseItems is the fixture's evidence.
func baseItems() []vault.Record {
	return []vault.Record{
		doc("ref00001", "referral", "2026-02-20"),
		doc("lmn00001", "lmn", "2026-02-24"),
		receipt("rcp00001", "2026-03-04", 9500),
		doc("note0001", "clinical-note", "2026-03-04"),
		receipt("rcp00002", "2026-03-11", 9500),
		doc("note0002", "clinical-note", "2026-03-11"),
		receipt("rcp00003", "2026-03-18", 9500),
		doc("note0003", "clinical-note", "2026-03-18"),
		call("call0001", "2026-03-26 14:05", "REF-1", "2026-04-09"),
		call("call0002", "2026-04-06 09:30", "REF-2", ""),
		cond("cnd00001", "2026-03-04", "before", 7),
		cond("cnd00002", "2026-03-18", "after", 3),
	}
}

// without returns items minus the records with these IDs.
func without(items []vault.Record, ids ...string) []vault.Record {
	return slices.DeleteFunc(slices.Clone(items), func(r vault.Record) bool { return slices.Contains(ids, r.RecordID()) })
}

// with returns items plus more.
func with(items []vault.Record, more ...vault.Record) []vault.Record {
	return append(slices.Clone(items), more...)
}

// of returns the findings of one check.
func of(check string, fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

// want is what a test expects of one check's findings: one entry per
// finding, in order.
type want struct {
	severity string
	ids      []string
	contains []string // substrings of the message
}

// expect checks one check's findings against wants; no wants means the
// check must not fire.
func expect(t *testing.T, check string, fs []Finding, wants ...want) {
	t.Helper()
	got := of(check, fs)
	if len(got) != len(wants) {
		t.Fatalf("%s: got %d findings, want %d:\n%s", check, len(got), len(wants), dump(got))
	}
	for i, w := range wants {
		g := got[i]
		if g.Severity != w.severity {
			t.Errorf("%s[%d]: severity %q, want %q (%s)", check, i, g.Severity, w.severity, g.Message)
		}
		if w.ids != nil && !slices.Equal(g.IDs, w.ids) {
			t.Errorf("%s[%d]: ids %v, want %v", check, i, g.IDs, w.ids)
		}
		for _, s := range w.contains {
			if !strings.Contains(g.Message, s) {
				t.Errorf("%s[%d]: message %q does not contain %q", check, i, g.Message, s)
			}
		}
	}
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Severity + " " + f.Check + ": " + f.Message + " " + strings.Join(f.IDs, ",") + "\n")
	}
	return b.String()
}
