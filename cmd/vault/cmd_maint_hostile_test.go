package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vault/store"
	"vault/vault"
)

// The hostile-input table: bad input of every kind given to every command.
// Each must end with exactly one line on stderr, "vault: ...", saying what
// was wrong; a non-zero exit; no panic or stack trace; and the vault file
// byte-for-byte unchanged. Commands run in this process (run), except where
// the operating system has to refuse something (a full disk).

// hostileVault is a vault holding a claim with a document and a call.
type hostileVault struct {
	dir, path, pass string
	docID           string
	getenv          func(string) string
}

func newHostileVault(t *testing.T) *hostileVault {
	t.Helper()
	dir := t.TempDir()
	h := &hostileVault{dir: dir, path: filepath.Join(dir, "vault.db"), pass: filepath.Join(dir, "pass")}
	if err := os.WriteFile(h.pass, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"HOME": dir, "XDG_STATE_HOME": filepath.Join(dir, "state"), "XDG_DATA_HOME": filepath.Join(dir, "data")}
	h.getenv = func(k string) string { return vars[k] }
	for _, args := range [][]string{
		{"init", "--kdf-memory", "8", "--kdf-time", "1"},
		{"claim", "new", "knee-pt", "--insurer", "Acme Health"},
		{"claim", "new", "empty-claim", "--insurer", "Acme Health"},
		{"add", "--claim", "knee-pt", "--kind", "receipt", "--date", "2026-03-04", "--amount", "85", "--text", "Receipt: 97110 x1"},
		{"log-call", "--claim", "knee-pt", "--rep", "Dana", "--summary", "asked for notes", "--ref", "R1"},
	} {
		if _, stderr, code := h.run(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
	}
	v, err := vault.Open(h.path, vault.Secret{Passphrase: []byte("correct horse battery staple")}, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	items, err := v.Items("")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range items {
		if r.RecordType() == vault.TypeDocument {
			h.docID = r.RecordID()
		}
	}
	return h
}

// run runs the CLI in this process against the vault.
func (h *hostileVault) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: h.getenv,
		now:     func() time.Time { return time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC) },
		openTTY: func() (*os.File, error) { return nil, os.ErrNotExist },
	}
	argv := append([]string{"vault", "--vault", h.path, "--passphrase-file", h.pass}, args...)
	done := make(chan int, 1)
	go func() { done <- run(argv, e) }()
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%q hangs", args)
	}
	return out.String(), errb.String(), code
}

func TestHostileInput(t *testing.T) {
	if testing.Short() {
		t.Skip("the hostile-input table runs without -short")
	}
	h := newHostileVault(t)
	d := h.dir
	write := func(name, content string) string {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("exists.out", "an earlier file")
	write("empty-pass", "")
	write("notes.txt", "just notes, not a vault")
	write("not-a-zip.zip", "PK but not really")
	if err := os.Mkdir(filepath.Join(d, "folder"), 0o700); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(d, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("A", 10<<20)
	doc := h.docID
	cases := []struct {
		name string
		args []string
		want string // a part of the one stderr line
	}{
		// Commands and flags.
		{"unknown command", []string{"bogus"}, "bogus"},
		{"unknown flag", []string{"list", "--bogus"}, "flag provided but not defined"},
		{"flag without its value", []string{"list", "--kind"}, "flag needs an argument"},
		// Claims.
		{"claim new without a name", []string{"claim", "new", "--insurer", "Acme"}, ""},
		{"claim new without an insurer", []string{"claim", "new", "back-2026"}, "insurer"},
		{"claim new: the name exists", []string{"claim", "new", "knee-pt", "--insurer", "Acme"}, "knee-pt"},
		{"claim new: control characters", []string{"claim", "new", "knee\x1b[31mred", "--insurer", "Acme"}, ""},
		{"claim new: not UTF-8", []string{"claim", "new", "kn\xffee", "--insurer", "Acme"}, ""},
		{"claim new: a 10 MB name", []string{"claim", "new", huge, "--insurer", "Acme"}, ""},
		{"claim new: bad NPI", []string{"claim", "new", "hip", "--insurer", "Acme", "--npi", "12345"}, "NPI"},
		{"claim set: unknown claim", []string{"claim", "set", "nope", "--status", "submitted"}, "nope"},
		{"claim set: bad status", []string{"claim", "set", "knee-pt", "--status", "bogus"}, "bogus"},
		{"claim set: bad amount", []string{"claim", "set", "knee-pt", "--billed", "12.345"}, "12.345"},
		{"claim set: negative amount", []string{"claim", "set", "knee-pt", "--paid", "-5"}, ""},
		{"claim set: impossible date", []string{"claim", "set", "knee-pt", "--status", "submitted", "--on", "2026-02-30"}, "2026-02-30"},
		{"claim set: visits not a number", []string{"claim", "set", "knee-pt", "--visits", "many"}, "many"},
		// Adding documents.
		{"add without --claim", []string{"add", "--kind", "receipt", "--text", "x"}, "claim"},
		// Issue 12's paths: outputs over the vault, dates out of range,
		// text files, types that run when opened.
		{"get over the vault", []string{"get", doc, "-o", h.path, "--force"}, "is the vault itself: choose another file"},
		{"export over the vault", []string{"export", "--claim", "knee-pt", "-o", h.path, "--force"}, "is the vault itself: choose another file"},
		{"backup over the vault", []string{"backup", h.path, "--force"}, "is the vault itself: choose another file"},
		{"year 0000", []string{"claim", "set", "knee-pt", "--status", "submitted", "--on", "0000-01-01"}, "out of range"},
		{"year 9999", []string{"add", "--claim", "knee-pt", "--kind", "denial", "--date", "9999-12-31", "--text", "x"}, "out of range"},
		{"summary and summary file", []string{"log-call", "--claim", "knee-pt", "--rep", "D", "--summary", "x", "--summary-file", "notes.txt"}, "not both"},
		{"summary file a folder", []string{"log-call", "--claim", "knee-pt", "--rep", "D", "--summary-file", filepath.Join(d, "folder")}, "folder"},
		{"text file missing", []string{"add", "--claim", "knee-pt", "--kind", "clinical-note", "--text-file", filepath.Join(d, "missing")}, "missing"},
		{"script by name", []string{"add", "--claim", "knee-pt", "--kind", "other", write("run.sh", "echo hi\n")}, "is a script"},
		{"svg with a script", []string{"add", "--claim", "knee-pt", "--kind", "other", write("c.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>`)}, "markup with a script"},
		{"add to an unknown claim", []string{"add", "--claim", "nope", "--kind", "receipt", "--text", "x"}, "nope"},
		{"add: bad kind", []string{"add", "--claim", "knee-pt", "--kind", "bogus", "--text", "x"}, "bogus"},
		{"add: bad date", []string{"add", "--claim", "knee-pt", "--kind", "receipt", "--date", "31/12/2026", "--text", "x"}, "31/12/2026"},
		{"add: bad amount", []string{"add", "--claim", "knee-pt", "--kind", "receipt", "--amount", "abc", "--text", "x"}, "abc"},
		{"add: missing file", []string{"add", "--claim", "knee-pt", "--kind", "eob", filepath.Join(d, "nope.pdf")}, "nope.pdf"},
		{"add: a folder", []string{"add", "--claim", "knee-pt", "--kind", "eob", filepath.Join(d, "folder")}, "folder"},
		{"add: a FIFO", []string{"add", "--claim", "knee-pt", "--kind", "eob", fifo}, "not a regular file"},
		{"add: /dev/zero", []string{"add", "--claim", "knee-pt", "--kind", "eob", "/dev/zero"}, "not a regular file"},
		{"add: a 10 MB title", []string{"add", "--claim", "knee-pt", "--kind", "receipt", "--title", huge, "--text", "x"}, ""},
		{"add: empty stdin under a traversing name", []string{"add", "--claim", "knee-pt", "--kind", "receipt", "--name", "../../etc/passwd", "-"}, "empty"},
		{"add: amount with a decimal comma", []string{"add", "--claim", "knee-pt", "--kind", "receipt", "--amount", "1,5", "--text", "x"}, "1,5"},
		{"add: nothing to add", []string{"add", "--claim", "knee-pt", "--kind", "receipt"}, ""},
		// Calls and condition notes.
		{"log-call without a summary", []string{"log-call", "--claim", "knee-pt", "--rep", "Dana"}, "summary"},
		{"log-call: bad time", []string{"log-call", "--claim", "knee-pt", "--rep", "Dana", "--summary", "s", "--at", "yesterday at noon"}, "yesterday at noon"},
		{"log-call: bad duration", []string{"log-call", "--claim", "knee-pt", "--rep", "Dana", "--summary", "s", "--duration", "forever"}, "forever"},
		{"log-condition: bad phase", []string{"log-condition", "--claim", "knee-pt", "--phase", "sometime", "--text", "t"}, "sometime"},
		{"log-condition: pain 11", []string{"log-condition", "--claim", "knee-pt", "--phase", "before", "--pain", "11"}, "11"},
		// Looking things up.
		{"list: bad kind", []string{"list", "--kind", "bogus"}, "bogus"},
		{"show: ID too short", []string{"show", "ab"}, "too short"},
		{"show: no such ID", []string{"show", "zzzzzzzz"}, "zzzzzzzz"},
		{"show: path in place of an ID", []string{"show", "../../etc/passwd"}, "not a record ID"},
		{"search without text", []string{"search"}, ""},
		{"get: no such ID", []string{"get", "zzzzzzzz", "-o", filepath.Join(d, "x.out")}, "zzzzzzzz"},
		{"get: output in a missing folder", []string{"get", doc, "-o", filepath.Join(d, "no", "such", "x.out")}, ""},
		{"get: output exists", []string{"get", doc, "-o", filepath.Join(d, "exists.out")}, "exists.out"},
		{"get: output is a folder", []string{"get", doc, "-o", filepath.Join(d, "folder")}, "folder"},
		// Changing and removing.
		{"edit: bad amount", []string{"edit", doc, "--amount", "1,5"}, "1,5"},
		{"edit: unknown claim", []string{"edit", doc, "--claim", "nope"}, "nope"},
		{"rm: no such ID", []string{"rm", "--yes", "zzzzzzzz"}, "zzzzzzzz"},
		{"rm: a claim with items", []string{"rm", "--yes", "knee-pt"}, ""},
		{"rm without an ID", []string{"rm"}, ""},
		{"history: extra argument", []string{"history", "extra", "more"}, ""},
		// Requests and exports.
		{"request add: bad due date", []string{"request", "add", "--claim", "knee-pt", "--due", "soon"}, "soon"},
		{"export without -o", []string{"export", "--claim", "knee-pt"}, ""},
		{"export: unknown claim", []string{"export", "--claim", "nope", "-o", filepath.Join(d, "b.zip")}, "nope"},
		{"export: output exists", []string{"export", "--claim", "knee-pt", "-o", filepath.Join(d, "exists.out")}, "exists.out"},
		{"export: bad --on date", []string{"export", "--claim", "knee-pt", "--on", "2026-13-01", "-o", filepath.Join(d, "b.zip")}, "2026-13-01"},
		{"verify-bundle: not a zip", []string{"verify-bundle", filepath.Join(d, "not-a-zip.zip")}, ""},
		{"verify-bundle: missing file", []string{"verify-bundle", filepath.Join(d, "nope.zip")}, "nope.zip"},
		{"check: unknown claim", []string{"check", "--claim", "nope"}, "nope"},
		// Maintenance.
		{"verify: extra argument", []string{"verify", "x"}, "no arguments"},
		{"backup without OUT", []string{"backup"}, "OUT"},
		{"backup over an existing file", []string{"backup", filepath.Join(d, "exists.out")}, "--force"},
		{"backup over the vault", []string{"backup", "--force", h.path}, "the vault itself"},
		{"compact: extra argument", []string{"compact", "x"}, "no arguments"},
		// Secrets and vault paths.
		{"passwd: empty new passphrase", []string{"passwd", "--new-passphrase-file", filepath.Join(d, "empty-pass")}, "empty"},
		{"passwd: missing new passphrase file", []string{"passwd", "--new-passphrase-file", filepath.Join(d, "nope")}, "nope"},
		{"init over the vault", []string{"init", "--kdf-memory", "8", "--kdf-time", "1"}, "already exists"},
		{"wrong passphrase", []string{"--passphrase-file", filepath.Join(d, "notes.txt"), "list"}, "wrong passphrase"},
		{"empty passphrase file", []string{"--passphrase-file", filepath.Join(d, "empty-pass"), "list"}, "empty"},
		{"missing passphrase file", []string{"--passphrase-file", filepath.Join(d, "nope"), "list"}, "nope"},
		{"vault path is a folder", []string{"--vault", filepath.Join(d, "folder"), "list"}, "folder"},
		{"vault path is not a vault", []string{"--vault", filepath.Join(d, "notes.txt"), "list"}, "not a vault file"},
		{"vault path does not exist", []string{"--vault", filepath.Join(d, "nope.db"), "list"}, "no vault at"},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := h.snapshot(t)
			_, stderr, code := h.run(t, c.args...)
			checkOneLineError(t, stderr, code, c.want)
			if after := h.snapshot(t); after != before {
				t.Errorf("the vault changed:\n%s\n%s", before, after)
			}
		})
	}
}

// snapshot describes what the vault holds: its generation and history head
// (every change moves them) and every key and value of its records, chunks
// and pending buckets. A failed command may leave the file's bytes changed
// (bbolt reuses pages), never this.
func (h *hostileVault) snapshot(t *testing.T) string {
	t.Helper()
	v, err := vault.Open(h.path, vault.Secret{Passphrase: []byte("correct horse battery staple")}, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	st := v.State()
	sum := sha256.New()
	err = v.Store().View(func(tx *store.Tx) error {
		for _, b := range []string{store.BucketHeader, store.BucketRecords, store.BucketChunks, store.BucketPending, store.BucketHistory} {
			err := tx.Bolt().Bucket([]byte(b)).ForEach(func(k, v []byte) error {
				fmt.Fprintf(sum, "%s/%x=%x;", b, k, v)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("generation %d, %d history entries, head %s, contents %x", st.Generation, st.HistoryLen, st.HistoryHead, sum.Sum(nil))
}

func checkOneLineError(t *testing.T, stderr string, code int, want string) {
	t.Helper()
	if code == 0 {
		t.Errorf("exit status 0 (stderr %q)", shorten(stderr))
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	var errs []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "vault: warning:") {
			errs = append(errs, l)
		}
	}
	switch {
	case len(errs) != 1 || !strings.HasSuffix(stderr, "\n"):
		t.Errorf("want one error line, got %q", shorten(stderr))
	case !strings.HasPrefix(errs[0], "vault: "):
		t.Errorf("error line does not start with \"vault: \": %q", shorten(errs[0]))
	case len(errs[0]) > 2000:
		t.Errorf("error line of %d bytes (it echoes the input?): %q", len(errs[0]), shorten(errs[0]))
	case strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine "):
		t.Errorf("a panic: %q", shorten(stderr))
	case want != "" && !strings.Contains(errs[0], want):
		t.Errorf("error %q does not mention %q", shorten(errs[0]), want)
	}
}

func shorten(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// TestHostileInputFromTheSystem: a read-only vault file, and a full disk
// (the file size limit of a child process, which makes growing the vault
// file fail with EFBIG as a full disk fails with ENOSPC).
func TestHostileInputFromTheSystem(t *testing.T) {
	if testing.Short() {
		t.Skip("runs without -short")
	}
	h := newHostileVault(t)
	t.Run("read-only vault file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root may write a read-only file")
		}
		if err := os.Chmod(h.path, 0o400); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(h.path, 0o600)
		before, _ := os.ReadFile(h.path)
		_, stderr, code := h.run(t, "add", "--claim", "knee-pt", "--kind", "receipt", "--text", "x")
		checkOneLineError(t, stderr, code, "permission denied")
		if after, _ := os.ReadFile(h.path); !bytes.Equal(before, after) {
			t.Error("the vault file changed")
		}
	})
	t.Run("full disk", func(t *testing.T) {
		bin, err := exec.LookPath("vault")
		if err != nil {
			t.Skip("the vault command is not on PATH")
		}
		sh, err := exec.LookPath("sh")
		if err != nil {
			t.Skip("no sh")
		}
		big := filepath.Join(h.dir, "big.bin")
		data := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
		if err := os.WriteFile(big, data, 0o600); err != nil {
			t.Fatal(err)
		}
		before := h.snapshot(t)
		file, _ := os.ReadFile(h.path)
		// ulimit -f counts blocks of 512 or 1024 bytes depending on the
		// shell; either way the vault can grow by far less than 4 MiB.
		limit := strconv.Itoa(len(file)/512 + 64)
		cmd := exec.Command(sh, "-c", `ulimit -f "$1" && exec "$2" --vault "$3" --passphrase-file "$4" add --claim knee-pt --kind eob --any-type "$5"`,
			"sh", limit, bin, h.path, h.pass, big)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(h.dir, "state"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		checkOneLineError(t, stderr.String(), code, "")
		// The file may have grown (bbolt grows it before writing) but the
		// vault holds what it held, and verifies.
		if after := h.snapshot(t); after != before {
			t.Errorf("the vault changed:\n%s\n%s", before, after)
		}
		if _, verr, vcode := h.run(t, "verify", "--read-data"); vcode != 0 {
			t.Errorf("verify after the failed add: %s", verr)
		}
	})
}
