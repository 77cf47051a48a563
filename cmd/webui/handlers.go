package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"vault/vault"
	"vault/vault/check"
)

// routes registers every page. Pages that show claim data go through
// s.page, which requires the session and an unlocked vault.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /login", s.login)
	m.Handle("GET /assets/", s.assets)
	m.HandleFunc("POST /unlock", s.unlock)
	m.HandleFunc("POST /recover", s.recover)
	m.HandleFunc("POST /lock", s.lock)
	m.HandleFunc("GET /{$}", s.page(true, s.claimsPage))
	m.HandleFunc("GET /claims/new", s.page(true, s.newClaimPage))
	m.HandleFunc("POST /claims/new", s.page(false, s.newClaimPost))
	m.HandleFunc("GET /claims/{id}", s.page(true, s.claimPage))
	m.HandleFunc("GET /claims/{id}/call", s.page(true, s.logCallPage))
	m.HandleFunc("POST /claims/{id}/call", s.page(false, s.logCallPost))
	m.HandleFunc("GET /claims/{id}/condition", s.page(true, s.logConditionPage))
	m.HandleFunc("POST /claims/{id}/condition", s.page(false, s.logConditionPost))
	m.HandleFunc("GET /items/{id}", s.page(true, s.itemPage))
	m.HandleFunc("GET /items/{id}/file", s.page(true, s.itemFile))
	s.mux = m
}

// request is what a page handler gets: the session, and the vault opened
// for this request (closed when the handler returns).
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	sess *session
	v    *vault.Vault
}

// page wraps a handler of claim data: it requires the session, unlocks
// from --passphrase-file when the keys were dropped and a file was given,
// shows the unlock page when locked, and opens the vault around the
// handler (read-only for readOnly handlers), so that the file is not held
// between requests.
func (s *Server) page(readOnly bool, fn func(*request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		sess := s.currentSession(w, r)
		if sess == nil {
			return
		}
		keys, err := s.keysOf(sess)
		if err != nil {
			s.render(w, http.StatusOK, "unlock", s.viewData(sess, "Unlock", map[string]any{"Error": describe(err)}))
			return
		}
		if keys == nil {
			if r.Method != http.MethodGet {
				http.Error(w, "the vault is locked: unlock it and try again", http.StatusForbidden)
				return
			}
			s.render(w, http.StatusOK, "unlock", s.viewData(sess, "Unlock", nil))
			return
		}
		o := s.cfg.Options
		o.ReadOnly = readOnly
		v, err := keys.Open(s.cfg.VaultPath, o)
		if err != nil {
			s.renderError(w, sess, err)
			return
		}
		defer v.Close()
		if err := fn(&request{w: w, r: r, sess: sess, v: v}); err != nil {
			s.renderError(w, sess, err)
		}
	}
}

// keysOf returns the session's key holder; with a passphrase file it
// unlocks again when the keys were dropped. nil means locked.
func (s *Server) keysOf(sess *session) (*vault.KeyHolder, error) {
	s.mu.Lock()
	keys := sess.keys
	s.mu.Unlock()
	if keys != nil || s.cfg.Passphrase == nil {
		return keys, nil
	}
	pass, err := s.cfg.Passphrase()
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	return s.unlockWith(sess, vault.Secret{Passphrase: pass})
}

// unlockWith derives the keys from secret and gives them to the session.
func (s *Server) unlockWith(sess *session, secret vault.Secret) (*vault.KeyHolder, error) {
	keys, err := vault.Unlock(s.cfg.VaultPath, secret, s.cfg.Options)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sess != sess {
		keys.Lock()
		return nil, errors.New("the session ended while unlocking")
	}
	if sess.keys != nil {
		sess.keys.Lock()
	}
	sess.keys = keys
	sess.notice = ""
	return keys, nil
}

// formSession returns the session of a POST whose form passed the cap and
// the CSRF check, or nil when the request was refused.
func (s *Server) formSession(w http.ResponseWriter, r *http.Request) *session {
	w.Header().Set("Cache-Control", "no-store")
	sess := s.currentSession(w, r)
	if sess == nil || !parseForm(w, r, sess) {
		return nil
	}
	return sess
}

// unlock takes the passphrase from the unlock form.
func (s *Server) unlock(w http.ResponseWriter, r *http.Request) {
	sess := s.formSession(w, r)
	if sess == nil {
		return
	}
	pass := []byte(r.PostFormValue("passphrase"))
	defer clear(pass)
	if len(pass) == 0 {
		s.render(w, http.StatusOK, "unlock", s.viewData(sess, "Unlock", map[string]any{"Error": "Type the passphrase."}))
		return
	}
	if _, err := s.unlockWith(sess, vault.Secret{Passphrase: pass}); err != nil {
		s.render(w, http.StatusOK, "unlock", s.viewData(sess, "Unlock", map[string]any{"Error": describe(err)}))
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// recover sets a new passphrase with the recovery code, as
// `vault passwd --recovery-code-file` does, and unlocks with it.
func (s *Server) recover(w http.ResponseWriter, r *http.Request) {
	sess := s.formSession(w, r)
	if sess == nil {
		return
	}
	code := []byte(r.PostFormValue("code"))
	pass := []byte(r.PostFormValue("new"))
	again := r.PostFormValue("repeat")
	defer clear(code)
	defer clear(pass)
	fail := func(msg string) {
		s.render(w, http.StatusOK, "unlock", s.viewData(sess, "Unlock", map[string]any{"RecoverError": msg, "Recover": true}))
	}
	switch {
	case len(code) == 0:
		fail("Type the recovery code you were given when the vault was created.")
		return
	case len(pass) == 0:
		fail("Choose a new passphrase.")
		return
	case string(pass) != again:
		fail("The two new passphrases differ: nothing was changed.")
		return
	}
	o := s.cfg.Options
	o.ReadOnly = false
	v, err := vault.Open(s.cfg.VaultPath, vault.Secret{RecoveryCode: code}, o)
	if err != nil {
		fail(describe(err) + ": nothing was changed.")
		return
	}
	err = v.ChangePassphrase(pass, v.KDF())
	v.Close()
	if err != nil {
		fail(describe(err))
		return
	}
	if _, err := s.unlockWith(sess, vault.Secret{Passphrase: pass}); err != nil {
		fail("The passphrase was changed, but unlocking with it failed: " + describe(err))
		return
	}
	s.mu.Lock()
	sess.notice = "The passphrase was changed; the old passphrase no longer opens the vault."
	s.mu.Unlock()
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// lock drops the keys and ends the session; `vault ui` then stops.
func (s *Server) lock(w http.ResponseWriter, r *http.Request) {
	sess := s.formSession(w, r)
	if sess == nil {
		return
	}
	s.mu.Lock()
	s.endSessionLocked()
	s.mu.Unlock()
	s.render(w, http.StatusOK, "locked", map[string]any{"Title": "Locked"})
	s.doneOnce.Do(func() { close(s.done) })
}

// describe words an error for the page.
func describe(err error) string {
	switch {
	case errors.Is(err, vault.ErrWrongSecret):
		return "Wrong passphrase or recovery code"
	}
	msg := err.Error()
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// viewData is what every template gets: the title, the CSRF token, a
// notice shown once, and the page's own data.
func (s *Server) viewData(sess *session, title string, data map[string]any) map[string]any {
	if data == nil {
		data = map[string]any{}
	}
	data["Title"] = title
	s.mu.Lock()
	data["CSRF"] = sess.csrf
	data["Unlocked"] = sess.keys != nil
	if sess.notice != "" {
		data["Notice"] = sess.notice
		sess.notice = ""
	}
	s.mu.Unlock()
	data["PassphraseFile"] = s.cfg.Passphrase != nil
	return data
}

// render writes a template; a template error is a bug, reported as 500.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var b strings.Builder
	if err := s.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "page error: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, b.String())
}

// renderError shows an error on a page of its own, with the status that
// fits it.
func (s *Server) renderError(w http.ResponseWriter, sess *session, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, vault.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, vault.ErrLocked):
		status = http.StatusForbidden
	}
	s.render(w, status, "error", s.viewData(sess, "Something went wrong", map[string]any{"Error": describe(err)}))
}

// today is the day the checks run as of.
func (s *Server) today() vault.Date { return vault.DateOf(s.cfg.Now()) }

// claimRow is one line of the claims list.
type claimRow struct {
	check.Summary
	DaysLeft int
}

// claimsPage lists every claim with its status, next deadline, findings
// and amounts, soonest deadline first.
func (s *Server) claimsPage(q *request) error {
	claims, err := q.v.Claims()
	if err != nil {
		return fmt.Errorf("read claims: %w", err)
	}
	all, err := q.v.Items("")
	if err != nil {
		return fmt.Errorf("read claims: %w", err)
	}
	byClaim := map[string][]vault.Record{}
	for _, r := range all {
		byClaim[r.ClaimID()] = append(byClaim[r.ClaimID()], r)
	}
	day := s.today()
	sums := make([]check.Summary, 0, len(claims))
	for _, cl := range claims {
		sums = append(sums, check.Summarize(cl, byClaim[cl.ID], day))
	}
	check.SortSummaries(sums)
	rows := make([]claimRow, len(sums))
	for i, sm := range sums {
		rows[i] = claimRow{Summary: sm}
		if sm.Next != nil {
			rows[i].DaysLeft = int(sm.Next.Date.Time().Sub(day.Time()).Hours() / 24)
		}
	}
	s.render(q.w, http.StatusOK, "claims", s.viewData(q.sess, "Claims", map[string]any{"Rows": rows}))
	return nil
}
