package webui

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"vault/crypto"
	"vault/vault"
)

const (
	testAddr = "127.0.0.1:43123"
	testPass = "correct horse battery staple"
)

// testClock is a clock the tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a vault, a server on it and a browser's cookie.
type fixture struct {
	t       *testing.T
	path    string
	code    string
	srv     *Server
	token   string
	clock   *testClock
	cookie  *http.Cookie
	csrfTok string
}

// newFixture creates a vault with the cheapest key derivation and a server.
func newFixture(t *testing.T, withPassFile bool) *fixture {
	t.Helper()
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "vault.db"), clock: &testClock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}}
	var err error
	f.code, err = vault.Init(f.path, []byte(testPass), vault.InitOptions{KDF: crypto.MinKDF(), Now: f.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Addr: testAddr, VaultPath: f.path, Now: f.clock.now,
		Options: vault.Options{Now: f.clock.now, Timeout: 100 * time.Millisecond}}
	if withPassFile {
		cfg.Passphrase = func() ([]byte, error) { return []byte(testPass), nil }
	}
	if f.srv, f.token, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.srv.Close)
	return f
}

// do sends a request as the browser would (served Host, the cookie, the
// page's Origin on POST) and returns the response; edit may change it.
func (f *fixture) do(method, target string, body io.Reader, edit func(*http.Request)) *http.Response {
	f.t.Helper()
	r := httptest.NewRequest(method, target, body)
	r.Host = testAddr
	if method == http.MethodPost {
		r.Header.Set("Origin", "http://"+testAddr)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if f.cookie != nil {
		r.AddCookie(f.cookie)
	}
	if edit != nil {
		edit(r)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w.Result()
}

// get returns a GET's status and body.
func (f *fixture) get(target string) (int, string) {
	f.t.Helper()
	res := f.do(http.MethodGet, target, nil, nil)
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post sends a form with the session's CSRF token.
func (f *fixture) post(target string, form url.Values) *http.Response {
	f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", f.csrfTok)
	}
	return f.do(http.MethodPost, target, strings.NewReader(form.Encode()), nil)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// login exchanges the token for the cookie and reads the CSRF token.
func (f *fixture) login() {
	f.t.Helper()
	res := f.do(http.MethodGet, "/login?token="+f.token, nil, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		f.t.Fatalf("login: %d to %q, want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	cs := res.Cookies()
	if len(cs) != 1 {
		f.t.Fatalf("login set %d cookies", len(cs))
	}
	f.cookie = cs[0]
	_, body := f.get("/")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		f.t.Fatalf("no CSRF token in the page:\n%s", body)
	}
	f.csrfTok = m[1]
}

// unlock logs in and unlocks with the passphrase.
func (f *fixture) unlock() {
	f.t.Helper()
	f.login()
	res := f.post("/unlock", url.Values{"passphrase": {testPass}})
	if res.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(res.Body)
		f.t.Fatalf("unlock: %d\n%s", res.StatusCode, b)
	}
}

// claim creates a claim through the page and returns its ID.
func (f *fixture) claim(name string) string {
	f.t.Helper()
	res := f.post("/claims/new", url.Values{"name": {name}, "insurer": {"Aetna"}, "plan": {"commercial"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/claims/") {
		b, _ := io.ReadAll(res.Body)
		f.t.Fatalf("new claim: %d %q\n%s", res.StatusCode, loc, b)
	}
	return strings.TrimPrefix(loc, "/claims/")
}

// withVault opens the vault directly, as a CLI command beside the server would.
func (f *fixture) withVault(fn func(v *vault.Vault)) {
	f.t.Helper()
	v, err := vault.Open(f.path, vault.Secret{Passphrase: []byte(testPass)}, vault.Options{Now: f.clock.now, Timeout: 100 * time.Millisecond})
	if err != nil {
		f.t.Fatalf("open beside the server: %v", err)
	}
	defer v.Close()
	fn(v)
}

func TestHostMustBeTheServedAddress(t *testing.T) {
	f := newFixture(t, false)
	for _, host := range []string{"evil.example", "evil.example:43123", "localhost:43123", "127.0.0.1:1", "127.0.0.1", "[::1]:43123"} {
		for _, target := range []string{"/", "/login?token=" + f.token, "/assets/app.css"} {
			res := f.do(http.MethodGet, target, nil, func(r *http.Request) { r.Host = host })
			if res.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("Host %q %s: %d, want 421", host, target, res.StatusCode)
			}
		}
	}
	// The refused requests did not use up the token.
	f.login()
}

func TestLoginTokenIsSingleUse(t *testing.T) {
	f := newFixture(t, false)
	for _, bad := range []string{"", "00", strings.Repeat("0", 32), f.token[:31], f.token + "0"} {
		if res := f.do(http.MethodGet, "/login?token="+bad, nil, nil); res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
			t.Errorf("token %q: %d with %d cookies, want 403 and none", bad, res.StatusCode, len(res.Cookies()))
		}
	}
	if len(f.token) != 32 {
		t.Errorf("token %q is not 128 bits in hex", f.token)
	}
	f.login()
	c := f.cookie
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/", c)
	}
	f.cookie = nil
	if res := f.do(http.MethodGet, "/login?token="+f.token, nil, nil); res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
		t.Errorf("used token: %d, want 403", res.StatusCode)
	}
}

func TestMissingOrWrongCookieRefused(t *testing.T) {
	f := newFixture(t, false)
	f.login()
	good := f.cookie
	for name, c := range map[string]*http.Cookie{"missing": nil, "wrong": {Name: sessionCookie, Value: strings.Repeat("a", 32)}, "empty": {Name: sessionCookie, Value: ""}} {
		f.cookie = c
		for _, target := range []string{"/", "/claims/new", "/items/x/file"} {
			if code, body := f.get(target); code != http.StatusUnauthorized || strings.Contains(body, "csrf") {
				t.Errorf("%s cookie, %s: %d, want 401 without a form", name, target, code)
			}
		}
		if res := f.post("/unlock", url.Values{"passphrase": {testPass}}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s cookie, unlock: %d, want 401", name, res.StatusCode)
		}
	}
	f.cookie = good
	if code, _ := f.get("/"); code != http.StatusOK {
		t.Errorf("good cookie: %d", code)
	}
}

func TestStateChangesNeedPostCSRFAndOrigin(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	form := url.Values{"name": {"back"}, "insurer": {"Aetna"}, "csrf": {f.csrfTok}}
	cases := []struct {
		name string
		edit func(*http.Request)
		want int
	}{
		{"no Origin", func(r *http.Request) { r.Header.Del("Origin") }, http.StatusForbidden},
		{"other Origin", func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, http.StatusForbidden},
		{"other port", func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:1") }, http.StatusForbidden},
		{"null Origin", func(r *http.Request) { r.Header.Set("Origin", "null") }, http.StatusForbidden},
		{"null Origin, cross-site", func(r *http.Request) { r.Header.Set("Origin", "null"); r.Header.Set("Sec-Fetch-Site", "cross-site") }, http.StatusForbidden},
		{"null Origin, same-site", func(r *http.Request) { r.Header.Set("Origin", "null"); r.Header.Set("Sec-Fetch-Site", "same-site") }, http.StatusForbidden},
		{"null Origin, none", func(r *http.Request) { r.Header.Set("Origin", "null"); r.Header.Set("Sec-Fetch-Site", "none") }, http.StatusForbidden},
		{"other Origin, same-origin claimed", func(r *http.Request) {
			r.Header.Set("Origin", "http://evil.example")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
		}, http.StatusForbidden},
		{"PUT", func(r *http.Request) { r.Method = http.MethodPut }, http.StatusMethodNotAllowed},
		{"DELETE", func(r *http.Request) { r.Method = http.MethodDelete }, http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		if res := f.do(http.MethodPost, "/claims/new", strings.NewReader(form.Encode()), c.edit); res.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.want)
		}
	}
	for _, tok := range []string{"", "x", strings.Repeat("0", 32)} {
		bad := url.Values{"name": {"back"}, "insurer": {"Aetna"}, "csrf": {tok}}
		if tok == "" {
			bad.Del("csrf")
		}
		res := f.do(http.MethodPost, "/claims/new", strings.NewReader(bad.Encode()), nil)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("CSRF %q: %d, want 403", tok, res.StatusCode)
		}
	}
	// A GET changes nothing: /claims/new with the fields only shows the form.
	if code, _ := f.get("/claims/new?name=back&insurer=Aetna&csrf=" + f.csrfTok); code != http.StatusOK {
		t.Errorf("GET /claims/new: %d", code)
	}
	// Lock needs the token too.
	if res := f.do(http.MethodPost, "/lock", strings.NewReader(""), nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("lock without CSRF: %d, want 403", res.StatusCode)
	}
	f.withVault(func(v *vault.Vault) {
		if cs, _ := v.Claims(); len(cs) != 0 {
			t.Fatalf("a refused request created %d claims", len(cs))
		}
	})
	f.claim("back")
	// Chromium's form POST under Referrer-Policy: no-referrer: Origin null,
	// Sec-Fetch-Site same-origin.
	chromium := url.Values{"name": {"neck"}, "insurer": {"Aetna"}, "csrf": {f.csrfTok}}
	res := f.do(http.MethodPost, "/claims/new", strings.NewReader(chromium.Encode()), func(r *http.Request) {
		r.Header.Set("Origin", "null")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("Chromium's same-origin form POST: %d, want 303", res.StatusCode)
	}
	f.withVault(func(v *vault.Vault) {
		if cs, _ := v.Claims(); len(cs) != 2 {
			t.Fatalf("the accepted requests created %d claims, want 2", len(cs))
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	id := f.claim("back")
	for _, target := range []string{"/", "/claims/new", "/claims/" + id, "/assets/app.css", "/login?token=x"} {
		res := f.do(http.MethodGet, target, nil, nil)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q allows inline script or style", target, csp)
		}
		if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", target, h)
		}
	}
	for _, target := range []string{"/", "/claims/new", "/claims/" + id} {
		if cc := f.do(http.MethodGet, target, nil, nil).Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", target, cc)
		}
	}
	// No page refers to another origin or holds an inline script or style.
	for _, target := range []string{"/", "/claims/new", "/claims/" + id} {
		_, body := f.get(target)
		if regexp.MustCompile(`(?i)(src|href|action)="(https?:)?//`).MatchString(body) {
			t.Errorf("%s refers to another origin", target)
		}
		if regexp.MustCompile(`(?i)<script>|<script[^>]*>[^<]|<style|\son[a-z]+=|style="`).MatchString(body) {
			t.Errorf("%s has inline script or style", target)
		}
	}
}

func TestBodiesAreCapped(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	big := url.Values{"csrf": {f.csrfTok}, "name": {"x"}, "insurer": {strings.Repeat("A", maxFormBytes)}}
	res := f.do(http.MethodPost, "/claims/new", strings.NewReader(big.Encode()), nil)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a form over %d bytes: %d, want 413", maxFormBytes, res.StatusCode)
	}
	big.Set("passphrase", strings.Repeat("p", maxFormBytes))
	if res := f.do(http.MethodPost, "/unlock", strings.NewReader(big.Encode()), nil); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("an unlock form over the cap: %d, want 413", res.StatusCode)
	}
}

func TestUnlockInThePage(t *testing.T) {
	f := newFixture(t, false)
	f.login()
	code, body := f.get("/")
	if code != http.StatusOK || !strings.Contains(body, `name="passphrase"`) || strings.Contains(body, "Your claims") {
		t.Fatalf("locked home: %d, want the unlock form\n%s", code, body)
	}
	res := f.post("/unlock", url.Values{"passphrase": {"wrong"}})
	b, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(b), "Wrong passphrase") {
		t.Errorf("wrong passphrase: %d\n%s", res.StatusCode, b)
	}
	if res := f.post("/claims/new", url.Values{"name": {"x"}, "insurer": {"y"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("new claim while locked: %d, want 403", res.StatusCode)
	}
	if res := f.post("/unlock", url.Values{"passphrase": {testPass}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", res.StatusCode)
	}
	if _, body := f.get("/"); !strings.Contains(body, "No claims yet") {
		t.Errorf("unlocked home:\n%s", body)
	}
}

func TestRecoveryCodeSetsANewPassphrase(t *testing.T) {
	f := newFixture(t, false)
	f.login()
	for name, form := range map[string]url.Values{
		"wrong code": {"code": {"AAAA-BBBB"}, "new": {"n"}, "repeat": {"n"}},
		"differ":     {"code": {f.code}, "new": {"one"}, "repeat": {"two"}},
		"empty":      {"code": {f.code}, "new": {""}, "repeat": {""}},
	} {
		res := f.post("/recover", form)
		b, _ := io.ReadAll(res.Body)
		if !strings.Contains(string(b), `role="alert"`) {
			t.Errorf("%s: no error shown\n%s", name, b)
		}
	}
	// Nothing changed: the old passphrase still opens.
	f.withVault(func(*vault.Vault) {})
	res := f.post("/recover", url.Values{"code": {f.code}, "new": {"a new passphrase"}, "repeat": {"a new passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("recover: %d\n%s", res.StatusCode, b)
	}
	if _, body := f.get("/"); !strings.Contains(body, "passphrase was changed") || !strings.Contains(body, "No claims yet") {
		t.Errorf("after recovery:\n%s", body)
	}
	if _, err := vault.Open(f.path, vault.Secret{Passphrase: []byte(testPass)}, vault.Options{ReadOnly: true}); err == nil {
		t.Error("the old passphrase still opens the vault")
	}
	if _, err := vault.Unlock(f.path, vault.Secret{Passphrase: []byte("a new passphrase")}, vault.Options{}); err != nil {
		t.Errorf("the new passphrase: %v", err)
	}
}

func TestLockDropsTheSession(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	id := f.claim("back")
	res := f.post("/lock", nil)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "The vault is locked") {
		t.Fatalf("lock: %d\n%s", res.StatusCode, b)
	}
	select {
	case <-f.srv.Done():
	default:
		t.Error("Done is not closed after Lock")
	}
	for _, target := range []string{"/", "/claims/" + id} {
		if code, body := f.get(target); code != http.StatusUnauthorized || strings.Contains(body, "back") {
			t.Errorf("cookie after Lock, %s: %d, want 401", target, code)
		}
	}
	if res := f.post("/unlock", url.Values{"passphrase": {testPass}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("unlock after Lock: %d, want 401", res.StatusCode)
	}
	if res := f.do(http.MethodGet, "/login?token="+f.token, nil, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("the token after Lock: %d, want 403", res.StatusCode)
	}
}

func TestIdleTimeoutDropsTheKeys(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	f.claim("back")
	f.clock.add(DefaultIdleTimeout - time.Second)
	if _, body := f.get("/"); !strings.Contains(body, "back") {
		t.Fatal("locked before the idle timeout")
	}
	f.clock.add(DefaultIdleTimeout)
	_, body := f.get("/")
	if strings.Contains(body, "back") || !strings.Contains(body, `name="passphrase"`) || !strings.Contains(body, "15 minutes") {
		t.Fatalf("after 15 idle minutes: want the unlock form and a notice\n%s", body)
	}
	if f.srv.sess.keys != nil {
		t.Error("the session still holds keys")
	}
	// The session itself stays: unlocking again works.
	if res := f.post("/unlock", url.Values{"passphrase": {testPass}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("unlock after idle: %d", res.StatusCode)
	}
}

func TestIdleTimerDropsKeysWithoutARequest(t *testing.T) {
	f := newFixture(t, false)
	f.srv.cfg.IdleTimeout = 50 * time.Millisecond
	f.unlock()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.srv.mu.Lock()
		held := f.srv.sess.keys != nil
		f.srv.mu.Unlock()
		if !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the keys are still held long after the idle timeout")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPassphraseFileSkipsTheUnlockPage(t *testing.T) {
	f := newFixture(t, true)
	f.login()
	if _, body := f.get("/"); !strings.Contains(body, "No claims yet") {
		t.Fatalf("with a passphrase file: want the claims\n%s", body)
	}
	f.clock.add(DefaultIdleTimeout + time.Minute)
	if _, body := f.get("/"); !strings.Contains(body, "No claims yet") {
		t.Fatalf("after idle with a passphrase file: want the claims again\n%s", body)
	}
}

func TestVaultNotHeldBetweenRequests(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	f.claim("back")
	// A CLI command writes beside the server.
	var beside *vault.Vault
	f.withVault(func(v *vault.Vault) {
		if _, err := v.NewClaim(vault.Claim{Name: "neck", Insurer: "Cigna"}); err != nil {
			t.Fatal(err)
		}
		beside = v
		// While it holds the file, a write from the page says "in use" and
		// changes nothing.
		res := f.post("/claims/new", url.Values{"name": {"knee"}, "insurer": {"Aetna"}})
		b, _ := io.ReadAll(res.Body)
		if !strings.Contains(string(b), "in use") {
			t.Errorf("write beside a writer: %d\n%s", res.StatusCode, b)
		}
	})
	_ = beside
	_, body := f.get("/")
	if !strings.Contains(body, "neck") || !strings.Contains(body, "back") || strings.Contains(body, "knee") {
		t.Errorf("claims after the CLI's write:\n%s", body)
	}
}

func TestUserStringsAreEscaped(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	evil := `<script>alert(1)</script>"'&`
	id := f.claim("x-" + "evil")
	f.withVault(func(v *vault.Vault) {
		cl, err := v.ClaimByName("x-evil")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := v.UpdateClaim(cl, vault.ClaimUpdate{Insurer: &evil, Provider: &evil}); err != nil {
			t.Fatal(err)
		}
		pain := 7
		if _, err := v.LogCondition(cl, vault.Condition{Phase: "before", Pain: &pain, Text: evil, Measures: []vault.Measure{{Name: "ODI", Value: evil}}}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := v.LogCall(cl, vault.Call{Rep: evil, Summary: evil}); err != nil {
			t.Fatal(err)
		}
	})
	pages := []string{"/", "/claims/" + id}
	f.withVault(func(v *vault.Vault) {
		items, _ := v.Items(id)
		for _, it := range items {
			pages = append(pages, "/items/"+it.RecordID())
		}
	})
	for _, p := range pages {
		code, body := f.get(p)
		if code != http.StatusOK {
			t.Errorf("%s: %d", p, code)
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, `"'&`) {
			t.Errorf("%s holds the user's string unescaped", p)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s does not show the user's string", p)
		}
	}
}

func TestNewClaimShowsTheDomainsRefusal(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	f.claim("back")
	for name, form := range map[string]url.Values{
		"duplicate name": {"name": {"back"}, "insurer": {"Aetna"}},
		"bad plan":       {"name": {"neck"}, "insurer": {"Aetna"}, "plan": {"gold"}},
		"bad NPI":        {"name": {"neck"}, "insurer": {"Aetna"}, "npi": {"12"}},
		"no name":        {"name": {""}, "insurer": {"Aetna"}},
	} {
		res := f.post("/claims/new", form)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `role="alert"`) {
			t.Errorf("%s: %d, want 422 with the message\n%s", name, res.StatusCode, b)
		}
		// The form keeps what was typed.
		if n := form.Get("name"); n != "" && !strings.Contains(string(b), `value="`+n+`"`) {
			t.Errorf("%s: the form lost the name", name)
		}
	}
}

func TestClaimPageTimelineFindingsAndChart(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	id := f.claim("back")
	var noteID string
	f.withVault(func(v *vault.Vault) {
		cl, _ := v.ClaimByName("back")
		for _, c := range []struct {
			date  vault.Date
			phase string
			pain  int
		}{{"2026-03-01", "before", 8}, {"2026-04-15", "after", 3}} {
			p := c.pain
			if _, err := v.LogCondition(cl, vault.Condition{Date: c.date, Phase: c.phase, Pain: &p}); err != nil {
				t.Fatal(err)
			}
		}
		amt := vault.Cents(8500)
		docs, _, err := v.AddDocuments(cl, []vault.NewDocument{{Kind: "receipt", Date: "2026-03-10", Amount: &amt, FileName: "receipt.pdf",
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(minimalPDF)), nil }}}, vault.AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		noteID = docs[0].ID
	})
	_, body := f.get("/claims/" + id)
	for _, want := range []string{"<svg", "<polyline", "2026-03-01 (before): pain 8/10", "2026-04-15 (after): pain 3/10", ">receipt</a>", `href="#item-` + noteID + `"`, `id="item-` + noteID + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("claim page lacks %q", want)
		}
	}
	// Timeline in date order.
	if i, j := strings.Index(body, "2026-03-01</span>"), strings.Index(body, "2026-03-10</span>"); i < 0 || j < 0 || i > j {
		t.Errorf("timeline not in date order (%d, %d)", i, j)
	}
	if code, _ := f.get("/claims/nosuch"); code != http.StatusNotFound {
		t.Errorf("unknown claim: %d, want 404", code)
	}
}

// minimalPDF is a one-page PDF small enough to inline.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func TestDocumentsAreNeverServedAsHTML(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	f.claim("back")
	ids := map[string]string{}
	f.withVault(func(v *vault.Vault) {
		cl, _ := v.ClaimByName("back")
		for name, content := range map[string][]byte{
			"bill.pdf":  minimalPDF,
			"page.html": []byte("<!doctype html><html><body><script>alert(1)</script></body></html>"),
			"note.txt":  []byte("SOAP note: pain 6/10 <script>alert(1)</script>"),
			"pic.svg":   []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		} {
			docs, _, err := v.AddDocuments(cl, []vault.NewDocument{{Kind: "other", FileName: name,
				Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }}}, vault.AddOptions{AnyType: true})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ids[name] = docs[0].ID
		}
	})
	cases := []struct {
		name, ctype, disposition string
	}{
		{"bill.pdf", "application/pdf", "inline"},
		{"page.html", "application/octet-stream", "attachment"},
		{"note.txt", "text/plain; charset=utf-8", "inline"},
		{"pic.svg", "application/octet-stream", "attachment"},
	}
	for _, c := range cases {
		res := f.do(http.MethodGet, "/items/"+ids[c.name]+"/file", nil, nil)
		h := res.Header
		if res.StatusCode != http.StatusOK || h.Get("Content-Type") != c.ctype || !strings.HasPrefix(h.Get("Content-Disposition"), c.disposition+";") ||
			!strings.Contains(h.Get("Content-Disposition"), c.name) {
			t.Errorf("%s: %d %q %q, want %q %q", c.name, res.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"), c.ctype, c.disposition)
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: CSP %q", c.name, csp)
		}
		if c.name != "bill.pdf" && !strings.Contains(csp, "sandbox") {
			t.Errorf("%s: CSP %q is not sandboxed", c.name, csp)
		}
		if cd := f.do(http.MethodGet, "/items/"+ids[c.name]+"/file?download=1", nil, nil).Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("%s download: %q", c.name, cd)
		}
	}
	res := f.do(http.MethodGet, "/items/"+ids["bill.pdf"]+"/file", nil, nil)
	if b, _ := io.ReadAll(res.Body); !bytes.Equal(b, minimalPDF) {
		t.Error("the PDF served is not the PDF stored")
	}
	_, body := f.get("/items/" + ids["bill.pdf"])
	if !strings.Contains(body, `<iframe class="viewer" src="/items/`+ids["bill.pdf"]+`/file"`) {
		t.Errorf("the item page does not show the PDF:\n%s", body)
	}
}

func TestLogCallAndConditionInThePage(t *testing.T) {
	f := newFixture(t, false)
	f.unlock()
	id := f.claim("back")
	for name, form := range map[string]url.Values{
		"no rep":       {"summary": {"s"}},
		"no summary":   {"rep": {"Dana"}},
		"bad minutes":  {"rep": {"Dana"}, "summary": {"s"}, "minutes": {"lots"}},
		"bad time":     {"rep": {"Dana"}, "summary": {"s"}, "at": {"yesterday"}},
		"bad party":    {"rep": {"Dana"}, "summary": {"s"}, "party": {"cousin"}},
		"bad followup": {"rep": {"Dana"}, "summary": {"s"}, "follow_up": {"2026-02-30"}},
	} {
		res := f.post("/claims/"+id+"/call", form)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `role="alert"`) {
			t.Errorf("call, %s: %d, want 422 with the message", name, res.StatusCode)
		}
	}
	res := f.post("/claims/"+id+"/call", url.Values{"at": {"2026-04-29T10:00"}, "party": {"insurer"}, "rep": {"Dana"}, "summary": {"Asked what is missing"}, "minutes": {"12"}, "follow_up": {"2026-05-15"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("log call: %d", res.StatusCode)
	}
	// The domain's warning (no reference number) is shown on the next page.
	if _, body := f.get("/claims/" + id); !strings.Contains(body, "The call is logged") || !strings.Contains(body, "reference") {
		t.Error("no notice or warning after logging the call")
	}
	for name, form := range map[string]url.Values{
		"bad pain":     {"phase": {"before"}, "pain": {"11"}},
		"bad phase":    {"phase": {"during"}},
		"half measure": {"phase": {"before"}, "measure_name": {"ODI", ""}, "measure_value": {"", ""}},
		"bad date":     {"phase": {"before"}, "date": {"2026-13-01"}},
	} {
		res := f.post("/claims/"+id+"/condition", form)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `role="alert"`) {
			t.Errorf("condition, %s: %d, want 422 with the message", name, res.StatusCode)
		}
	}
	for _, c := range []url.Values{
		{"phase": {"before"}, "date": {"2026-03-01"}, "pain": {"8"}, "measure_name": {"ODI", "", "", ""}, "measure_value": {"42%", "", "", ""}},
		{"phase": {"after"}, "date": {"2026-04-20"}, "pain": {"3"}},
	} {
		if res := f.post("/claims/"+id+"/condition", c); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("log condition: %d", res.StatusCode)
		}
	}
	f.withVault(func(v *vault.Vault) {
		items, _ := v.Items(id)
		var calls, conds int
		for _, it := range items {
			switch it := it.(type) {
			case *vault.Call:
				calls++
				if it.Duration != 12*time.Minute || it.FollowUp != "2026-05-15" || it.Rep != "Dana" {
					t.Errorf("call stored as %+v", it)
				}
			case *vault.Condition:
				conds++
				if it.Phase == "before" && (len(it.Measures) != 1 || it.Measures[0].Value != "42%" || *it.Pain != 8) {
					t.Errorf("condition stored as %+v", it)
				}
			}
		}
		if calls != 1 || conds != 2 {
			t.Errorf("stored %d calls and %d conditions, want 1 and 2", calls, conds)
		}
	})
	if _, body := f.get("/claims/" + id); !strings.Contains(body, "2026-03-01 (before): pain 8/10") {
		t.Error("the chart does not show the note logged in the page")
	}
}
