package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"vault/vault"
)

// mountSmallDisk mounts a tmpfs of size bytes for the test, or skips when
// that cannot be done here (not root, no mount(8)); under CI it must work.
func mountSmallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	skip := func(why string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must run the full-disk tests: %s", why)
		}
		t.Skip(why)
	}
	if os.Geteuid() != 0 {
		skip("mounting a small disk needs root")
	}
	if _, err := exec.LookPath("mount"); err != nil {
		skip("no mount command")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		skip("cannot mount a tmpfs: " + strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fillDisk writes a filler file in dir until only about keep bytes are free.
func fillDisk(t *testing.T, dir string, keep int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if free <= keep {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "filler"), make([]byte, free-keep), 0o600); err != nil {
		t.Fatal(err)
	}
}

// newVaultOn makes a small vault in dir holding a 1 MiB document, so that a
// compaction needs about 1 MiB of free space.
func newVaultOn(t *testing.T, dir string) *hostileVault {
	t.Helper()
	h := &hostileVault{dir: dir, path: filepath.Join(dir, "vault.db"), pass: filepath.Join(dir, "pass")}
	if err := os.WriteFile(h.pass, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	vars := map[string]string{"HOME": state, "XDG_STATE_HOME": filepath.Join(state, "state"), "XDG_DATA_HOME": filepath.Join(state, "data")}
	h.getenv = func(k string) string { return vars[k] }
	doc := filepath.Join(state, "scan.pdf")
	body := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789abcdef"), 1<<16)...)
	if err := os.WriteFile(doc, body, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "--kdf-memory", "8", "--kdf-time", "1"},
		{"claim", "new", "knee-pt", "--insurer", "Acme Health"},
		{"add", "--claim", "knee-pt", "--kind", "receipt", "--date", "2026-03-04", doc},
	} {
		if _, stderr, code := h.run(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
	}
	return h
}

// TestFullDiskMessagesTellTheState: on a full disk, "nothing was changed" is
// printed only when nothing was; when passwd changed the passphrase and only
// the compaction after it failed, the message says the passphrase WAS
// changed, and the new passphrase opens the vault.
func TestFullDiskMessagesTellTheState(t *testing.T) {
	if testing.Short() {
		t.Skip("runs without -short")
	}
	t.Run("passwd changed, compaction failed", func(t *testing.T) {
		h := newVaultOn(t, mountSmallDisk(t, "4m"))
		fillDisk(t, h.dir, 256<<10) // room for the transaction, not for a 1 MiB copy
		newPass := filepath.Join(t.TempDir(), "new")
		if err := os.WriteFile(newPass, []byte("a new passphrase for the vault\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := h.run(t, "passwd", "--new-passphrase-file", newPass)
		checkOneLineError(t, stderr, code, "the passphrase was changed")
		if strings.Contains(stderr, "nothing was changed") {
			t.Errorf("passwd says nothing was changed, but it changed the passphrase: %s", stderr)
		}
		v, err := vault.Open(h.path, vault.Secret{Passphrase: []byte("a new passphrase for the vault")}, vault.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("the new passphrase does not open the vault: %v", err)
		}
		v.Close()
	})
	t.Run("log-call failed, nothing changed", func(t *testing.T) {
		h := newVaultOn(t, mountSmallDisk(t, "4m"))
		fillDisk(t, h.dir, 0)
		before := h.snapshot(t)
		big := strings.Repeat("a long note ", 40000)
		_, stderr, code := h.run(t, "log-call", "--claim", "knee-pt", "--rep", "Dana", "--summary", big[:60000])
		if code == 0 {
			t.Skip("the write fitted in the file's free pages")
		}
		checkOneLineError(t, stderr, code, "the disk is full: nothing was changed")
		// bbolt may have written free pages before the write failed; what
		// the vault holds is what it held, and it verifies.
		if after := h.snapshot(t); after != before {
			t.Errorf("the vault changed after a write that says nothing was changed:\n%s\n%s", before, after)
		}
		if _, verr, vcode := h.run(t, "verify"); vcode != 0 {
			t.Errorf("verify after the failed write: %s", verr)
		}
	})
	// The other commands of several steps: each failure leaves the vault as
	// it was and says nothing false; files they write are not left behind.
	for _, c := range []struct {
		name string
		args func(h *hostileVault) []string
		// out is a file the command must not leave behind ("" for none).
		out  string
		want string
	}{
		{"compact", func(*hostileVault) []string { return []string{"compact"} }, "", "the vault file is as it was before it"},
		{"backup", func(h *hostileVault) []string { return []string{"backup", filepath.Join(h.dir, "copy.db")} }, "copy.db", "the disk is full: write the backup"},
		{"export", func(h *hostileVault) []string {
			return []string{"export", "--claim", "knee-pt", "-o", filepath.Join(h.dir, "out.zip")}
		}, "out.zip", "the disk is full"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newVaultOn(t, mountSmallDisk(t, "4m"))
			fillDisk(t, h.dir, 64<<10)
			before := h.snapshot(t)
			_, stderr, code := h.run(t, c.args(h)...)
			if code == 0 {
				t.Fatalf("%s succeeded on a full disk", c.name)
			}
			checkOneLineError(t, stderr, code, c.want)
			if after := h.snapshot(t); after != before {
				t.Errorf("the vault changed:\n%s\n%s", before, after)
			}
			if c.out != "" {
				if _, err := os.Lstat(filepath.Join(h.dir, c.out)); err == nil {
					t.Errorf("%s was left behind", c.out)
				}
			}
			entries, _ := os.ReadDir(h.dir)
			for _, e := range entries {
				if n := e.Name(); strings.HasPrefix(n, ".") {
					t.Errorf("a temporary file was left: %s", n)
				}
			}
			if _, verr, vcode := h.run(t, "verify"); vcode != 0 {
				t.Errorf("verify after the failed %s: %s", c.name, verr)
			}
		})
	}
	t.Run("rm", func(t *testing.T) {
		h := newVaultOn(t, mountSmallDisk(t, "4m"))
		fillDisk(t, h.dir, 0)
		before := h.snapshot(t)
		list, _, _ := h.run(t, "list", "--json")
		id := regexp.MustCompile(`"id": "([0-9a-z]+)"`).FindStringSubmatch(list)
		if id == nil {
			t.Fatalf("no ID in %s", list)
		}
		_, stderr, code := h.run(t, "rm", "--yes", id[1])
		after := h.snapshot(t)
		if code == 0 {
			// Removing frees pages, and may fit: then it is done.
			if after == before {
				t.Error("rm succeeded but the vault did not change")
			}
			return
		}
		checkOneLineError(t, stderr, code, "the disk is full: nothing was changed")
		if after != before {
			t.Errorf("rm says nothing was changed, but the vault changed")
		}
	})
}
