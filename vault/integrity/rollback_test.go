package integrity

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// write makes one more write transaction (generation + 1).
func write(t *testing.T, path string, rep string) {
	t.Helper()
	v := openRW(t, path)
	defer v.Close()
	mustUpdate(t, v, func(tx *vault.Tx) error {
		return tx.Put(&vault.Call{ID: "ca330000", Claim: "c1aa0000", Rep: rep, Summary: "s", At: testNow}, vault.ActionAdd, "")
	})
}

// session opens the vault as a command does: check, then record on close.
func session(t *testing.T, dir, path string) string {
	t.Helper()
	v := openRO(t, path)
	defer v.Close()
	w, err := CheckRollback(dir, v)
	if err != nil {
		t.Fatal(err)
	}
	if err := RecordGeneration(dir, v); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestRollbackWarning(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "state", "vault")
	if w := session(t, dir, f.path); w != "" {
		t.Fatalf("first opening warned: %s", w)
	}
	older, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	gen := openRO(t, f.path)
	g0 := gen.State().Generation
	gen.Close()
	write(t, f.path, "Ann")
	if w := session(t, dir, f.path); w != "" {
		t.Fatalf("a newer generation warned: %s", w)
	}
	// Replace the file with the older copy: authentic, but rolled back.
	if err := os.WriteFile(f.path, older, 0o600); err != nil {
		t.Fatal(err)
	}
	w := session(t, dir, f.path)
	want := regexp.MustCompile(`^this vault is at generation ` + itoa(g0) + ` but generation ` + itoa(g0+1) + ` was seen on 2026-05-01 10:00 UTC: the file may have been replaced by an older copy`)
	if !want.MatchString(w) {
		t.Fatalf("warning %q", w)
	}
	if strings.Contains(w, "\n") {
		t.Error("warning spans lines")
	}
	// Shown once: the generation now seen is the current one.
	if w := session(t, dir, f.path); w != "" {
		t.Fatalf("warned twice: %s", w)
	}
}

// TestRollbackThenWrittenIsAFork: a file rolled back and then written to
// reaches the generation seen again, but its history is another one.
func TestRollbackThenWrittenIsAFork(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	older, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	write(t, f.path, "Ann")
	if w := session(t, dir, f.path); w != "" {
		t.Fatal(w)
	}
	if err := os.WriteFile(f.path, older, 0o600); err != nil {
		t.Fatal(err)
	}
	write(t, f.path, "Bob") // same generation as the one seen, another history
	w := session(t, dir, f.path)
	if !strings.Contains(w, "does not continue the one seen at generation") {
		t.Fatalf("warning %q", w)
	}
	write(t, f.path, "Cid")
	if w := session(t, dir, f.path); w != "" {
		t.Fatalf("a continuation warned: %s", w)
	}
}

func TestStateFile(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "vault")
	session(t, dir, f.path)
	v := openRO(t, f.path)
	defer v.Close()
	p := filepath.Join(dir, v.ID()+".json")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v", st.Mode().Perm())
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("state folder mode %v", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("state folder holds %d files, want 1 (no temporary files left)", len(entries))
	}
	seen, ok, err := LoadSeen(dir, v.ID())
	if err != nil || !ok || seen.Generation != v.State().Generation || seen.HistoryHead != v.State().HistoryHead {
		t.Fatalf("LoadSeen = %+v, %v, %v", seen, ok, err)
	}

	// A damaged state file is an error naming it, not a crash or a silence.
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckRollback(dir, v); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("damaged state file: %v", err)
	}
	// Recording replaces it.
	if err := RecordGeneration(dir, v); err != nil {
		t.Fatal(err)
	}
	if w, err := CheckRollback(dir, v); w != "" || err != nil {
		t.Errorf("after recording: %q, %v", w, err)
	}
}

func TestParseSeenRejects(t *testing.T) {
	const id = "00112233445566778899aabbccddeeff"
	cases := map[string]string{
		"not JSON":        `{`,
		"another vault":   `{"vault_id":"ffffffffffffffffffffffffffffffff","generation":3}`,
		"bad head":        `{"vault_id":"` + id + `","generation":3,"history_head":"zz"}`,
		"short head":      `{"vault_id":"` + id + `","generation":3,"history_head":"00"}`,
		"negative":        `{"vault_id":"` + id + `","generation":-1}`,
		"too large":       `{"vault_id":"` + id + `","pad":"` + strings.Repeat("x", maxStateFile) + `"}`,
		"generation text": `{"vault_id":"` + id + `","generation":"3"}`,
	}
	for name, in := range cases {
		if _, err := ParseSeen([]byte(in), id); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if s, err := ParseSeen([]byte(`{"vault_id":"`+id+`","generation":3}`), id); err != nil || s.Generation != 3 {
		t.Errorf("valid file: %+v, %v", s, err)
	}
}

func TestStatePathRejectsBadIDs(t *testing.T) {
	for _, id := range []string{"", "../../etc/passwd", "00112233445566778899AABBCCDDEEFF", "0011", "00112233445566778899aabbccddeeff/.."} {
		if _, err := statePath("/tmp/x", id); err == nil {
			t.Errorf("%q accepted", id)
		}
	}
}

func TestStateDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/a"}, "/x/state/vault"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/a"}, "/home/a/.local/state/vault"},
		{map[string]string{"HOME": "/home/a"}, "/home/a/.local/state/vault"},
	}
	for _, c := range cases {
		got, err := StateDir(env(c.env))
		if err != nil || got != c.want {
			t.Errorf("%v: %q, %v", c.env, got, err)
		}
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// saveSeen records a made-up state for the vault.
func saveSeen(t *testing.T, dir string, s Seen) {
	t.Helper()
	s.Recorded = testNow
	if err := SaveSeen(dir, "", s); err != nil {
		t.Fatal(err)
	}
}

// TestRollbackCheckPaths: a vault with as many history entries as seen is
// compared by the chain value in its sealed state, without reading the
// history; one that moved ahead by walking the entries seen. Both find a
// fork.
func TestRollbackCheckPaths(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	v := openRO(t, f.path)
	cur := seenNow(v)
	if cur.HistoryLen < 3 {
		t.Fatalf("the fixture has %d history entries", cur.HistoryLen)
	}
	shorter, err := chainAt(v, cur.HistoryLen-1)
	if err != nil {
		t.Fatal(err)
	}
	other, err := chainAt(v, cur.HistoryLen-2) // a well-formed head of another history
	if err != nil {
		t.Fatal(err)
	}
	fork := "does not continue the one seen"
	cases := []struct {
		name string
		seen Seen
		want string // "" or a part of the warning
	}{
		{"unchanged", cur, ""},
		{"unchanged, another history", Seen{VaultID: cur.VaultID, Generation: cur.Generation, HistoryLen: cur.HistoryLen, HistoryHead: other}, fork},
		{"ahead", Seen{VaultID: cur.VaultID, Generation: cur.Generation - 1, HistoryLen: cur.HistoryLen - 1, HistoryHead: shorter}, ""},
		{"ahead of another history", Seen{VaultID: cur.VaultID, Generation: cur.Generation - 1, HistoryLen: cur.HistoryLen - 1, HistoryHead: other}, fork},
		{"fewer entries than seen", Seen{VaultID: cur.VaultID, Generation: cur.Generation, HistoryLen: cur.HistoryLen + 1, HistoryHead: cur.HistoryHead}, fork},
		{"generation went back", Seen{VaultID: cur.VaultID, Generation: cur.Generation + 1, HistoryLen: cur.HistoryLen, HistoryHead: cur.HistoryHead}, "replaced by an older copy"},
	}
	check := func(name string, s Seen, want string) {
		t.Helper()
		saveSeen(t, dir, s)
		w, err := CheckRollback(dir, v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want == "" && w != "" || want != "" && !strings.Contains(w, want) {
			t.Errorf("%s: warning %q, want %q", name, w, want)
		}
	}
	for _, c := range cases {
		check(c.name, c.seen, c.want)
	}
	v.Close()

	// Take the first history entry out of the file: a walk of the history
	// now fails, so a check that needs none shows that it did not walk.
	db, err := bolt.Open(f.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(store.BucketHistory)).Delete(make([]byte, 8))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	v = openRO(t, f.path)
	defer v.Close()
	check("unchanged, history unread", cur, "")
	check("ahead, history walked", cases[2].seen, "could not be compared")
}

// TestRecordGenerationSkipsUnchanged: recording a vault that did not change
// since its state file was written leaves the file alone (same file, same
// time); recording a changed one replaces it.
func TestRecordGenerationSkipsUnchanged(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	session(t, dir, f.path)
	v := openRO(t, f.path)
	p := filepath.Join(dir, v.ID()+".json")
	v.Close()
	stat := func() os.FileInfo {
		t.Helper()
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// Make any rewrite visible in the modification time too.
	old := testNow.Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	before := stat()
	for range 3 {
		if w := session(t, dir, f.path); w != "" {
			t.Fatal(w)
		}
	}
	after := stat()
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the state file was rewritten by sessions that changed nothing")
	}

	write(t, f.path, "Ann")
	session(t, dir, f.path)
	if os.SameFile(before, stat()) {
		t.Error("the state file was not rewritten after a write")
	}
	v = openRO(t, f.path)
	defer v.Close()
	seen, ok, err := LoadSeen(dir, v.ID())
	if err != nil || !ok || !sameState(seen, seenNow(v)) {
		t.Errorf("after a write the state file holds %+v, %v, %v; the vault is at %+v", seen, ok, err, seenNow(v))
	}
}

// BenchmarkCheckRollback: the check at every opening, on a vault of 3,000
// history entries, when nothing changed since it was seen (no history read)
// and when it moved one entry ahead (the history seen is walked).
func BenchmarkCheckRollback(b *testing.B) {
	path := filepath.Join(b.TempDir(), "vault.db")
	if _, err := vault.Init(path, testPass, vault.InitOptions{KDF: crypto.MinKDF(), Now: fixedNow}); err != nil {
		b.Fatal(err)
	}
	v := openRW(b, path)
	mustUpdate(b, v, func(tx *vault.Tx) error {
		if err := tx.Put(&vault.Claim{ID: "c1aa0000", Name: "knee-pt", Insurer: "Acme Health", Status: "draft", Created: testNow}, vault.ActionAdd, ""); err != nil {
			return err
		}
		for i := range 3000 {
			c := &vault.Call{ID: fmt.Sprintf("ca%06d", i), Claim: "c1aa0000", Rep: "Ann", Summary: "s", At: testNow}
			if err := tx.Put(c, vault.ActionAdd, ""); err != nil {
				return err
			}
		}
		return nil
	})
	dir := b.TempDir()
	cur := seenNow(v)
	behind, err := chainAt(v, cur.HistoryLen-1)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		seen Seen
	}{
		{"unchanged", cur},
		{"one-ahead", Seen{VaultID: cur.VaultID, Generation: cur.Generation - 1, HistoryLen: cur.HistoryLen - 1, HistoryHead: behind}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if err := SaveSeen(dir, "", bc.seen); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if w, err := CheckRollback(dir, v); w != "" || err != nil {
					b.Fatal(w, err)
				}
			}
		})
	}
	v.Close()
}
