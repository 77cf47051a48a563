package export

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vault/store"
	"vault/vault"
)

// readDir returns the names in dir.
func readDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestRecordingFailsAfterPlacing: the bundle is put in place before the
// export is recorded; when recording then fails (here the request it
// answers was deleted meanwhile) the bundle is taken back out: no OUT, no
// temporary file, no record; with --force the file it replaced is back.
func TestRecordingFailsAfterPlacing(t *testing.T) {
	for _, force := range []bool{false, true} {
		t.Run(map[bool]string{false: "new file", true: "--force over a file"}[force], func(t *testing.T) {
			f := newFixture(t)
			req, err := AddRequest(f.v, f.claim, vault.Request{Kinds: []string{"lmn"}})
			if err != nil {
				t.Fatal(err)
			}
			p, err := Prepare(f.v, f.claim, req, Selection{})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.v.Update(func(tx *vault.Tx) error { return tx.Delete(req.ID, "test: withdrawn meanwhile") }); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "b.zip")
			if force {
				if err := os.WriteFile(out, []byte("precious"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			hist := f.v.State().HistoryLen
			_, err = Write(context.Background(), f.v, p, Options{Output: out, Force: force})
			if err == nil || !strings.Contains(err.Error(), "record the export") || !errors.Is(err, vault.ErrNotFound) {
				t.Fatalf("Write = %v, want a failure to record", err)
			}
			if force {
				if b, err := os.ReadFile(out); err != nil || string(b) != "precious" {
					t.Errorf("the replaced file is not back: %q, %v", b, err)
				}
				if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
					t.Errorf("the replaced file's mode: %v, %v", st, err)
				}
				if names := readDir(t, dir); len(names) != 1 {
					t.Errorf("the folder holds %q", names)
				}
			} else {
				assertEmptyDir(t, dir)
			}
			if f.v.State().HistoryLen != hist {
				t.Error("the vault changed")
			}
			if ex, _ := Exports(f.v, ""); len(ex) != 0 {
				t.Errorf("%d exports recorded", len(ex))
			}
		})
	}
}

// TestPlacingFailsRecordsNothing: when the bundle cannot be put in place
// (a file, or with --force a folder, appeared at OUT while it was being
// written) nothing is recorded, the request stays open, what appeared is
// untouched and no temporary file is left.
func TestPlacingFailsRecordsNothing(t *testing.T) {
	f := newFixture(t)
	req, err := AddRequest(f.v, f.claim, vault.Request{Kinds: []string{"lmn"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(f.v, f.claim, req, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		force  bool
		appear func(out string) error
		want   string
	}{
		{"a file appears", false, func(out string) error { return os.WriteFile(out, []byte("theirs"), 0o600) }, "give --force to replace it"},
		{"a folder appears (--force)", true, func(out string) error { return os.Mkdir(out, 0o700) }, "it is a folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "b.zip")
			hist := f.v.State().HistoryLen
			appeared := false
			_, err := Write(context.Background(), f.v, p, Options{Output: out, Force: tc.force, Progress: func(done, total int64) {
				if !appeared {
					appeared = true
					if err := tc.appear(out); err != nil {
						t.Fatal(err)
					}
				}
			}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Write = %v, want %q", err, tc.want)
			}
			if names := readDir(t, dir); len(names) != 1 || names[0] != "b.zip" {
				t.Errorf("the folder holds %q", names)
			}
			if st, err := os.Lstat(out); err != nil || st.IsDir() != tc.force {
				t.Errorf("what appeared at OUT was changed: %v, %v", st, err)
			} else if !tc.force {
				if b, _ := os.ReadFile(out); string(b) != "theirs" {
					t.Errorf("OUT holds %q", b)
				}
			}
			if f.v.State().HistoryLen != hist {
				t.Error("the vault changed")
			}
			if ex, _ := Exports(f.v, ""); len(ex) != 0 {
				t.Errorf("%d exports recorded", len(ex))
			}
			if r, _ := f.v.Record(req.ID); r.(*vault.Request).Answered != "" {
				t.Error("the request is marked answered")
			}
		})
	}
}

// TestPlacement: place and undo on their own. Undo removes only the bundle
// it placed: a file that replaced it meanwhile is not its to remove.
func TestPlacement(t *testing.T) {
	newTmp := func(t *testing.T, dest, content string) *os.File {
		t.Helper()
		f, err := createTemp(dest)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if _, err := f.WriteString(content); err != nil {
			t.Fatal(err)
		}
		return f
	}
	read := func(p string) string { b, _ := os.ReadFile(p); return string(b) }

	t.Run("placed, then undone", func(t *testing.T) {
		dir := t.TempDir()
		dest := filepath.Join(dir, "b.zip")
		pl, err := place(newTmp(t, dest, "bundle"), dest, "", false)
		if err != nil || read(dest) != "bundle" {
			t.Fatalf("place = %v; dest %q", err, read(dest))
		}
		if names := readDir(t, dir); len(names) != 1 {
			t.Errorf("after placing, the folder holds %q", names)
		}
		if err := pl.undo(); err != nil {
			t.Fatal(err)
		}
		assertEmptyDir(t, dir)
	})
	t.Run("undo leaves a file that is not the bundle", func(t *testing.T) {
		dir := t.TempDir()
		dest := filepath.Join(dir, "b.zip")
		pl, err := place(newTmp(t, dest, "bundle"), dest, "", false)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(dest); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dest, []byte("theirs"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := pl.undo(); err != nil || read(dest) != "theirs" {
			t.Errorf("undo = %v; dest %q", err, read(dest))
		}
	})
	t.Run("--force keeps the old file aside until commit", func(t *testing.T) {
		dir := t.TempDir()
		dest := filepath.Join(dir, "b.zip")
		if err := os.WriteFile(dest, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		pl, err := place(newTmp(t, dest, "new"), dest, "", true)
		if err != nil || read(dest) != "new" {
			t.Fatalf("place = %v; dest %q", err, read(dest))
		}
		names := readDir(t, dir)
		if len(names) != 2 || pl.backup == "" || read(pl.backup) != "old" || !store.IsTempName(filepath.Base(pl.backup), oldPattern(dest)) {
			t.Fatalf("folder %q, backup %q", names, pl.backup)
		}
		pl.commit()
		if names := readDir(t, dir); len(names) != 1 || read(dest) != "new" {
			t.Errorf("after commit: %q, dest %q", names, read(dest))
		}
	})
	t.Run("--force undone puts the old file back", func(t *testing.T) {
		dir := t.TempDir()
		dest := filepath.Join(dir, "b.zip")
		if err := os.WriteFile(dest, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		pl, err := place(newTmp(t, dest, "new"), dest, "", true)
		if err != nil {
			t.Fatal(err)
		}
		if err := pl.undo(); err != nil {
			t.Fatal(err)
		}
		if names := readDir(t, dir); len(names) != 1 || read(dest) != "old" {
			t.Errorf("after undo: %q, dest %q", names, read(dest))
		}
	})
	t.Run("--force with nothing to replace", func(t *testing.T) {
		dir := t.TempDir()
		dest := filepath.Join(dir, "b.zip")
		pl, err := place(newTmp(t, dest, "new"), dest, "", true)
		if err != nil || pl.backup != "" {
			t.Fatalf("place = %v, backup %q", err, pl.backup)
		}
		if err := pl.undo(); err != nil {
			t.Fatal(err)
		}
		assertEmptyDir(t, dir)
	})
}

// TestStaleNames: the names removeStale looks for are those of the
// temporary bundle and of the kept file, for this destination only.
func TestStaleNames(t *testing.T) {
	dest := "/x/b.zip"
	for name, want := range map[string]bool{
		".b.zip.tmp-0123456789abcdef": true, ".b.zip.old-0123456789abcdef": true,
		".b.zip.tmp-0123456789ABCDEF": false, ".b.zip.tmp-0123": false, ".b.zip.new-0123456789abcdef": false,
		"b.zip": false, ".c.zip.tmp-0123456789abcdef": false, ".b.zip.tmp-0123456789abcdeg": false,
	} {
		got := store.IsTempName(name, tmpPattern(dest)) || store.IsTempName(name, oldPattern(dest))
		if got != want {
			t.Errorf("%q is taken for a file of an export to %s: %v, want %v", name, dest, got, want)
		}
	}
	if n := filepath.Base(besideName(oldPattern(dest), dest)); !store.IsTempName(n, oldPattern(dest)) {
		t.Errorf("besideName gives %q", n)
	}
}
