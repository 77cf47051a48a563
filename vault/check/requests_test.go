package check

import (
	"testing"
	"time"

	"vault/vault"
)

// TestStateOfRequest: answered by the request's own mark or by an export
// naming it; due on its date or 45 days after receipt; overdue the day
// after. The request-due check reads the same state (TestRequestDue).
func TestStateOfRequest(t *testing.T) {
	at := func(s string) time.Time { return day(s).Time() }
	marked := request("req00001", "2026-04-01", "2026-05-10")
	marked.Answered = "exp00002"
	exports := []*vault.Export{
		{ID: "exp00009", Request: "req00002", At: at("2026-04-01")},
		{ID: "exp00003", Request: "req00001", At: at("2026-05-03")},
		{ID: "exp00002", Request: "req00001", At: at("2026-05-02")},
		nil,
	}
	tests := []struct {
		name    string
		req     *vault.Request
		exports []*vault.Export
		asOf    vault.Date
		want    RequestState
	}{
		{"open", request("req00001", "2026-04-01", "2026-05-10"), nil, "2026-05-10",
			RequestState{Status: RequestOpen, Due: "2026-05-10"}},
		{"overdue the day after", request("req00001", "2026-04-01", "2026-05-10"), nil, "2026-05-11",
			RequestState{Status: RequestOverdue, Due: "2026-05-10"}},
		{"no due date: 45 days from receipt", request("req00001", "2026-04-01", ""), nil, "2026-05-16",
			RequestState{Status: RequestOpen, Due: "2026-05-16", Defaulted: true}},
		{"no due date, overdue on day 46", request("req00001", "2026-04-01", ""), nil, "2026-05-17",
			RequestState{Status: RequestOverdue, Due: "2026-05-16", Defaulted: true}},
		{"no dates at all: never overdue", request("req00001", "", ""), nil, "2030-01-01",
			RequestState{Status: RequestOpen}},
		{"a malformed due date falls back to receipt", request("req00001", "2026-04-01", "2026-02-30"), nil, "2026-05-01",
			RequestState{Status: RequestOpen, Due: "2026-05-16", Defaulted: true}},
		{"answered by its mark", marked, nil, "2026-06-01",
			RequestState{Status: RequestAnswered, AnsweredBy: "exp00002", Due: "2026-05-10"}},
		{"answered by an export naming it: the earliest", request("req00001", "2026-04-01", "2026-05-10"), exports, "2026-06-01",
			RequestState{Status: RequestAnswered, AnsweredBy: "exp00002", Due: "2026-05-10"}},
		{"an export of another request does not answer it", request("req00003", "2026-04-01", "2026-05-10"), exports, "2026-06-01",
			RequestState{Status: RequestOverdue, Due: "2026-05-10"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := StateOfRequest(tc.req, tc.exports, tc.asOf); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
