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
	"vault/store"
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
	if _, err := vault.Init(path, []byte(recTestPass), vault.InitOptions{KDF: crypto.MinKDF(), Now: now}); err != nil {
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
		{"rm", "--yes", "abcd"},
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
	var escaped []*vault.Document
	path, pass := recTestVault(t, func(v *vault.Vault) error {
		c, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Acme"})
		if err != nil {
			return err
		}
		docs, _, err := v.AddDocuments(c, []vault.NewDocument{
			{Kind: "receipt", FileName: "r.pdf", Open: recReader("%PDF-1.4\n\x00\x01binary\n")},
			{Kind: "clinical-note", FileName: "n.txt", Open: recReader("Session note.\n")},
			{Kind: "clinical-note", FileName: "esc.txt", Open: recReader("Visit 3 notes\n\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x1b\\\n\x1b[2J")},
			{Kind: "clinical-note", FileName: "c1.txt", Open: recReader("Visit 4\r\n\tpain 4\xc2\x9b2J\n")},
		}, vault.AddOptions{})
		if err != nil {
			return err
		}
		pdf, note = docs[0], docs[1]
		escaped = docs[2:]
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
	// Text with escape sequences (OSC 52 writes the clipboard; CSI as a C1
	// character) is refused to a terminal, and goes to a pipe or -o.
	for _, d := range escaped {
		if !vault.IsText(d.MediaType) {
			t.Fatalf("%s is stored as %s: the test needs text", d.FileName, d.MediaType)
		}
		out, errs, code := recRunCLI(t, path, pass, true, "get", d.ID)
		want := "vault: " + d.ID + " holds control characters (terminal escape sequences) that could take over the terminal: write it to a file with -o FILE\n"
		if code != 1 || out != "" || errs != want {
			t.Errorf("escapes to a terminal: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		if out, _, code := recRunCLI(t, path, pass, false, "get", d.ID); code != 0 || !strings.HasPrefix(out, "Visit") {
			t.Errorf("escapes to a pipe: exit %d, %q", code, out)
		}
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

func TestRecordsFormatSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{1<<20 - 52, "1023.9 KiB"},
		{1<<20 - 1, "1.0 MiB"}, // rounds to 1024.0 KiB: the next unit
		{1 << 20, "1.0 MiB"},
		{5*1<<20 + 1<<19, "5.5 MiB"},
		{1<<30 - 1, "1.0 GiB"},
		{1 << 30, "1.0 GiB"},
		{3 * 1 << 29, "1.5 GiB"},
		{1 << 40, "1.0 TiB"},
		{5 * 1 << 40, "5.0 TiB"},
		{1 << 50, "1024.0 TiB"}, // no unit beyond TiB
	} {
		if got := recFormatSize(tc.n); got != tc.want {
			t.Errorf("recFormatSize(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestRecordsFieldErrorsAreUsage checks that a value the vault refuses is a
// usage error (exit 2) naming the flag where the message alone would not,
// while a refusal that is no malformed value (a taken name) exits 1.
func TestRecordsFieldErrorsAreUsage(t *testing.T) {
	var docID string
	path, pass := recTestVault(t, func(v *vault.Vault) error {
		c, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Acme"})
		if err != nil {
			return err
		}
		docs, _, err := v.AddDocuments(c, []vault.NewDocument{{Kind: "receipt", FileName: "r.pdf", Open: recReader("%PDF-1.4\n")}}, vault.AddOptions{})
		if err == nil {
			docID = docs[0].ID
		}
		return err
	})
	before := recState(t, path, pass)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"claim", "new", "Neck", "--insurer", "X"}, 2, `vault: bad claim name "Neck": use lowercase letters, digits and dashes, such as back-2026`},
		{[]string{"claim", "new", "neck", "--insurer", " "}, 2, "vault: claim neck needs an insurer: give --insurer NAME"},
		{[]string{"claim", "new", "neck", "--insurer", "X", "--plan", "hmo"}, 2, `vault: --plan: unknown plan "hmo" (did you mean hsa?)`},
		{[]string{"claim", "new", "neck", "--insurer", "X", "--npi", "123"}, 2, `vault: --npi: bad NPI "123"`},
		{[]string{"claim", "new", "neck", "--insurer", "X", "--diagnosis", "M5"}, 2, `vault: --diagnosis: bad ICD-10 code "M5"`},
		{[]string{"claim", "new", "neck", "--insurer", "X\x1b[31m"}, 2, "vault: insurer has a control character (U+001B): type it as plain text"},
		{[]string{"claim", "set", "back-2026", "--plan", "medicar"}, 2, `vault: --plan: unknown plan "medicar" (did you mean medicare?)`},
		{[]string{"claim", "set", "back-2026", "--diagnosis", "M54."}, 2, `vault: --diagnosis: bad ICD-10 code "M54."`},
		{[]string{"claim", "set", "back-2026", "--patient", "Jane\nDoe"}, 2, "vault: patient has a line break: type it on one line"},
		{[]string{"add", "--claim", "back-2026", "--kind", "other", "--title", "a\x1bb", "--text", "x"}, 2, "vault: the typed text: title has a control character (U+001B)"},
		{[]string{"edit", docID, "--name", "../../etc/x\x1b[31m"}, 2, "vault: file name has a control character (U+001B): type it as plain text"},
		{[]string{"edit", docID, "--title", "caf\xe9"}, 2, "vault: title is not valid UTF-8 text"},
		{[]string{"log-call", "--claim", "back-2026", "--rep", "Dana\x9b", "--summary", "x"}, 2, "vault: representative is not valid UTF-8 text"},
		{[]string{"log-call", "--claim", "back-2026", "--rep", "Dana", "--summary", "x\u009b2J"}, 2, "vault: summary has a control character (U+009B)"},
		{[]string{"log-condition", "--claim", "back-2026", "--phase", "after", "--text", "\x1b[2J"}, 2, "vault: text has a control character (U+001B)"},
		{[]string{"claim", "new", "back-2026", "--insurer", "X"}, 1, "vault: a claim named back-2026 already exists"},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			out, errs, code := recRunCLI(t, path, pass, false, tc.args...)
			if code != tc.code || out != "" || !strings.HasPrefix(errs, tc.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errs, tc.code, tc.want)
			}
			if strings.ContainsAny(errs, "\x1b\x9b\xe9") {
				t.Errorf("stderr carries raw control or non-UTF-8 bytes: %q", errs)
			}
		})
	}
	if recState(t, path, pass) != before {
		t.Error("a refused command changed the vault")
	}
}

// TestRecordsWriteFileAtomic checks get -o's writer: a file that appears
// at the destination while the document is written is never replaced
// without --force, and nothing is left behind.
func TestRecordsWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "out.pdf")
	appear := func(f *os.File) error {
		if err := os.WriteFile(dst, []byte("theirs"), 0o600); err != nil {
			return err
		}
		_, err := f.WriteString("ours")
		return err
	}
	err := recWriteFileAtomic(dst, "", false, appear)
	if err == nil || err.Error() != dst+" already exists: nothing was written (give --force to overwrite it)" {
		t.Errorf("without --force: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "theirs" {
		t.Errorf("the file that appeared holds %q", b)
	}
	if err := recWriteFileAtomic(dst, "", true, appear); err != nil {
		t.Fatalf("with --force: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "ours" {
		t.Errorf("with --force the file holds %q", b)
	}
	st, err := os.Stat(dst)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
	// A failed write leaves no partial file and no temporary file.
	failed := filepath.Join(dir, "failed.pdf")
	if err := recWriteFileAtomic(failed, "", false, func(f *os.File) error {
		f.WriteString("part")
		return io.ErrUnexpectedEOF
	}); err != io.ErrUnexpectedEOF {
		t.Errorf("failed write: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "out.pdf" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the folder holds %v, want only out.pdf", names)
	}
}

// TestRecStdin: standard input given to add stays open after the document
// is stored, and stays a file (so it is read ahead) when it is one.
func TestRecStdin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, []byte("abcdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rc := recStdin(f)
	if _, ok := rc.(store.InputFile); !ok {
		t.Fatalf("recStdin of a file gave %T, which store.ReadInput cannot read ahead", rc)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(rc, buf); err != nil || string(buf) != "abc" {
		t.Fatalf("read %q, %v", buf, err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(f, buf); err != nil || string(buf) != "def" {
		t.Fatalf("after Close, standard input read %q, %v: it was closed", buf, err)
	}
	if rc := recStdin(strings.NewReader("x")); rc.Close() != nil {
		t.Error("recStdin of a reader: Close failed")
	}
}

// TestRecordsRmConfirm: on a terminal, rm shows what will go (kind, date,
// title) and removes only on yes.
func TestRecordsRmConfirm(t *testing.T) {
	var docID string
	path, pass := recTestVault(t, func(v *vault.Vault) error {
		cl, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Acme Health"})
		if err != nil {
			return err
		}
		docs, _, err := v.AddDocuments(cl, []vault.NewDocument{{Kind: "receipt", Date: "2026-03-04", Title: "Visit 1", FileName: "r.txt", Open: recReader("receipt")}}, vault.AddOptions{})
		if err == nil {
			docID = docs[0].ID
		}
		return err
	})
	ask := func(answer string) (string, string, int) {
		var out, errb bytes.Buffer
		e := &env{
			stdin: strings.NewReader(answer), stdout: &out, stderr: &errb,
			getenv: func(string) string { return "" }, now: func() time.Time { return recTestNow },
			openTTY:         func() (*os.File, error) { return nil, os.ErrNotExist },
			stdinIsTerminal: true,
		}
		code := run([]string{"vault", "--vault", path, "--passphrase-file", pass, "rm", docID}, e)
		return out.String(), errb.String(), code
	}
	question := "Remove receipt " + docID + " of 2026-03-04 (Visit 1)? The history keeps its metadata; a document's bytes are gone. [y/N] "
	for _, no := range []string{"n\n", "\n", "", "yes please\n"} {
		before := recState(t, path, pass)
		out, errs, code := ask(no)
		if code != 0 || !strings.HasPrefix(errs, question) || out != "Nothing was removed\n" {
			t.Errorf("answer %q: exit %d, stdout %q, stderr %q", no, code, out, errs)
		}
		if recState(t, path, pass) != before {
			t.Errorf("answer %q removed something", no)
		}
	}
	out, errs, code := ask("Y\n")
	if code != 0 || errs != question || !strings.HasPrefix(out, "Removed receipt "+docID) {
		t.Errorf("answer Y: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
