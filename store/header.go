package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	"vault/crypto"
)

// Magic opens every vault header.
const Magic = "VAULTDB\x00"

// FormatVersion is the on-disk format this code reads and writes.
const FormatVersion = 1

// VaultIDSize is the size of the random vault identifier.
const VaultIDSize = 16

// Slot kinds.
const (
	SlotPassphrase uint8 = 1 // the master key wrapped under the passphrase
	SlotRecovery   uint8 = 2 // the master key wrapped under the recovery code
)

// slotSize is the encoded size of one key slot.
const slotSize = 1 + 4 + 4 + 1 + crypto.SaltSize + crypto.WrappedKeySize

// headerFixed is the size of the header before its slots.
const headerFixed = len(Magic) + 2 + VaultIDSize + 1

// maxSlots bounds the slot count read from a file.
const maxSlots = 8

// Errors reported while decoding a header.
var (
	// ErrNotVault reports a file, or a header, that is not a vault's.
	ErrNotVault = errors.New("not a vault file")
	// ErrUnsupportedVersion reports a header of a format version this code does not read.
	ErrUnsupportedVersion = errors.New("unsupported vault format version")
	// ErrDamagedHeader reports a header that starts like a vault's but is malformed.
	ErrDamagedHeader = errors.New("the vault header is damaged")
)

// KeySlot holds the master key wrapped under one secret.
type KeySlot struct {
	Kind    uint8            // SlotPassphrase or SlotRecovery
	KDF     crypto.KDFParams // Argon2id parameters for this slot's secret
	Salt    []byte           // crypto.SaltSize random bytes
	Wrapped []byte           // crypto.WrappedKeySize bytes: nonce || sealed master key
}

// Header is the only plaintext structure in a vault file: it names the
// format and holds what is needed to unwrap the master key.
type Header struct {
	Version uint16
	VaultID []byte // VaultIDSize random bytes
	Slots   []KeySlot
}

// Slot returns the slot of the given kind, or nil.
func (h *Header) Slot(kind uint8) *KeySlot {
	for i := range h.Slots {
		if h.Slots[i].Kind == kind {
			return &h.Slots[i]
		}
	}
	return nil
}

// SlotAD returns the associated data that binds a slot's wrapped key to the
// header: "vault/v1 key slot" || magic || version || vault ID || the slot's
// encoding without its wrapped key.
func (h *Header) SlotAD(s *KeySlot) []byte {
	ad := []byte("vault/v1 key slot")
	ad = append(ad, Magic...)
	ad = binary.BigEndian.AppendUint16(ad, h.Version)
	ad = append(ad, h.VaultID...)
	return appendSlotParams(ad, s)
}

func appendSlotParams(b []byte, s *KeySlot) []byte {
	b = append(b, s.Kind)
	b = binary.BigEndian.AppendUint32(b, s.KDF.MemoryKiB)
	b = binary.BigEndian.AppendUint32(b, s.KDF.Time)
	b = append(b, s.KDF.Lanes)
	return append(b, s.Salt...)
}

// MarshalBinary encodes the header (layout in docs/FORMAT.md).
func (h *Header) MarshalBinary() ([]byte, error) {
	if len(h.VaultID) != VaultIDSize {
		return nil, fmt.Errorf("vault ID is %d bytes, want %d", len(h.VaultID), VaultIDSize)
	}
	if len(h.Slots) == 0 || len(h.Slots) > maxSlots {
		return nil, fmt.Errorf("header has %d key slots, want 1 to %d", len(h.Slots), maxSlots)
	}
	b := make([]byte, 0, headerFixed+len(h.Slots)*slotSize)
	b = append(b, Magic...)
	b = binary.BigEndian.AppendUint16(b, h.Version)
	b = append(b, h.VaultID...)
	b = append(b, uint8(len(h.Slots)))
	for i := range h.Slots {
		s := &h.Slots[i]
		if len(s.Salt) != crypto.SaltSize || len(s.Wrapped) != crypto.WrappedKeySize {
			return nil, fmt.Errorf("key slot %d is malformed", i)
		}
		b = appendSlotParams(b, s)
		b = append(b, s.Wrapped...)
	}
	return b, nil
}

// ParseHeader decodes a header, checking its magic, version and layout, and
// that it has a passphrase slot. It does not check the KDF parameters' caps;
// the caller does before deriving.
func ParseHeader(b []byte) (*Header, error) {
	if len(b) < len(Magic) || string(b[:len(Magic)]) != Magic {
		return nil, ErrNotVault
	}
	// The version is read as soon as it is there: another version may
	// have another layout, so its length says nothing.
	if len(b) < len(Magic)+2 {
		return nil, fmt.Errorf("%w: %d bytes", ErrDamagedHeader, len(b))
	}
	h := &Header{Version: binary.BigEndian.Uint16(b[8:10])}
	if h.Version != FormatVersion {
		return nil, fmt.Errorf("%w %d (this program reads version %d)", ErrUnsupportedVersion, h.Version, FormatVersion)
	}
	if len(b) < headerFixed {
		return nil, fmt.Errorf("%w: %d bytes", ErrDamagedHeader, len(b))
	}
	h.VaultID = append([]byte(nil), b[10:10+VaultIDSize]...)
	n := int(b[headerFixed-1])
	if n == 0 || n > maxSlots || len(b) != headerFixed+n*slotSize {
		return nil, fmt.Errorf("%w: %d key slots in %d bytes", ErrDamagedHeader, n, len(b))
	}
	p := b[headerFixed:]
	seen := map[uint8]bool{}
	for i := 0; i < n; i++ {
		s := KeySlot{
			Kind: p[0],
			KDF: crypto.KDFParams{
				MemoryKiB: binary.BigEndian.Uint32(p[1:5]),
				Time:      binary.BigEndian.Uint32(p[5:9]),
				Lanes:     p[9],
			},
			Salt:    append([]byte(nil), p[10:10+crypto.SaltSize]...),
			Wrapped: append([]byte(nil), p[10+crypto.SaltSize:slotSize]...),
		}
		if s.Kind != SlotPassphrase && s.Kind != SlotRecovery {
			return nil, fmt.Errorf("%w: unknown key slot kind %d", ErrDamagedHeader, s.Kind)
		}
		if seen[s.Kind] {
			return nil, fmt.Errorf("%w: two key slots of kind %d", ErrDamagedHeader, s.Kind)
		}
		seen[s.Kind] = true
		h.Slots = append(h.Slots, s)
		p = p[slotSize:]
	}
	// Every vault has a passphrase slot; without one, a vault opened with
	// its recovery code would have no parameters for a new passphrase.
	if !seen[SlotPassphrase] {
		return nil, fmt.Errorf("%w: no passphrase key slot", ErrDamagedHeader)
	}
	return h, nil
}
