package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vault/vault"
	"vault/vault/integrity"
)

// The crash suite across commands: a vault command (the real binary, as
// testscript installs it on PATH) is killed with SIGKILL at a random moment
// while it adds a large file, removes one, changes the passphrase, sets a
// claim, exports, backs up or compacts. After every kill:
//   - the vault opens with the old or the new passphrase, never neither;
//   - verify --read-data is clean (unfinished adds aside, which the next
//     writable opening removes), and stays clean after that opening;
//   - every document is whole (its bytes are those of a file that was added)
//     or absent;
//   - an export or backup target is absent or whole (verify-bundle,
//     verify).
// The normal run kills each command once; VAULT_LONG_TESTS=1 kills each
// eight times (56 kills) with a 64 MiB file.

const (
	crashPass  = "correct horse battery staple"
	crashPass2 = "a new passphrase"
)

func crashLongRun() bool { return os.Getenv("VAULT_LONG_TESTS") == "1" }

// crashWorld is a folder with a template vault and the files it was given.
type crashWorld struct {
	dir, vault, pass, pass2 string
	template                []byte
	known                   map[string]bool // SHA-256 of every file added
	big                     string          // a large file to add
	bigID                   string          // a large document in the vault
}

func newCrashWorld(t *testing.T, size int) *crashWorld {
	t.Helper()
	dir := t.TempDir()
	w := &crashWorld{dir: dir, vault: filepath.Join(dir, "vault.db"), pass: filepath.Join(dir, "pass"), pass2: filepath.Join(dir, "pass2"), known: map[string]bool{}}
	for p, s := range map[string]string{w.pass: crashPass, w.pass2: crashPass2} {
		if err := os.WriteFile(p, []byte(s+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	file := func(name string, n int) string {
		p := filepath.Join(dir, name)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rand.Uint32())
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		w.known[hex.EncodeToString(sum[:])] = true
		return p
	}
	w.big = file("big.bin", size)
	kept := file("kept.bin", size/4)
	gone := file("gone.bin", size/4)
	for _, args := range [][]string{
		{"init", "--kdf-memory", "8", "--kdf-time", "1"},
		{"claim", "new", "knee-pt", "--insurer", "Acme Health"},
		{"add", "--claim", "knee-pt", "--kind", "eob", "--any-type", "--date", "2026-04-10", "--title", "kept", kept},
		{"add", "--claim", "knee-pt", "--kind", "eob", "--any-type", "--date", "2026-04-11", "--title", "gone", gone},
		{"add", "--claim", "knee-pt", "--kind", "receipt", "--date", "2026-03-04", "--amount", "85", "--text", "Receipt: 97110 x1"},
		{"log-call", "--claim", "knee-pt", "--rep", "Dana", "--summary", "asked for notes", "--ref", "R1"},
	} {
		w.mustRun(t, args...)
	}
	// The receipt's text is a known file too.
	sum := sha256.Sum256([]byte("Receipt: 97110 x1"))
	w.known[hex.EncodeToString(sum[:])] = true
	// Remove "gone" so that compaction has free pages to return.
	v := w.open(t, crashPass, true)
	items, _ := v.Items("")
	var goneID string
	for _, r := range items {
		if d, ok := r.(*vault.Document); ok {
			switch d.Title {
			case "gone":
				goneID = d.ID
			case "kept":
				w.bigID = d.ID
			}
		}
	}
	v.Close()
	w.mustRun(t, "rm", "--yes", goneID)
	var err error
	if w.template, err = os.ReadFile(w.vault); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *crashWorld) cmd(args ...string) *exec.Cmd {
	c := exec.Command("vault", append([]string{"--vault", w.vault, "--passphrase-file", w.pass}, args...)...)
	c.Dir = w.dir
	c.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(w.dir, "state"), "HOME="+w.dir, "VAULT_PATH=", "VAULT_PASSPHRASE_FILE=")
	return c
}

func (w *crashWorld) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c := w.cmd(args...)
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		t.Fatalf("vault %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

func (w *crashWorld) open(t *testing.T, pass string, readOnly bool) *vault.Vault {
	t.Helper()
	v, err := vault.Open(w.vault, vault.Secret{Passphrase: []byte(pass)}, vault.Options{ReadOnly: readOnly})
	if err != nil {
		t.Fatalf("open with %q: %v", pass, err)
	}
	return v
}

// reset puts the template vault back and removes every output.
func (w *crashWorld) reset(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(w.vault, w.template, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"out.zip", "out.db", "state"} {
		os.RemoveAll(filepath.Join(w.dir, name))
	}
}

type crashCommand struct {
	name string
	args func(w *crashWorld) []string
	// newPass: the command may leave the vault under crashPass2.
	newPass bool
}

func crashCommands() []crashCommand {
	return []crashCommand{
		{name: "add a large file", args: func(w *crashWorld) []string {
			return []string{"add", "--claim", "knee-pt", "--kind", "eob", "--any-type", "--date", "2026-04-12", w.big}
		}},
		{name: "rm a large document", args: func(w *crashWorld) []string { return []string{"rm", "--yes", w.bigID} }},
		{name: "passwd", args: func(w *crashWorld) []string { return []string{"passwd", "--new-passphrase-file", w.pass2} }, newPass: true},
		{name: "claim set", args: func(w *crashWorld) []string {
			return []string{"claim", "set", "knee-pt", "--status", "submitted", "--billed", "420", "--claim-number", "C-1"}
		}},
		{name: "export", args: func(w *crashWorld) []string { return []string{"export", "--claim", "knee-pt", "-o", "out.zip"} }},
		{name: "backup", args: func(w *crashWorld) []string { return []string{"backup", "out.db"} }},
		{name: "compact", args: func(w *crashWorld) []string { return []string{"compact"} }},
	}
}

func TestCrashEveryCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash suite runs without -short")
	}
	if _, err := exec.LookPath("vault"); err != nil {
		t.Skip("the vault command is not on PATH")
	}
	size, kills := 8<<20, 1
	if crashLongRun() {
		size, kills = 64<<20, 8
	}
	w := newCrashWorld(t, size)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	total := 0
	for _, cc := range crashCommands() {
		t.Run(cc.name, func(t *testing.T) {
			// How long the command takes when left alone.
			w.reset(t)
			start := time.Now()
			w.mustRun(t, cc.args(w)...)
			full := time.Since(start)
			// Kill until the process was really killed (not finished)
			// kills times, within a bound on attempts.
			for i, done := 0, 0; done < kills && i < 4*kills; i++ {
				w.reset(t)
				delay := time.Duration(rng.Int64N(int64(full) * 9 / 10))
				c := w.cmd(cc.args(w)...)
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(delay)
				c.Process.Kill()
				killed := c.Wait() != nil
				if killed {
					done++
					total++
				}
				t.Logf("attempt %d: kill after %v of %v (killed: %v)", i, delay.Round(time.Millisecond), full.Round(time.Millisecond), killed)
				w.checkAfterKill(t, cc)
			}
		})
	}
	t.Logf("%d processes killed", total)
}

// checkAfterKill checks the vault and the outputs after a kill.
func (w *crashWorld) checkAfterKill(t *testing.T, cc crashCommand) {
	t.Helper()
	pass := crashPass
	v, err := vault.Open(w.vault, vault.Secret{Passphrase: []byte(pass)}, vault.Options{ReadOnly: true})
	if errors.Is(err, vault.ErrWrongSecret) && cc.newPass {
		pass = crashPass2
		v, err = vault.Open(w.vault, vault.Secret{Passphrase: []byte(pass)}, vault.Options{ReadOnly: true})
		t.Log("the vault opens with the new passphrase")
	}
	if err != nil {
		t.Fatalf("the vault does not open with either passphrase: %v", err)
	}
	w.checkVault(t, v, "after the kill")
	v.Close()
	// The next writable opening removes unfinished adds; all stays sound.
	v = w.open(t, pass, false)
	v.Close()
	v = w.open(t, pass, true)
	rep := w.checkVault(t, v, "after a writable opening")
	if rep.Pending != 0 {
		t.Errorf("%d unfinished documents after a writable opening", rep.Pending)
	}
	v.Close()
	if _, err := os.Stat(filepath.Join(w.dir, "out.zip")); err == nil {
		c := exec.Command("vault", "verify-bundle", filepath.Join(w.dir, "out.zip"))
		if out, err := c.CombinedOutput(); err != nil {
			t.Errorf("a half-written export: %v\n%s", err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(w.dir, "out.db")); err == nil {
		b, err := vault.Open(filepath.Join(w.dir, "out.db"), vault.Secret{Passphrase: []byte(pass)}, vault.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("a backup that does not open: %v", err)
		}
		rep, err := integrity.Verify(b, integrity.Options{ReadData: true})
		b.Close()
		if err != nil || !rep.OK() {
			t.Errorf("a half-written backup: %v %v", err, rep.Problems)
		}
	}
	// Last: the rerun replaces the outputs checked above.
	w.checkNoTempsAfterRerun(t, cc)
}

// checkNoTempsAfterRerun: a backup or compaction killed midway may leave its
// temporary file; the next one (of the same target) removes it.
func (w *crashWorld) checkNoTempsAfterRerun(t *testing.T, cc crashCommand) {
	t.Helper()
	var kind string
	var args []string
	switch cc.name {
	case "backup":
		kind, args = ".vault-backup-", []string{"backup", "--force", "out.db"}
	case "compact":
		kind, args = ".vault-compact-", []string{"compact"}
	default:
		return
	}
	w.mustRun(t, args...)
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), kind) {
			t.Errorf("the %s after a kill left %s", cc.name, e.Name())
		}
	}
}

func (w *crashWorld) checkVault(t *testing.T, v *vault.Vault, when string) *integrity.Report {
	t.Helper()
	rep, err := integrity.Verify(v, integrity.Options{ReadData: true})
	if err != nil {
		t.Fatalf("%s: verify: %v", when, err)
	}
	for _, p := range rep.Problems {
		t.Errorf("%s: %s", when, p)
	}
	items, err := v.Items("")
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	for _, r := range items {
		d, ok := r.(*vault.Document)
		if !ok {
			continue
		}
		var buf bytes.Buffer
		if err := v.ReadDocument(d, &buf); err != nil {
			t.Errorf("%s: document %s: %v", when, d.ID, err)
			continue
		}
		sum := sha256.Sum256(buf.Bytes())
		if !w.known[hex.EncodeToString(sum[:])] {
			t.Errorf("%s: document %s (%q) holds %d bytes that are no file ever added", when, d.ID, d.Title, buf.Len())
		}
	}
	return rep
}
