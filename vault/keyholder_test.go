package vault_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// TestKeyHolder proves the key holder opens the vault it was unlocked from,
// per call, leaving the file free between calls, and refuses after Lock,
// with a wrong secret, and on another vault put in its place.
func TestKeyHolder(t *testing.T) {
	path, code := coreInit(t)
	o := vault.Options{Now: coreClock, Timeout: 200 * time.Millisecond}
	if _, err := vault.Unlock(path, vault.Secret{Passphrase: []byte("wrong")}, o); !errors.Is(err, vault.ErrWrongSecret) {
		t.Fatalf("wrong passphrase: got %v, want ErrWrongSecret", err)
	}
	k, err := vault.Unlock(path, vault.Secret{Passphrase: []byte(corePass)}, o)
	if err != nil {
		t.Fatal(err)
	}
	// The file is not held between calls: a writer opens it beside the holder.
	v := coreOpen(t, path, corePass)
	if _, err := v.NewClaim(vault.Claim{Name: "back", Insurer: "Aetna"}); err != nil {
		t.Fatal(err)
	}
	// While the writer holds it, the holder's write open says "in use".
	if _, err := k.Open(path, o); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("open beside a writer: got %v, want ErrInUse", err)
	}
	v.Close()
	for _, ro := range []bool{true, false} {
		o.ReadOnly = ro
		kv, err := k.Open(path, o)
		if err != nil {
			t.Fatalf("open (read-only %v): %v", ro, err)
		}
		if _, err := kv.ClaimByName("back"); err != nil {
			t.Fatalf("read through the holder: %v", err)
		}
		kv.Close()
	}
	// A recovery code unlocks too.
	if _, err := vault.Unlock(path, vault.Secret{RecoveryCode: []byte(code)}, o); err != nil {
		t.Fatalf("unlock with recovery code: %v", err)
	}
	// Another vault in the same place is refused.
	other := filepath.Join(t.TempDir(), "other.db")
	if _, err := vault.Init(other, []byte(corePass), vault.InitOptions{KDF: crypto.MinKDF(), Now: coreClock}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Open(other, o); err == nil || !strings.Contains(err.Error(), "no longer the vault") {
		t.Fatalf("another vault: got %v", err)
	}
	k.Lock()
	if !k.Locked() {
		t.Fatal("Locked() false after Lock")
	}
	if _, err := k.Open(path, o); !errors.Is(err, vault.ErrLocked) {
		t.Fatalf("after Lock: got %v, want ErrLocked", err)
	}
}
