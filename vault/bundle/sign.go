package bundle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// EncodePublicKey returns the manifest's form of a public key: standard
// base64 (with padding) of its 32 bytes.
func EncodePublicKey(pub ed25519.PublicKey) string {
	return base64.StdEncoding.EncodeToString(pub)
}

// ParsePublicKey decodes the manifest's public_key field.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public_key is not the base64 of a %d-byte Ed25519 key", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Fingerprint returns a short, readable identification of a signing key:
// the first 16 hex digits of the SHA-256 of its 32 bytes, in groups of
// four ("3f2a 91c0 7be4 d5a8"). Shell: base64 -d | sha256sum.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := hex.EncodeToString(sum[:8])
	var groups []string
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, " ")
}
