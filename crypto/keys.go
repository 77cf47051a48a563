package crypto

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// ErrAuth reports ciphertext that failed authentication: a wrong key, or data
// that was tampered with, truncated, reordered or moved.
var ErrAuth = errors.New("authentication failed")

// HKDF labels (the "info" input) for the subkeys of the master key. They are
// part of the format: changing one makes every vault unreadable.
const (
	LabelRecords   = "vault/v1 records"
	LabelDocuments = "vault/v1 documents"
	LabelIntegrity = "vault/v1 integrity"
	LabelSigning   = "vault/v1 signing"
	LabelChunkKey  = "vault/v1 document stream"
)

// RandomBytes returns n bytes from the operating system's CSPRNG.
func RandomBytes(n int) []byte {
	b := make([]byte, n)
	// crypto/rand.Read never returns an error on supported platforms; it
	// crashes the program rather than return predictable bytes.
	_, _ = rand.Read(b)
	return b
}

// NewMasterKey returns a fresh random 256-bit master key.
func NewMasterKey() []byte { return RandomBytes(KeySize) }

// Keys are the subkeys derived from the master key, one per purpose.
type Keys struct {
	Records   []byte // seals records (XChaCha20-Poly1305)
	Documents []byte // root of per-document stream keys
	Integrity []byte // HMAC key of the history chain
	Signing   []byte // 32-byte Ed25519 seed for signing export manifests
}

// DeriveKeys derives the purpose keys from a master key with HKDF-SHA-256
// (no salt, the labels above as info).
func DeriveKeys(master []byte) (*Keys, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("master key is %d bytes, want %d", len(master), KeySize)
	}
	var k Keys
	for _, d := range []struct {
		dst   *[]byte
		label string
	}{
		{&k.Records, LabelRecords},
		{&k.Documents, LabelDocuments},
		{&k.Integrity, LabelIntegrity},
		{&k.Signing, LabelSigning},
	} {
		key, err := hkdf.Key(sha256.New, master, nil, d.label, KeySize)
		if err != nil {
			return nil, fmt.Errorf("derive %s key: %w", d.label, err)
		}
		*d.dst = key
	}
	return &k, nil
}

// Wipe overwrites every key with zeros. Go cannot promise that no copy
// remains elsewhere in memory; this shortens the keys' life where it can.
func (k *Keys) Wipe() {
	if k == nil {
		return
	}
	for _, b := range [][]byte{k.Records, k.Documents, k.Integrity, k.Signing} {
		clear(b)
	}
}

// WrappedKeySize is the size of a wrapped master key: nonce, key, tag.
const WrappedKeySize = chacha20poly1305.NonceSizeX + KeySize + chacha20poly1305.Overhead

// WrapKey seals the master key under a key-encryption key with
// XChaCha20-Poly1305, a random nonce and the given associated data. The result
// is nonce || ciphertext || tag.
func WrapKey(kek, master, ad []byte) ([]byte, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("master key is %d bytes, want %d", len(master), KeySize)
	}
	return Seal(kek, master, ad)
}

// UnwrapKey opens a wrapped master key; a wrong key-encryption key or changed
// associated data gives ErrAuth.
func UnwrapKey(kek, wrapped, ad []byte) ([]byte, error) {
	if len(wrapped) != WrappedKeySize {
		return nil, fmt.Errorf("wrapped key is %d bytes, want %d: %w", len(wrapped), WrappedKeySize, ErrAuth)
	}
	return Open(kek, wrapped, ad)
}
