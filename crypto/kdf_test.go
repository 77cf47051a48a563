package crypto

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
)

func TestKDFCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    KDFParams
		ok   bool
	}{
		{"default", DefaultKDF(), true},
		{"minimum", MinKDF(), true},
		{"maximum", MaxKDF(), true},
		{"memory over 4 GiB", KDFParams{MemoryKiB: 4*1024*1024 + 1, Time: 3, Lanes: 4}, false},
		{"memory at uint32 max", KDFParams{MemoryKiB: ^uint32(0), Time: 3, Lanes: 4}, false},
		{"passes over 16", KDFParams{MemoryKiB: 64 * 1024, Time: 17, Lanes: 4}, false},
		{"passes at uint32 max", KDFParams{MemoryKiB: 64 * 1024, Time: ^uint32(0), Lanes: 4}, false},
		{"lanes over 16", KDFParams{MemoryKiB: 64 * 1024, Time: 3, Lanes: 17}, false},
		{"lanes 255", KDFParams{MemoryKiB: 64 * 1024, Time: 3, Lanes: 255}, false},
		{"memory below 8 MiB", KDFParams{MemoryKiB: 8*1024 - 1, Time: 3, Lanes: 4}, false},
		{"zero memory", KDFParams{MemoryKiB: 0, Time: 3, Lanes: 4}, false},
		{"zero passes", KDFParams{MemoryKiB: 64 * 1024, Time: 0, Lanes: 4}, false},
		{"zero lanes", KDFParams{MemoryKiB: 64 * 1024, Time: 3, Lanes: 0}, false},
		{"zero value", KDFParams{}, false},
		{"8 MiB, 1 pass, 16 lanes", KDFParams{MemoryKiB: 8 * 1024, Time: 1, Lanes: 16}, true},
		// What init writes stops at 1 GiB and 10 passes (issue 12 item 5).
		{"1 GiB, 10 passes", KDFParams{MemoryKiB: 1 << 20, Time: 10, Lanes: 4}, true},
		{"memory over 1 GiB", KDFParams{MemoryKiB: 1<<20 + 1, Time: 3, Lanes: 4}, false},
		{"passes over 10", KDFParams{MemoryKiB: 64 * 1024, Time: 11, Lanes: 4}, false},
		{"4 GiB, 16 passes, 16 lanes", KDFParams{MemoryKiB: 4 << 20, Time: 16, Lanes: 16}, false},
	} {
		err := tc.p.Check()
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && !errors.Is(err, ErrKDFParams) {
			t.Errorf("%s: err = %v, want ErrKDFParams", tc.name, err)
		}
	}
}

// TestDeriveKeyRefusesBeforeWork: parameters over the caps are refused before
// Argon2id allocates its memory. Allocation is measured, not time: had the
// 4 GiB + 1 KiB case run, it would have allocated over 4 GiB.
func TestDeriveKeyRefusesBeforeWork(t *testing.T) {
	salt := make([]byte, SaltSize)
	for _, p := range []KDFParams{
		{MemoryKiB: 4*1024*1024 + 1, Time: 1, Lanes: 1},
		{MemoryKiB: ^uint32(0), Time: ^uint32(0), Lanes: 255},
		{MemoryKiB: 8 * 1024, Time: 17, Lanes: 1},
		{MemoryKiB: 8 * 1024, Time: 1, Lanes: 17},
		{MemoryKiB: 8*1024 - 1, Time: 1, Lanes: 1},
		{MemoryKiB: 8 * 1024, Time: 0, Lanes: 1},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		k, err := DeriveKey([]byte("pass"), salt, p)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrKDFParams) || k != nil {
			t.Errorf("%+v: key %x, err %v; want ErrKDFParams", p, k, err)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
			t.Errorf("%+v: %d bytes allocated before refusing", p, d)
		}
	}
}

func TestDeriveKey(t *testing.T) {
	salt := bytes.Repeat([]byte{1}, SaltSize)
	k1, err := DeriveKey([]byte("correct horse"), salt, MinKDF())
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != KeySize {
		t.Fatalf("key is %d bytes", len(k1))
	}
	k2, _ := DeriveKey([]byte("correct horse"), salt, MinKDF())
	if !bytes.Equal(k1, k2) {
		t.Fatal("DeriveKey is not deterministic")
	}
	for name, other := range map[string]func() ([]byte, error){
		"other passphrase": func() ([]byte, error) { return DeriveKey([]byte("correct horsf"), salt, MinKDF()) },
		"other salt": func() ([]byte, error) {
			return DeriveKey([]byte("correct horse"), bytes.Repeat([]byte{2}, SaltSize), MinKDF())
		},
		"other passes": func() ([]byte, error) {
			return DeriveKey([]byte("correct horse"), salt, KDFParams{MemoryKiB: MinKDF().MemoryKiB, Time: 2, Lanes: 1})
		},
		"other lanes": func() ([]byte, error) {
			return DeriveKey([]byte("correct horse"), salt, KDFParams{MemoryKiB: MinKDF().MemoryKiB, Time: 1, Lanes: 2})
		},
	} {
		k, err := other()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(k, k1) {
			t.Errorf("%s gives the same key", name)
		}
	}
	if _, err := DeriveKey([]byte("x"), make([]byte, 8), MinKDF()); err == nil {
		t.Error("DeriveKey accepted an 8-byte salt")
	}
}

func TestKDFWeaker(t *testing.T) {
	for _, tc := range []struct {
		p    KDFParams
		want bool
	}{
		{DefaultKDF(), false},
		{MinKDF(), true},
		{KDFParams{MemoryKiB: 256 * 1024, Time: 3, Lanes: 4}, false},
		{KDFParams{MemoryKiB: 64 * 1024, Time: 2, Lanes: 4}, true},
		{KDFParams{MemoryKiB: 32 * 1024, Time: 8, Lanes: 4}, true},
	} {
		if got := tc.p.Weaker(); got != tc.want {
			t.Errorf("%+v.Weaker() = %v, want %v", tc.p, got, tc.want)
		}
	}
}
