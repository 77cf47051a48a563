package vault_test

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// kdfSetSlots rewrites every key slot's Argon2id parameters in the file, as
// an attacker who edits the header would. The wrapped keys stay as they were,
// so a derivation with the new parameters can only end in a wrong secret.
func kdfSetSlots(t *testing.T, path string, p crypto.KDFParams) {
	t.Helper()
	h := coreHeader(t, path)
	for i := range h.Slots {
		h.Slots[i].KDF = p
	}
	hb, err := h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	coreSetHeader(t, path, hb)
}

// kdfOpenAllocs opens the vault and returns the error and the bytes the
// attempt allocated: Argon2id allocates its whole memory cost, so an attempt
// that allocated less than that did not derive.
func kdfOpenAllocs(path string, secret vault.Secret, o vault.Options) (error, uint64) {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	v, err := vault.Open(path, secret, o)
	runtime.ReadMemStats(&m1)
	if v != nil {
		v.Close()
	}
	return err, m1.TotalAlloc - m0.TotalAlloc
}

// TestKDFOverWhatInitWritesRefusedBeforeDeriving: a header whose parameters
// lie within the format's limit (4 GiB, 16 passes, 16 lanes) but above what
// init writes (1 GiB, 10 passes) is refused before any derivation, naming
// the parameters; the 4 GiB / 16 passes / 16 lanes slot is one case.
// Allocation is measured, not time.
func TestKDFOverWhatInitWritesRefusedBeforeDeriving(t *testing.T) {
	for _, tc := range []struct {
		name string
		kdf  crypto.KDFParams
		want string
	}{
		{"4 GiB, 16 passes, 16 lanes", crypto.KDFParams{MemoryKiB: 4 << 20, Time: 16, Lanes: 16}, "4096 MiB"},
		{"1 GiB + 1 KiB", crypto.KDFParams{MemoryKiB: 1<<20 + 1, Time: 1, Lanes: 1}, "1024 MiB"},
		{"11 passes", crypto.KDFParams{MemoryKiB: 8 << 10, Time: 11, Lanes: 1}, "11 passes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, code := coreInit(t)
			kdfSetSlots(t, path, tc.kdf)
			before := coreReadFile(t, path)
			for _, secret := range []vault.Secret{{Passphrase: []byte(corePass)}, {RecoveryCode: []byte(code)}} {
				err, alloc := kdfOpenAllocs(path, secret, vault.Options{})
				if !errors.Is(err, vault.ErrCostlyKDF) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want ErrCostlyKDF naming %q", err, tc.want)
				}
				if alloc > 4<<20 {
					t.Fatalf("%d bytes allocated before refusing", alloc)
				}
			}
			if !bytes.Equal(before, coreReadFile(t, path)) {
				t.Fatal("the refused open changed the file")
			}
		})
	}
}

// TestKDFAllowCostlyLiftsTheCap: with AllowCostlyKDF, parameters above what
// init writes but within the format's limit are derived (the allocation shows
// it); the wrapped key no longer matches, so the secret is then wrong.
func TestKDFAllowCostlyLiftsTheCap(t *testing.T) {
	path, _ := coreInit(t)
	p := crypto.KDFParams{MemoryKiB: 8 << 10, Time: 11, Lanes: 1}
	kdfSetSlots(t, path, p)
	err, alloc := kdfOpenAllocs(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{AllowCostlyKDF: true})
	if !errors.Is(err, vault.ErrWrongSecret) {
		t.Fatalf("err = %v, want the wrong secret after deriving", err)
	}
	if alloc < uint64(p.MemoryKiB)<<10 {
		t.Fatalf("only %d bytes allocated: no derivation happened", alloc)
	}
	// Over the format's limit the flag does not help.
	kdfSetSlots(t, path, crypto.KDFParams{MemoryKiB: 8 << 10, Time: 17, Lanes: 1})
	err, alloc = kdfOpenAllocs(path, vault.Secret{Passphrase: []byte(corePass)}, vault.Options{AllowCostlyKDF: true})
	if !errors.Is(err, store.ErrDamagedHeader) || alloc > 4<<20 {
		t.Fatalf("17 passes with AllowCostlyKDF: err %v, %d bytes allocated; want a damaged header, no derivation", err, alloc)
	}
}

// TestKDFAboveFreeMemoryRefusedBeforeDeriving: when the machine has less
// memory free than the slot's Argon2id memory cost, Open refuses before
// deriving and names the parameters and the free memory; AllowCostlyKDF
// opens anyway, and an unknown amount of free memory does not refuse.
func TestKDFAboveFreeMemoryRefusedBeforeDeriving(t *testing.T) {
	path, _ := coreInit(t) // 8 MiB, 1 pass, 1 lane
	free := func(n uint64, known bool) func() (uint64, bool) {
		return func() (uint64, bool) { return n, known }
	}
	secret := vault.Secret{Passphrase: []byte(corePass)}
	err, alloc := kdfOpenAllocs(path, secret, vault.Options{FreeMemory: free(4<<20, true)})
	if !errors.Is(err, vault.ErrCostlyKDF) || !strings.Contains(err.Error(), "8 MiB") || !strings.Contains(err.Error(), "4 MiB") {
		t.Fatalf("err = %v, want ErrCostlyKDF naming 8 MiB needed and 4 MiB free", err)
	}
	if alloc > 4<<20 {
		t.Fatalf("%d bytes allocated before refusing", alloc)
	}
	for _, o := range []vault.Options{
		{FreeMemory: free(4<<20, true), AllowCostlyKDF: true},
		{FreeMemory: free(0, false)},
		{FreeMemory: free(8<<20, true)},
	} {
		err, alloc := kdfOpenAllocs(path, secret, o)
		if err != nil || alloc < 8<<20 {
			t.Fatalf("free memory %v, allow %v: err %v after %d bytes; want an open after deriving", o.FreeMemory != nil, o.AllowCostlyKDF, err, alloc)
		}
	}
}
