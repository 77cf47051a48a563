package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vault/vault"
	"vault/vault/integrity"
)

// Concurrency: two vault processes at once. Writers hold an exclusive lock,
// readers a shared one; a process that cannot get the lock waits two seconds
// and then fails with "the vault is in use". Whatever the timing: each
// process either succeeds or ends with that one line, the vault verifies,
// and no output is half-written.

const inUseLine = "vault: the vault is in use by another vault process\n"

// started is a vault process running in the background.
type started struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func (w *crashWorld) start(t *testing.T, args ...string) *started {
	t.Helper()
	s := &started{cmd: w.cmd(args...)}
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}

// wait returns whether the process succeeded; a failure must be the in-use
// line and nothing else.
func (s *started) wait(t *testing.T, what string) bool {
	t.Helper()
	err := s.cmd.Wait()
	if err == nil {
		return true
	}
	if s.stderr.String() != inUseLine {
		t.Errorf("%s failed with %v and stderr %q, want success or %q", what, err, s.stderr.String(), inUseLine)
	}
	return false
}

func (w *crashWorld) verifyAll(t *testing.T) {
	t.Helper()
	v := w.open(t, crashPass, true)
	defer v.Close()
	w.checkVault(t, v, "afterwards")
}

func TestConcurrency(t *testing.T) {
	if testing.Short() {
		t.Skip("the concurrency tests run without -short")
	}
	if _, err := exec.LookPath("vault"); err != nil {
		t.Skip("the vault command is not on PATH")
	}
	w := newCrashWorld(t, 32<<20)
	for _, c := range []struct {
		name string
		fn   func(*testing.T, *crashWorld)
	}{
		{"two writers", concurrentWriters},
		{"a reader while a writer holds the vault", readerWhileWriting},
		{"a backup during a large add", backupDuringLargeAdd},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.reset(t)
			c.fn(t, w)
		})
	}
}

func concurrentWriters(t *testing.T, w *crashWorld) {
	a := w.start(t, "add", "--claim", "knee-pt", "--kind", "eob", "--any-type", "--date", "2026-04-12", "--title", "first", w.big)
	b := w.start(t, "log-call", "--claim", "knee-pt", "--rep", "Sam", "--summary", "second writer", "--ref", "R2")
	okA, okB := a.wait(t, "the add"), b.wait(t, "the second writer")
	t.Logf("add succeeded: %v; log-call succeeded: %v", okA, okB)
	if !okA && !okB {
		t.Error("neither writer succeeded")
	}
	out := w.mustRun(t, "list")
	if okA != strings.Contains(out, "first") || okB != strings.Contains(out, "second writer") {
		t.Errorf("add ok %v, log-call ok %v, but the vault lists:\n%s", okA, okB, out)
	}
	w.verifyAll(t)
}

func readerWhileWriting(t *testing.T, w *crashWorld) {
	a := w.start(t, "add", "--claim", "knee-pt", "--kind", "eob", "--any-type", "--date", "2026-04-12", "--title", "first", w.big)
	time.Sleep(50 * time.Millisecond)
	r := w.start(t, "list")
	okR := r.wait(t, "the reader")
	okA := a.wait(t, "the add")
	t.Logf("reader succeeded: %v (after the add: %v)", okR, strings.Contains(r.stdout.String(), "first"))
	if !okA {
		t.Error("the writer, first to open, failed")
	}
	if okR && !strings.Contains(r.stdout.String(), "kept") {
		t.Errorf("the reader succeeded but listed:\n%s", r.stdout.String())
	}
	w.verifyAll(t)
}

// backupDuringLargeAdd: a backup started while a large document is being
// added waits for it (and holds it whole) or says the vault is in use; it
// never writes a partial copy.
func backupDuringLargeAdd(t *testing.T, w *crashWorld) {
	a := w.start(t, "add", "--claim", "knee-pt", "--kind", "eob", "--any-type", "--date", "2026-04-12", "--title", "first", w.big)
	time.Sleep(50 * time.Millisecond)
	b := w.start(t, "backup", "out.db")
	okB := b.wait(t, "the backup")
	okA := a.wait(t, "the add")
	t.Logf("backup succeeded: %v", okB)
	if !okA {
		t.Error("the add, first to open, failed")
	}
	out := filepath.Join(w.dir, "out.db")
	if !okB {
		if _, err := os.Stat(out); err == nil {
			t.Error("a failed backup left its target")
		}
		entries, _ := os.ReadDir(w.dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".vault-backup-") {
				t.Errorf("a failed backup left %s", e.Name())
			}
		}
		w.verifyAll(t)
		return
	}
	v, err := vault.Open(out, vault.Secret{Passphrase: []byte(crashPass)}, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	rep, err := integrity.Verify(v, integrity.Options{ReadData: true})
	if err != nil || !rep.OK() {
		t.Fatalf("the backup: %v %v", err, rep.Problems)
	}
	w.checkVault(t, v, "in the backup")
	w.verifyAll(t)
}
