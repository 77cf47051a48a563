package crypto

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"testing"
)

func TestDeriveKeys(t *testing.T) {
	master := testKey(0x42)
	k, err := DeriveKeys(master)
	if err != nil {
		t.Fatal(err)
	}
	subkeys := map[string][]byte{
		LabelRecords: k.Records, LabelDocuments: k.Documents, LabelIntegrity: k.Integrity, LabelSigning: k.Signing,
	}
	seen := map[string]string{}
	for label, key := range subkeys {
		if len(key) != KeySize {
			t.Fatalf("%s key is %d bytes", label, len(key))
		}
		if bytes.Equal(key, master) {
			t.Fatalf("%s key equals the master key", label)
		}
		if other, dup := seen[string(key)]; dup {
			t.Fatalf("%s and %s keys are equal", label, other)
		}
		seen[string(key)] = label
		// The format: HKDF-SHA-256, no salt, the label as info.
		want, _ := hkdf.Key(sha256.New, master, nil, label, KeySize)
		if !bytes.Equal(key, want) {
			t.Fatalf("%s key is not HKDF-SHA-256(master, no salt, %q)", label, label)
		}
	}
	k2, _ := DeriveKeys(master)
	if !bytes.Equal(k.Records, k2.Records) {
		t.Fatal("DeriveKeys is not deterministic")
	}
	k2.Wipe()
	for _, b := range [][]byte{k2.Records, k2.Documents, k2.Integrity, k2.Signing} {
		if !bytes.Equal(b, make([]byte, KeySize)) {
			t.Fatal("Wipe left key bytes")
		}
	}
	(*Keys)(nil).Wipe() // must not panic
	if _, err := DeriveKeys(master[:31]); err == nil {
		t.Fatal("DeriveKeys accepted a 31-byte master key")
	}
}

func TestNewMasterKey(t *testing.T) {
	a, b := NewMasterKey(), NewMasterKey()
	if len(a) != KeySize || bytes.Equal(a, b) || bytes.Equal(a, make([]byte, KeySize)) {
		t.Fatalf("master keys %x and %x", a, b)
	}
}

func TestWrapKey(t *testing.T) {
	salt := bytes.Repeat([]byte{5}, SaltSize)
	kek, err := DeriveKey([]byte("the passphrase"), salt, MinKDF())
	if err != nil {
		t.Fatal(err)
	}
	master := NewMasterKey()
	ad := []byte("header of this vault")
	wrapped, err := WrapKey(kek, master, ad)
	if err != nil {
		t.Fatal(err)
	}
	if len(wrapped) != WrappedKeySize {
		t.Fatalf("wrapped key is %d bytes, want %d", len(wrapped), WrappedKeySize)
	}
	got, err := UnwrapKey(kek, wrapped, ad)
	if err != nil || !bytes.Equal(got, master) {
		t.Fatalf("unwrap: %v", err)
	}
	wrongKEK, err := DeriveKey([]byte("the passphrasE"), salt, MinKDF())
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), wrapped...)
	flipped[30] ^= 1
	for _, tc := range []struct {
		name    string
		kek     []byte
		wrapped []byte
		ad      []byte
	}{
		{"wrong passphrase", wrongKEK, wrapped, ad},
		{"changed associated data", kek, wrapped, []byte("header of that vault")},
		{"flipped byte", kek, flipped, ad},
		{"truncated", kek, wrapped[:WrappedKeySize-1], ad},
		{"extended", kek, append(append([]byte(nil), wrapped...), 0), ad},
	} {
		if k, err := UnwrapKey(tc.kek, tc.wrapped, tc.ad); !errors.Is(err, ErrAuth) || k != nil {
			t.Errorf("%s: err = %v, want ErrAuth", tc.name, err)
		}
	}
	if _, err := WrapKey(kek, master[:16], ad); err == nil {
		t.Error("WrapKey accepted a 16-byte master key")
	}
}

func TestRandomBytes(t *testing.T) {
	a, b := RandomBytes(24), RandomBytes(24)
	if len(a) != 24 || bytes.Equal(a, b) {
		t.Fatalf("RandomBytes gave %x and %x", a, b)
	}
}
