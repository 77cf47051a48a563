package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vault/crypto"
	"vault/vault"
)

// These tests cover what the records_*.txtar scripts cannot set up: IDs
// chosen to share a prefix, a terminal on stdout, a file the user cannot
// read.

const recTestPass = "correct horse battery staple"

var recTestNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// recTestVault creates a vault, lets fill store records in it, and returns
// its path and passphrase file.
func recTestVault(t *testing.T, fill func(v *vault.Vault) error) (path, passFile string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "vault.db")
	passFile = filepath.Join(dir, "pass")
	if err := os.WriteFile(passFile, []byte(recTestPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return recTestNow }
	if _, err := vault.Init(path, []byte(recTestPass), vault.InitOptions{KDF: crypto.MinKDF, Now: now}); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte(recTestPass)}, vault.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := fill(v); err != nil {
		t.Fatal(err)
	}
	return path, passFile
}

// recRunCLI runs the vault command with the clock fixed; tty says whether
// stdout is a terminal.
func recRunCLI(t *testing.T, path, passFile string, tty bool, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv:           func(string) string { return "" },
		now:              func() time.Time { return recTestNow },
		openTTY:          func() (*os.File, error) { return nil, os.ErrNotExist },
		stdoutIsTerminal: tty,
	}
	argv := append([]string{"vault", "--vault", path, "--passphrase-file", passFile}, args...)
	code = run(argv, e)
	return out.String(), errb.String(), code
}

// recState returns what the vault holds, to compare before and after a
// command that must change nothing.
func recState(t *testing.T, path, passFile string) string {
	t.Helper()
	list, _, code := recRunCLI(t, path, passFile, false, "list", "--json")
	hist, _, code2 := recRunCLI(t, path, passFile, false, "history", "--json")
	if code != 0 || code2 != 0 {
		t.Fatalf("list/history failed: %d %d", code, code2)
	}
	return list + hist
}

func TestRecordsAmbiguousID(t *testing.T) {
	claim := &vault.Claim{ID: "zzzz0001", Name: "back-2026", Insurer: "Acme", Status: "draft",
		StatusHistory: []vault.StatusChange{{Status: "draft", Date: "2026-05-01"}}}
	at := time.Date(2026, 4, 1, 14, 30, 0, 0, time.UTC)
	path, pass := recTestVault(t, func(v *vault.Vault) error {
		return v.Update(func(tx *vault.Tx) error {
			for _, r := range []vault.Record{
				claim,
				&vault.Call{ID: "abcd2345", Claim: claim.ID, At: at, Rep: "Dana", Summary: "one"},
				&vault.Call{ID: "abcd6789", Claim: claim.ID, At: at, Rep: "Lee", Summary: "two"},
			} {
				if err := tx.Put(r, vault.ActionAdd, ""); err != nil {
					return err
				}
			}
			return nil
		})
	})
	before := recState(t, path, pass)
	for _, args := range [][]string{
		{"show", "abcd"},
		{"show", "ABCD", "--json"},
		{"get", "abcd", "-o", filepath.Join(t.TempDir(), "out")},
		{"edit", "abcd", "--ref", "R-1"},
		{"rm", "abcd"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errs, code := recRunCLI(t, path, pass, false, args...)
			want := `vault: ambiguous ID: "abcd" matches abcd2345, abcd6789: give more characters` + "\n"
			if code != 1 || errs != want || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errs, want)
			}
		})
	}
	if after := recState(t, path, pass); after != before {
		t.Error("a command with an ambiguous ID changed the vault")
	}
	// One more character is enough.
	out, errs, code := recRunCLI(t, path, pass, false, "show", "abcd6")
	if code != 0 || !strings.Contains(out, "Lee") {
		t.Errorf("show abcd6: exit %d, %q %q", code, out, errs)
	}
}

func TestRecordsGetToTerminal(t *testing.T) {
	var pdf, note *vault.Document
	path, pass := recTestVault(t, func(v *vault.Vault) error {
		c, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Acme"})
		if err != nil {
			return err
		}
		docs, _, err := v.AddDocuments(c, []vault.NewDocument{
			{Kind: "receipt", FileName: "r.pdf", Open: recReader("%PDF-1.4\n\x00\x01binary\n")},
			{Kind: "clinical-note", FileName: "n.txt", Open: recReader("Session note.\n")},
		}, vault.AddOptions{})
		if err != nil {
			return err
		}
		pdf, note = docs[0], docs[1]
		return nil
	})
	out, errs, code := recRunCLI(t, path, pass, true, "get", pdf.ID)
	want := "vault: " + pdf.ID + " is binary (application/pdf): it would garble the terminal; write it to a file with -o FILE\n"
	if code != 1 || out != "" || errs != want {
		t.Errorf("binary to a terminal: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// Text goes to a terminal; binary goes to a pipe.
	if out, _, code := recRunCLI(t, path, pass, true, "get", note.ID); code != 0 || out != "Session note.\n" {
		t.Errorf("text to a terminal: exit %d, %q", code, out)
	}
	if out, _, code := recRunCLI(t, path, pass, false, "get", pdf.ID); code != 0 || out != "%PDF-1.4\n\x00\x01binary\n" {
		t.Errorf("binary to a pipe: exit %d, %q", code, out)
	}
	// -o still works with a terminal on stdout.
	dst := filepath.Join(t.TempDir(), "r.pdf")
	if _, errs, code := recRunCLI(t, path, pass, true, "get", pdf.ID, "-o", dst); code != 0 {
		t.Errorf("get -o: exit %d, %s", code, errs)
	}
	if b, err := os.ReadFile(dst); err != nil || string(b) != "%PDF-1.4\n\x00\x01binary\n" {
		t.Errorf("get -o wrote %q, %v", b, err)
	}
}

func recReader(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func TestRecordsAddUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	path, pass := recTestVault(t, func(v *vault.Vault) error {
		_, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Acme"})
		return err
	})
	dir := t.TempDir()
	good, secret := filepath.Join(dir, "good.pdf"), filepath.Join(dir, "secret.pdf")
	for _, f := range []string{good, secret} {
		if err := os.WriteFile(f, []byte("%PDF-1.4\n"+f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(secret, 0); err != nil {
		t.Fatal(err)
	}
	before := recState(t, path, pass)
	_, errs, code := recRunCLI(t, path, pass, false, "add", "--claim", "back-2026", "--kind", "receipt", good, secret)
	if want := "vault: " + secret + ": permission denied: the file cannot be read (nothing was added)\n"; code != 1 || errs != want {
		t.Errorf("exit %d, stderr %q; want %q", code, errs, want)
	}
	if recState(t, path, pass) != before {
		t.Error("an unreadable file among others added something")
	}
}

func TestRecordsFormatting(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "", 15 * time.Minute: "15m", time.Hour: "1h", 65 * time.Minute: "1h5m", 30 * time.Second: "30s", 90 * time.Second: "1m30s",
	} {
		if got := recFormatDuration(d); got != want {
			t.Errorf("recFormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	for in, want := range map[string]time.Duration{"15m": 15 * time.Minute, "15": 15 * time.Minute, "1h5m": 65 * time.Minute, "": 0} {
		if got, err := recParseDuration(in); err != nil || got != want {
			t.Errorf("recParseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"-5m", "25h", "soon", "1.5"} {
		if _, err := recParseDuration(in); err == nil {
			t.Errorf("recParseDuration(%q) accepted", in)
		}
	}
	if got := recCleanCell("a\tb\nc\x1b[31m"); got != "a b c[31m" {
		t.Errorf("recCleanCell = %q", got)
	}
}

func TestRecordsLongInputNotEchoed(t *testing.T) {
	path, pass := recTestVault(t, func(v *vault.Vault) error {
		_, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Acme"})
		return err
	})
	huge := strings.Repeat("A", 1<<20)
	before := recState(t, path, pass)
	for _, args := range [][]string{
		{"claim", "new", huge, "--insurer", "Acme"},
		{"claim", "show", huge},
		{"log-call", "--claim", "back-2026", "--rep", "x", "--summary", "y", "--at", huge},
		{"log-condition", "--claim", "back-2026", "--phase", huge},
		{"log-condition", "--claim", "back-2026", "--phase", "after", "--pain", huge},
		{"add", "--claim", "back-2026", "--kind", "receipt", "--amount", huge, "--text", "x"},
		{"add", "--claim", "back-2026", "--kind", "receipt", "--date", huge, "--text", "x"},
		{"list", "--kind", huge},
		{"show", huge},
	} {
		_, errs, code := recRunCLI(t, path, pass, false, args...)
		if code == 0 || !strings.HasPrefix(errs, "vault: ") || len(errs) > 300 || strings.Count(errs, "\n") != 1 {
			t.Errorf("%s ...: exit %d, %d bytes of stderr: %.200q", args[0], code, len(errs), errs)
		}
	}
	if recState(t, path, pass) != before {
		t.Error("the vault changed")
	}
}
