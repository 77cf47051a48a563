package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"vault/store"
)

// TestRefuseVault: every name under which a written file would replace the
// vault is refused, and names beside it are not.
func TestRefuseVault(t *testing.T) {
	dir := t.TempDir()
	vaultPath := filepath.Join(dir, "vault.db")
	if err := os.WriteFile(vaultPath, []byte("vault"), 0o600); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Link(vaultPath, filepath.Join(dir, "hard.db")))
	must(os.Symlink("vault.db", filepath.Join(dir, "soft.db")))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	must(os.Symlink(dir, filepath.Join(dir, "sub", "up")))
	must(os.WriteFile(filepath.Join(dir, "other.db"), []byte("other"), 0o600))
	t.Chdir(dir)

	cases := []struct {
		dst    string
		vault  string
		refuse bool
	}{
		{vaultPath, vaultPath, true},
		{"vault.db", vaultPath, true},
		{"./sub/../vault.db", vaultPath, true},
		{"hard.db", vaultPath, true},
		{"soft.db", vaultPath, true},
		{"sub/up/vault.db", vaultPath, true},
		{"vault.db", "soft.db", true},
		{".vault-init-1234", vaultPath, true},
		{".vault.db.vault-compact-0123456789abcdef", vaultPath, true},
		{"sub/up/.vault.db.vault-compact-0123456789abcdef", vaultPath, true},
		// Not the vault.
		{"other.db", vaultPath, false},
		{"new.zip", vaultPath, false},
		{"sub/vault.db", vaultPath, false},
		{".vault.db.vault-compact-xyz", vaultPath, false},
		{".other.db.vault-compact-0123456789abcdef", vaultPath, false},
		{"vault.db", "", false},
		// A vault path that does not exist yet still protects its name.
		{"later.db", filepath.Join(dir, "later.db"), true},
	}
	for _, c := range cases {
		err := store.RefuseVault(c.dst, c.vault)
		var ve *store.VaultTargetError
		if got := errors.As(err, &ve); got != c.refuse {
			t.Errorf("RefuseVault(%q, %q) = %v, want refused %v", c.dst, c.vault, err, c.refuse)
			continue
		}
		if c.refuse && err.Error() != c.dst+" is the vault itself: choose another file" {
			t.Errorf("RefuseVault(%q): message %q", c.dst, err)
		}
	}
}

// TestPlaceRefusesVault: even with force, Place leaves the vault as it was
// and the temporary file where it was.
func TestPlaceRefusesVault(t *testing.T) {
	dir := t.TempDir()
	vaultPath := filepath.Join(dir, "vault.db")
	if err := os.WriteFile(vaultPath, []byte("vault"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(vaultPath, filepath.Join(dir, "hard.db")); err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{vaultPath, filepath.Join(dir, "hard.db")} {
		for _, force := range []bool{false, true} {
			tmp := filepath.Join(dir, ".tmp")
			if err := os.WriteFile(tmp, []byte("zip"), 0o600); err != nil {
				t.Fatal(err)
			}
			var ve *store.VaultTargetError
			if err := store.Place(tmp, dst, vaultPath, force); !errors.As(err, &ve) {
				t.Errorf("Place(%s, force %v) = %v, want the vault refused", dst, force, err)
			}
			if b, _ := os.ReadFile(vaultPath); string(b) != "vault" {
				t.Fatalf("the vault now holds %q", b)
			}
			if _, err := os.Stat(tmp); err != nil {
				t.Errorf("the temporary file is gone: %v", err)
			}
		}
	}
}
