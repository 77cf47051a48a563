package vault_test

// Tests of the vault core (issue 2): init and open, wrong secrets, passphrase
// change and recovery, header checks, sealed records bound to their keys,
// the history chain and the in-use lock. Helpers here are prefixed "core" so
// they do not collide with other tests in this package.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// coreNow is the fixed clock of these tests.
var coreNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func coreClock() time.Time { return coreNow }

const corePass = "correct horse battery staple"

// coreInit creates a vault with the weakest KDF (fast) and returns its path
// and recovery code.
func coreInit(t testing.TB) (path, code string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "vault.db")
	code, err := vault.Init(path, []byte(corePass), vault.InitOptions{KDF: crypto.MinKDF(), Now: coreClock})
	if err != nil {
		t.Fatal(err)
	}
	return path, code
}

// coreOpen unlocks the vault with a passphrase for writing.
func coreOpen(t testing.TB, path, pass string) *vault.Vault {
	t.Helper()
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte(pass)}, vault.Options{Now: coreClock, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return v
}

// coreBolt runs fn in a write transaction on the raw bbolt file: the
// attacker's (or the disk's) view of the vault.
func coreBolt(t testing.TB, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// coreGet returns a copy of a raw value.
func coreGet(t testing.TB, path, bucket string, key []byte) []byte {
	t.Helper()
	var out []byte
	coreBolt(t, path, func(tx *bolt.Tx) error {
		out = append([]byte(nil), tx.Bucket([]byte(bucket)).Get(key)...)
		return nil
	})
	return out
}

func coreReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// coreDocBytes returns n deterministic bytes that differ per seed.
func coreDocBytes(seed byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i%251) ^ seed
	}
	return b
}

// coreSample is what coreFill writes.
type coreSample struct {
	claim    *vault.Claim
	docs     []*vault.Document
	contents [][]byte
	call     *vault.Call
	cond     *vault.Condition
}

// coreFill writes a claim, documents of the given sizes, a call and a
// condition note, in one transaction.
func coreFill(t testing.TB, v *vault.Vault, sizes ...int) *coreSample {
	t.Helper()
	s := &coreSample{}
	id := func() string {
		id, err := v.NewID()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	s.claim = &vault.Claim{ID: id(), Name: "knee-2026", Insurer: "Acme Health", Status: "open", Created: coreNow,
		StatusHistory: []vault.StatusChange{{Status: "open", Date: "2026-04-01"}}}
	// IDs must be unique within the transaction too: NewID only knows
	// committed records.
	used := map[string]bool{s.claim.ID: true}
	uniq := func() string {
		for {
			if x := id(); !used[x] {
				used[x] = true
				return x
			}
		}
	}
	for i, n := range sizes {
		content := coreDocBytes(byte(i+1), n)
		blob, err := v.WriteBlob(bytes.NewReader(content), vault.BlobOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.docs = append(s.docs, &vault.Document{ID: uniq(), Claim: s.claim.ID, Kind: "receipt", Date: "2026-04-02",
			Title: "receipt", FileName: "r.pdf", MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256,
			Blob: blob.ID, Chunks: blob.Chunks, Added: coreNow})
		s.contents = append(s.contents, content)
	}
	s.call = &vault.Call{ID: uniq(), Claim: s.claim.ID, At: coreNow, Rep: "Dana", Summary: "asked for the invoice", Added: coreNow}
	s.cond = &vault.Condition{ID: uniq(), Claim: s.claim.ID, Date: "2026-04-03", Phase: "before", Text: "stairs hurt", Added: coreNow}
	err := v.Update(func(tx *vault.Tx) error {
		recs := []vault.Record{s.claim, s.call, s.cond}
		for _, d := range s.docs {
			recs = append(recs, d)
		}
		for _, r := range recs {
			if err := tx.Put(r, vault.ActionAdd, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// coreCheckSample asserts every record and document of s reads back intact.
func coreCheckSample(t testing.TB, v *vault.Vault, s *coreSample) {
	t.Helper()
	for _, r := range []vault.Record{s.claim, s.call, s.cond} {
		got, err := v.Record(r.RecordID())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("record %s reads back as %+v, want %+v", r.RecordID(), got, r)
		}
	}
	for i, d := range s.docs {
		var buf bytes.Buffer
		if err := v.ReadDocument(d, &buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), s.contents[i]) {
			t.Fatalf("document %d reads back differently", i)
		}
	}
}

func TestCoreInitOpen(t *testing.T) {
	path, code := coreInit(t)
	if _, err := crypto.NormalizeRecoveryCode([]byte(code)); err != nil {
		t.Fatalf("recovery code %q: %v", code, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	v := coreOpen(t, path, corePass)
	defer v.Close()
	if s := v.State(); s.Generation != 1 || s.HistoryLen != 1 || !s.Updated.Equal(coreNow) {
		t.Fatalf("state %+v after init", s)
	}
	h, err := v.History()
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].Action != vault.ActionInit || h[0].Seq != 0 || !h[0].At.Equal(coreNow) {
		t.Fatalf("history %+v", h)
	}
	if v.KDF() != crypto.MinKDF() {
		t.Fatalf("KDF %+v", v.KDF())
	}
	if len(v.ID()) != 32 {
		t.Fatalf("vault ID %q", v.ID())
	}
	recs, err := v.Records()
	if err != nil || len(recs) != 0 {
		t.Fatalf("a new vault holds %d records (%v)", len(recs), err)
	}
	s := coreFill(t, v, 0, 1, 65536, 65537, 300_000)
	v.Close()
	v = coreOpen(t, path, corePass)
	defer v.Close()
	coreCheckSample(t, v, s)
	if g := v.State().Generation; g != 2 {
		t.Fatalf("generation %d after one write, want 2", g)
	}
}

func TestCoreInitRefuses(t *testing.T) {
	path, _ := coreInit(t)
	before := coreReadFile(t, path)
	if _, err := vault.Init(path, []byte("other"), vault.InitOptions{KDF: crypto.MinKDF()}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("Init over a vault: %v, want ErrExists", err)
	}
	if !bytes.Equal(before, coreReadFile(t, path)) {
		t.Fatal("Init changed the existing vault")
	}
	other := filepath.Join(t.TempDir(), "v.db")
	if _, err := vault.Init(other, nil, vault.InitOptions{KDF: crypto.MinKDF()}); err == nil {
		t.Fatal("Init accepted an empty passphrase")
	}
	if _, err := vault.Init(other, []byte("x"), vault.InitOptions{KDF: crypto.KDFParams{MemoryKiB: 1024, Time: 1, Lanes: 1}}); !errors.Is(err, crypto.ErrKDFParams) {
		t.Fatalf("Init with 1 MiB: %v, want ErrKDFParams", err)
	}
	if _, err := os.Stat(other); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused Init left a file")
	}
}

// TestCoreWrongSecretLeavesFileUnchanged: a wrong passphrase or recovery
// code gives ErrWrongSecret and changes no byte of the file, not even when
// orphan chunks wait to be reclaimed.
func TestCoreWrongSecretLeavesFileUnchanged(t *testing.T) {
	path, code := coreInit(t)
	v := coreOpen(t, path, corePass)
	coreFill(t, v, 100_000)
	if _, err := v.WriteBlob(bytes.NewReader(coreDocBytes(9, 200_000)), vault.BlobOptions{}); err != nil { // an orphan
		t.Fatal(err)
	}
	v.Close()
	otherCode := crypto.NewRecoveryCode()
	if otherCode == code {
		t.Fatal("two recovery codes are equal")
	}
	before := coreReadFile(t, path)
	for _, tc := range []struct {
		name   string
		secret vault.Secret
		ro     bool
	}{
		{"wrong passphrase", vault.Secret{Passphrase: []byte("correct horse battery stable")}, false},
		{"wrong passphrase, read-only", vault.Secret{Passphrase: []byte("x")}, true},
		{"empty passphrase", vault.Secret{Passphrase: []byte{}}, false},
		{"passphrase with a trailing newline", vault.Secret{Passphrase: []byte(corePass + "\n")}, false},
		{"wrong recovery code", vault.Secret{RecoveryCode: []byte(otherCode)}, false},
		{"the recovery code given as passphrase", vault.Secret{Passphrase: []byte(code)}, false},
	} {
		v, err := vault.Open(path, tc.secret, vault.Options{ReadOnly: tc.ro})
		if !errors.Is(err, vault.ErrWrongSecret) {
			t.Errorf("%s: err = %v, want ErrWrongSecret", tc.name, err)
		}
		if v != nil {
			v.Close()
		}
		if !bytes.Equal(before, coreReadFile(t, path)) {
			t.Fatalf("%s: the vault file changed", tc.name)
		}
	}
	// Unlocked for writing, the orphan is reclaimed: the file may change.
	v = coreOpen(t, path, corePass)
	defer v.Close()
	v.Store().View(func(tx *store.Tx) error {
		if p := tx.PendingBlobs(); len(p) != 0 {
			t.Errorf("%d orphan blobs after a writable open", len(p))
		}
		return nil
	})
}

func TestCoreChangePassphrase(t *testing.T) {
	path, code := coreInit(t)
	v := coreOpen(t, path, corePass)
	s := coreFill(t, v, 10, 200_000)
	if err := v.ChangePassphrase([]byte("new passphrase"), crypto.KDFParams{}); err != nil {
		t.Fatal(err)
	}
	coreCheckSample(t, v, s) // still readable in the same session
	v.Close()

	if _, err := vault.Open(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{}); !errors.Is(err, vault.ErrWrongSecret) {
		t.Fatalf("old passphrase: %v, want ErrWrongSecret", err)
	}
	v = coreOpen(t, path, "new passphrase")
	coreCheckSample(t, v, s)
	if v.KDF() != crypto.MinKDF() {
		t.Fatalf("KDF changed to %+v", v.KDF())
	}
	h, err := v.History()
	if err != nil {
		t.Fatal(err)
	}
	if last := h[len(h)-1]; last.Action != vault.ActionPasswd {
		t.Fatalf("last history entry %q, want passwd", last.Action)
	}
	// Stronger parameters may be chosen at the change.
	stronger := crypto.KDFParams{MemoryKiB: 16 * 1024, Time: 2, Lanes: 2}
	if err := v.ChangePassphrase([]byte("third"), stronger); err != nil {
		t.Fatal(err)
	}
	if err := v.ChangePassphrase(nil, crypto.KDFParams{}); err == nil {
		t.Fatal("ChangePassphrase accepted an empty passphrase")
	}
	v.Close()
	v = coreOpen(t, path, "third")
	if v.KDF() != stronger {
		t.Fatalf("KDF %+v, want %+v", v.KDF(), stronger)
	}
	v.Close()
	for _, old := range []string{corePass, "new passphrase"} {
		if _, err := vault.Open(path, vault.Secret{Passphrase: []byte(old)}, vault.Options{}); !errors.Is(err, vault.ErrWrongSecret) {
			t.Fatalf("old passphrase %q: %v", old, err)
		}
	}
	// The recovery code is untouched by passphrase changes.
	v, err = vault.Open(path, vault.Secret{RecoveryCode: []byte(code)}, vault.Options{Now: coreClock})
	if err != nil {
		t.Fatal(err)
	}
	coreCheckSample(t, v, s)
	v.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v after passwd", st.Mode().Perm())
	}
}

func TestCoreRecoveryCodeResetsPassphrase(t *testing.T) {
	path, code := coreInit(t)
	v := coreOpen(t, path, corePass)
	s := coreFill(t, v, 70_000)
	v.Close()

	// As a person might type it: lower case, spaces for dashes, O for 0.
	typed := strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(code), "-", " "), "0", "O")
	v, err := vault.Open(path, vault.Secret{RecoveryCode: []byte(typed)}, vault.Options{Now: coreClock})
	if err != nil {
		t.Fatalf("open with the recovery code %q: %v", typed, err)
	}
	if err := v.ChangePassphrase([]byte("remembered now"), crypto.KDFParams{}); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := vault.Open(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{}); !errors.Is(err, vault.ErrWrongSecret) {
		t.Fatalf("forgotten passphrase still works: %v", err)
	}
	v = coreOpen(t, path, "remembered now")
	coreCheckSample(t, v, s)
	v.Close()
	v, err = vault.Open(path, vault.Secret{RecoveryCode: []byte(code)}, vault.Options{})
	if err != nil {
		t.Fatalf("the recovery code stopped working: %v", err)
	}
	v.Close()

	before := coreReadFile(t, path)
	for _, tc := range []struct {
		name string
		code string
		want error
	}{
		{"malformed", "1234-5678", crypto.ErrRecoveryCode},
		{"a U in it", "U" + code[1:], crypto.ErrRecoveryCode},
		{"another code", crypto.NewRecoveryCode(), vault.ErrWrongSecret},
		{"empty", "", crypto.ErrRecoveryCode},
	} {
		if _, err := vault.Open(path, vault.Secret{RecoveryCode: []byte(tc.code)}, vault.Options{}); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if !bytes.Equal(before, coreReadFile(t, path)) {
		t.Fatal("failed recovery attempts changed the file")
	}
}

// coreHeader returns the parsed header of the vault at path.
func coreHeader(t testing.TB, path string) *store.Header {
	t.Helper()
	h, err := store.ParseHeader(coreGet(t, path, store.BucketHeader, []byte(store.HeaderKey)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// coreSetHeader replaces the header bytes in the file.
func coreSetHeader(t testing.TB, path string, b []byte) {
	t.Helper()
	coreBolt(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(store.BucketHeader)).Put([]byte(store.HeaderKey), b)
	})
}

// TestCoreKDFCapsRefusedBeforeDeriving crafts headers whose Argon2id
// parameters exceed the caps; Open refuses them without deriving. Had it
// derived, the 4 GiB + 1 KiB case alone would allocate over 4 GiB: the test
// measures allocation, not time.
func TestCoreKDFCapsRefusedBeforeDeriving(t *testing.T) {
	for _, tc := range []struct {
		name string
		kdf  crypto.KDFParams
	}{
		{"memory over 4 GiB", crypto.KDFParams{MemoryKiB: 4<<20 + 1, Time: 1, Lanes: 1}},
		{"memory at the uint32 limit", crypto.KDFParams{MemoryKiB: 1<<32 - 1, Time: 1, Lanes: 1}},
		{"17 passes", crypto.KDFParams{MemoryKiB: 8 << 10, Time: 17, Lanes: 1}},
		{"17 lanes", crypto.KDFParams{MemoryKiB: 8 << 10, Time: 1, Lanes: 17}},
		{"below 8 MiB", crypto.KDFParams{MemoryKiB: 8<<10 - 1, Time: 1, Lanes: 1}},
		{"zero passes", crypto.KDFParams{MemoryKiB: 8 << 10, Time: 0, Lanes: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, code := coreInit(t)
			h := coreHeader(t, path)
			for i := range h.Slots {
				h.Slots[i].KDF = tc.kdf
			}
			hb, err := h.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			coreSetHeader(t, path, hb)
			before := coreReadFile(t, path)
			for _, secret := range []vault.Secret{{Passphrase: []byte(corePass)}, {RecoveryCode: []byte(code)}} {
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				v, err := vault.Open(path, secret, vault.Options{})
				runtime.ReadMemStats(&m1)
				if !errors.Is(err, store.ErrDamagedHeader) || !strings.Contains(err.Error(), "out of range") {
					t.Fatalf("err = %v, want a damaged header with parameters out of range", err)
				}
				if v != nil {
					v.Close()
				}
				if d := m1.TotalAlloc - m0.TotalAlloc; d > 4<<20 {
					t.Fatalf("%d bytes allocated before refusing", d)
				}
			}
			if !bytes.Equal(before, coreReadFile(t, path)) {
				t.Fatal("the refused open changed the file")
			}
		})
	}
}

// TestCoreBadHeaders: not a vault, a damaged header and an unsupported
// version each give their own error, and leave the file as it was.
func TestCoreBadHeaders(t *testing.T) {
	goodPath, _ := coreInit(t)
	good := coreGet(t, goodPath, store.BucketHeader, []byte(store.HeaderKey))
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	onlyRecovery := func() []byte {
		h := coreHeader(t, goodPath)
		h.Slots = h.Slots[1:]
		b, err := h.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	for _, tc := range []struct {
		name   string
		header []byte // nil: delete the header key
		want   error
	}{
		{"header missing", nil, store.ErrNotVault},
		{"other magic", mod(func(b []byte) []byte { copy(b, "NOTVAULT"); return b }), store.ErrNotVault},
		{"empty header", []byte{}, store.ErrNotVault},
		{"truncated header", good[:40], store.ErrDamagedHeader},
		{"header with an extra byte", append(append([]byte(nil), good...), 0), store.ErrDamagedHeader},
		{"unknown slot kind", mod(func(b []byte) []byte { b[27] = 7; return b }), store.ErrDamagedHeader},
		{"no passphrase slot", onlyRecovery, store.ErrDamagedHeader},
		{"version 2", mod(func(b []byte) []byte { b[9] = 2; return b }), store.ErrUnsupportedVersion},
		{"version 0", mod(func(b []byte) []byte { b[9] = 0; return b }), store.ErrUnsupportedVersion},
		{"changed vault ID", mod(func(b []byte) []byte { b[12] ^= 1; return b }), vault.ErrWrongSecret},
		{"changed salt", mod(func(b []byte) []byte { b[27+10] ^= 1; return b }), vault.ErrWrongSecret},
		{"changed wrapped key", mod(func(b []byte) []byte { b[27+40] ^= 1; return b }), vault.ErrWrongSecret},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, code := coreInit(t)
			coreBolt(t, path, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte(store.BucketHeader))
				if tc.header == nil {
					return b.Delete([]byte(store.HeaderKey))
				}
				return b.Put([]byte(store.HeaderKey), tc.header)
			})
			before := coreReadFile(t, path)
			for _, ro := range []bool{false, true} {
				v, err := vault.Open(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{ReadOnly: ro})
				if !errors.Is(err, tc.want) {
					t.Errorf("read-only %v: err = %v, want %v", ro, err, tc.want)
				}
				if v != nil {
					v.Close()
				}
			}
			// The recovery code meets the same refusals (but for the slots:
			// its own slot is unchanged in the wrong-secret cases).
			if tc.want != vault.ErrWrongSecret {
				v, err := vault.Open(path, vault.Secret{RecoveryCode: []byte(code)}, vault.Options{})
				if !errors.Is(err, tc.want) {
					t.Errorf("with the recovery code: err = %v, want %v", err, tc.want)
				}
				if v != nil {
					v.Close()
				}
			}
			if !bytes.Equal(before, coreReadFile(t, path)) {
				t.Fatal("the refused open changed the file")
			}
		})
	}
	// Files that are not vaults at all.
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a vault\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	for _, p := range []string{text, empty, dir} {
		if _, err := vault.Open(p, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{}); !errors.Is(err, store.ErrNotVault) {
			t.Errorf("%s: err = %v, want ErrNotVault", filepath.Base(p), err)
		}
	}
	if _, err := vault.Open(filepath.Join(dir, "none"), vault.Secret{Passphrase: []byte(corePass)}, vault.Options{}); !errors.Is(err, store.ErrNoVault) {
		t.Errorf("missing file: %v, want ErrNoVault", err)
	}
}

// TestCoreMovedCiphertextFails copies sealed values to other keys in the
// raw file: each fails authentication instead of reading as another record.
func TestCoreMovedCiphertextFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		move  func(tx *bolt.Tx, s *coreSample) error
		check func(v *vault.Vault, s *coreSample) error
	}{
		{
			"record copied over another record",
			func(tx *bolt.Tx, s *coreSample) error {
				b := tx.Bucket([]byte(store.BucketRecords))
				return b.Put([]byte(s.call.ID), append([]byte(nil), b.Get([]byte(s.claim.ID))...))
			},
			func(v *vault.Vault, s *coreSample) error { _, err := v.Record(s.call.ID); return err },
		},
		{
			"record copied to a new key",
			func(tx *bolt.Tx, s *coreSample) error {
				b := tx.Bucket([]byte(store.BucketRecords))
				return b.Put([]byte("zzzzzzzz"), append([]byte(nil), b.Get([]byte(s.claim.ID))...))
			},
			func(v *vault.Vault, s *coreSample) error { _, err := v.Records(); return err },
		},
		{
			"history entry moved into the records bucket",
			func(tx *bolt.Tx, s *coreSample) error {
				h := tx.Bucket([]byte(store.BucketHistory)).Get(store.SeqKey(1))
				return tx.Bucket([]byte(store.BucketRecords)).Put([]byte(s.claim.ID), append([]byte(nil), h...))
			},
			func(v *vault.Vault, s *coreSample) error { _, err := v.Record(s.claim.ID); return err },
		},
		{
			"state moved over a record",
			func(tx *bolt.Tx, s *coreSample) error {
				st := tx.Bucket([]byte(store.BucketMeta)).Get([]byte(store.StateKey))
				return tx.Bucket([]byte(store.BucketRecords)).Put([]byte(s.claim.ID), append([]byte(nil), st...))
			},
			func(v *vault.Vault, s *coreSample) error { _, err := v.Record(s.claim.ID); return err },
		},
		{
			"chunks of two documents swapped",
			func(tx *bolt.Tx, s *coreSample) error {
				b := tx.Bucket([]byte(store.BucketChunks))
				k0, k1 := store.ChunkKey(s.docs[0].Blob, 0), store.ChunkKey(s.docs[1].Blob, 0)
				c0, c1 := append([]byte(nil), b.Get(k0)...), append([]byte(nil), b.Get(k1)...)
				if err := b.Put(k0, c1); err != nil {
					return err
				}
				return b.Put(k1, c0)
			},
			func(v *vault.Vault, s *coreSample) error { return v.ReadDocument(s.docs[0], new(bytes.Buffer)) },
		},
		{
			"chunks of one document reordered",
			func(tx *bolt.Tx, s *coreSample) error {
				b := tx.Bucket([]byte(store.BucketChunks))
				k0, k1 := store.ChunkKey(s.docs[0].Blob, 0), store.ChunkKey(s.docs[0].Blob, 1)
				c0, c1 := append([]byte(nil), b.Get(k0)...), append([]byte(nil), b.Get(k1)...)
				if err := b.Put(k0, c1); err != nil {
					return err
				}
				return b.Put(k1, c0)
			},
			func(v *vault.Vault, s *coreSample) error { return v.ReadDocument(s.docs[0], new(bytes.Buffer)) },
		},
		{
			"last chunk of a document deleted",
			func(tx *bolt.Tx, s *coreSample) error {
				return tx.Bucket([]byte(store.BucketChunks)).Delete(store.ChunkKey(s.docs[0].Blob, s.docs[0].Chunks-1))
			},
			func(v *vault.Vault, s *coreSample) error { return v.ReadDocument(s.docs[0], new(bytes.Buffer)) },
		},
		{
			"a bit flipped in a chunk",
			func(tx *bolt.Tx, s *coreSample) error {
				b := tx.Bucket([]byte(store.BucketChunks))
				k := store.ChunkKey(s.docs[1].Blob, 1)
				c := append([]byte(nil), b.Get(k)...)
				c[1000] ^= 4
				return b.Put(k, c)
			},
			func(v *vault.Vault, s *coreSample) error { return v.ReadDocument(s.docs[1], new(bytes.Buffer)) },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := coreInit(t)
			v := coreOpen(t, path, corePass)
			s := coreFill(t, v, 200_000, 200_000)
			v.Close()
			coreBolt(t, path, func(tx *bolt.Tx) error { return tc.move(tx, s) })
			v = coreOpen(t, path, corePass)
			defer v.Close()
			if err := tc.check(v, s); !errors.Is(err, vault.ErrTampered) {
				t.Fatalf("err = %v, want ErrTampered", err)
			}
		})
	}
}

// TestCoreHistoryChain: changing, deleting, reordering or adding history
// entries, or rolling the state back, is detected by History.
func TestCoreHistoryChain(t *testing.T) {
	type setup struct {
		path     string
		oldState []byte // the sealed state after the first write
	}
	seqs := func(tx *bolt.Tx) *bolt.Bucket { return tx.Bucket([]byte(store.BucketHistory)) }
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, tx *bolt.Tx, s setup) error
		ok     bool
	}{
		{"untouched", func(*testing.T, *bolt.Tx, setup) error { return nil }, true},
		{"a byte of an entry flipped", func(t *testing.T, tx *bolt.Tx, s setup) error {
			e := append([]byte(nil), seqs(tx).Get(store.SeqKey(2))...)
			e[30] ^= 1
			return seqs(tx).Put(store.SeqKey(2), e)
		}, false},
		{"a middle entry deleted", func(t *testing.T, tx *bolt.Tx, s setup) error {
			return seqs(tx).Delete(store.SeqKey(1))
		}, false},
		{"the last entry deleted", func(t *testing.T, tx *bolt.Tx, s setup) error {
			return seqs(tx).Delete(store.SeqKey(4))
		}, false},
		{"the first entry deleted", func(t *testing.T, tx *bolt.Tx, s setup) error {
			return seqs(tx).Delete(store.SeqKey(0))
		}, false},
		{"two entries swapped", func(t *testing.T, tx *bolt.Tx, s setup) error {
			a, b := append([]byte(nil), seqs(tx).Get(store.SeqKey(1))...), append([]byte(nil), seqs(tx).Get(store.SeqKey(2))...)
			seqs(tx).Put(store.SeqKey(1), b)
			return seqs(tx).Put(store.SeqKey(2), a)
		}, false},
		{"an entry replayed at the end", func(t *testing.T, tx *bolt.Tx, s setup) error {
			return seqs(tx).Put(store.SeqKey(5), append([]byte(nil), seqs(tx).Get(store.SeqKey(4))...))
		}, false},
		{"a junk entry appended", func(t *testing.T, tx *bolt.Tx, s setup) error {
			return seqs(tx).Put(store.SeqKey(5), []byte("junk"))
		}, false},
		{"an entry under a malformed key", func(t *testing.T, tx *bolt.Tx, s setup) error {
			return seqs(tx).Put([]byte{0xff}, []byte("junk"))
		}, false},
		{"the state rolled back", func(t *testing.T, tx *bolt.Tx, s setup) error {
			return tx.Bucket([]byte(store.BucketMeta)).Put([]byte(store.StateKey), s.oldState)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := coreInit(t) // entry 0: init
			v := coreOpen(t, path, corePass)
			coreFill(t, v) // entries 1-3: claim, call, condition
			v.Close()
			s := setup{path: path, oldState: coreGet(t, path, store.BucketMeta, []byte(store.StateKey))}
			v = coreOpen(t, path, corePass)
			if err := v.ChangePassphrase([]byte(corePass), crypto.KDFParams{}); err != nil { // entry 4
				t.Fatal(err)
			}
			v.Close()
			coreBolt(t, path, func(tx *bolt.Tx) error { return tc.tamper(t, tx, s) })
			v = coreOpen(t, path, corePass)
			defer v.Close()
			h, err := v.History()
			if tc.ok {
				if err != nil || len(h) != 5 {
					t.Fatalf("%d entries, %v", len(h), err)
				}
				return
			}
			if !errors.Is(err, vault.ErrTampered) {
				t.Fatalf("err = %v, want ErrTampered", err)
			}
		})
	}
}

// TestCoreHistoryCoversRecords replays the history: every live record's
// sealed bytes hash to the record_hash of the last entry that wrote it, and
// records removed in the history are gone. The history thus holds what is
// needed to notice a record rolled back to an older sealed version (which
// opens fine: same key, same AD); the replay here shows it does notice.
func TestCoreHistoryCoversRecords(t *testing.T) {
	path, _ := coreInit(t)
	v := coreOpen(t, path, corePass)
	s := coreFill(t, v, 1000)
	var sealedBefore []byte
	v.Store().View(func(tx *store.Tx) error { sealedBefore = tx.Record([]byte(s.claim.ID)); return nil })
	claim := *s.claim
	claim.Status = "paid"
	err := v.Update(func(tx *vault.Tx) error {
		if err := tx.Put(&claim, vault.ActionStatus, "paid in full"); err != nil {
			return err
		}
		return tx.Delete(s.cond.ID, "duplicate")
	})
	if err != nil {
		t.Fatal(err)
	}
	if problems := coreReplay(t, v); len(problems) != 0 {
		t.Fatalf("an untouched vault: %v", problems)
	}
	v.Close()
	// Roll the claim back to its sealed bytes before the status change.
	coreBolt(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(store.BucketRecords)).Put([]byte(s.claim.ID), sealedBefore)
	})
	v = coreOpen(t, path, corePass)
	defer v.Close()
	got, err := v.Record(s.claim.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.(*vault.Claim).Status != "open" {
		t.Fatal("the rollback did not take")
	}
	if _, err := v.History(); err != nil {
		t.Logf("History notices the rolled-back record: %v", err)
	} else {
		t.Log("History() alone does not notice a record rolled back to an older sealed version")
	}
	if problems := coreReplay(t, v); len(problems) != 1 || !strings.Contains(problems[0], s.claim.ID) {
		t.Fatalf("the replay found %v, want the rolled-back claim", problems)
	}
}

// coreReplay compares the records bucket with the history.
func coreReplay(t *testing.T, v *vault.Vault) []string {
	t.Helper()
	h, err := v.History()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // record ID -> hash of its last sealed value; "" = removed
	for _, e := range h {
		switch e.Action {
		case vault.ActionInit, vault.ActionPasswd:
		case vault.ActionRemove:
			want[e.RecordID] = ""
		default:
			want[e.RecordID] = e.RecordHash
		}
	}
	var problems []string
	v.Store().View(func(tx *store.Tx) error {
		have := map[string]bool{}
		tx.ForEachRecord(func(id, sealed []byte) error {
			have[string(id)] = true
			sum := sha256.Sum256(sealed)
			if w, ok := want[string(id)]; !ok || w != hex.EncodeToString(sum[:]) {
				problems = append(problems, "record "+string(id)+" differs from its last history entry")
			}
			return nil
		})
		for id, w := range want {
			if w != "" && !have[id] {
				problems = append(problems, "record "+id+" is missing")
			}
		}
		return nil
	})
	return problems
}

// TestCoreUpdateIsAtomic: an error in the transaction's function writes
// nothing: no record, no history entry, no new generation.
func TestCoreUpdateIsAtomic(t *testing.T) {
	path, _ := coreInit(t)
	v := coreOpen(t, path, corePass)
	defer v.Close()
	before := v.State()
	boom := errors.New("boom")
	err := v.Update(func(tx *vault.Tx) error {
		if err := tx.Put(&vault.Claim{ID: "abcd2345", Name: "x", Insurer: "y", Status: "open"}, vault.ActionAdd, ""); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update: %v", err)
	}
	if v.State() != before {
		t.Fatalf("state changed: %+v", v.State())
	}
	if _, err := v.Record("abcd2345"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("the record was written: %v", err)
	}
	h, err := v.History()
	if err != nil || len(h) != 1 {
		t.Fatalf("history %d entries, %v", len(h), err)
	}
}

// TestCoreDocuments: blobs round-trip, stay orphans until referenced, and go
// with their record; a size limit leaves nothing behind.
func TestCoreDocuments(t *testing.T) {
	path, _ := coreInit(t)
	v := coreOpen(t, path, corePass)
	defer v.Close()
	for _, n := range []int{0, 1, 3072, 65535, 65536, 65537, 1 << 20} {
		content := coreDocBytes(byte(n), n)
		blob, err := v.WriteBlob(bytes.NewReader(content), vault.BlobOptions{BatchBytes: 200_000})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(content)
		if blob.Size != int64(n) || blob.SHA256 != hex.EncodeToString(sum[:]) || blob.Chunks != crypto.ChunkCount(int64(n)) ||
			!bytes.Equal(blob.Head, content[:min(n, vault.SniffSize)]) || len(blob.ID) != store.BlobIDSize {
			t.Fatalf("%d bytes: blob %+v", n, blob)
		}
		d := &vault.Document{ID: "doc" + strings.Repeat("0", 5), Claim: "c", Kind: "receipt", Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks}
		if err := v.Update(func(tx *vault.Tx) error { return tx.Put(d, vault.ActionAdd, "") }); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := v.ReadDocument(d, &buf); err != nil || !bytes.Equal(buf.Bytes(), content) {
			t.Fatalf("%d bytes: read back: %v", n, err)
		}
		// A recorded size or hash that does not match is tampering.
		bad := *d
		bad.Size++
		if err := v.ReadDocument(&bad, io.Discard); !errors.Is(err, vault.ErrTampered) {
			t.Fatalf("%d bytes: wrong recorded size: %v", n, err)
		}
		if err := v.Update(func(tx *vault.Tx) error { return tx.Delete(d.ID, "") }); err != nil {
			t.Fatal(err)
		}
		v.Store().View(func(tx *store.Tx) error {
			if c := tx.ChunkCount(blob.ID); c != 0 {
				t.Errorf("%d bytes: %d chunks left after the delete", n, c)
			}
			return nil
		})
	}
	// Over the limit: ErrTooLarge and nothing left behind.
	_, err := v.WriteBlob(bytes.NewReader(coreDocBytes(1, 500_000)), vault.BlobOptions{MaxSize: 300_000, BatchBytes: 100_000})
	if !errors.Is(err, vault.ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	// A failing reader: its error, and nothing left behind.
	boom := errors.New("read error")
	if _, err := v.WriteBlob(&coreFailingReader{n: 300_000, err: boom}, vault.BlobOptions{BatchBytes: 100_000}); !errors.Is(err, boom) {
		t.Fatalf("failing reader: %v", err)
	}
	// An orphan (written, never referenced) stays pending until discarded.
	orphan, err := v.WriteBlob(bytes.NewReader(coreDocBytes(2, 100_000)), vault.BlobOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v.Store().View(func(tx *store.Tx) error {
		if p := tx.PendingBlobs(); len(p) != 1 || !bytes.Equal(p[0], orphan.ID) {
			t.Errorf("pending %x, want the orphan only", p)
		}
		return nil
	})
	if err := v.DiscardBlob(orphan.ID); err != nil {
		t.Fatal(err)
	}
	v.Store().View(func(tx *store.Tx) error {
		var n int
		tx.ForEachChunk(func(k, _ []byte) error { n++; return nil })
		if n != 0 || len(tx.PendingBlobs()) != 0 {
			t.Errorf("%d chunks and %d pending blobs left", n, len(tx.PendingBlobs()))
		}
		return nil
	})
}

// coreFailingReader yields n bytes, then err.
type coreFailingReader struct {
	n   int
	err error
}

func (r *coreFailingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}

// TestCoreInUse: while one handle holds the vault, a second opener (in this
// process: flock is per open file description, so it conflicts like another
// process; and in a child process) gets store.ErrInUse after its timeout.
func TestCoreInUse(t *testing.T) {
	path, _ := coreInit(t)
	v := coreOpen(t, path, corePass)
	for _, ro := range []bool{false, true} {
		_, err := vault.Open(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{ReadOnly: ro, Timeout: 300 * time.Millisecond})
		if !errors.Is(err, store.ErrInUse) {
			t.Fatalf("second opener (read-only %v) in this process: %v, want ErrInUse", ro, err)
		}
		if err.Error() != "the vault is in use by another vault process" {
			t.Fatalf("message %q", err)
		}
	}
	v.Close()

	// Another process holds it.
	child := crashStartHelper(t, "hold", path, nil)
	if line := child.waitLine(t, 30*time.Second); line != "ready" {
		t.Fatalf("helper said %q", line)
	}
	for _, ro := range []bool{false, true} {
		_, err := vault.Open(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{ReadOnly: ro, Timeout: 300 * time.Millisecond})
		if !errors.Is(err, store.ErrInUse) {
			t.Fatalf("opener while another process holds the vault (read-only %v): %v, want ErrInUse", ro, err)
		}
	}
	child.stdin.Close() // lets the helper close the vault and exit
	if err := child.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s", err, child.stderr.String())
	}
	v = coreOpen(t, path, corePass)
	v.Close()

	// Two readers share the vault.
	r1, err := vault.Open(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := vault.Open(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	r2.Close()
}

// TestCorePasswdLeavesNoOldSlot: after a passphrase change, the old
// passphrase must not unlock the file, not even through the old key slot
// left in a page bbolt freed but did not overwrite: ChangePassphrase
// compacts the file so that no free page keeps it.
func TestCorePasswdLeavesNoOldSlot(t *testing.T) {
	path, _ := coreInit(t)
	old := coreHeader(t, path).Slot(store.SlotPassphrase)
	v := coreOpen(t, path, corePass)
	if err := v.ChangePassphrase([]byte("new passphrase"), crypto.KDFParams{}); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if i := bytes.Index(coreReadFile(t, path), old.Wrapped); i >= 0 {
		t.Fatalf("the old passphrase's wrapped master key is still in the file at offset %d", i)
	}
}
