package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// newStore creates a vault file holding a fixed header and returns its path.
func newStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.db")
	if err := Create(path, mustMarshal(t, testHeader(true)), nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func openStore(t *testing.T, path string, o Options) *DB {
	t.Helper()
	db, err := Open(path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCreate(t *testing.T) {
	path := newStore(t)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("vault file mode %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("the folder holds %d entries (temporary file left behind?)", len(entries))
	}
	db := openStore(t, path, Options{ReadOnly: true})
	err = db.View(func(tx *Tx) error {
		if !bytes.Equal(tx.Header(), mustMarshal(t, testHeader(true))) {
			t.Error("header differs")
		}
		if tx.State() != nil || tx.HistoryLen() != 0 || len(tx.PendingBlobs()) != 0 {
			t.Error("a new store is not empty")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCreateInitRunsInTheFirstTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.db")
	if err := Create(path, mustMarshal(t, testHeader(false)), func(tx *Tx) error { return tx.PutState([]byte("sealed state")) }); err != nil {
		t.Fatal(err)
	}
	db := openStore(t, path, Options{})
	var state []byte
	if err := db.View(func(tx *Tx) error {
		state = tx.State()
		return nil
	}); err != nil {
		t.Fatalf("View: %v", err)
	}
	if string(state) != "sealed state" {
		t.Errorf("init's write is missing: the state is %q", state)
	}
	// A failing init creates nothing.
	path2 := filepath.Join(t.TempDir(), "vault.db")
	boom := errors.New("boom")
	if err := Create(path2, mustMarshal(t, testHeader(false)), func(*Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Create: %v, want boom", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path2)); len(entries) != 0 {
		t.Fatalf("a failed Create left %d files", len(entries))
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"file", "link", "dir"} {
		path := filepath.Join(dir, name)
		switch name {
		case "file":
			os.WriteFile(path, []byte("precious"), 0o600)
		case "link":
			os.Symlink(filepath.Join(dir, "nowhere"), path)
		case "dir":
			os.Mkdir(path, 0o700)
		}
		if err := Create(path, mustMarshal(t, testHeader(false)), nil); !errors.Is(err, ErrExists) {
			t.Errorf("%s: err = %v, want ErrExists", name, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "file")); string(b) != "precious" {
		t.Fatal("Create changed an existing file")
	}
}

func TestOpenNotAVault(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(i*7 + i/256)
	}
	// A bbolt file without the vault's buckets.
	other := filepath.Join(dir, "other.db")
	b, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("things")); return err })
	b.Close()
	for _, tc := range []struct {
		name string
		path string
		want error
	}{
		{"missing", filepath.Join(dir, "missing.db"), ErrNoVault},
		{"folder", dir, ErrNotVault},
		{"empty", write("empty", nil), ErrNotVault},
		{"text", write("text", []byte("my notes\n")), ErrNotVault},
		{"random 64 KiB", write("random", random), ErrNotVault},
		{"other bbolt file", other, ErrNotVault},
	} {
		for _, ro := range []bool{false, true} {
			var before []byte
			if st, err := os.Stat(tc.path); err == nil && st.Mode().IsRegular() {
				before, _ = os.ReadFile(tc.path)
			}
			db, err := Open(tc.path, Options{ReadOnly: ro, Timeout: 100 * time.Millisecond})
			if !errors.Is(err, tc.want) {
				t.Errorf("%s (read-only %v): err = %v, want %v", tc.name, ro, err, tc.want)
			}
			if db != nil {
				db.Close()
			}
			if before != nil {
				after, _ := os.ReadFile(tc.path)
				if !bytes.Equal(before, after) {
					t.Errorf("%s (read-only %v): opening changed the file", tc.name, ro)
				}
			}
		}
	}
}

// TestInUse: flock is per open file description, so a second Open in the
// same process conflicts like another process would (the cross-process case
// is in vault/core_test.go).
func TestInUse(t *testing.T) {
	path := newStore(t)
	short := Options{Timeout: 200 * time.Millisecond}
	for _, tc := range []struct {
		name          string
		first, second bool // read-only
		ok            bool
	}{
		{"writer then writer", false, false, false},
		{"writer then reader", false, true, false},
		{"reader then writer", true, false, false},
		{"reader then reader", true, true, true},
	} {
		a, err := Open(path, Options{ReadOnly: tc.first})
		if err != nil {
			t.Fatal(err)
		}
		o := short
		o.ReadOnly = tc.second
		b, err := Open(path, o)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && !errors.Is(err, ErrInUse) {
			t.Errorf("%s: err = %v, want ErrInUse", tc.name, err)
		}
		if b != nil {
			b.Close()
		}
		a.Close()
	}
	// Once closed, the vault opens again.
	openStore(t, path, short)
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	db := openStore(t, newStore(t), Options{ReadOnly: true})
	if err := db.Update(func(*Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Update on a read-only store: %v", err)
	}
	if !db.ReadOnly() {
		t.Fatal("ReadOnly() is false")
	}
}

func TestRecordsAndHistory(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	err := db.Update(func(tx *Tx) error {
		for i := range uint64(3) {
			if err := tx.AppendHistory(i, []byte{byte(i)}); err != nil {
				return err
			}
		}
		if err := tx.PutRecord([]byte("bbbb"), []byte("2")); err != nil {
			return err
		}
		return tx.PutRecord([]byte("aaaa"), []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *Tx) error { return tx.DeleteRecord([]byte("bbbb")) })
	db.View(func(tx *Tx) error {
		if n := tx.HistoryLen(); n != 3 {
			t.Errorf("HistoryLen = %d", n)
		}
		var seqs []byte
		tx.ForEachHistory(func(k, v []byte) error { seqs = append(seqs, v...); return nil })
		if !bytes.Equal(seqs, []byte{0, 1, 2}) {
			t.Errorf("history order %v", seqs)
		}
		if string(tx.Record([]byte("aaaa"))) != "1" || tx.Record([]byte("bbbb")) != nil {
			t.Error("records differ")
		}
		return nil
	})
}

// sealedChunk returns a stand-in for a sealed chunk: n bytes all equal to b.
func sealedChunk(b byte, n int) []byte { return fill(b, n) }

func TestBlobWriterBatches(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	blob := fill(0x01, BlobIDSize)
	const chunk = 65536 + 16
	w := db.NewBlobWriter(blob, 3*chunk+100) // a batch holds three chunks and a bit
	visible := func() (n uint64, pending int) {
		db.View(func(tx *Tx) error { n, pending = tx.ChunkCount(blob), len(tx.PendingBlobs()); return nil })
		return
	}
	for i := range uint64(7) {
		if err := w.Put(i, sealedChunk(byte(i), chunk)); err != nil {
			t.Fatal(err)
		}
		n, pending := visible()
		// Batches commit after the 4th chunk (3 chunks + a bit reached) and
		// after the 8th; in between nothing new is on disk.
		want := uint64(0)
		if i >= 3 {
			want = 4
		}
		if n != want {
			t.Fatalf("after chunk %d, %d chunks committed; want %d", i, n, want)
		}
		if n > 0 && pending != 1 {
			t.Fatalf("chunks committed without the pending mark")
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if n, pending := visible(); n != 7 || pending != 1 {
		t.Fatalf("after Flush: %d chunks, %d pending", n, pending)
	}
	db.View(func(tx *Tx) error {
		for i := range uint64(7) {
			if !bytes.Equal(tx.Chunk(blob, i), sealedChunk(byte(i), chunk)) {
				t.Errorf("chunk %d differs", i)
			}
		}
		if tx.Chunk(blob, 7) != nil {
			t.Error("chunk 7 exists")
		}
		return nil
	})
	if err := w.Flush(); err != nil { // nothing queued: a no-op
		t.Fatal(err)
	}
}

func TestBlobWriterDefaultBatch(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	if w := db.NewBlobWriter(fill(1, BlobIDSize), 0); w.limit != DefaultBatchBytes {
		t.Fatalf("batch %d, want %d", w.limit, DefaultBatchBytes)
	}
}

// TestReclaimOrphans: pending blobs lose every chunk and their mark; blobs
// whose mark was cleared (referenced by a record) and neighbouring blobs
// keep theirs.
func TestReclaimOrphans(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	kept := fill(0x10, BlobIDSize)
	orphanA := fill(0x11, BlobIDSize)
	orphanB := append(fill(0x10, BlobIDSize-1), 0x11) // shares 15 bytes with kept
	neighbour := append(fill(0x11, BlobIDSize-1), 0x12)
	for _, blob := range [][]byte{kept, orphanA, orphanB, neighbour} {
		w := db.NewBlobWriter(blob, 100)
		for i := range uint64(5) {
			if err := w.Put(i, sealedChunk(blob[15], 80)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	db.Update(func(tx *Tx) error {
		tx.ClearPending(kept)
		return tx.ClearPending(neighbour)
	})
	n, err := db.ReclaimOrphans()
	if err != nil || n != 2 {
		t.Fatalf("ReclaimOrphans = %d, %v; want 2", n, err)
	}
	db.View(func(tx *Tx) error {
		for _, c := range []struct {
			blob []byte
			want uint64
		}{{kept, 5}, {orphanA, 0}, {orphanB, 0}, {neighbour, 5}} {
			if got := tx.ChunkCount(c.blob); got != c.want {
				t.Errorf("blob %x: %d chunks, want %d", c.blob, got, c.want)
			}
		}
		if p := tx.PendingBlobs(); len(p) != 0 {
			t.Errorf("%d blobs still pending", len(p))
		}
		var total int
		tx.ForEachChunk(func(k, v []byte) error { total++; return nil })
		if total != 10 {
			t.Errorf("%d chunks in the bucket, want 10", total)
		}
		return nil
	})
	if n, err := db.ReclaimOrphans(); n != 0 || err != nil {
		t.Fatalf("second ReclaimOrphans = %d, %v", n, err)
	}
}

func TestDeleteBlob(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	a, b := fill(0x20, BlobIDSize), fill(0x21, BlobIDSize)
	for _, blob := range [][]byte{a, b} {
		w := db.NewBlobWriter(blob, 0)
		for i := range uint64(300) {
			w.Put(i, sealedChunk(1, 10))
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Update(func(tx *Tx) error { return tx.DeleteBlob(a) }); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		if tx.ChunkCount(a) != 0 || tx.ChunkCount(b) != 300 {
			t.Errorf("after deleting a: %d and %d chunks", tx.ChunkCount(a), tx.ChunkCount(b))
		}
		if p := tx.PendingBlobs(); len(p) != 1 || !bytes.Equal(p[0], b) {
			t.Errorf("pending %x", p)
		}
		return nil
	})
}

func TestStatVault(t *testing.T) {
	dir := t.TempDir()
	if _, err := StatVault(filepath.Join(dir, "none")); !errors.Is(err, ErrNoVault) {
		t.Errorf("missing: %v", err)
	}
	if _, err := StatVault(dir); !errors.Is(err, ErrNotVault) {
		t.Errorf("folder: %v", err)
	}
	if _, err := StatVault("/dev/null"); !errors.Is(err, ErrNotVault) {
		t.Errorf("device: %v", err)
	}
}

func TestNewBlobID(t *testing.T) {
	a, b := NewBlobID(), NewBlobID()
	if len(a) != BlobIDSize || bytes.Equal(a, b) {
		t.Fatalf("blob IDs %x, %x", a, b)
	}
}
