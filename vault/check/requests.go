package check

import "vault/vault"

// Where an insurer's request stands (RequestState.Status), as `vault request
// list` shows it.
const (
	RequestOpen     = "open"
	RequestOverdue  = "overdue"
	RequestAnswered = "answered"
)

// RequestState is where an insurer's request stands on a day. StateOfRequest
// is the one place that says whether a request is answered and when it is
// due: `vault request list`, the request-due check and the next deadline all
// read it, so they cannot disagree.
type RequestState struct {
	// Status is RequestAnswered once an export answered it, RequestOverdue
	// when its due date has passed, else RequestOpen.
	Status string
	// AnsweredBy is the ID of the export that answered it, "" while open.
	AnsweredBy string
	// Due is the last day to answer it: its recorded due date, else 45 days
	// after it was received; "" when it has neither date.
	Due vault.Date
	// Defaulted reports that Due is the 45-day default, not a recorded date.
	Defaulted bool
}

// StateOfRequest says where a request stands as of a day. It is answered
// when the request names the export that answered it (the export command
// records both) or when an export names the request; then AnsweredBy is the
// export the request names, else the earliest export that names it. Exports
// of other requests are ignored, and exports may come in any order.
func StateOfRequest(r *vault.Request, exports []*vault.Export, asOf vault.Date) RequestState {
	var s RequestState
	switch {
	case r.Due.Valid():
		s.Due = r.Due
	case r.Received.Valid():
		s.Due, s.Defaulted = r.Received.AddDays(RequestAnswerDays), true
	}
	s.AnsweredBy = r.Answered
	if s.AnsweredBy == "" {
		var first *vault.Export
		for _, e := range exports {
			if e == nil || e.Request != r.ID {
				continue
			}
			if first == nil || e.At.Before(first.At) || e.At.Equal(first.At) && e.ID < first.ID {
				first = e
			}
		}
		if first != nil {
			s.AnsweredBy = first.ID
		}
	}
	switch {
	case s.AnsweredBy != "":
		s.Status = RequestAnswered
	case s.Due != "" && asOf.Valid() && s.Due.Before(asOf):
		s.Status = RequestOverdue
	default:
		s.Status = RequestOpen
	}
	return s
}
