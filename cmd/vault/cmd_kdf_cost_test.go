package main

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
)

// setHeaderKDF rewrites the Argon2id parameters of every key slot in the
// vault file, as a hostile editor of the file would.
func setHeaderKDF(t *testing.T, path string, p crypto.KDFParams) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(store.BucketHeader))
		h, err := store.ParseHeader(b.Get([]byte(store.HeaderKey)))
		if err != nil {
			return err
		}
		for i := range h.Slots {
			h.Slots[i].KDF = p
		}
		hb, err := h.MarshalBinary()
		if err != nil {
			return err
		}
		return b.Put([]byte(store.HeaderKey), hb)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostileCostlyKDFHeader (part of the hostile-input suite): a header
// crafted to 4 GiB / 16 passes / 16 lanes, within the format's limit but
// above what init writes, makes every command that opens the vault refuse
// with one line naming the parameters and --allow-costly-kdf, before any
// derivation (the commands run in this process: allocation stays far below
// the 4 GiB Argon2id would take), and leaves the file unchanged. With the
// flag, a cheaper over-cap header is derived (then the passphrase is wrong,
// the wrapped key having been made with other parameters).
func TestHostileCostlyKDFHeader(t *testing.T) {
	h := newHostileVault(t)
	setHeaderKDF(t, h.path, crypto.KDFParams{MemoryKiB: 4 << 20, Time: 16, Lanes: 16})
	before, err := os.ReadFile(h.path)
	if err != nil {
		t.Fatal(err)
	}
	out := h.dir + "/out.zip"
	for _, args := range [][]string{
		{"list"},
		{"show", h.docID},
		{"get", h.docID, "-o", h.dir + "/doc.out"},
		{"add", "--claim", "knee-pt", "--kind", "receipt", "--text", "x"},
		{"export", "--claim", "knee-pt", "-o", out},
		{"verify"},
		{"compact"},
		{"backup", h.dir + "/backup.db"},
		{"passwd", "--new-passphrase-file", h.pass},
	} {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		_, stderr, code := h.run(t, args...)
		runtime.ReadMemStats(&m1)
		checkOneLineError(t, stderr, code, "4096 MiB, 16 passes, 16 lanes")
		if !strings.Contains(stderr, "--allow-costly-kdf") || !strings.Contains(stderr, "at most 1024 MiB, 10 passes") {
			t.Errorf("%v: %q does not say the cap and how to open anyway", args, stderr)
		}
		if d := m1.TotalAlloc - m0.TotalAlloc; d > 64<<20 {
			t.Errorf("%v: %d bytes allocated: the key was derived", args, d)
		}
		if after, _ := os.ReadFile(h.path); !bytes.Equal(before, after) {
			t.Fatalf("%v changed the vault file", args)
		}
	}
	setHeaderKDF(t, h.path, crypto.KDFParams{MemoryKiB: 8 << 10, Time: 11, Lanes: 1})
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, stderr, code := h.run(t, "--allow-costly-kdf", "list")
	runtime.ReadMemStats(&m1)
	checkOneLineError(t, stderr, code, "wrong passphrase")
	if d := m1.TotalAlloc - m0.TotalAlloc; d < 8<<20 {
		t.Errorf("--allow-costly-kdf: %d bytes allocated: nothing was derived", d)
	}
}
