package vault

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// slowDecode is decodeRecord's fallback alone: fxamacker/cbor.
func slowDecode(t Type, data []byte) (Record, error) {
	var r Record
	switch t {
	case TypeDocument:
		r = &Document{}
	case TypeCall:
		r = &Call{}
	case TypeCondition:
		r = &Condition{}
	default:
		return nil, fmt.Errorf("no fast path for %s", t)
	}
	if err := unmarshal(data, r); err != nil {
		return nil, err
	}
	return r, nil
}

// randomItems makes n documents, calls and condition notes with awkward
// values: empty and long text, accents, invalid UTF-8, negative and extreme
// numbers, time zones and nanoseconds, optional fields set and unset.
func randomItems(rng *rand.Rand, n int) []Record {
	texts := []string{"", "a", "Receipt 0304", "Dr. Müller, DPT", "日本語", "bad \xff\xfe utf8", "line\nbreak\ttab", string(make([]byte, 300))}
	text := func() string { return texts[rng.IntN(len(texts))] }
	zones := []*time.Location{time.UTC, time.FixedZone("", -5*3600), time.FixedZone("", 5*3600+1800)}
	when := func() time.Time {
		if rng.IntN(6) == 0 {
			return time.Time{}
		}
		return time.Date(1990+rng.IntN(60), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(3)*123456789, zones[rng.IntN(len(zones))])
	}
	ints := []int64{0, 1, -1, 23, 24, 255, 256, 65535, 65536, math.MaxInt32, math.MaxInt64, math.MinInt64, -8500}
	num := func() int64 { return ints[rng.IntN(len(ints))] }
	var out []Record
	for i := range n {
		id := fmt.Sprintf("%08d", i)
		switch i % 3 {
		case 0:
			d := &Document{ID: id, Claim: text(), Kind: text(), Date: Date(text()), Title: text(), FileName: text(), MediaType: text(),
				Size: num(), SHA256: text(), ValidUntil: Date(text()), Typed: rng.IntN(2) == 0, Chunks: uint64(num()) >> 1, Added: when()}
			if rng.IntN(2) == 0 {
				a := Cents(num())
				d.Amount = &a
			}
			for range rng.IntN(3) {
				d.CPT = append(d.CPT, CPTLine{Code: text(), Units: int(num())})
			}
			if rng.IntN(4) > 0 {
				d.Blob = make([]byte, rng.IntN(20))
			}
			out = append(out, d)
		case 1:
			out = append(out, &Call{ID: id, Claim: text(), At: when(), Party: text(), Rep: text(), Ref: text(), Phone: text(),
				Duration: time.Duration(num()), Summary: text(), Promised: text(), FollowUp: Date(text()), Added: when()})
		default:
			c := &Condition{ID: id, Claim: text(), Date: Date(text()), Phase: text(), Text: text(), Added: when()}
			if rng.IntN(2) == 0 {
				p := int(num())
				c.Pain = &p
			}
			for range rng.IntN(3) {
				c.Measures = append(c.Measures, Measure{Name: text(), Value: text()})
			}
			out = append(out, c)
		}
	}
	return out
}

// checkFastDecode fails when the fast path accepts data and gives anything
// else than fxamacker/cbor gives; it reports whether the fast path applied.
func checkFastDecode(t testing.TB, typ Type, data []byte) bool {
	t.Helper()
	fast := fastDecode(typ, data)
	if fast == nil {
		return false
	}
	slow, err := slowDecode(typ, data)
	if err != nil {
		t.Fatalf("fast path accepted %x (%s) which fxamacker/cbor refuses: %v", data, typ, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("fast path and fxamacker/cbor differ on %x (%s):\nfast %#v\nslow %#v", data, typ, fast, slow)
	}
	return true
}

// TestFastDecodeMatchesCBOR: every record encodeRecord writes takes the fast
// path and decodes to what fxamacker/cbor gives, and so does every mutation
// of them that the fast path accepts (the others go to fxamacker/cbor).
func TestFastDecodeMatchesCBOR(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	accepted, mutants := 0, 0
	for _, r := range randomItems(rng, 600) {
		plain, err := encodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		typ, data := r.RecordType(), plain[len(r.RecordType())+1:]
		if !checkFastDecode(t, typ, data) {
			t.Fatalf("the fast path did not take a record as encodeRecord writes it: %#v", r)
		}
		got, err := decodeRecord(plain)
		if err != nil || !reflect.DeepEqual(got, r) && !timesOnlyDiffer(got, r) {
			t.Fatalf("decodeRecord(encodeRecord(r)) = %#v, %v; want %#v", got, err, r)
		}
		for range 20 {
			m := append([]byte(nil), data...)
			switch rng.IntN(3) {
			case 0:
				m[rng.IntN(len(m))] ^= byte(1 << rng.IntN(8))
			case 1:
				m = m[:rng.IntN(len(m))]
			default:
				m[rng.IntN(len(m))] = byte(rng.Uint32())
			}
			if checkFastDecode(t, typ, m) {
				accepted++
			}
			mutants++
		}
	}
	t.Logf("%d of %d mutated records taken by the fast path, all as fxamacker/cbor decodes them", accepted, mutants)
}

// timesOnlyDiffer reports whether a and b differ only in how their times
// are represented (a time's monotonic reading or location pointer), which a
// round trip through RFC 3339 text does not keep.
func timesOnlyDiffer(a, b Record) bool {
	ja, _ := encodeRecord(a)
	jb, _ := encodeRecord(b)
	return string(ja) == string(jb)
}

// TestFastDecodeGivesUp lists forms the fast path must leave to
// fxamacker/cbor: decodeRecord then accepts or refuses them as before.
func TestFastDecodeGivesUp(t *testing.T) {
	cases := []struct {
		name string
		typ  Type
		data []byte
	}{
		{"unknown key", TypeCall, []byte("\xa1\x63zzz\x61x")},
		{"key in other case", TypeCall, []byte("\xa1\x62ID\x61x")},
		{"repeated key", TypeCall, []byte("\xa2\x62id\x61x\x62id\x61y")},
		{"indefinite map", TypeCall, []byte("\xbf\x62id\x61x\xff")},
		{"indefinite text", TypeCall, []byte("\xa1\x62id\x7f\x61x\xff")},
		{"tagged time", TypeCall, []byte("\xa1\x62at\xc0\x74" + "2026-03-04T10:00:00Z")},
		{"time as a number", TypeCall, []byte("\xa1\x62at\x1a\x65\x00\x00\x00")},
		{"null text", TypeCall, []byte("\xa1\x62id\xf6")},
		{"empty array", TypeCondition, []byte("\xa1\x68measures\x80")},
		{"bytes left over", TypeCall, []byte("\xa1\x62id\x61x\x00")},
		{"negative chunk count", TypeDocument, []byte("\xa1\x66chunks\x20")},
		{"size past int64", TypeDocument, []byte("\xa1\x64size\x1b\x80\x00\x00\x00\x00\x00\x00\x00")},
		{"text where bytes go", TypeDocument, []byte("\xa1\x64blob\x61x")},
		{"bytes where text goes", TypeDocument, []byte("\xa1\x62id\x41x")},
		{"float size", TypeDocument, []byte("\xa1\x64size\xf9\x3c\x00")},
		{"bad time text", TypeCall, []byte("\xa1\x62at\x63bad")},
		{"not a map", TypeCall, []byte("\x80")},
		{"empty input", TypeCall, nil},
		{"claim record", TypeClaim, []byte("\xa0")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := fastDecode(c.typ, c.data); r != nil {
				t.Fatalf("the fast path took %x: %#v", c.data, r)
			}
			plain := append(append([]byte(c.typ), 0), c.data...)
			got, err := decodeRecord(plain)
			want, werr := unmarshalFresh(c.typ, c.data)
			if (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("decodeRecord = %#v, %v; fxamacker/cbor alone = %#v, %v", got, err, want, werr)
			}
		})
	}
}

// unmarshalFresh decodes data into a new record of type t with
// fxamacker/cbor alone.
func unmarshalFresh(t Type, data []byte) (Record, error) {
	if t == TypeClaim {
		c := &Claim{}
		return c, unmarshal(data, c)
	}
	return slowDecode(t, data)
}

// FuzzFastDecode: whatever the bytes, the fast path either gives up or
// decodes exactly as fxamacker/cbor does.
func FuzzFastDecode(f *testing.F) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, r := range randomItems(rng, 12) {
		plain, err := encodeRecord(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(byte(r.RecordType()[0]), plain[len(r.RecordType())+1:])
	}
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		typ := []Type{TypeDocument, TypeCall, TypeCondition}[int(which)%3]
		checkFastDecode(t, typ, data)
	})
}
