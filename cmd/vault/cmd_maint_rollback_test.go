package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestReadOnlyCommandsKeepTheStateFile: the rollback state file is rewritten
// only when the vault changed. A command that only reads leaves it as it is
// (the same file, not touched); a write replaces it.
func TestReadOnlyCommandsKeepTheStateFile(t *testing.T) {
	h := newHostileVault(t)
	matches, err := filepath.Glob(filepath.Join(h.dir, "state", "vault", "*.json"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("state files: %v, %v", matches, err)
	}
	p := matches[0]
	stat := func() os.FileInfo {
		t.Helper()
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// A rewrite would also show in the modification time.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	before := stat()
	for _, args := range [][]string{
		{"list"},
		{"show", h.docID},
		{"search", "Receipt"},
		{"claim", "list"},
		{"history"},
		{"status"},
		{"verify"},
		{"backup", filepath.Join(h.dir, "b.db")},
	} {
		if _, stderr, code := h.run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if st := stat(); !os.SameFile(before, st) || !st.ModTime().Equal(old) {
			t.Errorf("%v rewrote the state file", args)
		}
	}
	if _, stderr, code := h.run(t, "log-call", "--claim", "knee-pt", "--rep", "Eve", "--summary", "s"); code != 0 {
		t.Fatalf("log-call: %s", stderr)
	}
	if st := stat(); os.SameFile(before, st) || st.ModTime().Equal(old) {
		t.Error("a write left the state file as it was")
	}
}
