package webui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vault/crypto"
	"vault/vault"
)

// browser is one headless chromium for the whole browser test, a server
// on a real loopback port, and where screenshots go.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	axe   string
}

// startBrowser starts the server and chromium. Without chromium the test
// skips, unless CI is set: then it fails.
func startBrowser(t *testing.T, cfg Config) (*browser, string) {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed: .ci/run installs it (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed: apt-get install -y chromium to run the browser tests")
	}
	axe, err := os.ReadFile(filepath.Join("..", "..", "testdata", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = l.Addr().String()
	srv, token, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close(); srv.Close() })

	shots := os.Getenv("VAULT_UI_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, base: "http://" + cfg.Addr, shots: shots, axe: string(axe)}, token
}

// do runs the steps, failing the test on error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the first element matching the CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// check screenshots the page at 1280 and 390 pixels wide and runs axe-core
// on it: no serious or critical violation.
func (b *browser) check(name string) {
	b.t.Helper()
	for _, w := range []int64{1280, 390} {
		b.do("viewport", chromedp.EmulateViewport(w, 900))
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do("viewport", chromedp.EmulateViewport(1280, 900))
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](b.axe+";true")); err != nil {
		b.t.Fatalf("inject axe-core into %s: %v", name, err)
	}
	found, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
		 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', ')))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe-core on %s: %v", name, err)
	}
	for _, v := range found {
		b.t.Errorf("%s: %s", name, v)
	}
}

// TestBrowserFlows drives the web app in headless chromium as a patient
// would, with the keyboard where a patient could: unlock, create a claim,
// see the documents and the condition notes a CLI filed beside the server,
// the pain chart, a PDF in the page, then lock and be refused.
func TestBrowserFlows(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.db")
	now := func() time.Time { return time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC) }
	if _, err := vault.Init(path, []byte(testPass), vault.InitOptions{KDF: crypto.MinKDF(), Now: now}); err != nil {
		t.Fatal(err)
	}
	b, token := startBrowser(t, Config{VaultPath: path, Now: now, Options: vault.Options{Now: now, Timeout: time.Second}})

	// Log in: the token leaves the address bar.
	b.do("login", chromedp.Navigate(b.base+"/login?token="+token), chromedp.WaitVisible(chromedp.ID("passphrase")))
	if loc, _ := chromedp.Run(b.ctx, chromedp.Location()); loc != b.base+"/" {
		t.Errorf("after login the address is %s, want %s/", loc, b.base)
	}
	b.check("unlock")

	// Unlock with the keyboard alone: the field has the focus.
	b.do("wrong passphrase", chromedp.Focus(chromedp.ID("passphrase")), chromedp.KeyEvent("not it\r"), chromedp.WaitVisible(chromedp.CSS(".error")))
	if msg := b.text(".error"); !strings.Contains(msg, "Wrong passphrase") {
		t.Errorf("wrong passphrase shows %q", msg)
	}
	b.do("unlock", chromedp.Focus(chromedp.ID("passphrase")), chromedp.KeyEvent(testPass+"\r"), chromedp.WaitVisible(chromedp.CSS(".titlebar h1")))
	b.check("claims-empty")

	// New claim, by keyboard: name has the focus; Tab to the insurer; Enter.
	b.do("new claim form", chromedp.Navigate(b.base+"/claims/new"), chromedp.WaitVisible(chromedp.ID("name")))
	b.check("claim-new")
	b.do("new claim", chromedp.Focus(chromedp.ID("name")), chromedp.KeyEvent("back-2026\tAetna\r"), chromedp.WaitVisible(chromedp.ID("timeline-h")))
	if h := b.text("h1"); h != "back-2026" {
		t.Fatalf("after creating the claim the page is %q", h)
	}

	// File a PDF, a JPEG and a note, and before/after conditions, as the
	// CLI would beside the running server.
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte(testPass)}, vault.Options{Now: now, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open beside the server: %v", err)
	}
	cl, _ := v.ClaimByName("back-2026")
	amt := vault.Cents(8500)
	file := func(b []byte) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	docs, _, err := v.AddDocuments(cl, []vault.NewDocument{
		{Kind: "receipt", Date: "2026-03-10", Amount: &amt, FileName: "receipt-2026-03-10.pdf", Open: file(minimalPDF)},
		{Kind: "referral", Date: "2026-02-20", FileName: "referral.jpg", Open: file(tinyJPEG)},
		{Kind: "clinical-note", Date: "2026-03-10", Typed: true, Open: file([]byte("SOAP note: lumbar pain 6/10, improved range of motion."))},
	}, vault.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		date  vault.Date
		phase string
		pain  int
	}{{"2026-02-25", "before", 8}, {"2026-03-25", "progress", 5}, {"2026-04-20", "after", 2}} {
		p := c.pain
		if _, err := v.LogCondition(cl, vault.Condition{Date: c.date, Phase: c.phase, Pain: &p, Measures: []vault.Measure{{Name: "ODI", Value: "40%"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := v.LogCall(cl, vault.Call{Party: "insurer", Rep: "Dana", Summary: "Asked what the claim still needs", At: now().Add(-48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	v.Close()

	// Log a call and an after note in the page, by keyboard.
	b.do("call form", chromedp.Navigate(b.base+"/claims/"+cl.ID+"/call"), chromedp.WaitVisible(chromedp.ID("rep")))
	b.check("log-call")
	b.do("log call", chromedp.Focus(chromedp.ID("rep")), chromedp.KeyEvent("Sam"), chromedp.Focus(chromedp.ID("ref")), chromedp.KeyEvent("REF-991"),
		chromedp.Focus(chromedp.ID("summary")), chromedp.KeyEvent("Claim received; LMN on file"),
		chromedp.Click(chromedp.CSS("form.form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".notice")))
	b.do("condition form", chromedp.Navigate(b.base+"/claims/"+cl.ID+"/condition"), chromedp.WaitVisible(chromedp.ID("phase")))
	b.check("log-condition")
	b.do("log condition", chromedp.SetValue(chromedp.ID("phase"), "progress"), chromedp.Click(chromedp.CSS(`input[name=pain][value="4"]`)),
		chromedp.Focus(chromedp.ID("mn0")), chromedp.KeyEvent("ODI"), chromedp.Focus(chromedp.ID("mv0")), chromedp.KeyEvent("30%"),
		chromedp.Click(chromedp.CSS("form.form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	b.do("claim page", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	b.check("claim")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('.timeline li').length`)); err != nil || n != 9 {
		t.Errorf("the timeline has %d items (%v), want 9", n, err)
	}
	b.do("claims", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS("table.claims")))
	b.check("claims")

	// The PDF and the JPEG in their item pages.
	b.do("pdf item", chromedp.Navigate(b.base+"/items/"+docs[0].ID), chromedp.WaitVisible(chromedp.CSS("iframe.viewer")), chromedp.Sleep(300*time.Millisecond))
	b.check("item-pdf")
	b.do("jpeg item", chromedp.Navigate(b.base+"/items/"+docs[1].ID), chromedp.WaitVisible(chromedp.CSS("img.viewer-img")))
	if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('img.viewer-img').naturalWidth > 0`)); err != nil || !ok {
		t.Errorf("the JPEG is not shown (%v)", err)
	}
	b.check("item-jpeg")

	// Lock, by keyboard: Tab from the page start reaches the Lock button.
	b.do("lock", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS("table.claims")),
		chromedp.Focus(chromedp.CSS(".lockform button")), chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.ID("locked")))
	if h := b.text("h1"); h != "The vault is locked" {
		t.Fatalf("after Lock the page is %q", h)
	}
	b.check("locked")
	b.do("after lock", chromedp.Navigate(b.base+"/"), chromedp.WaitReady(chromedp.CSS("body")))
	if body := b.text("body"); !strings.Contains(body, "not signed in") || strings.Contains(body, "back-2026") {
		t.Errorf("after Lock the claims page shows %q", body)
	}
}

// tinyJPEG is a 1x1 JPEG.
var tinyJPEG = []byte{
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0xff, 0xdb, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0a, 0x0c,
	0x14, 0x0d, 0x0c, 0x0b, 0x0b, 0x0c, 0x19, 0x12, 0x13, 0x0f, 0x14, 0x1d, 0x1a, 0x1f, 0x1e, 0x1d, 0x1a, 0x1c, 0x1c, 0x20,
	0x24, 0x2e, 0x27, 0x20, 0x22, 0x2c, 0x23, 0x1c, 0x1c, 0x28, 0x37, 0x29, 0x2c, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1f, 0x27,
	0x39, 0x3d, 0x38, 0x32, 0x3c, 0x2e, 0x33, 0x34, 0x32, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01,
	0x11, 0x00, 0xff, 0xc4, 0x00, 0x1f, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0xff, 0xc4, 0x00, 0xb5, 0x10,
	0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7d, 0x01, 0x02, 0x03, 0x00,
	0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
	0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a,
	0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
	0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75,
	0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
	0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba,
	0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
	0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xff, 0xda,
	0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0xfb, 0xd3, 0xff, 0xd9,
}
