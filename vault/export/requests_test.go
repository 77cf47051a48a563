package export

import (
	"slices"
	"strings"
	"testing"

	"vault/vault"
	"vault/vault/check"
)

func TestAddRequest(t *testing.T) {
	f := newFixture(t)
	lmn := f.docs["lmn-2026-02-24.pdf"]
	r, err := AddRequest(f.v, f.claim, vault.Request{Kinds: []string{"Receipt", "receipt", "lmn"}, On: []vault.Date{"2026-03-18", "2026-03-04", "2026-03-18"},
		IDs: []string{lmn.ID[:4], lmn.ID}, Due: "2026-05-30", Note: "  send receipts  "})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Kinds, []string{"receipt", "lmn"}) || !slices.Equal(r.On, []vault.Date{"2026-03-04", "2026-03-18"}) ||
		!slices.Equal(r.IDs, []string{lmn.ID}) || r.Received != "2026-05-01" || r.Note != "send receipts" || r.Claim != f.claim.ID || r.Answered != "" {
		t.Errorf("request = %+v", r)
	}
	stored, err := f.v.Record(r.ID)
	if err != nil || stored.(*vault.Request).Due != "2026-05-30" {
		t.Errorf("stored = %+v, %v", stored, err)
	}
	list, err := Requests(f.v, f.claim.ID, "2026-05-01")
	if err != nil || len(list) != 1 || list[0].Request.ID != r.ID || list[0].State.Status != check.RequestOpen {
		t.Errorf("Requests = %v, %v", list, err)
	}
	if list, err := Requests(f.v, f.other.ID, "2026-05-01"); err != nil || len(list) != 0 {
		t.Errorf("requests of the other claim: %v, %v", list, err)
	}

	tests := []struct {
		name string
		r    vault.Request
		want string
	}{
		{"unknown kind", vault.Request{Kinds: []string{"reciept"}}, `unknown kind "reciept" (did you mean receipt?)`},
		{"bad date", vault.Request{On: []vault.Date{"03/04/2026"}}, `bad date "03/04/2026": expected YYYY-MM-DD`},
		{"empty range", vault.Request{From: "2026-04-01", To: "2026-03-01"}, "the range is empty"},
		{"due before received", vault.Request{Received: "2026-04-15", Due: "2026-04-01"}, "the due date 2026-04-01 is before the date received 2026-04-15"},
		{"bad due date", vault.Request{Due: "2026-02-30"}, `bad due date "2026-02-30"`},
		{"unknown ID", vault.Request{IDs: []string{"zzzz"}}, "--id zzzz: no item of claim back-2026 has this ID"},
		{"item of another claim", vault.Request{IDs: []string{f.oth[0].RecordID()}}, ": it belongs to claim neck-2025, not back-2026"},
		{"note too long", vault.Request{Note: strings.Repeat("x", maxNote+1)}, "the note is too long"},
		{"note not UTF-8", vault.Request{Note: "\xff"}, "not valid UTF-8"},
	}
	hist := f.v.State().HistoryLen
	for _, tc := range tests {
		if _, err := AddRequest(f.v, f.claim, tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: AddRequest = %v, want %q", tc.name, err, tc.want)
		}
	}
	if f.v.State().HistoryLen != hist {
		t.Error("a refused request changed the vault")
	}
}
