package integrity

import (
	"bytes"
	"regexp"
	"testing"

	bolt "go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

func TestVerifyClean(t *testing.T) {
	f := newFixture(t)
	for _, readData := range []bool{false, true} {
		rep := verifyPath(t, f.path, readData)
		if !rep.OK() {
			t.Fatalf("readData=%v: problems in a sound vault:\n%s", readData, problemLines(rep))
		}
		if rep.Records != 6 || rep.ByType["document"] != 3 || rep.ByType["claim"] != 1 || rep.Documents != 3 {
			t.Errorf("counts: %+v", rep)
		}
		if rep.Chunks != 6 || rep.HistoryEntries < 9 {
			t.Errorf("chunks %d, history %d", rep.Chunks, rep.HistoryEntries)
		}
		if readData && (rep.DocumentsRead != 3 || rep.BytesRead != int64(len(f.docs[f.small.ID])+len(f.docs[f.large.ID]))) {
			t.Errorf("read %d documents, %d bytes", rep.DocumentsRead, rep.BytesRead)
		}
	}
}

// TestVerifyDetects damages a vault in each way an attacker or a disk could,
// behind the vault's back, and checks that verify names what is damaged.
func TestVerifyDetects(t *testing.T) {
	cases := []struct {
		name     string
		damage   func(t *testing.T, f *fixture)
		readData bool
		want     []string // each must match a problem line
	}{
		{
			name: "record flipped",
			damage: func(t *testing.T, f *fixture) {
				id := []byte(f.call.ID)
				raw(t, f.path, put(store.BucketRecords, id, flipped(rawGet(t, f.path, store.BucketRecords, id), 40)))
			},
			want: []string{`^record ca110000: does not decrypt`},
		},
		{
			name: "document record flipped: its chunks become orphans",
			damage: func(t *testing.T, f *fixture) {
				id := []byte(f.large.ID)
				raw(t, f.path, put(store.BucketRecords, id, flipped(rawGet(t, f.path, store.BucketRecords, id), 30)))
			},
			want: []string{`^record d0c10000: does not decrypt`, `^orphan chunks [0-9a-f]{32}: 4 chunks belong to no document`},
		},
		{
			name: "record deleted",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, del(store.BucketRecords, []byte(f.call.ID)))
			},
			want: []string{`^call ca110000 \(claim "knee-pt"\): is missing from the file`},
		},
		{
			name: "document record deleted",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, del(store.BucketRecords, []byte(f.small.ID)))
			},
			want: []string{`^document d0c50000 \(claim "knee-pt"\): is missing from the file`, `^orphan chunks .*: 1 chunk belongs to no document`},
		},
		{
			name: "claim deleted: its items lose their claim",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, del(store.BucketRecords, []byte(f.claim.ID)))
			},
			want: []string{`^claim c1aa0000: is missing from the file`, `^call ca110000 \(claim c1aa0000\): belongs to claim c1aa0000, which is not in the vault`},
		},
		{
			name: "record moved to another key",
			damage: func(t *testing.T, f *fixture) {
				v := rawGet(t, f.path, store.BucketRecords, []byte(f.call.ID))
				raw(t, f.path, func(tx *bolt.Tx) error {
					b := tx.Bucket([]byte(store.BucketRecords))
					if err := b.Delete([]byte(f.call.ID)); err != nil {
						return err
					}
					return b.Put([]byte("zzzz0000"), v)
				})
			},
			want: []string{`^record zzzz0000: does not decrypt: .*moved here from another key`, `^call ca110000 .*: is missing from the file`, `^record zzzz0000: is in the file but the history never wrote it`},
		},
		{
			name: "record moved over another record",
			damage: func(t *testing.T, f *fixture) {
				v := rawGet(t, f.path, store.BucketRecords, []byte(f.call.ID))
				raw(t, f.path, put(store.BucketRecords, []byte(f.small.ID), v))
			},
			want: []string{`^record d0c50000: does not decrypt`},
		},
		{
			name: "two records swapped",
			damage: func(t *testing.T, f *fixture) {
				a := rawGet(t, f.path, store.BucketRecords, []byte(f.call.ID))
				b := rawGet(t, f.path, store.BucketRecords, []byte(f.claim.ID))
				raw(t, f.path, put(store.BucketRecords, []byte(f.call.ID), b))
				raw(t, f.path, put(store.BucketRecords, []byte(f.claim.ID), a))
			},
			want: []string{`^record ca110000: does not decrypt`, `^record c1aa0000: does not decrypt`},
		},
		{
			name: "record rolled back to an older version",
			damage: func(t *testing.T, f *fixture) {
				old := rawGet(t, f.path, store.BucketRecords, []byte(f.call.ID))
				v := openRW(t, f.path)
				edited := *f.call
				edited.Summary = "they promised a call back"
				mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Put(&edited, vault.ActionEdit, "") })
				v.Close()
				raw(t, f.path, put(store.BucketRecords, []byte(f.call.ID), old))
			},
			want: []string{`^call ca110000 \(claim "knee-pt"\): is not the version the history last wrote`},
		},
		{
			name: "removed record put back",
			damage: func(t *testing.T, f *fixture) {
				old := rawGet(t, f.path, store.BucketRecords, []byte(f.call.ID))
				v := openRW(t, f.path)
				mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Delete(f.call.ID, "") })
				v.Close()
				raw(t, f.path, put(store.BucketRecords, []byte(f.call.ID), old))
			},
			want: []string{`^call ca110000 \(claim "knee-pt"\): is in the file, but history entry \d+ removed it`},
		},
		{
			name: "record added behind the vault's back",
			damage: func(t *testing.T, f *fixture) {
				v := openRO(t, f.path)
				c := &vault.Call{ID: "ca220000", Claim: f.claim.ID, Rep: "Eve", Summary: "forged", At: testNow}
				sealed := sealRecord(t, v, c)
				v.Close()
				raw(t, f.path, put(store.BucketRecords, []byte(c.ID), sealed))
			},
			want: []string{`^call ca220000 \(claim "knee-pt"\): is in the file but the history never wrote it`},
		},
		{
			name: "record that decrypts but does not parse",
			damage: func(t *testing.T, f *fixture) {
				v := openRO(t, f.path)
				sealed, err := crypto.SealRecord(v.Keys().Records, store.BucketRecords, []byte(f.call.ID), []byte(`{"type":"nonsense"}`))
				v.Close()
				if err != nil {
					t.Fatal(err)
				}
				raw(t, f.path, put(store.BucketRecords, []byte(f.call.ID), sealed))
			},
			want: []string{`^record ca110000: decrypts but does not parse`},
		},
		{
			name: "chunk missing",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, del(store.BucketChunks, chunkKey(f.large.Blob, 1)))
			},
			want: []string{`^document d0c10000 "Session notes" \(claim "knee-pt"\): chunk 1 of 4 is missing$`},
		},
		{
			name: "last chunks missing",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, del(store.BucketChunks, chunkKey(f.large.Blob, 2)))
				raw(t, f.path, del(store.BucketChunks, chunkKey(f.large.Blob, 3)))
			},
			want: []string{`^document d0c10000 .*: chunks 2 to 3 of 4 are missing$`},
		},
		{
			name: "chunk truncated",
			damage: func(t *testing.T, f *fixture) {
				c := rawGet(t, f.path, store.BucketChunks, chunkKey(f.large.Blob, 0))
				raw(t, f.path, put(store.BucketChunks, chunkKey(f.large.Blob, 0), c[:len(c)-1]))
			},
			want: []string{`^document d0c10000 .*: chunk 0 of 4 is 65551 bytes, its framing requires 65552`},
		},
		{
			name: "last chunk truncated",
			damage: func(t *testing.T, f *fixture) {
				c := rawGet(t, f.path, store.BucketChunks, chunkKey(f.small.Blob, 0))
				raw(t, f.path, put(store.BucketChunks, chunkKey(f.small.Blob, 0), c[:100]))
			},
			want: []string{`^document d0c50000 "EOB March" \(claim "knee-pt"\): last chunk 0 is 100 bytes, its framing requires 1016`},
		},
		{
			name: "extra chunk",
			damage: func(t *testing.T, f *fixture) {
				c := rawGet(t, f.path, store.BucketChunks, chunkKey(f.large.Blob, 3))
				raw(t, f.path, put(store.BucketChunks, chunkKey(f.large.Blob, 4), c))
			},
			want: []string{`^document d0c10000 .*: 1 chunk beyond its last one is in the file`},
		},
		{
			name: "two chunks swapped within a document (found by reading)",
			damage: func(t *testing.T, f *fixture) {
				swapChunks(t, f.path, chunkKey(f.large.Blob, 0), chunkKey(f.large.Blob, 1))
			},
			readData: true,
			want:     []string{`^document d0c10000 "Session notes" \(claim "knee-pt"\): its content does not verify \(.*chunk 0`},
		},
		{
			name: "chunks swapped between documents",
			damage: func(t *testing.T, f *fixture) {
				swapChunks(t, f.path, chunkKey(f.large.Blob, 3), chunkKey(f.small.Blob, 0))
			},
			want: []string{`^document d0c10000 .*: last chunk 3 is 1016 bytes, its framing requires 516`, `^document d0c50000 .*: last chunk 0 is 516 bytes, its framing requires 1016`},
		},
		{
			name: "chunk flipped (found by reading)",
			damage: func(t *testing.T, f *fixture) {
				k := chunkKey(f.large.Blob, 2)
				raw(t, f.path, put(store.BucketChunks, k, flipped(rawGet(t, f.path, store.BucketChunks, k), 1000)))
			},
			readData: true,
			want:     []string{`^document d0c10000 .*: its content does not verify \(.*chunk 2: authentication failed`},
		},
		{
			name: "orphan chunks",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, put(store.BucketChunks, chunkKey(bytes.Repeat([]byte{7}, 16), 0), []byte("x")))
			},
			want: []string{`^orphan chunks 07070707070707070707070707070707: 1 chunk belongs to no document`},
		},
		{
			name: "malformed chunk key",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, put(store.BucketChunks, []byte("short"), []byte("x")))
			},
			want: []string{`^chunks: a chunk key of 5 bytes is malformed`},
		},
		{
			name: "referenced blob marked pending",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, put(store.BucketPending, f.large.Blob, nil))
			},
			want: []string{`^document d0c10000 .*: its chunks are still marked as being written: the next writable opening would delete them`},
		},
		{
			name: "history entry changed",
			damage: func(t *testing.T, f *fixture) {
				k := store.SeqKey(3)
				raw(t, f.path, put(store.BucketHistory, k, flipped(rawGet(t, f.path, store.BucketHistory, k), 50)))
			},
			want: []string{`^history entry 3: does not decrypt`, `^vault state: the history's MAC chain does not match the sealed state`},
		},
		{
			name: "history entry moved",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, put(store.BucketHistory, store.SeqKey(3), rawGet(t, f.path, store.BucketHistory, store.SeqKey(2))))
			},
			want: []string{`^history entry 3: does not decrypt: .*moved here from another position`},
		},
		{
			name: "history entry removed from the middle",
			damage: func(t *testing.T, f *fixture) {
				raw(t, f.path, del(store.BucketHistory, store.SeqKey(2)))
			},
			want: []string{`^history entry 2: is missing \(the next entry present is 3\)`, `^vault state: the history's MAC chain does not match`},
		},
		{
			name: "last history entry removed",
			damage: func(t *testing.T, f *fixture) {
				v := openRO(t, f.path)
				n := v.State().HistoryLen
				v.Close()
				raw(t, f.path, del(store.BucketHistory, store.SeqKey(n-1)))
			},
			want: []string{`^vault state: the history holds \d+ entries but the sealed state says \d+`},
		},
		{
			name: "state rolled back to an older copy of the meta value",
			damage: func(t *testing.T, f *fixture) {
				old := rawGet(t, f.path, store.BucketMeta, []byte(store.StateKey))
				v := openRW(t, f.path)
				edited := *f.call
				edited.Rep = "Sam"
				mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Put(&edited, vault.ActionEdit, "") })
				v.Close()
				raw(t, f.path, put(store.BucketMeta, []byte(store.StateKey), old))
			},
			want: []string{`^vault state: the history holds \d+ entries but the sealed state says \d+: .*state was replaced by an older one`},
		},
		{
			name: "record and history rolled back together",
			damage: func(t *testing.T, f *fixture) {
				oldRec := rawGet(t, f.path, store.BucketRecords, []byte(f.call.ID))
				v := openRW(t, f.path)
				n := v.State().HistoryLen
				edited := *f.call
				edited.Rep = "Sam"
				mustUpdate(t, v, func(tx *vault.Tx) error { return tx.Put(&edited, vault.ActionEdit, "") })
				v.Close()
				raw(t, f.path, put(store.BucketRecords, []byte(f.call.ID), oldRec))
				raw(t, f.path, del(store.BucketHistory, store.SeqKey(n)))
			},
			want: []string{`^vault state: the history holds`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if rep := verifyPath(t, f.path, c.readData); !rep.OK() {
				t.Fatalf("problems before the damage:\n%s", problemLines(rep))
			}
			c.damage(t, f)
			rep := verifyPath(t, f.path, c.readData)
			got := problemLines(rep)
			if rep.OK() {
				t.Fatal("verify found nothing")
			}
			for _, w := range c.want {
				if !regexp.MustCompile("(?m)" + w).MatchString(got) {
					t.Errorf("no problem matches %s; got:\n%s", w, got)
				}
			}
			for _, p := range rep.Problems {
				if bytes.ContainsAny([]byte(p.String()), "\n\r") {
					t.Errorf("problem spans lines: %q", p.String())
				}
			}
		})
	}
}

// TestVerifySwappedChunksNeedReadData documents the limit of the structural
// checks: two full chunks of one document swapped keep their sizes, and
// only decrypting (--read-data) finds them.
func TestVerifySwappedChunksNeedReadData(t *testing.T) {
	f := newFixture(t)
	swapChunks(t, f.path, chunkKey(f.large.Blob, 0), chunkKey(f.large.Blob, 1))
	if rep := verifyPath(t, f.path, false); !rep.OK() {
		t.Fatalf("structural checks found:\n%s", problemLines(rep))
	}
	if rep := verifyPath(t, f.path, true); rep.OK() {
		t.Fatal("reading found nothing")
	}
}

func swapChunks(t *testing.T, path string, a, b []byte) {
	t.Helper()
	va := rawGet(t, path, store.BucketChunks, a)
	vb := rawGet(t, path, store.BucketChunks, b)
	raw(t, path, put(store.BucketChunks, a, vb))
	raw(t, path, put(store.BucketChunks, b, va))
}

func sealRecord(t *testing.T, v *vault.Vault, r vault.Record) []byte {
	t.Helper()
	pt, err := encodeForTest(r)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := crypto.SealRecord(v.Keys().Records, store.BucketRecords, []byte(r.RecordID()), pt)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

// encodeForTest builds a record's plaintext as the vault does.
func encodeForTest(r vault.Record) ([]byte, error) { return vault.EncodeRecord(r) }
