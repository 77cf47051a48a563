package crypto

import (
	"crypto/cipher"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// RecordOverhead is how many bytes Seal adds to a plaintext.
const RecordOverhead = chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// Seal encrypts plaintext with XChaCha20-Poly1305 under key with a random
// 24-byte nonce, binding ad. The result is nonce || ciphertext || tag.
func Seal(key, plaintext, ad []byte) ([]byte, error) {
	return sealWithNonce(key, RandomBytes(chacha20poly1305.NonceSizeX), plaintext, ad)
}

// sealWithNonce is Seal with a given nonce. Only Seal calls it outside tests;
// the known-answer tests use it to reproduce sealed values byte for byte.
func sealWithNonce(key, nonce, plaintext, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	if len(nonce) != chacha20poly1305.NonceSizeX {
		return nil, fmt.Errorf("seal: nonce is %d bytes, want %d", len(nonce), chacha20poly1305.NonceSizeX)
	}
	out := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(plaintext)+aead.Overhead())
	copy(out, nonce)
	return aead.Seal(out, out[:chacha20poly1305.NonceSizeX], plaintext, ad), nil
}

// Open decrypts what Seal produced. A wrong key, changed associated data or
// any changed byte gives ErrAuth; no plaintext is returned then.
func Open(key, sealed, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if len(sealed) < RecordOverhead {
		return nil, fmt.Errorf("sealed value is %d bytes, shorter than %d: %w", len(sealed), RecordOverhead, ErrAuth)
	}
	nonce, ct := sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:]
	pt, err := aead.Open(nil, nonce, ct, ad)
	if err != nil {
		return nil, ErrAuth
	}
	return pt, nil
}

// RecordAD is the associated data of a sealed record: it binds the ciphertext
// to the format version, its bucket and its key, so that a ciphertext moved to
// another key or bucket fails to open.
//
//	"vault/v1 record" || 0x00 || bucket || 0x00 || key
func RecordAD(bucket string, key []byte) []byte {
	return appendRecordAD(make([]byte, 0, 17+len(bucket)+len(key)), bucket, key)
}

// appendRecordAD appends RecordAD(bucket, key) to dst.
func appendRecordAD(dst []byte, bucket string, key []byte) []byte {
	dst = append(dst, "vault/v1 record"...)
	dst = append(dst, 0)
	dst = append(dst, bucket...)
	dst = append(dst, 0)
	return append(dst, key...)
}

// SealRecord seals a record's plaintext for storage at bucket/key.
func SealRecord(recordKey []byte, bucket string, key, plaintext []byte) ([]byte, error) {
	return Seal(recordKey, plaintext, RecordAD(bucket, key))
}

// OpenRecord opens a record stored at bucket/key.
func OpenRecord(recordKey []byte, bucket string, key, sealed []byte) ([]byte, error) {
	return Open(recordKey, sealed, RecordAD(bucket, key))
}

// RecordOpener opens records sealed with one record key, one after another,
// reusing its cipher and buffers: OpenRecord's result for a loop over many
// records without three allocations each. The plaintext Open returns is
// valid until the next call, which overwrites it; Clear wipes it. A
// RecordOpener is used by one goroutine.
type RecordOpener struct {
	aead cipher.AEAD
	ad   []byte
	pt   []byte
}

// NewRecordOpener returns an opener for records sealed under recordKey.
func NewRecordOpener(recordKey []byte) (*RecordOpener, error) {
	aead, err := chacha20poly1305.NewX(recordKey)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return &RecordOpener{aead: aead}, nil
}

// Open is OpenRecord(recordKey, bucket, key, sealed) into the opener's
// buffer.
func (o *RecordOpener) Open(bucket string, key, sealed []byte) ([]byte, error) {
	if len(sealed) < RecordOverhead {
		return nil, fmt.Errorf("sealed value is %d bytes, shorter than %d: %w", len(sealed), RecordOverhead, ErrAuth)
	}
	o.ad = appendRecordAD(o.ad[:0], bucket, key)
	nonce, ct := sealed[:chacha20poly1305.NonceSizeX], sealed[chacha20poly1305.NonceSizeX:]
	if need := len(ct) - chacha20poly1305.Overhead; cap(o.pt) < need {
		// Grown here rather than by Open, so that no old plaintext is
		// left behind uncleared.
		o.Clear()
		o.pt = make([]byte, 0, max(need, 2*cap(o.pt), 1024))
	}
	pt, err := o.aead.Open(o.pt[:0], nonce, ct, o.ad)
	if err != nil {
		return nil, ErrAuth
	}
	o.pt = pt
	return pt, nil
}

// Clear wipes the last plaintext the opener returned.
func (o *RecordOpener) Clear() { clear(o.pt[:cap(o.pt)]) }
