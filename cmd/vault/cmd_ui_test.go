package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"vault/crypto"
	"vault/vault"
)

// TestUIServesOverLoopbackAndStopsOnLock runs `vault ui` for real: it
// prints one line with the login address, serves it over TCP on
// 127.0.0.1, turns the token into a cookie, shows the claims (unlocked
// from the passphrase file) and stops when the page locks the vault.
func TestUIServesOverLoopbackAndStopsOnLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.db")
	passFile := filepath.Join(dir, "pass")
	if err := os.WriteFile(passFile, []byte("pass phrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.Init(path, []byte("pass phrase"), vault.InitOptions{KDF: crypto.MinKDF()}); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: pw, stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now,
		openTTY: func() (*os.File, error) { return nil, os.ErrNotExist }}
	code := make(chan int, 1)
	go func() {
		code <- runBuffered([]string{"vault", "--vault", path, "--passphrase-file", passFile, "ui", "--no-browser"}, e)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("read the address: %v (stderr %q)", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/login\?token=[0-9a-f]{32}\n$`).MatchString(line) {
		t.Fatalf("printed %q, want http://127.0.0.1:PORT/login?token=TOKEN", line)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := client.Get(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Request.URL.Path != "/" || res.Request.URL.RawQuery != "" || !strings.Contains(string(body), "No claims yet") {
		t.Fatalf("after login: at %s\n%s", res.Request.URL, body)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindSubmatch(body)
	if csrf == nil {
		t.Fatal("no CSRF token")
	}
	u, _ := url.Parse(strings.TrimSpace(line))
	req, _ := http.NewRequest(http.MethodPost, "http://"+u.Host+"/lock", strings.NewReader(url.Values{"csrf": {string(csrf[1])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+u.Host)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("vault ui exited %d: %s", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("vault ui did not stop after Lock")
	}
}
