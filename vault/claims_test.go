package vault

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vault/crypto"
)

// evNow is the fixed clock of the claim and evidence tests.
var evNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// evVault creates and opens a vault with the cheapest key derivation and a
// fixed clock.
func evVault(t testing.TB) *Vault {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.db")
	pass := []byte("test passphrase")
	now := func() time.Time { return evNow }
	if _, err := Init(path, pass, InitOptions{KDF: crypto.MinKDF(), Now: now}); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path, Secret{Passphrase: pass}, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// evClaim adds a claim named name.
func evClaim(t testing.TB, v *Vault, name string) *Claim {
	t.Helper()
	c, err := v.NewClaim(Claim{Name: name, Insurer: "Acme Health", Plan: "commercial", Diagnoses: []string{"m54.50"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// historyLen returns how many history entries the vault holds.
func historyLen(t testing.TB, v *Vault) int {
	t.Helper()
	h, err := v.History()
	if err != nil {
		t.Fatal(err)
	}
	return len(h)
}

func TestNewClaim(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	if c.Status != StatusDraft || len(c.StatusHistory) != 1 || c.StatusHistory[0] != (StatusChange{StatusDraft, "2026-05-01"}) {
		t.Errorf("status = %q %v, want draft dated 2026-05-01", c.Status, c.StatusHistory)
	}
	if len(c.ID) != IDLength || c.Diagnoses[0] != "M54.50" {
		t.Errorf("id %q diagnoses %v", c.ID, c.Diagnoses)
	}
	got, err := v.ClaimByName("back-2026")
	if err != nil || got.ID != c.ID {
		t.Fatalf("ClaimByName = %v, %v", got, err)
	}
	before := historyLen(t, v)
	for _, tc := range []struct {
		name string
		c    Claim
		want string
	}{
		{"duplicate", Claim{Name: "back-2026", Insurer: "X"}, "a claim named back-2026 already exists"},
		{"upper case", Claim{Name: "Back", Insurer: "X"}, "bad claim name"},
		{"space", Claim{Name: "my claim", Insurer: "X"}, "bad claim name"},
		{"leading dash", Claim{Name: "-x", Insurer: "X"}, "bad claim name"},
		{"empty", Claim{Name: "", Insurer: "X"}, "claim name is empty"},
		{"no insurer", Claim{Name: "neck"}, "needs an insurer"},
		{"plan", Claim{Name: "neck", Insurer: "X", Plan: "comercial"}, `unknown plan "comercial" (did you mean commercial?)`},
		{"icd10", Claim{Name: "neck", Insurer: "X", Diagnoses: []string{"M5"}}, `bad ICD-10 code "M5"`},
		{"npi", Claim{Name: "neck", Insurer: "X", NPI: "12345"}, "bad NPI"},
		{"insurer escape", Claim{Name: "neck", Insurer: "X\x1b[31m"}, "insurer has a control character (U+001B): type it as plain text"},
		{"patient not UTF-8", Claim{Name: "neck", Insurer: "X", Patient: "Jos\xe9"}, "patient is not valid UTF-8 text"},
		{"member ID tab", Claim{Name: "neck", Insurer: "X", MemberID: "XJ\t1"}, "member ID has a tab"},
		{"history and status disagree", Claim{Name: "neck", Insurer: "X", Status: "paid", StatusHistory: []StatusChange{{"draft", "2026-01-01"}}}, "has status paid but its status history ends with draft"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.NewClaim(tc.c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if n := historyLen(t, v); n != before {
		t.Errorf("refused claims wrote %d history entries", n-before)
	}
	// Values are stored in their usual form; a claim given a history takes
	// its last status.
	n, err := v.NewClaim(Claim{Name: " neck-2026 ", Insurer: " Beta Mutual ", Plan: "FSA", Patient: "Jane Doe\n",
		Diagnoses: []string{"m545", "M54.5", "s134xxa"}, StatusHistory: []StatusChange{{"draft", "2026-02-01"}, {"submitted", "2026-02-03"}}})
	if err != nil {
		t.Fatal(err)
	}
	if n.Name != "neck-2026" || n.Insurer != "Beta Mutual" || n.Plan != "fsa" || n.Patient != "Jane Doe" ||
		strings.Join(n.Diagnoses, ",") != "M54.5,S13.4XXA" || n.Status != StatusSubmitted {
		t.Errorf("claim = %+v", n)
	}
}

// TestClaimFieldErrors checks that a refused claim names the field that
// was wrong, so that the command line can name its flag.
func TestClaimFieldErrors(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	for _, tc := range []struct {
		name, field string
		fn          func() error
	}{
		{"name", "name", func() error { _, err := v.NewClaim(Claim{Name: "Back", Insurer: "X"}); return err }},
		{"insurer", "insurer", func() error { _, err := v.NewClaim(Claim{Name: "neck"}); return err }},
		{"plan", "plan", func() error { _, err := v.NewClaim(Claim{Name: "neck", Insurer: "X", Plan: "hmo"}); return err }},
		{"diagnoses", "diagnoses", func() error {
			_, err := v.NewClaim(Claim{Name: "neck", Insurer: "X", Diagnoses: []string{"M5"}})
			return err
		}},
		{"npi", "npi", func() error { _, err := v.NewClaim(Claim{Name: "neck", Insurer: "X", NPI: "1"}); return err }},
		{"set plan", "plan", func() error { _, _, err := v.UpdateClaim(c, ClaimUpdate{Plan: ptr("hmo")}); return err }},
		{"set status", "status", func() error { _, _, err := v.UpdateClaim(c, ClaimUpdate{Status: "aproved"}); return err }},
		{"set group", "group", func() error { _, _, err := v.UpdateClaim(c, ClaimUpdate{Group: ptr("G\a")}); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fe *FieldError
			if err := tc.fn(); !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("err = %#v, want a FieldError of %s", err, tc.field)
			}
		})
	}
	// A taken name is no malformed value.
	var fe *FieldError
	if _, err := v.NewClaim(Claim{Name: "back-2026", Insurer: "X"}); err == nil || errors.As(err, &fe) {
		t.Errorf("duplicate name: %v", err)
	}
}

func TestUpdateClaim(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	num, billed, visits := "CLM-1", Cents(42000), 12
	c2, _, err := v.UpdateClaim(c, ClaimUpdate{ClaimNumber: &num, Billed: &billed, Visits: &visits, Status: "submitted", StatusOn: "2026-04-02"})
	if err != nil {
		t.Fatal(err)
	}
	if c2.ClaimNumber != "CLM-1" || *c2.Billed != 42000 || *c2.Visits != 12 || c2.Status != StatusSubmitted {
		t.Errorf("claim = %+v", c2)
	}
	if len(c2.StatusHistory) != 2 || c2.StatusHistory[1] != (StatusChange{StatusSubmitted, "2026-04-02"}) {
		t.Errorf("status history = %v", c2.StatusHistory)
	}
	if len(c.StatusHistory) != 1 || c.ClaimNumber != "" {
		t.Errorf("UpdateClaim changed the caller's claim: %+v", c)
	}
	h, err := v.History()
	if err != nil {
		t.Fatal(err)
	}
	last, prev := h[len(h)-1], h[len(h)-2]
	if last.Action != ActionStatus || prev.Action != ActionEdit || !strings.Contains(prev.Note, "claim number") {
		t.Errorf("history ends with %v %q, %v %q", prev.Action, prev.Note, last.Action, last.Note)
	}
	if was, err := BeforeRecord(prev); err != nil || was.(*Claim).Status != "draft" {
		t.Errorf("the edit does not keep what the claim was: %+v, %v", was, err)
	}
	// No change: nothing written, not even for values that differ only
	// until normalized (the claim's plan is commercial, its code M54.50).
	n, gen := historyLen(t, v), v.State().Generation
	for _, u := range []ClaimUpdate{
		{ClaimNumber: &num},
		{ClaimNumber: ptr(" CLM-1 ")},
		{Plan: ptr("Commercial")},
		{Plan: ptr(" COMMERCIAL ")},
		{Insurer: ptr("Acme Health\n")},
		{Diagnoses: []string{"m5450", "M54.50"}},
		{Billed: &billed, Visits: &visits},
		{Status: "Submitted", StatusOn: "2026-04-02"},
	} {
		got, changed, err := v.UpdateClaim(c2, u)
		if err != nil || changed || got.Plan != "commercial" {
			t.Errorf("UpdateClaim(%+v) = %+v, %v, %v; want no change", u, got, changed, err)
		}
	}
	if historyLen(t, v) != n || v.State().Generation != gen {
		t.Errorf("an unchanged claim was written: history %d -> %d, generation %d -> %d", n, historyLen(t, v), gen, v.State().Generation)
	}
	// A real change says so, and the edit names only what changed.
	got, changed, err := v.UpdateClaim(c2, ClaimUpdate{Plan: ptr("Medicare"), ClaimNumber: &num})
	if err != nil || !changed || got.Plan != "medicare" {
		t.Fatalf("UpdateClaim(plan Medicare) = %+v, %v, %v", got, changed, err)
	}
	if h, _ := v.History(); h[len(h)-1].Note != "changed plan" || v.State().Generation != gen+1 {
		t.Errorf("history note %q, generation %d", h[len(h)-1].Note, v.State().Generation)
	}
	n = historyLen(t, v)
	for _, tc := range []struct {
		name string
		u    ClaimUpdate
		want string
	}{
		{"status", ClaimUpdate{Status: "aproved"}, `unknown status "aproved" (did you mean approved?)`},
		{"status date", ClaimUpdate{Status: "paid", StatusOn: "2026-13-01"}, "bad status date"},
		{"plan", ClaimUpdate{Plan: ptr("hmo")}, `unknown plan "hmo"`},
		{"icd", ClaimUpdate{Diagnoses: []string{"M54.5", "12.3"}}, "bad ICD-10 code"},
		{"filing", ClaimUpdate{FilingLimitDays: ptr(0)}, "bad filing limit"},
		{"appeal", ClaimUpdate{AppealBy: ptr(Date("tomorrow"))}, "bad appeal-by date"},
		{"insurer", ClaimUpdate{Insurer: ptr("")}, "needs an insurer"},
		{"insurer escape", ClaimUpdate{Insurer: ptr("Acme\x1b[2J")}, "insurer has a control character (U+001B)"},
		{"patient line break", ClaimUpdate{Patient: ptr("Jane\nDoe")}, "patient has a line break"},
		{"referrer not UTF-8", ClaimUpdate{Referrer: ptr("Dr. \xff")}, "referrer is not valid UTF-8 text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := v.UpdateClaim(c2, tc.u); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if historyLen(t, v) != n {
		t.Error("a refused change was written")
	}
}

func ptr[T any](x T) *T { return &x }

func TestRemoveClaim(t *testing.T) {
	v := evVault(t)
	c := evClaim(t, v, "back-2026")
	call, _, err := v.LogCall(c, Call{Rep: "Dana", Summary: "asked about coverage", Ref: "R1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Remove(c); err == nil || !strings.Contains(err.Error(), "claim back-2026 still holds 1 call: remove them first") {
		t.Fatalf("removing a claim with items: %v", err)
	}
	if err := v.Remove(call); err != nil {
		t.Fatal(err)
	}
	if err := v.Remove(c); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ClaimByName("back-2026"); !errors.Is(err, ErrNotFound) {
		t.Errorf("claim still there: %v", err)
	}
	if err := v.Remove(&Export{ID: "abcdefgh"}); err == nil {
		t.Error("an export was removed")
	}
}
