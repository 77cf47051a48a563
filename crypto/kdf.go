// Package crypto holds the vault's cryptography, composed from the Go standard
// library and golang.org/x/crypto: Argon2id key derivation, wrapping of the
// master key in key slots, HKDF subkeys, sealing of records with
// XChaCha20-Poly1305 and the chunked document stream (ChaCha20-Poly1305 in the
// manner of age's STREAM). It implements no primitive of its own.
//
// The byte layouts produced here are specified in docs/FORMAT.md.
package crypto

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// KeySize is the size in bytes of every symmetric key in the vault.
const KeySize = 32

// SaltSize is the size in bytes of an Argon2id salt.
const SaltSize = 16

// KDFParams are the Argon2id cost parameters stored with each key slot.
type KDFParams struct {
	MemoryKiB uint32 // memory cost in KiB
	Time      uint32 // number of passes
	Lanes     uint8  // degree of parallelism
}

// The parameters the vault knows. They are functions, so that no caller can
// change what another one gets.

// DefaultKDF returns RFC 9106's second recommended setting: 64 MiB, 3
// passes, 4 lanes.
func DefaultKDF() KDFParams { return KDFParams{MemoryKiB: 64 * 1024, Time: 3, Lanes: 4} }

// MinKDF returns the weakest setting accepted at all (for tests and slow
// machines): 8 MiB, 1 pass, 1 lane.
func MinKDF() KDFParams { return KDFParams{MemoryKiB: 8 * 1024, Time: 1, Lanes: 1} }

// MaxKDF returns the most init writes and open accepts without being asked:
// 1 GiB, 10 passes, 16 lanes, what a reasonable laptop derives in seconds.
// A header above it was not written by init as it is today; open refuses it
// before deriving unless the user asks for it explicitly.
func MaxKDF() KDFParams { return KDFParams{MemoryKiB: 1024 * 1024, Time: 10, Lanes: 16} }

// LimitKDF returns the format's hard limit (4 GiB, 16 passes, 16 lanes):
// parameters above it are refused before any memory is allocated, whatever
// the caller asks. Lanes cost neither memory nor total work, so their cap is
// the same as MaxKDF's.
func LimitKDF() KDFParams { return KDFParams{MemoryKiB: 4 * 1024 * 1024, Time: 16, Lanes: 16} }

// ErrKDFParams reports Argon2id parameters outside the accepted range.
var ErrKDFParams = errors.New("key derivation parameters out of range")

// Check reports whether p lies within [MinKDF, MaxKDF].
func (p KDFParams) Check() error { return p.CheckWithin(MaxKDF()) }

// CheckWithin reports whether p lies within [MinKDF, max].
func (p KDFParams) CheckWithin(max KDFParams) error {
	switch {
	case p.MemoryKiB < MinKDF().MemoryKiB || p.MemoryKiB > max.MemoryKiB:
		return fmt.Errorf("%w: memory %d KiB (allowed %d to %d)", ErrKDFParams, p.MemoryKiB, MinKDF().MemoryKiB, max.MemoryKiB)
	case p.Time < MinKDF().Time || p.Time > max.Time:
		return fmt.Errorf("%w: %d passes (allowed %d to %d)", ErrKDFParams, p.Time, MinKDF().Time, max.Time)
	case p.Lanes < MinKDF().Lanes || p.Lanes > max.Lanes:
		return fmt.Errorf("%w: %d lanes (allowed %d to %d)", ErrKDFParams, p.Lanes, MinKDF().Lanes, max.Lanes)
	}
	// Argon2 needs at least 8 KiB of memory per lane.
	if p.MemoryKiB < 8*uint32(p.Lanes) {
		return fmt.Errorf("%w: memory %d KiB is too small for %d lanes", ErrKDFParams, p.MemoryKiB, p.Lanes)
	}
	return nil
}

// String names the parameters as a person reads them: "64 MiB, 3 passes, 4 lanes".
func (p KDFParams) String() string {
	mem := fmt.Sprintf("%d KiB", p.MemoryKiB)
	if p.MemoryKiB%1024 == 0 {
		mem = fmt.Sprintf("%d MiB", p.MemoryKiB/1024)
	}
	passes, lanes := "passes", "lanes"
	if p.Time == 1 {
		passes = "pass"
	}
	if p.Lanes == 1 {
		lanes = "lane"
	}
	return fmt.Sprintf("%s, %d %s, %d %s", mem, p.Time, passes, p.Lanes, lanes)
}

// Weaker reports whether p is below the default in memory or passes.
func (p KDFParams) Weaker() bool {
	return p.MemoryKiB < DefaultKDF().MemoryKiB || p.Time < DefaultKDF().Time
}

// DeriveKey derives a key-encryption key from a secret (a passphrase or a
// recovery code) with Argon2id. It refuses parameters above LimitKDF; the
// caller decides whether those above MaxKDF are wanted.
func DeriveKey(secret, salt []byte, p KDFParams) ([]byte, error) {
	if err := p.CheckWithin(LimitKDF()); err != nil {
		return nil, err
	}
	if len(salt) != SaltSize {
		return nil, fmt.Errorf("salt is %d bytes, want %d", len(salt), SaltSize)
	}
	return argon2.IDKey(secret, salt, p.Time, p.MemoryKiB, p.Lanes, KeySize), nil
}
