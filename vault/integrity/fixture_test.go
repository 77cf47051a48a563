package integrity

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

var testNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

var testPass = []byte("correct horse battery staple")

// fixture is a vault holding a claim, documents of one, several and no
// chunks, a call, a condition note, an edit and a removal in its history.
type fixture struct {
	path  string
	claim *vault.Claim
	call  *vault.Call
	small *vault.Document   // one chunk
	large *vault.Document   // four chunks, the last one short
	empty *vault.Document   // an empty document: one empty chunk
	docs  map[string][]byte // the documents in the vault
	gone  map[string][]byte // documents added and then removed
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// template is built once per test binary; newFixture copies its file.
var template struct {
	once sync.Once
	f    *fixture
	file []byte
	err  error
}

// newFixture returns a fresh copy of the fixture vault in a temporary folder.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "integrity-fixture-")
		if err != nil {
			template.err = err
			return
		}
		defer os.RemoveAll(dir)
		f := buildFixture(&onceTB{TB: t}, filepath.Join(dir, "vault.db"))
		template.f = f
		template.file, template.err = os.ReadFile(f.path)
	})
	if template.err != nil {
		t.Fatal(template.err)
	}
	f := *template.f
	f.path = filepath.Join(t.TempDir(), "vault.db")
	if err := os.WriteFile(f.path, template.file, 0o600); err != nil {
		t.Fatal(err)
	}
	return &f
}

// onceTB remembers a failure while building the shared fixture, so that
// every later test fails with it too instead of using a half-built fixture.
type onceTB struct{ testing.TB }

func (o *onceTB) Fatal(args ...any) {
	template.err = errors.New("building the fixture: " + fmt.Sprint(args...))
	o.TB.Fatal(args...)
}

func buildFixture(t testing.TB, path string) *fixture {
	t.Helper()
	f := &fixture{path: path, docs: map[string][]byte{}}
	if _, err := vault.Init(f.path, testPass, vault.InitOptions{KDF: crypto.MinKDF(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	v := openRW(t, f.path)
	defer v.Close()
	f.claim = &vault.Claim{ID: "c1aa0000", Name: "knee-pt", Insurer: "Acme Health", Status: "draft", Created: testNow}
	mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Put(f.claim, vault.ActionAdd, "") })
	f.small = addDocument(t, v, f, "d0c50000", "EOB March", randomBytes(t, 1000))
	f.large = addDocument(t, v, f, "d0c10000", "Session notes", randomBytes(t, 3*crypto.ChunkSize+500))
	f.empty = addDocument(t, v, f, "d0ce0000", "", nil)
	f.call = &vault.Call{ID: "ca110000", Claim: f.claim.ID, At: testNow, Rep: "Dana", Summary: "asked for notes", Added: testNow}
	mustUpdate(t, v, func(tx *vault.Tx) error {
		return tx.Put(f.call, vault.ActionAdd, "")
	})
	cond := &vault.Condition{ID: "c0nd0000", Claim: f.claim.ID, Date: "2026-04-01", Phase: "before", Text: "cannot climb stairs", Added: testNow}
	mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Put(cond, vault.ActionAdd, "") })
	edited := *f.claim
	edited.Status = "submitted"
	mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Put(&edited, vault.ActionEdit, "") })
	f.claim = &edited
	gone := addDocument(t, v, f, "d0c90000", "wrong file", randomBytes(t, 2000))
	mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Delete(gone.ID, "") })
	f.gone = map[string][]byte{gone.ID: f.docs[gone.ID]}
	delete(f.docs, gone.ID)
	return f
}

func addDocument(t testing.TB, v *vault.Vault, f *fixture, id, title string, data []byte) *vault.Document {
	t.Helper()
	blob, err := v.WriteBlob(bytes.NewReader(data), vault.BlobOptions{BatchBytes: 2 * crypto.ChunkSize})
	if err != nil {
		t.Fatal(err)
	}
	d := &vault.Document{ID: id, Claim: f.claim.ID, Kind: "eob", Date: "2026-03-04", Title: title, FileName: id + ".pdf",
		MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks, Added: testNow}
	mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Put(d, vault.ActionAdd, "") })
	f.docs[id] = data
	return d
}

func mustUpdate(t testing.TB, v *vault.Vault, fn func(*vault.Tx) error) {
	t.Helper()
	if err := v.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func openRW(t testing.TB, path string) *vault.Vault {
	t.Helper()
	v, err := vault.Open(path, vault.Secret{Passphrase: testPass}, vault.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func openRO(t testing.TB, path string) *vault.Vault {
	t.Helper()
	v, err := vault.Open(path, vault.Secret{Passphrase: testPass}, vault.Options{ReadOnly: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// verifyPath opens the vault read-only and verifies it.
func verifyPath(t testing.TB, path string, readData bool) *Report {
	t.Helper()
	v := openRO(t, path)
	defer v.Close()
	rep, err := Verify(v, Options{ReadData: readData})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// raw changes the file with bbolt directly, behind the vault's back.
func raw(t testing.TB, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// rawGet returns a copy of a value.
func rawGet(t testing.TB, path, bucket string, key []byte) []byte {
	t.Helper()
	var out []byte
	raw(t, path, func(tx *bolt.Tx) error {
		out = slices.Clone(tx.Bucket([]byte(bucket)).Get(key))
		return nil
	})
	if out == nil {
		t.Fatalf("no %s/%x", bucket, key)
	}
	return out
}

func put(bucket string, key, value []byte) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucket)).Put(key, value) }
}

func del(bucket string, key []byte) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucket)).Delete(key) }
}

func flipped(b []byte, i int) []byte {
	b = slices.Clone(b)
	b[i] ^= 0x40
	return b
}

func problemLines(r *Report) string {
	var lines []string
	for _, p := range r.Problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

func chunkKey(blob []byte, i uint64) []byte { return store.ChunkKey(blob, i) }
