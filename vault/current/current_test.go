package current

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetGetClear(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "vault")
	s := New(dir)
	if id, err := s.Get("/v/a.db"); err != nil || id != "" {
		t.Fatalf("Get before any Set = %q, %v", id, err)
	}
	if err := s.Set("/v/a.db", "abcd2345"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("/v/b.db", "zzzz2345"); err != nil {
		t.Fatal(err)
	}
	if id, _ := s.Get("/v/./a.db"); id != "abcd2345" {
		t.Errorf("Get(a) = %q: the same file under another spelling must match", id)
	}
	if id, _ := s.Get("/v/b.db"); id != "zzzz2345" {
		t.Errorf("Get(b) = %q: each vault file has its own", id)
	}
	if err := s.Set("/v/a.db", ""); err != nil {
		t.Fatal(err)
	}
	if id, _ := s.Get("/v/a.db"); id != "" {
		t.Errorf("Get after clear = %q", id)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("state folder mode = %v, %v; want 0700", st.Mode().Perm(), err)
	}
	fst, err := os.Stat(filepath.Join(dir, fileName))
	if err != nil || fst.Mode().Perm() != 0o600 {
		t.Errorf("state file mode = %v, %v; want 0600", fst.Mode().Perm(), err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 {
		t.Errorf("state folder holds %d files, want 1 (no temporary left)", len(left))
	}
}

func TestDamagedFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, fileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(dir).Get("/v/a.db"); err == nil || !strings.Contains(err.Error(), "is damaged") || !strings.Contains(err.Error(), "vault use NAME") {
		t.Errorf("Get of a damaged file = %v", err)
	}
}
