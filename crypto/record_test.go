package crypto

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testKey returns a fixed key whose bytes all equal b.
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestSealOpenRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		pt   []byte
		ad   []byte
	}{
		{"empty", nil, nil},
		{"one byte", []byte{0}, []byte("ad")},
		{"text", []byte("a claim about a knee"), RecordAD("records", []byte("abcd2345"))},
		{"1 MiB", bytes.Repeat([]byte{0xA5}, 1<<20), []byte{0, 1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := testKey(1)
			sealed, err := Seal(key, tc.pt, tc.ad)
			if err != nil {
				t.Fatal(err)
			}
			if len(sealed) != len(tc.pt)+RecordOverhead {
				t.Fatalf("sealed is %d bytes, want %d", len(sealed), len(tc.pt)+RecordOverhead)
			}
			got, err := Open(key, sealed, tc.ad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.pt) {
				t.Fatal("round trip changed the plaintext")
			}
			again, _ := Seal(key, tc.pt, tc.ad)
			if bytes.Equal(again[:24], sealed[:24]) {
				t.Fatal("two seals used the same nonce")
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	key := testKey(1)
	ad := RecordAD("records", []byte("abcd2345"))
	pt := []byte("the patient's name and diagnosis")
	sealed, err := Seal(key, pt, ad)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		key    []byte
		sealed []byte
		ad     []byte
	}{
		{"wrong key", testKey(2), sealed, ad},
		{"changed AD", key, sealed, RecordAD("records", []byte("abcd2346"))},
		{"AD of another bucket", key, sealed, RecordAD("history", []byte("abcd2345"))},
		{"no AD", key, sealed, nil},
		{"truncated tag", key, sealed[:len(sealed)-1], ad},
		{"empty", key, nil, ad},
		{"shorter than overhead", key, sealed[:RecordOverhead-1], ad},
		{"extended", key, append(append([]byte(nil), sealed...), 0), ad},
	}
	for i := range sealed {
		for _, bit := range []byte{0x01, 0x80} {
			s := append([]byte(nil), sealed...)
			s[i] ^= bit
			cases = append(cases, struct {
				name   string
				key    []byte
				sealed []byte
				ad     []byte
			}{name: fmt.Sprintf("flip byte %d bit %#x", i, bit), key: key, sealed: s, ad: ad})
		}
	}
	for _, tc := range cases {
		got, err := Open(tc.key, tc.sealed, tc.ad)
		if !errors.Is(err, ErrAuth) {
			t.Errorf("%s: err = %v, want ErrAuth", tc.name, err)
		}
		if got != nil {
			t.Errorf("%s: returned %d bytes of plaintext with the error", tc.name, len(got))
		}
	}
}

func TestSealBadKey(t *testing.T) {
	if _, err := Seal(make([]byte, 16), []byte("x"), nil); err == nil {
		t.Fatal("Seal accepted a 16-byte key")
	}
	if _, err := Open(make([]byte, 16), make([]byte, 64), nil); err == nil {
		t.Fatal("Open accepted a 16-byte key")
	}
}

func TestRecordMovedToAnotherKey(t *testing.T) {
	key := testKey(7)
	pt := []byte(`{"type":"claim","data":{"id":"abcd2345"}}`)
	sealed, err := SealRecord(key, "records", []byte("abcd2345"), pt)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := OpenRecord(key, "records", []byte("abcd2345"), sealed); err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("open at its own key: %v", err)
	}
	for _, tc := range []struct {
		bucket string
		key    string
	}{
		{"records", "abcd2346"},
		{"records", "abcd234"},
		{"records", "abcd23450"},
		{"records", ""},
		{"history", "abcd2345"},
		{"meta", "abcd2345"},
		{"record", "sabcd2345"},
	} {
		if _, err := OpenRecord(key, tc.bucket, []byte(tc.key), sealed); !errors.Is(err, ErrAuth) {
			t.Errorf("opened at %s/%q: err = %v, want ErrAuth", tc.bucket, tc.key, err)
		}
	}
}

func TestRecordADLayout(t *testing.T) {
	got := RecordAD("history", []byte{0, 0, 0, 0, 0, 0, 0, 5})
	want := append([]byte("vault/v1 record\x00history\x00"), 0, 0, 0, 0, 0, 0, 0, 5)
	if !bytes.Equal(got, want) {
		t.Fatalf("RecordAD = %q, want %q", got, want)
	}
	// Bucket names never hold 0x00, so the first 0x00 after the prefix ends
	// the bucket name and the AD is unambiguous.
	for _, b := range []string{"header", "meta", "records", "chunks", "history", "pending"} {
		if strings.IndexByte(b, 0) >= 0 {
			t.Fatalf("bucket %q holds 0x00", b)
		}
	}
}

func TestSealWithNonceMatchesSeal(t *testing.T) {
	key := testKey(3)
	sealed, err := Seal(key, []byte("hello"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := sealWithNonce(key, sealed[:24], []byte("hello"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sealed, again) {
		t.Fatal("sealWithNonce differs from Seal with the same nonce")
	}
	if _, err := sealWithNonce(key, make([]byte, 12), nil, nil); err == nil {
		t.Fatal("sealWithNonce accepted a 12-byte nonce")
	}
}

// TestRecordOpener: opening many records with one RecordOpener gives what
// OpenRecord gives, record after record, whatever their sizes (the buffer
// grows and is reused); a record moved to another key, a changed byte, a
// wrong key or a short value fail as with OpenRecord; Clear wipes the
// plaintext.
func TestRecordOpener(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	o, err := NewRecordOpener(key)
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{0, 1, 300, 5000, 12, 70000, 3}
	for i, n := range sizes {
		plain := bytes.Repeat([]byte{byte('a' + i)}, n)
		id := []byte(fmt.Sprintf("rec%05d", i))
		sealed, err := SealRecord(key, "records", id, plain)
		if err != nil {
			t.Fatal(err)
		}
		got, err := o.Open("records", id, sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("record %d (%d bytes): Open = %d bytes, %v", i, n, len(got), err)
		}
		want, err := OpenRecord(key, "records", id, sealed)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("record %d: Open and OpenRecord differ", i)
		}
		if _, err := o.Open("records", []byte("another"), sealed); !errors.Is(err, ErrAuth) {
			t.Errorf("record %d opened under another key: %v", i, err)
		}
		if _, err := o.Open("history", id, sealed); !errors.Is(err, ErrAuth) {
			t.Errorf("record %d opened in another bucket: %v", i, err)
		}
		bad := bytes.Clone(sealed)
		bad[len(bad)-1] ^= 1
		if _, err := o.Open("records", id, bad); !errors.Is(err, ErrAuth) {
			t.Errorf("record %d with a changed byte: %v", i, err)
		}
	}
	if _, err := o.Open("records", []byte("x"), make([]byte, RecordOverhead-1)); !errors.Is(err, ErrAuth) {
		t.Errorf("short value: %v", err)
	}
	other, err := NewRecordOpener(bytes.Repeat([]byte{8}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := SealRecord(key, "records", []byte("k"), []byte("secret"))
	if _, err := other.Open("records", []byte("k"), sealed); !errors.Is(err, ErrAuth) {
		t.Errorf("wrong key: %v", err)
	}
	got, err := o.Open("records", []byte("k"), sealed)
	if err != nil || string(got) != "secret" {
		t.Fatal(got, err)
	}
	o.Clear()
	if !bytes.Equal(got, make([]byte, len(got))) {
		t.Errorf("Clear left the plaintext: %q", got)
	}
	if _, err := NewRecordOpener(make([]byte, 5)); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}
