package webui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"vault/vault"
)

// measureRows is how many measure rows the condition form offers.
const measureRows = 4

// callForm is the log-a-call form's fields, kept to show them again.
type callForm struct {
	At, Party, Rep, Ref, Phone, Minutes, Summary, Promised, FollowUp string
}

// conditionForm is the condition-note form's fields.
type conditionForm struct {
	Date, Phase, Pain, Text string
	Measures                []vault.Measure
}

// logCallPage shows the form to log a call under a claim.
func (s *Server) logCallPage(q *request) error {
	cl, err := s.claimByID(q.v, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	s.renderCallForm(q, cl, callForm{At: s.cfg.Now().Local().Format("2006-01-02T15:04"), Party: "insurer"}, "")
	return nil
}

func (s *Server) renderCallForm(q *request, cl *vault.Claim, f callForm, msg string) {
	status := http.StatusOK
	if msg != "" {
		status = http.StatusUnprocessableEntity
	}
	s.render(q.w, status, "log_call", s.viewData(q.sess, "Log a call", map[string]any{
		"Claim": cl, "Form": f, "Error": msg, "Parties": vault.Parties,
	}))
}

// logCallPost stores the call with vault.LogCall, as `vault log-call`.
func (s *Server) logCallPost(q *request) error {
	if !parseForm(q.w, q.r, q.sess) {
		return nil
	}
	cl, err := s.claimByID(q.v, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	v := q.r.PostFormValue
	f := callForm{At: v("at"), Party: v("party"), Rep: v("rep"), Ref: v("ref"), Phone: v("phone"), Minutes: v("minutes"),
		Summary: v("summary"), Promised: v("promised"), FollowUp: v("follow_up")}
	fail := func(msg string) error { s.renderCallForm(q, cl, f, msg); return nil }
	call := vault.Call{Party: f.Party, Rep: f.Rep, Ref: f.Ref, Phone: f.Phone, Summary: f.Summary, Promised: f.Promised}
	if strings.TrimSpace(f.Rep) == "" {
		return fail("Give the representative's name (ask for their name or ID).")
	}
	if strings.TrimSpace(f.Summary) == "" {
		return fail("Say what was said in the summary.")
	}
	if f.At != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", f.At, time.Local)
		if err != nil {
			return fail("The date and time of the call are not valid: pick them again.")
		}
		call.At = at
	}
	if m := strings.TrimSpace(f.Minutes); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > 24*60 {
			return fail("The length of the call is a number of minutes, from 0 to 1440.")
		}
		call.Duration = time.Duration(n) * time.Minute
	}
	if f.FollowUp != "" {
		d, err := vault.ParseDate(f.FollowUp, s.cfg.Now())
		if err != nil {
			return fail(describe(err))
		}
		call.FollowUp = d
	}
	logged, warnings, err := q.v.LogCall(cl, call)
	if err != nil {
		return fail(describe(err))
	}
	s.setNotice(q.sess, "The call is logged.", warnings)
	http.Redirect(q.w, q.r, "/claims/"+cl.ID+"#item-"+logged.ID, http.StatusSeeOther)
	return nil
}

// logConditionPage shows the form for a condition note.
func (s *Server) logConditionPage(q *request) error {
	cl, err := s.claimByID(q.v, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	s.renderConditionForm(q, cl, conditionForm{Date: string(s.today()), Phase: vault.PhaseBefore, Measures: make([]vault.Measure, measureRows)}, "")
	return nil
}

func (s *Server) renderConditionForm(q *request, cl *vault.Claim, f conditionForm, msg string) {
	status := http.StatusOK
	if msg != "" {
		status = http.StatusUnprocessableEntity
	}
	pains := make([]string, 11)
	for i := range pains {
		pains[i] = strconv.Itoa(i)
	}
	s.render(q.w, status, "log_condition", s.viewData(q.sess, "Log a condition note", map[string]any{
		"Claim": cl, "Form": f, "Error": msg, "Phases": vault.Phases, "Pains": pains,
	}))
}

// logConditionPost stores the note with vault.LogCondition, as
// `vault log-condition`.
func (s *Server) logConditionPost(q *request) error {
	if !parseForm(q.w, q.r, q.sess) {
		return nil
	}
	cl, err := s.claimByID(q.v, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	v := q.r.PostFormValue
	f := conditionForm{Date: v("date"), Phase: v("phase"), Pain: v("pain"), Text: v("text")}
	names, values := q.r.PostForm["measure_name"], q.r.PostForm["measure_value"]
	for i := 0; i < measureRows; i++ {
		var m vault.Measure
		if i < len(names) {
			m.Name = names[i]
		}
		if i < len(values) {
			m.Value = values[i]
		}
		f.Measures = append(f.Measures, m)
	}
	fail := func(msg string) error { s.renderConditionForm(q, cl, f, msg); return nil }
	phase, err := vault.ParsePhase(f.Phase)
	if err != nil {
		return fail(describe(err))
	}
	cond := vault.Condition{Phase: phase, Text: f.Text}
	if f.Date != "" {
		if cond.Date, err = vault.ParseDate(f.Date, s.cfg.Now()); err != nil {
			return fail(describe(err))
		}
	}
	if f.Pain != "" {
		p, err := vault.ParsePain(f.Pain)
		if err != nil {
			return fail(describe(err))
		}
		cond.Pain = &p
	}
	for _, m := range f.Measures {
		name, value := strings.TrimSpace(m.Name), strings.TrimSpace(m.Value)
		switch {
		case name == "" && value == "":
			continue
		case name == "" || value == "":
			return fail("Each measure needs both a name (such as ODI) and a value (such as 42%).")
		}
		pm, err := vault.ParseMeasure(name + "=" + value)
		if err != nil {
			return fail(describe(err))
		}
		cond.Measures = append(cond.Measures, pm)
	}
	logged, err := q.v.LogCondition(cl, cond)
	if err != nil {
		return fail(describe(err))
	}
	s.setNotice(q.sess, "The condition note is logged.", nil)
	http.Redirect(q.w, q.r, "/claims/"+cl.ID+"#item-"+logged.ID, http.StatusSeeOther)
	return nil
}

// setNotice keeps a message and the domain's warnings for the next page.
func (s *Server) setNotice(sess *session, msg string, warnings []string) {
	for _, w := range warnings {
		msg += " Note: " + w + "."
	}
	s.mu.Lock()
	sess.notice = msg
	s.mu.Unlock()
}
