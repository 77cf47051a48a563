package check

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"vault/vault"
)

// TestBaseline: the complete fixture has no error or warning, only the info
// finding on the pain score. Every other test starts from it.
func TestBaseline(t *testing.T) {
	fs := Run(baseClaim(), baseItems(), asOf)
	if len(fs) != 1 || fs[0].Check != NoBeforeAfter || fs[0].Severity != Info {
		t.Fatalf("baseline findings:\n%s", dump(fs))
	}
}

// checkCase is one scenario for one check: the fixture changed by claim and
// items, run as of a day, and the findings that check must give (none means
// it must not fire).
type checkCase struct {
	name  string
	claim func(*vault.Claim)
	items func([]vault.Record) []vault.Record
	asOf  vault.Date
	wants []want
}

func runCases(t *testing.T, check string, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := baseClaim()
			if tc.claim != nil {
				tc.claim(c)
			}
			items := baseItems()
			if tc.items != nil {
				items = tc.items(items)
			}
			d := tc.asOf
			if d == "" {
				d = asOf
			}
			expect(t, check, Run(c, items, d), tc.wants...)
		})
	}
}

func TestNoReferral(t *testing.T) {
	runCases(t, NoReferral, []checkCase{
		{name: "none", items: func(it []vault.Record) []vault.Record { return without(it, "ref00001", "lmn00001") },
			wants: []want{{Error, []string{claimID}, []string{"no referral, prescription or letter of medical necessity", "vault add --claim back-2026 --kind lmn"}}}},
		{name: "an authorization is not a referral", items: func(it []vault.Record) []vault.Record {
			return with(without(it, "ref00001", "lmn00001"), doc("auth0001", "authorization", "2026-02-20"))
		}, wants: []want{{Error, []string{claimID}, nil}}},
		{name: "a referral", items: func(it []vault.Record) []vault.Record { return without(it, "lmn00001") }},
		{name: "a prescription", items: func(it []vault.Record) []vault.Record {
			return with(without(it, "ref00001", "lmn00001"), doc("rx000001", "prescription", "2026-02-20"))
		}},
		{name: "an lmn", items: func(it []vault.Record) []vault.Record { return without(it, "ref00001") }},
	})
	// With no coverage document at all, lmn-expired stays quiet.
	fs := Run(baseClaim(), without(baseItems(), "ref00001", "lmn00001"), asOf)
	expect(t, LMNExpired, fs)
}

func TestLMNExpired(t *testing.T) {
	only := func(cover ...vault.Record) func([]vault.Record) []vault.Record {
		return func(it []vault.Record) []vault.Record { return with(without(it, "ref00001", "lmn00001"), cover...) }
	}
	lmn := func(date, validUntil string) *vault.Document {
		d := doc("lmn00009", "lmn", date)
		d.ValidUntil = day(validUntil)
		return d
	}
	runCases(t, LMNExpired, []checkCase{
		{name: "covered"},
		{name: "expired a year later", items: only(lmn("2025-01-10", "")), wants: []want{
			{Error, []string{"rcp00001", "lmn00009"}, []string{"receipt 2026-03-04 (rcp00001) is not covered", "LMN 2025-01-10 (lmn00009) was valid through 2026-01-09", "new letter of medical necessity"}},
			{Error, []string{"rcp00002", "lmn00009"}, []string{"receipt 2026-03-11"}},
			{Error, []string{"rcp00003", "lmn00009"}, []string{"receipt 2026-03-18"}},
		}},
		{name: "12 months end the day before the anniversary", items: only(lmn("2025-03-04", "")), wants: []want{
			{Error, []string{"rcp00001", "lmn00009"}, []string{"valid through 2026-03-03"}},
			{Error, []string{"rcp00002", "lmn00009"}, nil},
			{Error, []string{"rcp00003", "lmn00009"}, nil},
		}},
		{name: "12 months include the day before the anniversary", items: only(lmn("2025-03-05", "")), wants: []want{
			{Error, []string{"rcp00002", "lmn00009"}, []string{"valid through 2026-03-04"}},
			{Error, []string{"rcp00003", "lmn00009"}, nil},
		}},
		{name: "valid-until wins over 12 months", items: only(lmn("2026-02-24", "2026-03-11")), wants: []want{
			{Error, []string{"rcp00003", "lmn00009"}, []string{"valid through 2026-03-11"}},
		}},
		{name: "written after the service", items: only(lmn("2026-03-05", "")), wants: []want{
			{Error, []string{"rcp00001", "lmn00009"}, []string{"the earliest, LMN 2026-03-05 (lmn00009), was written after it"}},
		}},
		{name: "a new letter covers what the old one did not", items: only(lmn("2025-03-04", ""), doc("rx000001", "prescription", "2026-03-10")), wants: []want{
			{Error, []string{"rcp00001", "lmn00009"}, nil},
		}},
		{name: "a referral on the day of service covers it", items: only(doc("ref00009", "referral", "2026-03-04"))},
		{name: "leap day: 2024-02-29 is valid through 2025-02-28", items: func(it []vault.Record) []vault.Record {
			return with(without(it, "ref00001", "lmn00001", "rcp00001", "rcp00002", "rcp00003"),
				lmn("2024-02-29", ""), receipt("rcp00008", "2025-02-28", 9500), receipt("rcp00009", "2025-03-01", 9500))
		}, wants: []want{{Error, []string{"rcp00009", "lmn00009"}, []string{"valid through 2025-02-28"}}}},
	})
}

func TestReceiptWithoutNote(t *testing.T) {
	runCases(t, ReceiptWithoutNote, []checkCase{
		{name: "every receipt has its note"},
		{name: "note missing", items: func(it []vault.Record) []vault.Record { return without(it, "note0002") }, wants: []want{
			{Warning, []string{"rcp00002"}, []string{"receipt 2026-03-11 (rcp00002) has no clinical note of that day: add the therapist's session note"}},
		}},
		{name: "a note of another day does not count", items: func(it []vault.Record) []vault.Record {
			return with(without(it, "note0002"), doc("note0009", "clinical-note", "2026-03-12"))
		}, wants: []want{{Warning, []string{"rcp00002"}, nil}}},
		{name: "a condition note is not a clinical note", items: func(it []vault.Record) []vault.Record {
			return with(without(it, "note0002"), cond("cnd00009", "2026-03-11", "progress", 5))
		}, wants: []want{{Warning, []string{"rcp00002"}, nil}}},
	})
}

func TestNoBeforeAfter(t *testing.T) {
	conds := func(cs ...vault.Record) func([]vault.Record) []vault.Record {
		return func(it []vault.Record) []vault.Record { return with(without(it, "cnd00001", "cnd00002"), cs...) }
	}
	runCases(t, NoBeforeAfter, []checkCase{
		{name: "none", items: conds(), wants: []want{{Warning, []string{claimID}, []string{"no condition notes before or after treatment", "--phase before"}}}},
		{name: "no before", items: conds(cond("a", "2026-03-18", "after", 3)), wants: []want{{Warning, []string{claimID}, []string{"no condition note before treatment"}}}},
		{name: "no after", items: conds(cond("b", "2026-03-04", "before", 7)), wants: []want{{Warning, []string{claimID}, []string{"no condition note after treatment or in progress"}}}},
		{name: "both: meaningful", wants: []want{{Info, []string{"cnd00001", "cnd00002"}, []string{"pain 7/10 before (2026-03-04, cnd00001) and 3/10 after (2026-03-18, cnd00002): 4 points better (57%), a clinically meaningful change"}}}},
		{name: "progress counts as after; the latest scored note is used", items: conds(
			cond("b1", "2026-03-04", "before", 6), cond("b2", "2026-03-05", "before", 8),
			cond("p1", "2026-03-11", "progress", 4), cond("p2", "2026-03-18", "progress", -1)),
			wants: []want{{Info, []string{"b1", "p1"}, []string{"pain 6/10 before", "4/10 progress", "2 points better (33%), a clinically meaningful"}}}},
		{name: "30% is meaningful", items: conds(cond("b", "2026-03-04", "before", 3), cond("a", "2026-03-18", "after", 2)),
			wants: []want{{Info, nil, []string{"1 point better (33%), a clinically meaningful"}}}},
		{name: "small change", items: conds(cond("b", "2026-03-04", "before", 5), cond("a", "2026-03-18", "after", 4)),
			wants: []want{{Info, nil, []string{"1 point better (20%), less than a clinically meaningful change"}}}},
		{name: "worse", items: conds(cond("b", "2026-03-04", "before", 4), cond("a", "2026-03-18", "after", 6)),
			wants: []want{{Info, nil, []string{"2 points worse"}}}},
		{name: "no pain scores", items: conds(cond("b", "2026-03-04", "before", -1), cond("a", "2026-03-18", "after", 3)),
			wants: []want{{Info, []string{"b"}, []string{"no before note has a pain score"}}}},
	})
}

func TestCallWithoutRef(t *testing.T) {
	runCases(t, CallWithoutRef, []checkCase{
		{name: "every call has a reference"},
		{name: "no reference", items: func(it []vault.Record) []vault.Record {
			return with(it, call("call0009", "2026-04-20 16:45", "", ""))
		}, wants: []want{{Warning, []string{"call0009"}, []string{"call of 2026-04-20 16:45 (call0009) has no reference number"}}}},
		{name: "blank reference", items: func(it []vault.Record) []vault.Record {
			return with(it, call("call0009", "2026-04-20 16:45", "  ", ""))
		}, wants: []want{{Warning, []string{"call0009"}, nil}}},
	})
}

func TestFollowUpOverdue(t *testing.T) {
	alone := func(it []vault.Record) []vault.Record { return without(it, "call0002") }
	runCases(t, FollowUpOverdue, []checkCase{
		{name: "a later call followed up"},
		{name: "overdue", items: alone, wants: []want{
			{Warning, []string{"call0001"}, []string{"call of 2026-03-26 14:05 (call0001): its follow-up date 2026-04-09 has passed (22 days ago) with nothing logged since", "vault log-call --claim back-2026"}},
		}},
		{name: "due today is not overdue", items: alone, asOf: "2026-04-09"},
		{name: "the day after", items: alone, asOf: "2026-04-10", wants: []want{{Warning, []string{"call0001"}, []string{"(yesterday)"}}}},
		{name: "a status change since", items: alone, claim: func(c *vault.Claim) {
			c.Status = "pending"
			c.StatusHistory = append(c.StatusHistory, vault.StatusChange{Status: "pending", Date: "2026-04-10"})
		}},
		{name: "a status change the same day does not count", items: alone, claim: func(c *vault.Claim) {
			c.Status = "pending"
			c.StatusHistory = append(c.StatusHistory, vault.StatusChange{Status: "pending", Date: "2026-03-26"})
		}, wants: []want{{Warning, []string{"call0001"}, nil}}},
		{name: "the user's own step since does not count", items: alone, claim: func(c *vault.Claim) {
			c.StatusHistory = append(c.StatusHistory, vault.StatusChange{Status: "submitted", Date: "2026-04-10"})
		}, wants: []want{{Warning, []string{"call0001"}, nil}}},
		{name: "a claim entered after its calls", items: alone, claim: func(c *vault.Claim) {
			c.StatusHistory = []vault.StatusChange{{Status: "draft", Date: "2026-05-01"}, {Status: "submitted", Date: "2026-05-01"}}
		}, wants: []want{{Warning, []string{"call0001"}, nil}}},
		{name: "a denial since", items: alone, claim: func(c *vault.Claim) {
			c.Status = "denied"
			c.StatusHistory = append(c.StatusHistory, vault.StatusChange{Status: "denied", Date: "2026-04-20"})
		}},
		{name: "an EOB since", items: func(it []vault.Record) []vault.Record { return with(alone(it), doc("eob00001", "eob", "2026-04-08")) }},
		{name: "a clinical note since does not count", items: func(it []vault.Record) []vault.Record {
			return with(alone(it), doc("note0009", "clinical-note", "2026-04-08"))
		}, wants: []want{{Warning, []string{"call0001"}, nil}}},
		{name: "closed claim", items: alone, claim: func(c *vault.Claim) { c.Status = "closed" }},
	})
}

func TestMissingAmount(t *testing.T) {
	runCases(t, MissingAmount, []checkCase{
		{name: "every receipt has an amount"},
		{name: "no amount", items: func(it []vault.Record) []vault.Record {
			return with(it, doc("rcp00009", "receipt", "2026-03-25"), doc("note0009", "clinical-note", "2026-03-25"))
		}, wants: []want{{Warning, []string{"rcp00009"}, []string{"receipt 2026-03-25 (rcp00009) has no amount", "vault edit rcp00009 --amount"}}}},
		{name: "zero is an amount", items: func(it []vault.Record) []vault.Record {
			return with(it, receipt("rcp00009", "2026-03-25", 0))
		}},
	})
}

func TestVisitsExceeded(t *testing.T) {
	runCases(t, VisitsExceeded, []checkCase{
		{name: "within the limit"},
		{name: "at the limit", claim: func(c *vault.Claim) { c.Visits = intp(3) }},
		{name: "no limit recorded", claim: func(c *vault.Claim) { c.Visits = nil }},
		{name: "one too many", claim: func(c *vault.Claim) { c.Visits = intp(2) }, wants: []want{
			{Error, []string{"rcp00003"}, []string{"3 receipts but 2 visits are authorised: receipt 2026-03-18 (rcp00003) is beyond the limit", "vault claim set back-2026 --visits N"}},
		}},
		{name: "one authorised", claim: func(c *vault.Claim) { c.Visits = intp(1) }, wants: []want{
			{Error, []string{"rcp00002", "rcp00003"}, []string{"3 receipts but 1 visit is authorised: receipt 2026-03-11 (rcp00002), receipt 2026-03-18 (rcp00003) are beyond"}},
		}},
		{name: "none authorised", claim: func(c *vault.Claim) { c.Visits = intp(0) }, wants: []want{
			{Error, []string{"rcp00001", "rcp00002", "rcp00003"}, []string{"3 receipts but 0 visits are authorised", "are beyond the limit"}},
		}},
		{name: "two receipts of one day count twice", claim: func(c *vault.Claim) { c.Visits = intp(3) }, items: func(it []vault.Record) []vault.Record {
			return with(it, receipt("rcp00009", "2026-03-11", 2000))
		}, wants: []want{
			{Error, []string{"rcp00003"}, []string{"4 receipts but 3 visits are authorised: receipt 2026-03-18 (rcp00003) is beyond the limit"}},
		}},
		{name: "a receipt without a valid date is not counted", claim: func(c *vault.Claim) { c.Visits = intp(3) }, items: func(it []vault.Record) []vault.Record {
			return with(it, receipt("rcp00009", "2026-02-30", 2000))
		}},
	})
}

func TestRetiredICD10(t *testing.T) {
	dx := func(codes ...string) func(*vault.Claim) { return func(c *vault.Claim) { c.Diagnoses = codes } }
	runCases(t, RetiredICD10, []checkCase{
		{name: "current codes", claim: dx("M54.50", "M62.830", "M79.18", "S13.4XXA", "S39.012A", "M54.2")},
		{name: "no diagnosis", claim: dx()},
		{name: "M54.5 retired", claim: dx("M54.5"), wants: []want{{Warning, []string{claimID}, []string{"diagnosis M54.5 was deleted on 2021-10-01", "M54.50", "M54.51", "M54.59", "vault claim set back-2026 --diagnosis"}}}},
		{name: "M79.1 retired", claim: dx("M79.1"), wants: []want{{Warning, nil, []string{"M79.10", "M79.11", "M79.12", "M79.18"}}}},
		{name: "written without the dot", claim: dx("M545"), wants: []want{{Warning, nil, []string{"diagnosis M545 was deleted"}}}},
		{name: "S13.4 needs its 7th character", claim: dx("S13.4"), wants: []want{{Warning, nil, []string{"lacks its 7th character", "S13.4XXA"}}}},
		{name: "category codes", claim: dx("M62.83", "M99.0"), wants: []want{{Warning, nil, []string{"M62.830"}}, {Warning, nil, []string{"M99.03"}}}},
		{name: "any short injury code", claim: dx("S93.401"), wants: []want{{Warning, nil, []string{"S93.401 is an injury code without its 7th character"}}}},
	})
}

func TestFilingDeadline(t *testing.T) {
	draft := func(c *vault.Claim) { c.Status, c.StatusHistory = "draft", c.StatusHistory[:1] }
	limit := func(n int) func(*vault.Claim) {
		return func(c *vault.Claim) { draft(c); c.FilingLimitDays = intp(n) }
	}
	// First date of service 2026-03-04; 365 days later is 2027-03-04.
	runCases(t, FilingDeadline, []checkCase{
		{name: "far away", claim: draft},
		{name: "31 days ahead", claim: draft, asOf: "2027-02-01"},
		{name: "30 days ahead", claim: draft, asOf: "2027-02-02", wants: []want{
			{Warning, []string{claimID, "rcp00001"}, []string{"not submitted yet", "the default filing limit of 365 days from the first date of service (receipt 2026-03-04 (rcp00001)) ends on 2027-03-04 (in 30 days)", "--status submitted"}},
		}},
		{name: "the last day", claim: draft, asOf: "2027-03-04", wants: []want{{Warning, nil, []string{"(today)"}}}},
		{name: "passed", claim: draft, asOf: "2027-03-05", wants: []want{{Error, nil, []string{"ended on 2027-03-04 (yesterday)", "late-filing exception"}}}},
		{name: "submitted", asOf: "2027-06-01"},
		{name: "the plan's limit", claim: limit(90), asOf: "2026-05-03", wants: []want{
			{Warning, nil, []string{"the plan's filing limit of 90 days", "ends on 2026-06-02 (in 30 days)"}},
		}},
		{name: "the plan's limit, 32 days ahead", claim: limit(90)},
		{name: "no date of service yet", claim: draft, asOf: "2030-01-01", items: func(it []vault.Record) []vault.Record {
			return without(it, "rcp00001", "rcp00002", "rcp00003", "note0001", "note0002", "note0003")
		}},
	})
}

func TestFilingDeadlineEarliestService(t *testing.T) {
	c := baseClaim()
	c.Status, c.FilingLimitDays = "draft", intp(90)
	items := with(baseItems(), doc("note0000", "clinical-note", "2026-02-26"))
	// 2026-02-26 + 90 days = 2026-05-27: 26 days after asOf.
	expect(t, FilingDeadline, Run(c, items, asOf), want{Warning, []string{claimID, "note0000"}, []string{"clinical-note 2026-02-26 (note0000)", "ends on 2026-05-27 (in 26 days)"}})
}

func TestAppealDeadline(t *testing.T) {
	denied := func(c *vault.Claim) {
		c.Status = "denied"
		c.StatusHistory = append(c.StatusHistory, vault.StatusChange{Status: "denied", Date: "2026-04-10"})
	}
	// 2026-04-10 + 180 days = 2026-10-07.
	runCases(t, AppealDeadline, []checkCase{
		{name: "not denied", asOf: "2027-01-01"},
		{name: "denied, far away", claim: denied},
		{name: "31 days ahead", claim: denied, asOf: "2026-09-06"},
		{name: "30 days ahead", claim: denied, asOf: "2026-09-07", wants: []want{
			{Warning, []string{claimID}, []string{"the internal appeal is due on 2026-10-07 (in 30 days; 180 days after the denial of 2026-04-10)", "--kind appeal", "--status appealed"}},
		}},
		{name: "passed", claim: denied, asOf: "2026-10-08", wants: []want{{Error, nil, []string{"was due on 2026-10-07 (yesterday", "late appeal"}}}},
		{name: "the date from the letter", asOf: "2026-05-01", claim: func(c *vault.Claim) { denied(c); c.AppealBy = "2026-05-15" }, wants: []want{
			{Warning, nil, []string{"due on 2026-05-15 (in 14 days; the date set from the denial letter)"}},
		}},
		{name: "the latest denial counts", asOf: "2026-09-01", claim: func(c *vault.Claim) {
			c.Status = "denied"
			c.StatusHistory = append(c.StatusHistory,
				vault.StatusChange{Status: "denied", Date: "2026-01-05"},
				vault.StatusChange{Status: "appealed", Date: "2026-02-01"},
				vault.StatusChange{Status: "denied", Date: "2026-04-10"})
		}},
		{name: "appealed", asOf: "2026-10-08", claim: func(c *vault.Claim) {
			denied(c)
			c.Status = "appealed"
			c.StatusHistory = append(c.StatusHistory, vault.StatusChange{Status: "appealed", Date: "2026-05-01"})
		}},
		{name: "denied with no date", claim: func(c *vault.Claim) { c.Status = "denied" }, wants: []want{{Warning, nil, []string{"the denial has no date"}}}},
	})
}

func TestRequestDue(t *testing.T) {
	req := func(r *vault.Request) func([]vault.Record) []vault.Record {
		return func(it []vault.Record) []vault.Record { return with(it, r) }
	}
	open := req(request("req00001", "2026-04-01", "2026-05-10"))
	answered := request("req00001", "2026-04-01", "2026-05-10")
	answered.Answered = "exp00001"
	runCases(t, RequestDue, []checkCase{
		{name: "15 days ahead", items: open, asOf: "2026-04-25"},
		{name: "14 days ahead", items: open, asOf: "2026-04-26", wants: []want{
			{Warning, []string{"req00001"}, []string{"request of 2026-04-01 (req00001) is due on 2026-05-10 (in 14 days)", "vault export --claim back-2026 --request req00001 -o OUT.zip"}},
		}},
		{name: "due today", items: open, asOf: "2026-05-10", wants: []want{{Warning, nil, []string{"(today)"}}}},
		{name: "past due", items: open, asOf: "2026-05-11", wants: []want{{Error, []string{"req00001"}, []string{"was due on 2026-05-10 (yesterday) and is not answered"}}}},
		{name: "answered", items: req(answered), asOf: "2026-05-11"},
		{name: "an export for it", asOf: "2026-05-11", items: func(it []vault.Record) []vault.Record {
			return with(open(it), &vault.Export{ID: "exp00001", Claim: claimID, Request: "req00001"})
		}},
		{name: "an export for another request", asOf: "2026-05-11", items: func(it []vault.Record) []vault.Record {
			return with(open(it), &vault.Export{ID: "exp00001", Claim: claimID, Request: "req00002"})
		}, wants: []want{{Error, nil, nil}}},
		{name: "no due date: 45 days from receipt", items: req(request("req00001", "2026-04-01", "")), asOf: "2026-05-02", wants: []want{
			{Warning, nil, []string{"due on 2026-05-16 (in 14 days; 45 days from its receipt, as no due date is recorded)"}},
		}},
		{name: "no due date, 15 days ahead", items: req(request("req00001", "2026-04-01", "")), asOf: "2026-05-01"},
		{name: "closed claim", items: open, asOf: "2026-05-11", claim: func(c *vault.Claim) { c.Status = "closed" }},
	})
}

// TestOrder: errors first, then warnings, then info; the same order however
// the items come.
func TestOrder(t *testing.T) {
	c := baseClaim()
	c.Visits = intp(2)
	c.Diagnoses = []string{"M54.5"}
	items := with(without(baseItems(), "note0002", "call0002"), call("call0009", "2026-03-10 16:45", "", ""), request("req00001", "2026-03-01", "2026-04-15"))
	fs := Run(c, items, asOf)
	var got []string
	for _, f := range fs {
		got = append(got, f.Severity+" "+f.Check)
	}
	wantOrder := []string{
		"error visits-exceeded", "error request-due",
		"warning receipt-without-note", "warning call-without-ref", "warning follow-up-overdue", "warning retired-icd10",
		"info no-before-after",
	}
	if !slices.Equal(got, wantOrder) {
		t.Fatalf("order:\n got %q\nwant %q", got, wantOrder)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(items)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := Run(c, shuffled, asOf); !reflect.DeepEqual(again, fs) {
			t.Fatalf("order depends on the order of items:\n%s\nvs\n%s", dump(again), dump(fs))
		}
	}
}

// TestOtherClaimsIgnored: items of another claim change nothing.
func TestOtherClaimsIgnored(t *testing.T) {
	other := receipt("rcp00099", "2026-03-25", 100)
	other.Claim = "other000"
	other.Amount = nil
	want := Run(baseClaim(), baseItems(), asOf)
	if got := Run(baseClaim(), with(baseItems(), other), asOf); !reflect.DeepEqual(got, want) {
		t.Fatalf("another claim's receipt changed the findings:\n%s", dump(got))
	}
	if Run(nil, baseItems(), asOf) != nil {
		t.Fatal("Run(nil) returned findings")
	}
}

func TestFindingJSON(t *testing.T) {
	b, err := json.Marshal(Run(baseClaim(), without(baseItems(), "note0002"), asOf))
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		keys := []string{}
		for k := range f {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"check", "ids", "message", "severity"}) {
			t.Errorf("finding keys %v", keys)
		}
		if _, ok := f["ids"].([]any); !ok {
			t.Errorf("ids is %T, want an array", f["ids"])
		}
	}
	// A finding built without IDs still gives an array.
	c := baseClaim()
	c.Diagnoses = []string{"M54.5"}
	for _, f := range Run(c, baseItems(), asOf) {
		if f.IDs == nil {
			t.Errorf("%s has nil IDs", f.Check)
		}
	}
}

func TestForItems(t *testing.T) {
	c := baseClaim()
	c.Diagnoses = []string{"M54.5"}
	fs := Run(c, with(without(baseItems(), "note0002", "note0003"), call("call0009", "2026-04-20 16:45", "", "")), asOf)
	got := ForItems(fs, map[string]bool{"rcp00002": true, "call0009": true, "lmn00001": true})
	var names []string
	for _, f := range got {
		names = append(names, f.Check+" "+f.IDs[0])
	}
	if want := []string{"receipt-without-note rcp00002", "call-without-ref call0009"}; !slices.Equal(names, want) {
		t.Fatalf("ForItems = %q, want %q", names, want)
	}
	// Claim-level findings come with the claim's ID.
	if got := ForItems(fs, map[string]bool{claimID: true}); len(got) != 1 || got[0].Check != RetiredICD10 {
		t.Fatalf("ForItems(claim) = %s", dump(got))
	}
	if got := ForItems(fs, nil); got != nil {
		t.Fatalf("ForItems(nil) = %s", dump(got))
	}
}

func TestNames(t *testing.T) {
	want := []string{"no-referral", "lmn-expired", "receipt-without-note", "no-before-after", "call-without-ref",
		"follow-up-overdue", "missing-amount", "visits-exceeded", "retired-icd10", "filing-deadline", "appeal-deadline", "request-due"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %q", got)
	}
}
