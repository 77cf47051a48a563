package store

// The header's known-answer vector, ../testdata/vectors/header.json: a header
// with both key slots over a known master key, its encoding and each slot's
// associated data. Rewrite with `go test ./store -run Vector -update-vectors`
// (the wrapped keys get fresh random nonces; everything else is fixed).

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"vault/crypto"
)

var updateVectors = flag.Bool("update-vectors", false, "rewrite testdata/vectors from the current code")

type slotVector struct {
	Kind      uint8  `json:"kind"`
	Secret    string `json:"secret"` // the passphrase, or the normalized recovery code
	MemoryKiB uint32 `json:"memory_kib"`
	Time      uint32 `json:"time"`
	Lanes     uint8  `json:"lanes"`
	Salt      string `json:"salt"`
	Wrapped   string `json:"wrapped"`
	AD        string `json:"ad"`  // Header.SlotAD
	KEK       string `json:"kek"` // Argon2id(secret, salt, params)
}

type headerVector struct {
	Comment string       `json:"comment"`
	Master  string       `json:"master"`
	Version uint16       `json:"version"`
	VaultID string       `json:"vault_id"`
	Slots   []slotVector `json:"slots"`
	Encoded string       `json:"encoded"`
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func makeHeaderVector(t *testing.T) headerVector {
	master := make([]byte, crypto.KeySize)
	for i := range master {
		master[i] = byte(i)
	}
	h := &Header{Version: FormatVersion, VaultID: fill(0x5A, VaultIDSize)}
	secrets := [][]byte{[]byte("correct horse battery staple"), []byte("0123456789ABCDEFGHJKMNPQRSTVWXYZ")}
	for i, kind := range []uint8{SlotPassphrase, SlotRecovery} {
		h.Slots = append(h.Slots, KeySlot{Kind: kind, KDF: crypto.MinKDF(), Salt: fill(byte(0x60+i), crypto.SaltSize)})
	}
	v := headerVector{
		Comment: "Header encoding (store.Header.MarshalBinary) and key slots: wrapped = XChaCha20-Poly1305(kek, random nonce, master, ad); see docs/FORMAT.md.",
		Master:  hex.EncodeToString(master), Version: h.Version, VaultID: hex.EncodeToString(h.VaultID),
	}
	for i := range h.Slots {
		s := &h.Slots[i]
		kek, err := crypto.DeriveKey(secrets[i], s.Salt, s.KDF)
		if err != nil {
			t.Fatal(err)
		}
		if s.Wrapped, err = crypto.WrapKey(kek, master, h.SlotAD(s)); err != nil {
			t.Fatal(err)
		}
		v.Slots = append(v.Slots, slotVector{Kind: s.Kind, Secret: string(secrets[i]), MemoryKiB: s.KDF.MemoryKiB, Time: s.KDF.Time,
			Lanes: s.KDF.Lanes, Salt: hex.EncodeToString(s.Salt), Wrapped: hex.EncodeToString(s.Wrapped),
			AD: hex.EncodeToString(h.SlotAD(s)), KEK: hex.EncodeToString(kek)})
	}
	v.Encoded = hex.EncodeToString(mustMarshal(t, h))
	return v
}

func TestHeaderVector(t *testing.T) {
	path := filepath.Join("..", "testdata", "vectors", "header.json")
	if *updateVectors {
		b, err := json.MarshalIndent(makeHeaderVector(t), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate with -update-vectors)", err)
	}
	var v headerVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	want := &Header{Version: v.Version, VaultID: unhex(t, v.VaultID)}
	for _, s := range v.Slots {
		want.Slots = append(want.Slots, KeySlot{Kind: s.Kind, KDF: crypto.KDFParams{MemoryKiB: s.MemoryKiB, Time: s.Time, Lanes: s.Lanes},
			Salt: unhex(t, s.Salt), Wrapped: unhex(t, s.Wrapped)})
	}
	enc := unhex(t, v.Encoded)
	if got := mustMarshal(t, want); !bytes.Equal(got, enc) {
		t.Fatalf("MarshalBinary = %x, want %x", got, enc)
	}
	h, err := ParseHeader(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Slots) != 2 {
		t.Fatalf("%d slots", len(h.Slots))
	}
	for i, sv := range v.Slots {
		s := &h.Slots[i]
		if ad := h.SlotAD(s); !bytes.Equal(ad, unhex(t, sv.AD)) {
			t.Errorf("slot %d: SlotAD %x, want %s", i, ad, sv.AD)
		}
		kek, err := crypto.DeriveKey([]byte(sv.Secret), s.Salt, s.KDF)
		if err != nil || !bytes.Equal(kek, unhex(t, sv.KEK)) {
			t.Fatalf("slot %d: kek %x, want %s (%v)", i, kek, sv.KEK, err)
		}
		master, err := crypto.UnwrapKey(kek, s.Wrapped, h.SlotAD(s))
		if err != nil || !bytes.Equal(master, unhex(t, v.Master)) {
			t.Fatalf("slot %d: unwrap: %v", i, err)
		}
	}
}
