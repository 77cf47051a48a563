package store

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseHeader: the header is read from disk before any key is known, so
// ParseHeader must never panic on any bytes, must fail only with its three
// errors, and must accept only canonical encodings (what MarshalBinary gives
// for the header it returns).
func FuzzParseHeader(f *testing.F) {
	f.Add(mustMarshal(f, testHeader(false)))
	f.Add(mustMarshal(f, testHeader(true)))
	f.Add([]byte(Magic))
	f.Add([]byte{})
	f.Add(append([]byte(Magic), 0, 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b)
		if err != nil {
			if h != nil {
				t.Fatal("a header returned with an error")
			}
			if !errors.Is(err, ErrNotVault) && !errors.Is(err, ErrDamagedHeader) && !errors.Is(err, ErrUnsupportedVersion) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if h.Version != FormatVersion || len(h.Slots) == 0 || len(h.Slots) > maxSlots || h.Slot(SlotPassphrase) == nil {
			t.Fatalf("accepted an impossible header %+v", h)
		}
		again, err := h.MarshalBinary()
		if err != nil {
			t.Fatalf("a parsed header does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("accepted a non-canonical encoding")
		}
		_ = h.SlotAD(&h.Slots[0])
	})
}
