package vault_test

// The worked example of docs/FORMAT.md: ../testdata/vectors/vault.json holds
// every key and value of a small vault (a claim, a short document, an empty
// document, an edit) and what each decrypts to. The test decodes it from the
// bytes with package crypto alone, step by step as an independent reader
// would, and then rebuilds the bbolt file from it and opens it with the
// vault API. Rewrite with `go test ./vault -run CoreVector -update-vectors`
// (every byte changes: keys, salts and nonces are random).

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

var coreUpdateVectors = flag.Bool("update-vectors", false, "rewrite testdata/vectors from the current code")

type coreKV struct {
	Key   string `json:"key"`   // hex
	Value string `json:"value"` // hex
}

type coreVaultVector struct {
	Comment      string              `json:"comment"`
	Passphrase   string              `json:"passphrase"`
	RecoveryCode string              `json:"recovery_code"`
	Buckets      map[string][]coreKV `json:"buckets"` // bucket name -> its keys and values, in key order
	Expected     coreExpected        `json:"expected"`
}

type coreExpected struct {
	Master    string                  `json:"master"`
	Subkeys   map[string]string       `json:"subkeys"`   // records, documents, integrity, signing
	State     string                  `json:"state"`     // hex plaintext (CBOR) of meta/state
	History   []coreHistoryVector     `json:"history"`   // in order
	Records   map[string]string       `json:"records"`   // record ID -> hex plaintext: type, 0x00, CBOR fields
	Documents map[string]coreDocument `json:"documents"` // record ID -> contents
}

type coreHistoryVector struct {
	Seq       uint64 `json:"seq"`
	Plaintext string `json:"plaintext"` // hex CBOR
	Chain     string `json:"chain"`     // chain value after this entry
}

type coreDocument struct {
	StreamKey string `json:"stream_key"`
	Plaintext string `json:"plaintext"` // hex
}

var coreVectorPath = filepath.Join("..", "testdata", "vectors", "vault.json")

// coreMakeVaultVector builds the example vault through the API and dumps it.
func coreMakeVaultVector(t *testing.T) coreVaultVector {
	path := filepath.Join(t.TempDir(), "vault.db")
	code, err := vault.Init(path, []byte(corePass), vault.InitOptions{KDF: crypto.MinKDF(), Now: coreClock})
	if err != nil {
		t.Fatal(err)
	}
	v := coreOpen(t, path, corePass)
	claim := &vault.Claim{ID: "k7m2q9xa", Name: "knee-2026", Insurer: "Acme Health", Status: "filed", Created: coreNow,
		StatusHistory: []vault.StatusChange{{Status: "filed", Date: "2026-04-01"}}}
	content := []byte("Invoice 2026-118: physical therapy, 6 visits, $510.00.\n")
	var docs []*vault.Document
	for i, c := range [][]byte{content, {}} {
		blob, err := v.WriteBlob(bytes.NewReader(c), vault.BlobOptions{})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, &vault.Document{ID: []string{"d3v8r1tb", "e0c5w4nq"}[i], Claim: claim.ID, Kind: []string{"invoice", "note"}[i],
			Date: "2026-04-02", Title: []string{"PT invoice", "empty note"}[i], FileName: []string{"invoice.txt", ""}[i],
			MediaType: "text/plain; charset=utf-8", Size: blob.Size, SHA256: blob.SHA256, Typed: i == 1,
			Blob: blob.ID, Chunks: blob.Chunks, Added: coreNow})
	}
	err = v.Update(func(tx *vault.Tx) error {
		for _, r := range []vault.Record{claim, docs[0], docs[1]} {
			if err := tx.Put(r, vault.ActionAdd, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	paid := *claim
	paid.Status = "paid"
	paid.StatusHistory = append(paid.StatusHistory, vault.StatusChange{Status: "paid", Date: "2026-04-30"})
	if err := v.Update(func(tx *vault.Tx) error { return tx.Put(&paid, vault.ActionStatus, "paid in full") }); err != nil {
		t.Fatal(err)
	}
	v.Close()

	out := coreVaultVector{
		Comment: "A whole vault (docs/FORMAT.md, worked example): every bbolt bucket's keys and values, and what they decode to. " +
			"KDF is the test minimum (8 MiB, 1 pass, 1 lane).",
		Passphrase: corePass, RecoveryCode: code, Buckets: map[string][]coreKV{},
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			kvs := []coreKV{}
			b.ForEach(func(k, v []byte) error {
				kvs = append(kvs, coreKV{Key: hex.EncodeToString(k), Value: hex.EncodeToString(v)})
				return nil
			})
			out.Buckets[string(name)] = kvs
			return nil
		})
	})
	// The expected values, decoded the way coreCheckVaultVector does; the
	// check then compares a fresh decoding with these.
	out.Expected = coreDecodeVaultVector(t, out)
	return out
}

func coreHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// coreDecodeVaultVector decodes the buckets with package crypto only,
// following docs/FORMAT.md.
func coreDecodeVaultVector(t *testing.T, vv coreVaultVector) coreExpected {
	t.Helper()
	get := func(bucket, key string) []byte {
		for _, kv := range vv.Buckets[bucket] {
			if kv.Key == hex.EncodeToString([]byte(key)) {
				return coreHex(t, kv.Value)
			}
		}
		t.Fatalf("no %s/%s", bucket, key)
		return nil
	}
	// 1. The header, and the master key from each slot.
	h, err := store.ParseHeader(get("header", "header"))
	if err != nil {
		t.Fatal(err)
	}
	var master []byte
	for _, s := range h.Slots {
		secret := []byte(vv.Passphrase)
		if s.Kind == store.SlotRecovery {
			if secret, err = crypto.NormalizeRecoveryCode([]byte(vv.RecoveryCode)); err != nil {
				t.Fatal(err)
			}
		}
		kek, err := crypto.DeriveKey(secret, s.Salt, s.KDF)
		if err != nil {
			t.Fatal(err)
		}
		m, err := crypto.UnwrapKey(kek, s.Wrapped, h.SlotAD(&s))
		if err != nil {
			t.Fatalf("slot %d does not unwrap: %v", s.Kind, err)
		}
		if master != nil && !bytes.Equal(m, master) {
			t.Fatal("the slots wrap different master keys")
		}
		master = m
	}
	// 2. Subkeys.
	keys, err := crypto.DeriveKeys(master)
	if err != nil {
		t.Fatal(err)
	}
	exp := coreExpected{Master: hex.EncodeToString(master), Subkeys: map[string]string{
		"records": hex.EncodeToString(keys.Records), "documents": hex.EncodeToString(keys.Documents),
		"integrity": hex.EncodeToString(keys.Integrity), "signing": hex.EncodeToString(keys.Signing),
	}, Records: map[string]string{}, Documents: map[string]coreDocument{}}
	// 3. The state.
	state, err := crypto.OpenRecord(keys.Records, "meta", []byte("state"), get("meta", "state"))
	if err != nil {
		t.Fatal(err)
	}
	exp.State = hex.EncodeToString(state)
	// 4. The history and its chain.
	chain := make([]byte, 32)
	for i, kv := range vv.Buckets["history"] {
		k, sealed := coreHex(t, kv.Key), coreHex(t, kv.Value)
		pt, err := crypto.OpenRecord(keys.Records, "history", k, sealed)
		if err != nil {
			t.Fatalf("history %d: %v", i, err)
		}
		chain = vault.ChainNext(keys.Integrity, chain, uint64(i), sealed)
		exp.History = append(exp.History, coreHistoryVector{Seq: uint64(i), Plaintext: hex.EncodeToString(pt), Chain: hex.EncodeToString(chain)})
	}
	st, err := vault.DecodeState(state)
	if err != nil {
		t.Fatal(err)
	}
	if st.HistoryHead != hex.EncodeToString(chain) || st.HistoryLen != uint64(len(exp.History)) {
		t.Fatalf("the chain ends at %x after %d entries; the state says %s after %d", chain, len(exp.History), st.HistoryHead, st.HistoryLen)
	}
	// 5. Records, and 6. the documents' streams.
	chunks := map[string][]byte{}
	for _, kv := range vv.Buckets["chunks"] {
		chunks[kv.Key] = coreHex(t, kv.Value)
	}
	for _, kv := range vv.Buckets["records"] {
		id := coreHex(t, kv.Key)
		pt, err := crypto.OpenRecord(keys.Records, "records", id, coreHex(t, kv.Value))
		if err != nil {
			t.Fatalf("record %s: %v", id, err)
		}
		exp.Records[string(id)] = hex.EncodeToString(pt)
		r, err := vault.DecodeRecord(pt)
		if err != nil {
			t.Fatal(err)
		}
		d, ok := r.(*vault.Document)
		if !ok {
			continue
		}
		s, err := crypto.NewStream(keys.Documents, d.Blob)
		if err != nil {
			t.Fatal(err)
		}
		var plain []byte
		for i := uint64(0); i < d.Chunks; i++ {
			c, ok := chunks[hex.EncodeToString(store.ChunkKey(d.Blob, i))]
			if !ok {
				t.Fatalf("document %s: chunk %d missing", id, i)
			}
			if plain, err = s.OpenChunk(plain, i, i == d.Chunks-1, c); err != nil {
				t.Fatalf("document %s chunk %d: %v", id, i, err)
			}
		}
		if sum := sha256.Sum256(plain); hex.EncodeToString(sum[:]) != d.SHA256 {
			t.Fatalf("document %s: SHA-256 differs from its record", id)
		}
		sk := coreHKDF(t, keys.Documents, d.Blob)
		exp.Documents[string(id)] = coreDocument{StreamKey: hex.EncodeToString(sk), Plaintext: hex.EncodeToString(plain)}
	}
	return exp
}

// coreHKDF derives a document's stream key as FORMAT.md says.
func coreHKDF(t *testing.T, documentsKey, blobID []byte) []byte {
	t.Helper()
	k, err := hkdf.Key(sha256.New, documentsKey, blobID, crypto.LabelChunkKey, crypto.KeySize)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCoreVectorVault decodes the checked-in example vault and compares
// every step with the expected values, then opens it through the API.
func TestCoreVectorVault(t *testing.T) {
	if *coreUpdateVectors {
		b, err := json.MarshalIndent(coreMakeVaultVector(t), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(coreVectorPath, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(coreVectorPath)
	if err != nil {
		t.Fatalf("%v (generate with -update-vectors)", err)
	}
	var vv coreVaultVector
	if err := json.Unmarshal(b, &vv); err != nil {
		t.Fatal(err)
	}
	got := coreDecodeVaultVector(t, vv)
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(vv.Expected)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Fatalf("decoding the example gives\n%s\nwant\n%s", gotJSON, wantJSON)
	}
	if len(got.Records) != 3 || len(got.Documents) != 2 || len(got.History) != 5 {
		t.Fatalf("the example holds %d records, %d documents, %d history entries", len(got.Records), len(got.Documents), len(got.History))
	}

	// Rebuild the file from the buckets and open it with the vault API.
	path := filepath.Join(t.TempDir(), "vault.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for name, kvs := range vv.Buckets {
			bk, err := tx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			for _, kv := range kvs {
				if err := bk.Put(coreHex(t, kv.Key), coreHex(t, kv.Value)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte(vv.Passphrase)}, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	h, err := v.History()
	if err != nil || len(h) != 5 {
		t.Fatalf("history: %d entries, %v", len(h), err)
	}
	for id, want := range got.Documents {
		r, err := v.Record(id)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := v.ReadDocument(r.(*vault.Document), &buf); err != nil || hex.EncodeToString(buf.Bytes()) != want.Plaintext {
			t.Fatalf("document %s: %v", id, err)
		}
	}
	c, err := v.Record("k7m2q9xa")
	if err != nil || c.(*vault.Claim).Status != "paid" {
		t.Fatalf("claim: %+v, %v", c, err)
	}
}
