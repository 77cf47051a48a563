package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"vault/store"
)

// tempWith makes a finished temporary file beside dst holding data.
func tempWith(t *testing.T, dst, data string) string {
	t.Helper()
	f, err := store.CreateTempBeside(dst, ".out.tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPlace(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "out")

	// A new file: placed, and the temporary file is gone.
	tmp := tempWith(t, dst, "one")
	if err := store.Place(tmp, dst, "", false); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, dst); got != "one" {
		t.Errorf("dst holds %q", got)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is still there: %v", err)
	}
	if m := mode(t, dst); m != 0o600 {
		t.Errorf("mode %v, want 0600", m)
	}

	// Without force an existing file is never replaced, even one that
	// appeared after the caller looked; the temporary file stays for the
	// caller to remove.
	tmp = tempWith(t, dst, "two")
	err := store.Place(tmp, dst, "", false)
	if !errors.Is(err, store.ErrExists) || !strings.Contains(err.Error(), dst) {
		t.Errorf("Place over an existing file: %v, want ErrExists naming %s", err, dst)
	}
	if got := readString(t, dst); got != "one" {
		t.Errorf("dst replaced: holds %q", got)
	}
	if _, err := os.Lstat(tmp); err != nil {
		t.Errorf("the temporary file was removed on failure: %v", err)
	}

	// A dangling symbolic link is something at dst too.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), link); err != nil {
		t.Fatal(err)
	}
	if err := store.Place(tmp, link, "", false); !errors.Is(err, store.ErrExists) {
		t.Errorf("Place over a dangling link: %v, want ErrExists", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !errors.Is(err, os.ErrNotExist) {
		t.Error("Place wrote through a dangling link")
	}

	// With force it replaces.
	if err := store.Place(tmp, dst, "", true); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, dst); got != "two" {
		t.Errorf("dst holds %q after force", got)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is still there after force: %v", err)
	}
	onlyFiles(t, dir, "link", "out")

	// A temporary file that vanished is an error naming dst.
	if err := store.Place(filepath.Join(dir, ".gone"), filepath.Join(dir, "new"), "", false); err == nil || !strings.Contains(err.Error(), "new") {
		t.Errorf("Place of a missing file: %v", err)
	}
	if err := store.Place(filepath.Join(dir, ".gone"), filepath.Join(dir, "new"), "", true); err == nil || !strings.Contains(err.Error(), "new") {
		t.Errorf("Place --force of a missing file: %v", err)
	}
}

func TestCreateTempBeside(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "report.zip")
	const pattern = ".report.zip.tmp-*"
	f, err := store.CreateTempBeside(dst, pattern)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if filepath.Dir(f.Name()) != dir {
		t.Errorf("created in %s, want %s", filepath.Dir(f.Name()), dir)
	}
	if !store.IsTempName(filepath.Base(f.Name()), pattern) {
		t.Errorf("name %s does not match its pattern", filepath.Base(f.Name()))
	}
	if m := mode(t, f.Name()); m != 0o600 {
		t.Errorf("mode %v, want 0600", m)
	}
	g, err := store.CreateTempBeside(dst, pattern)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Name() == f.Name() {
		t.Error("two temporary files with one name")
	}
	for _, bad := range []string{"a/b-*", "../x-*"} {
		if _, err := store.CreateTempBeside(dst, bad); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
	if _, err := store.CreateTempBeside(filepath.Join(dir, "no", "such"), pattern); err == nil {
		t.Error("created a file in a folder that does not exist")
	}
}

func TestIsTempName(t *testing.T) {
	const pattern = ".out.db.vault-backup-*"
	cases := map[string]bool{
		".out.db.vault-backup-0123456789abcdef":   true,
		".out.db.vault-backup-0123456789ABCDEF":   false, // upper case is not ours
		".out.db.vault-backup-0123456789abcde":    false, // too short
		".out.db.vault-backup-0123456789abcdef0":  false, // too long
		".out.db.vault-backup-0123456789abcdeg":   false,
		".out.db.vault-backup-0123456789abcdef~":  false,
		"x.out.db.vault-backup-0123456789abcdef":  false,
		".other.db.vault-backup-0123456789abcdef": false,
		".out.db.vault-compact-0123456789abcdef":  false,
		"out.db":                                  false,
		"":                                        false,
	}
	for name, want := range cases {
		if got := store.IsTempName(name, pattern); got != want {
			t.Errorf("IsTempName(%q) = %v, want %v", name, got, want)
		}
	}
	// A suffix after the "*", and bytes that are not UTF-8.
	if !store.IsTempName("a\xff.0123456789abcdef.tmp", "a\xff.*.tmp") || store.IsTempName("a\xff.0123456789abcdef.tm", "a\xff.*.tmp") {
		t.Error("IsTempName with a suffix")
	}
}

func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "out.db")
	const pattern = ".out.db.vault-backup-*"
	put := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stale := []string{".out.db.vault-backup-0123456789abcdef", ".out.db.vault-backup-fedcba9876543210"}
	for _, n := range stale {
		put(n)
	}
	keep := []string{"out.db", ".out.db.vault-backup-0123", ".other.db.vault-backup-0123456789abcdef", ".out.db.vault-backup-0123456789abcdef.keep"}
	for _, n := range keep {
		put(n)
	}
	if err := os.Mkdir(filepath.Join(dir, ".out.db.vault-backup-00000000000000aa"), 0o700); err != nil {
		t.Fatal(err)
	}
	keep = append(keep, ".out.db.vault-backup-00000000000000aa")
	// One being written right now: open, so locked.
	live, err := store.CreateTempBeside(dst, pattern)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	locking := runtime.GOOS == "linux" || runtime.GOOS == "darwin" || strings.HasSuffix(runtime.GOOS, "bsd")
	if locking {
		keep = append(keep, filepath.Base(live.Name()))
	} else {
		stale = append(stale, filepath.Base(live.Name()))
	}

	got := store.RemoveStaleTemps(dst, pattern)
	slices.Sort(got)
	slices.Sort(stale)
	if !slices.Equal(got, stale) {
		t.Errorf("removed %q, want %q", got, stale)
	}
	slices.Sort(keep)
	onlyFiles(t, dir, keep...)

	// Once closed (its writer gone), it is stale too.
	live.Close()
	if got := store.RemoveStaleTemps(dst, pattern); locking && (len(got) != 1 || got[0] != filepath.Base(live.Name())) {
		t.Errorf("after closing, removed %q", got)
	}
	if store.RemoveStaleTemps(filepath.Join(dir, "missing", "out.db"), pattern) != nil {
		t.Error("removed something from a folder that does not exist")
	}
}
