package vault

import (
	"encoding/binary"
	"math"
	"time"
)

// The fast path of decodeRecord for the three record types a vault holds by
// the thousand: documents, calls and condition notes. Decoding them through
// fxamacker/cbor's reflection was most of every everyday command on a large
// vault (1.35 µs and 14 allocations a record; BenchmarkDecodeRecords).
//
// The fast path reads only the plain form that encodeRecord writes: a
// definite-length map whose keys are the fields' exact names, each at most
// once, with values of the field's own CBOR type (text, integers, byte
// strings, booleans, RFC 3339 text for times, definite non-empty arrays of
// such maps). Anything else - an unknown or repeated key, a tag, null,
// indefinite lengths, a number out of range, bytes left over - makes it
// give up, and decodeRecord decodes the record with fxamacker/cbor as
// before, which accepts or refuses it as it always did. Where the fast path
// succeeds its result is the one fxamacker/cbor gives
// (TestFastDecodeMatchesCBOR and FuzzFastDecode compare them).

// Limits under which the fast path stays: far above what a record holds,
// below fxamacker/cbor's own limits (131,072 elements and pairs).
const (
	fastMaxPairs    = 64
	fastMaxElements = 4096
)

// cborReader reads CBOR items from b, remembering the first failure: after
// one, every read returns zero values and ok stays false.
type cborReader struct {
	b   []byte
	s   string // b as a string, copied once: text values are parts of it
	off int
	ok  bool
}

// head reads an item's initial byte and argument; major is the major type.
// Indefinite lengths and reserved values fail.
func (r *cborReader) head() (major byte, arg uint64) {
	if !r.ok || r.off >= len(r.b) {
		r.ok = false
		return 0, 0
	}
	ib := r.b[r.off]
	r.off++
	major, ai := ib>>5, ib&31
	var n int
	switch {
	case ai < 24:
		return major, uint64(ai)
	case ai == 24:
		n = 1
	case ai == 25:
		n = 2
	case ai == 26:
		n = 4
	case ai == 27:
		n = 8
	default:
		r.ok = false
		return 0, 0
	}
	if len(r.b)-r.off < n {
		r.ok = false
		return 0, 0
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	switch n {
	case 1:
		arg = uint64(p[0])
	case 2:
		arg = uint64(binary.BigEndian.Uint16(p))
	case 4:
		arg = uint64(binary.BigEndian.Uint32(p))
	default:
		arg = binary.BigEndian.Uint64(p)
	}
	return major, arg
}

// payload returns the n bytes of a string's content.
func (r *cborReader) payload(n uint64) []byte {
	if !r.ok || n > uint64(len(r.b)-r.off) {
		r.ok = false
		return nil
	}
	p := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return p
}

// text reads a text string (invalid UTF-8 kept as it is, as the fallback
// decoder is told to).
func (r *cborReader) text() string {
	major, n := r.head()
	if major != 3 {
		r.ok = false
		return ""
	}
	start := r.off
	r.payload(n)
	if !r.ok {
		return ""
	}
	return r.s[start:r.off]
}

// null skips a null or undefined value and reports whether there was one.
func (r *cborReader) null() bool {
	if r.ok && r.off < len(r.b) && (r.b[r.off] == 0xf6 || r.b[r.off] == 0xf7) {
		r.off++
		return true
	}
	return false
}

// bytes reads a byte string into a new slice; null (how a nil slice is
// written) gives nil, as the fallback decoder does.
func (r *cborReader) bytes() []byte {
	if r.null() {
		return nil
	}
	major, n := r.head()
	if major != 2 {
		r.ok = false
		return nil
	}
	p := r.payload(n)
	if !r.ok {
		return nil
	}
	return append(make([]byte, 0, len(p)), p...)
}

// int reads an integer that fits an int64.
func (r *cborReader) int() int64 {
	major, arg := r.head()
	if (major != 0 && major != 1) || arg > math.MaxInt64 {
		r.ok = false
		return 0
	}
	if major == 1 {
		return -1 - int64(arg)
	}
	return int64(arg)
}

// intN reads an integer that fits an int.
func (r *cborReader) intN() int {
	n := r.int()
	if int64(int(n)) != n {
		r.ok = false
	}
	return int(n)
}

// uint reads an unsigned integer.
func (r *cborReader) uint() uint64 {
	major, arg := r.head()
	if major != 0 {
		r.ok = false
		return 0
	}
	return arg
}

// bool reads true or false.
func (r *cborReader) bool() bool {
	if !r.ok || r.off >= len(r.b) || r.b[r.off] != 0xf4 && r.b[r.off] != 0xf5 {
		r.ok = false
		return false
	}
	r.off++
	return r.b[r.off-1] == 0xf5
}

// time reads a time written as RFC 3339 text, parsed as the fallback
// decoder parses it; null or undefined (how a zero time is written) leave
// it zero, as there.
func (r *cborReader) time() time.Time {
	if r.null() {
		return time.Time{}
	}
	s := r.text()
	if !r.ok {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		r.ok = false
	}
	return t
}

// count reads the head of a map (major 5) or an array (major 4) and returns
// its length, failing past max or for an empty array.
func (r *cborReader) count(major byte, max uint64) int {
	m, n := r.head()
	if m != major || n > max || major == 4 && n == 0 {
		r.ok = false
		return 0
	}
	return int(n)
}

// fields reads a map's keys one by one, calling field with each (the bytes
// of the key, valid during the call); field reads the value and returns the
// key's bit (for the duplicate check), or 0 for an unknown key.
func (r *cborReader) fields(field func(key []byte) uint64) {
	var seen uint64
	for range r.count(5, fastMaxPairs) {
		major, n := r.head()
		if major != 3 {
			r.ok = false
		}
		key := r.payload(n)
		if !r.ok {
			return
		}
		bit := field(key)
		if bit == 0 || seen&bit != 0 {
			r.ok = false
		}
		if !r.ok {
			return
		}
		seen |= bit
	}
}

// end reports whether everything was read without a failure.
func (r *cborReader) end() bool { return r.ok && r.off == len(r.b) }

// fastDecode decodes data into a fresh record of type t, or returns nil when
// the fast path does not apply.
func fastDecode(t Type, data []byte) Record {
	if t != TypeDocument && t != TypeCall && t != TypeCondition {
		return nil
	}
	// One copy of the plaintext holds every text value of the record (a
	// record's strings live and die together), instead of one allocation
	// each. It must be a copy: the caller clears the plaintext after
	// decoding, so a string sharing its memory (unsafe.String) would be
	// wiped under the record.
	r := &cborReader{b: data, s: string(data), ok: true}
	var rec Record
	switch t {
	case TypeDocument:
		d := &Document{}
		r.document(d)
		rec = d
	case TypeCall:
		c := &Call{}
		r.call(c)
		rec = c
	default:
		c := &Condition{}
		r.condition(c)
		rec = c
	}
	if !r.end() {
		return nil
	}
	return rec
}

func (r *cborReader) document(d *Document) {
	r.fields(func(key []byte) uint64 {
		switch string(key) { // compared without a copy
		case "id":
			d.ID = r.text()
			return 1 << 0
		case "claim":
			d.Claim = r.text()
			return 1 << 1
		case "kind":
			d.Kind = r.text()
			return 1 << 2
		case "date":
			d.Date = Date(r.text())
			return 1 << 3
		case "title":
			d.Title = r.text()
			return 1 << 4
		case "file_name":
			d.FileName = r.text()
			return 1 << 5
		case "media_type":
			d.MediaType = r.text()
			return 1 << 6
		case "size":
			d.Size = r.int()
			return 1 << 7
		case "sha256":
			d.SHA256 = r.text()
			return 1 << 8
		case "amount":
			a := Cents(r.int())
			d.Amount = &a
			return 1 << 9
		case "cpt":
			d.CPT = make([]CPTLine, r.count(4, fastMaxElements))
			for i := range d.CPT {
				l := &d.CPT[i]
				r.fields(func(key []byte) uint64 {
					switch string(key) {
					case "code":
						l.Code = r.text()
						return 1 << 0
					case "units":
						l.Units = r.intN()
						return 1 << 1
					}
					return 0
				})
			}
			return 1 << 10
		case "valid_until":
			d.ValidUntil = Date(r.text())
			return 1 << 11
		case "typed":
			d.Typed = r.bool()
			return 1 << 12
		case "blob":
			d.Blob = r.bytes()
			return 1 << 13
		case "chunks":
			d.Chunks = r.uint()
			return 1 << 14
		case "added":
			d.Added = r.time()
			return 1 << 15
		}
		return 0
	})
}

func (r *cborReader) call(c *Call) {
	r.fields(func(key []byte) uint64 {
		switch string(key) { // compared without a copy
		case "id":
			c.ID = r.text()
			return 1 << 0
		case "claim":
			c.Claim = r.text()
			return 1 << 1
		case "at":
			c.At = r.time()
			return 1 << 2
		case "party":
			c.Party = r.text()
			return 1 << 3
		case "rep":
			c.Rep = r.text()
			return 1 << 4
		case "ref":
			c.Ref = r.text()
			return 1 << 5
		case "phone":
			c.Phone = r.text()
			return 1 << 6
		case "duration":
			c.Duration = time.Duration(r.int())
			return 1 << 7
		case "summary":
			c.Summary = r.text()
			return 1 << 8
		case "promised":
			c.Promised = r.text()
			return 1 << 9
		case "follow_up":
			c.FollowUp = Date(r.text())
			return 1 << 10
		case "added":
			c.Added = r.time()
			return 1 << 11
		}
		return 0
	})
}

func (r *cborReader) condition(c *Condition) {
	r.fields(func(key []byte) uint64 {
		switch string(key) { // compared without a copy
		case "id":
			c.ID = r.text()
			return 1 << 0
		case "claim":
			c.Claim = r.text()
			return 1 << 1
		case "date":
			c.Date = Date(r.text())
			return 1 << 2
		case "phase":
			c.Phase = r.text()
			return 1 << 3
		case "pain":
			pain := r.intN()
			c.Pain = &pain
			return 1 << 4
		case "measures":
			c.Measures = make([]Measure, r.count(4, fastMaxElements))
			for i := range c.Measures {
				m := &c.Measures[i]
				r.fields(func(key []byte) uint64 {
					switch string(key) {
					case "name":
						m.Name = r.text()
						return 1 << 0
					case "value":
						m.Value = r.text()
						return 1 << 1
					}
					return 0
				})
			}
			return 1 << 5
		case "text":
			c.Text = r.text()
			return 1 << 6
		case "added":
			c.Added = r.time()
			return 1 << 7
		}
		return 0
	})
}
