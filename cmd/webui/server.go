// Package webui is the vault's local web app: an HTTP handler serving
// server-rendered pages (html/template) and embedded assets to one browser
// on the loopback. It is a front end of the domain (package vault and its
// subpackages) only, like the command line.
//
// Security model: the one login token, printed once by `vault ui`, is
// exchanged for a session cookie (HttpOnly, SameSite=Strict); every request
// must carry the served address as its Host (else 421, against DNS
// rebinding); every state change is a POST carrying the session's CSRF
// token and an Origin equal to the served origin; every response carries a
// Content-Security-Policy without inline script. The vault's master key
// lives in a vault.KeyHolder in this process only, dropped by Lock and after
// the idle timeout; the vault file is opened and closed by each request.
package webui

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"vault/vault"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// DefaultIdleTimeout is how long the keys stay in memory without a request.
const DefaultIdleTimeout = 15 * time.Minute

// maxFormBytes caps the body of every form that is not an upload.
const maxFormBytes = 64 << 10

// sessionCookie is the name of the session cookie.
const sessionCookie = "vault_session"

// Config is what a Server needs to know.
type Config struct {
	// Addr is the host:port the server is reached at, exactly as in the URL
	// it prints ("127.0.0.1:43123"): the only Host header accepted.
	Addr string
	// VaultPath is the vault file.
	VaultPath string
	// Passphrase, when set, reads the passphrase (from --passphrase-file):
	// the page then never asks for it.
	Passphrase func() ([]byte, error)
	// Options are the options every open uses (AllowCostlyKDF, Now...).
	Options vault.Options
	// IdleTimeout drops the keys after this long without a request; zero
	// means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
}

// Server is the web app's handler. Create it with New.
type Server struct {
	cfg    Config
	origin string
	tmpl   *template.Template
	assets http.Handler
	mux    *http.ServeMux

	mu       sync.Mutex
	token    string // the login token; "" once used
	sess     *session
	idle     *time.Timer
	done     chan struct{}
	doneOnce sync.Once
}

// session is the one browser session a login token opens.
type session struct {
	id       string
	csrf     string
	keys     *vault.KeyHolder // nil while locked (before unlock, after idle)
	lastSeen time.Time
	notice   string // shown once on the next page (e.g. "locked after 15 idle minutes")
}

// New returns a Server and the login token to print in its URL.
func New(cfg Config) (*Server, string, error) {
	if cfg.Addr == "" || cfg.VaultPath == "" {
		return nil, "", errors.New("webui: Addr and VaultPath are required")
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	tmpl, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, "", fmt.Errorf("webui: parse templates: %w", err)
	}
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		return nil, "", err
	}
	s := &Server{cfg: cfg, origin: "http://" + cfg.Addr, tmpl: tmpl, token: randomToken(), done: make(chan struct{})}
	s.assets = http.StripPrefix("/assets/", http.FileServer(http.FS(sub)))
	s.routes()
	return s, s.token, nil
}

// Done is closed when the user locks the vault: the session is over and
// `vault ui` stops.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close drops the keys and ends the session.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endSessionLocked()
}

// randomToken returns 128 random bits in hex.
func randomToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("webui: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// equal compares two secrets in constant time.
func equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// ServeHTTP applies the checks every request passes, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if r.Host != s.cfg.Addr {
		http.Error(w, "this server answers only to "+s.cfg.Addr, http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.Method == http.MethodPost && !s.sameOrigin(r) {
		http.Error(w, "refused: the request does not come from this page (Origin "+s.origin+" expected)", http.StatusForbidden)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// sameOrigin reports whether a POST comes from the served origin: its
// Origin is that origin, or it is "null" and the browser says the request
// is same-origin (Sec-Fetch-Site, a header no page can set). The second
// case is how Chromium sends a form POST from a page under
// Referrer-Policy: no-referrer: it serializes the Origin as "null". A
// cross-site page, a sandboxed frame or a file:// page sends
// Sec-Fetch-Site cross-site or none, and is refused.
func (s *Server) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Origin") {
	case s.origin:
		return true
	case "null":
		return r.Header.Get("Sec-Fetch-Site") == "same-origin"
	}
	return false
}

// login exchanges the one-time token for the session cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	s.mu.Lock()
	ok := equal(tok, s.token)
	if ok {
		s.token = ""
		s.endSessionLocked()
		s.sess = &session{id: randomToken(), csrf: randomToken(), lastSeen: s.cfg.Now()}
		s.armIdleLocked()
	}
	var id string
	if ok {
		id = s.sess.id
	}
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "this login link is used or wrong: run 'vault ui' again for a new one", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// currentSession returns the request's session, or nil (and refuses the
// request) when its cookie is missing or not the live session's. It drops
// the keys when the idle timeout has passed since the last request.
func (s *Server) currentSession(w http.ResponseWriter, r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || s.sess == nil || !equal(c.Value, s.sess.id) {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "not signed in: open the link 'vault ui' printed (run it again for a new one)", http.StatusUnauthorized)
		return nil
	}
	now := s.cfg.Now()
	if s.sess.keys != nil && now.Sub(s.sess.lastSeen) >= s.cfg.IdleTimeout {
		s.dropKeysLocked("The vault was locked after 15 minutes without use.")
	}
	s.sess.lastSeen = now
	s.armIdleLocked()
	return s.sess
}

// armIdleLocked (re)starts the timer that drops the keys when no request
// comes for the idle timeout, even if the page is never touched again.
func (s *Server) armIdleLocked() {
	if s.idle != nil {
		s.idle.Stop()
	}
	sess := s.sess
	s.idle = time.AfterFunc(s.cfg.IdleTimeout, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.sess == sess && sess.keys != nil {
			s.dropKeysLocked("The vault was locked after 15 minutes without use.")
		}
	})
}

// dropKeysLocked wipes the session's keys; the session stays.
func (s *Server) dropKeysLocked(notice string) {
	if s.sess != nil && s.sess.keys != nil {
		s.sess.keys.Lock()
		s.sess.keys = nil
		s.sess.notice = notice
	}
}

// endSessionLocked wipes the keys and forgets the session.
func (s *Server) endSessionLocked() {
	if s.sess != nil && s.sess.keys != nil {
		s.sess.keys.Lock()
	}
	s.sess = nil
	if s.idle != nil {
		s.idle.Stop()
	}
}

// checkCSRF refuses a POST whose form lacks the session's CSRF token. The
// form must already be parsed.
func checkCSRF(w http.ResponseWriter, r *http.Request, sess *session) bool {
	if !equal(r.PostFormValue("csrf"), sess.csrf) {
		http.Error(w, "refused: the form's security token is missing or stale; reload the page and try again", http.StatusForbidden)
		return false
	}
	return true
}

// parseForm caps and parses a urlencoded form and checks its CSRF token.
func parseForm(w http.ResponseWriter, r *http.Request, sess *session) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			http.Error(w, "the form is too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		}
		return false
	}
	return checkCSRF(w, r, sess)
}
