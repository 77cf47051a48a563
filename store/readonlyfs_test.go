package store_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vault/store"
)

// TestOpenOnReadOnlyFileSystem: opening a vault for writing on a read-only
// mount says so (it said "not a vault file"), and reading still works.
func TestOpenOnReadOnlyFileSystem(t *testing.T) {
	skip := func(why string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must run this test: %s", why)
		}
		t.Skip(why)
	}
	if os.Geteuid() != 0 {
		skip("mounting needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "tmpfs", dir).CombinedOutput(); err != nil {
		skip("cannot mount a tmpfs: " + strings.TrimSpace(string(out)))
	}
	defer exec.Command("umount", "-l", dir).Run()
	path := filepath.Join(dir, "vault.db")
	if err := store.Create(path, []byte("header"), nil); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v: %s", err, out)
	}
	_, err := store.Open(path, store.Options{})
	if !errors.Is(err, store.ErrReadOnlyFS) || errors.Is(err, store.ErrNotVault) {
		t.Fatalf("open for writing on a read-only file system: %v", err)
	}
	if !strings.Contains(err.Error(), "read-only file system: nothing was changed") {
		t.Errorf("message %q", err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open read-only on a read-only file system: %v", err)
	}
	db.Close()
}
