package integrity

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"vault/store"
	"vault/vault"
)

// FuzzParseSeen: the rollback state file lives outside the vault, where
// anything may write it. Parsing never panics, and what it accepts
// round-trips.
func FuzzParseSeen(f *testing.F) {
	const id = "00112233445566778899aabbccddeeff"
	f.Add([]byte(`{"vault_id":"` + id + `","generation":3,"history_len":9,"history_head":"` + strings.Repeat("ab", 32) + `","recorded":"2026-05-01T10:00:00Z"}`))
	f.Add([]byte(`{"vault_id":"` + id + `"}`))
	f.Add([]byte(`{"vault_id":"` + id + `","generation":18446744073709551615}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSeen(b, id)
		if err != nil {
			return
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", b, err)
		}
		again, err := ParseSeen(out, id)
		if err != nil {
			t.Fatalf("re-encoded state %q rejected: %v", out, err)
		}
		if !reflect.DeepEqual(normal(s), normal(again)) {
			t.Fatalf("round trip changed %+v into %+v", s, again)
		}
	})
}

func normal(s Seen) Seen {
	s.Recorded = s.Recorded.UTC()
	return s
}

// FuzzDecodeRecord: a record's plaintext, once decrypted, is parsed by
// vault.DecodeRecord. It never panics; what it accepts has a type.
func FuzzDecodeRecord(f *testing.F) {
	for _, r := range []vault.Record{
		&vault.Claim{ID: "c1aa0000", Name: "knee-pt"},
		&vault.Document{ID: "d0c50000", Claim: "c1aa0000", Blob: bytes.Repeat([]byte{1}, 16), Chunks: 1},
		&vault.Call{ID: "ca110000", Claim: "c1aa0000", Duration: 90},
		&vault.Request{ID: "2e900000", Claim: "c1aa0000", On: []vault.Date{"2026-01-02"}},
		&vault.Export{ID: "e0000000", Claim: "c1aa0000", Files: []vault.ExportFile{{Path: "a"}}},
	} {
		b, err := encodeForTest(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"type":"claim","data":null}`))
	f.Add([]byte(`{"type":"document","data":{"chunks":-1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := vault.DecodeRecord(b)
		if err != nil {
			return
		}
		if r == nil || r.RecordType() == "" {
			t.Fatalf("accepted %q as %#v", b, r)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", b, err)
		}
	})
}

// FuzzVerifyValue writes arbitrary bytes under an arbitrary key of one of
// the vault's buckets, behind the vault's back, and verifies: verify never
// panics and never passes a vault whose records, history, state or chunks
// were changed (a value equal to the one there is not a change).
func FuzzVerifyValue(f *testing.F) {
	buckets := []string{store.BucketRecords, store.BucketHistory, store.BucketChunks, store.BucketMeta, store.BucketPending}
	fx := newFixture(f)
	v := openRW(f, fx.path)
	f.Cleanup(func() { v.Close() })
	f.Add(uint8(0), []byte(fx.call.ID), []byte("garbage"))
	f.Add(uint8(0), []byte("zzzz0000"), rawValue(f, v, store.BucketRecords, []byte(fx.claim.ID)))
	f.Add(uint8(1), store.SeqKey(2), rawValue(f, v, store.BucketHistory, store.SeqKey(3)))
	f.Add(uint8(1), store.SeqKey(99), []byte{})
	f.Add(uint8(2), store.ChunkKey(fx.large.Blob, 1), rawValue(f, v, store.BucketChunks, store.ChunkKey(fx.large.Blob, 0))[:100])
	f.Add(uint8(2), store.ChunkKey(fx.large.Blob, 9), []byte("x"))
	f.Add(uint8(3), []byte(store.StateKey), []byte("x"))
	f.Add(uint8(4), fx.small.Blob, []byte{})
	f.Fuzz(func(t *testing.T, which uint8, key, value []byte) {
		bucket := buckets[int(which)%len(buckets)]
		if len(key) == 0 || len(key) > 512 || len(value) > 1<<17 {
			return
		}
		if bucket == store.BucketMeta {
			return // a changed state fails at opening, before verify
		}
		var old []byte
		err := v.Store().Update(func(st *store.Tx) error {
			b := st.Bolt().Bucket([]byte(bucket))
			if cur := b.Get(key); cur != nil {
				old = bytes.Clone(cur)
			}
			return b.Put(key, value)
		})
		if err != nil {
			return // bbolt refuses some keys and values
		}
		defer func() {
			err := v.Store().Update(func(st *store.Tx) error {
				b := st.Bolt().Bucket([]byte(bucket))
				if old != nil {
					return b.Put(key, old)
				}
				return b.Delete(key)
			})
			if err != nil {
				t.Fatal(err)
			}
		}()
		rep, err := Verify(v, Options{ReadData: true})
		if err != nil {
			t.Fatalf("verify failed: %v", err)
		}
		changed := old == nil || !bytes.Equal(old, value)
		if bucket == store.BucketPending && changed {
			// A pending mark on an unreferenced blob is an unfinished add:
			// not damage. On a document's blob it is.
			changed = bytes.Equal(key, fx.small.Blob) || bytes.Equal(key, fx.large.Blob) || bytes.Equal(key, fx.empty.Blob)
		}
		if changed && rep.OK() {
			t.Fatalf("verify passed a vault with %s/%x = %x", bucket, key, value)
		}
		if !changed && !rep.OK() {
			t.Fatalf("verify failed an unchanged vault:\n%s", problemLines(rep))
		}
	})
}

func rawValue(t testing.TB, v *vault.Vault, bucket string, key []byte) []byte {
	t.Helper()
	var out []byte
	if err := v.Store().View(func(st *store.Tx) error {
		out = bytes.Clone(st.Bolt().Bucket([]byte(bucket)).Get(key))
		return nil
	}); err != nil || out == nil {
		t.Fatalf("no %s/%x: %v", bucket, key, err)
	}
	return out
}
