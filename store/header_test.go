package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"

	"vault/crypto"
)

// fill returns n bytes all equal to b.
func fill(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

// testHeader returns a header with fixed contents: a passphrase slot and,
// when both is set, a recovery slot.
func testHeader(both bool) *Header {
	h := &Header{Version: FormatVersion, VaultID: fill(0x11, VaultIDSize)}
	h.Slots = append(h.Slots, KeySlot{Kind: SlotPassphrase, KDF: crypto.KDFParams{MemoryKiB: 65536, Time: 3, Lanes: 4},
		Salt: fill(0x22, crypto.SaltSize), Wrapped: fill(0x33, crypto.WrappedKeySize)})
	if both {
		h.Slots = append(h.Slots, KeySlot{Kind: SlotRecovery, KDF: crypto.KDFParams{MemoryKiB: 8192, Time: 1, Lanes: 1},
			Salt: fill(0x44, crypto.SaltSize), Wrapped: fill(0x55, crypto.WrappedKeySize)})
	}
	return h
}

func mustMarshal(t testing.TB, h *Header) []byte {
	t.Helper()
	b, err := h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHeaderRoundTrip(t *testing.T) {
	for _, both := range []bool{false, true} {
		h := testHeader(both)
		b := mustMarshal(t, h)
		if want := 27 + len(h.Slots)*98; len(b) != want {
			t.Fatalf("header is %d bytes, want %d", len(b), want)
		}
		got, err := ParseHeader(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, h) {
			t.Fatalf("round trip: %+v, want %+v", got, h)
		}
	}
}

// TestHeaderLayout pins every field's offset, size and byte order (the
// layout docs/FORMAT.md gives).
func TestHeaderLayout(t *testing.T) {
	b := mustMarshal(t, testHeader(true))
	check := func(name string, off int, want []byte) {
		t.Helper()
		if !bytes.Equal(b[off:off+len(want)], want) {
			t.Errorf("%s at %d: %x, want %x", name, off, b[off:off+len(want)], want)
		}
	}
	check("magic", 0, []byte("VAULTDB\x00"))
	check("version", 8, []byte{0, 1})
	check("vault ID", 10, fill(0x11, 16))
	check("slot count", 26, []byte{2})
	for i, s := range []struct {
		kind             byte
		mem, time, lanes []byte
		salt, wrap       byte
	}{
		{1, []byte{0, 1, 0, 0}, []byte{0, 0, 0, 3}, []byte{4}, 0x22, 0x33},
		{2, []byte{0, 0, 0x20, 0}, []byte{0, 0, 0, 1}, []byte{1}, 0x44, 0x55},
	} {
		o := 27 + i*98
		check("slot kind", o, []byte{s.kind})
		check("memory KiB", o+1, s.mem)
		check("passes", o+5, s.time)
		check("lanes", o+9, s.lanes)
		check("salt", o+10, fill(s.salt, 16))
		check("wrapped key", o+26, fill(s.wrap, 72))
	}
}

func TestSlotAD(t *testing.T) {
	h := testHeader(true)
	s := &h.Slots[0]
	want := []byte("vault/v1 key slot")
	want = append(want, "VAULTDB\x00"...)
	want = append(want, 0, 1)
	want = append(want, fill(0x11, 16)...)
	want = append(want, 1, 0, 1, 0, 0, 0, 0, 0, 3, 4)
	want = append(want, fill(0x22, 16)...)
	ad := h.SlotAD(s)
	if !bytes.Equal(ad, want) {
		t.Fatalf("SlotAD = %x, want %x", ad, want)
	}
	// Every field it covers changes it.
	for name, change := range map[string]func(h *Header, s *KeySlot){
		"version":  func(h *Header, s *KeySlot) { h.Version = 2 },
		"vault ID": func(h *Header, s *KeySlot) { h.VaultID = fill(0x12, 16) },
		"kind":     func(h *Header, s *KeySlot) { s.Kind = SlotRecovery },
		"memory":   func(h *Header, s *KeySlot) { s.KDF.MemoryKiB++ },
		"passes":   func(h *Header, s *KeySlot) { s.KDF.Time++ },
		"lanes":    func(h *Header, s *KeySlot) { s.KDF.Lanes++ },
		"salt":     func(h *Header, s *KeySlot) { s.Salt = fill(0x23, 16) },
	} {
		h2 := testHeader(true)
		change(h2, &h2.Slots[0])
		if bytes.Equal(h2.SlotAD(&h2.Slots[0]), ad) {
			t.Errorf("changing the %s leaves the slot's AD unchanged", name)
		}
	}
	if h.Slot(SlotRecovery) != &h.Slots[1] || h.Slot(SlotPassphrase) != &h.Slots[0] || h.Slot(9) != nil {
		t.Error("Slot finds the wrong slot")
	}
}

func TestParseHeaderRejects(t *testing.T) {
	good := mustMarshal(t, testHeader(true))
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	for _, tc := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrNotVault},
		{"short of the magic", []byte("VAULT"), ErrNotVault},
		{"other magic", mod(func(b []byte) []byte { b[0] = 'X'; return b }), ErrNotVault},
		{"SQLite file", []byte("SQLite format 3\x00" + string(make([]byte, 300))), ErrNotVault},
		{"magic only", []byte(Magic), ErrDamagedHeader},
		{"cut inside the vault ID", good[:20], ErrDamagedHeader},
		{"cut before the slot count", good[:26], ErrDamagedHeader},
		{"no slots", mod(func(b []byte) []byte { b[26] = 0; return b[:27] }), ErrDamagedHeader},
		{"slot count too high", mod(func(b []byte) []byte { b[26] = 3; return b }), ErrDamagedHeader},
		{"slot count over the limit", mod(func(b []byte) []byte { b[26] = 9; return b }), ErrDamagedHeader},
		{"slot count 255", mod(func(b []byte) []byte { b[26] = 255; return b }), ErrDamagedHeader},
		{"slot count too low", mod(func(b []byte) []byte { b[26] = 1; return b }), ErrDamagedHeader},
		{"one byte short", good[:len(good)-1], ErrDamagedHeader},
		{"one byte extra", append(append([]byte(nil), good...), 0), ErrDamagedHeader},
		{"unknown slot kind", mod(func(b []byte) []byte { b[27] = 3; return b }), ErrDamagedHeader},
		{"slot kind zero", mod(func(b []byte) []byte { b[27+98] = 0; return b }), ErrDamagedHeader},
		{"two passphrase slots", mod(func(b []byte) []byte { b[27+98] = SlotPassphrase; return b }), ErrDamagedHeader},
		{"two recovery slots", mod(func(b []byte) []byte { b[27] = SlotRecovery; return b }), ErrDamagedHeader},
		{"only a recovery slot", func() []byte { h := testHeader(true); h.Slots = h.Slots[1:]; return mustMarshal(t, h) }(), ErrDamagedHeader},
		{"version 0", mod(func(b []byte) []byte { b[9] = 0; return b }), ErrUnsupportedVersion},
		{"version 2", mod(func(b []byte) []byte { b[9] = 2; return b }), ErrUnsupportedVersion},
		{"version 257", mod(func(b []byte) []byte { b[8] = 1; return b }), ErrUnsupportedVersion},
		{"version 2 with another layout", append([]byte(Magic), 0, 2, 'x'), ErrUnsupportedVersion},
	} {
		h, err := ParseHeader(tc.b)
		if !errors.Is(err, tc.want) || h != nil {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestMarshalHeaderRejects(t *testing.T) {
	for name, change := range map[string]func(h *Header){
		"short vault ID": func(h *Header) { h.VaultID = h.VaultID[:15] },
		"no slots":       func(h *Header) { h.Slots = nil },
		"nine slots": func(h *Header) {
			h.Slots = append(h.Slots, h.Slots[0], h.Slots[0], h.Slots[0], h.Slots[0], h.Slots[0], h.Slots[0], h.Slots[0])
		},
		"short salt":       func(h *Header) { h.Slots[0].Salt = h.Slots[0].Salt[:15] },
		"long wrapped key": func(h *Header) { h.Slots[1].Wrapped = append(h.Slots[1].Wrapped, 0) },
	} {
		h := testHeader(true)
		change(h)
		if _, err := h.MarshalBinary(); err == nil {
			t.Errorf("%s: MarshalBinary accepted it", name)
		}
	}
}

func TestKeyLayouts(t *testing.T) {
	blob := fill(0xAB, BlobIDSize)
	if got, want := ChunkKey(blob, 0x0102), append(fill(0xAB, 16), 0, 0, 0, 0, 0, 0, 1, 2); !bytes.Equal(got, want) {
		t.Errorf("ChunkKey = %x, want %x", got, want)
	}
	if got := SeqKey(0x0A0B); !bytes.Equal(got, []byte{0, 0, 0, 0, 0, 0, 0x0A, 0x0B}) {
		t.Errorf("SeqKey = %x", got)
	}
	if binary.BigEndian.Uint64(SeqKey(1<<40)) != 1<<40 {
		t.Error("SeqKey is not big-endian")
	}
}
