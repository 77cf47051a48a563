package crypto

// Known-answer vectors for the record, stream, key derivation and key
// wrapping formats, in ../testdata/vectors/*.json (hex). They are checked on
// every run; `go test ./crypto -run Vectors -update-vectors` rewrites them
// from this code (only do that on purpose: a changed vector is a changed
// on-disk format).

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateVectors = flag.Bool("update-vectors", false, "rewrite testdata/vectors from the current code")

// vectorPath is where a vector file lives, relative to this package.
func vectorPath(name string) string { return filepath.Join("..", "testdata", "vectors", name) }

// loadOrWrite writes gen's vectors to the named file under -update-vectors;
// then it decodes the checked-in file into into.
func loadOrWrite(t *testing.T, name string, gen func() any, into any) {
	t.Helper()
	if *updateVectors {
		b, err := json.MarshalIndent(gen(), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(vectorPath(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorPath(name), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", vectorPath(name))
	}
	b, err := os.ReadFile(vectorPath(name))
	if err != nil {
		t.Fatalf("%v (generate with -update-vectors)", err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func hx(b []byte) string { return hex.EncodeToString(b) }

// seqBytes returns n bytes counting up from start (mod 256).
func seqBytes(start byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// ---- records ----

type recordVector struct {
	Name      string `json:"name"`
	Key       string `json:"key"`
	Nonce     string `json:"nonce"`
	Bucket    string `json:"bucket,omitempty"` // with DBKey: ad = RecordAD(bucket, db_key)
	DBKey     string `json:"db_key,omitempty"`
	AD        string `json:"ad"`
	Plaintext string `json:"plaintext"`
	Sealed    string `json:"sealed"`
}

type recordVectors struct {
	Comment string         `json:"comment"`
	Vectors []recordVector `json:"vectors"`
}

func makeRecordVectors(t *testing.T) recordVectors {
	key := seqBytes(0x80, KeySize)
	nonce := seqBytes(0x40, 24)
	type in struct {
		name, bucket string
		dbKey, ad    []byte
		pt           []byte
	}
	var out recordVectors
	out.Comment = "XChaCha20-Poly1305 records: sealed = nonce (24) || ciphertext || tag (16); " +
		"ad = \"vault/v1 record\" 0x00 bucket 0x00 db_key when bucket is given. See docs/FORMAT.md."
	for _, c := range []in{
		{name: "empty plaintext, no AD", pt: []byte{}},
		{name: "claim record", bucket: "records", dbKey: []byte("abcd2345"),
			pt: []byte(`{"type":"claim","data":{"id":"abcd2345","name":"knee-2026","insurer":"Acme","status":"open","status_history":null,"created":"2026-05-01T10:00:00Z"}}`)},
		{name: "history entry 5", bucket: "history", dbKey: []byte{0, 0, 0, 0, 0, 0, 0, 5},
			pt: []byte(`{"seq":5,"at":"2026-05-01T10:00:00Z","action":"add"}`)},
		{name: "vault state", bucket: "meta", dbKey: []byte("state"),
			pt: []byte(`{"generation":1,"history_len":1,"history_head":"00","updated":"2026-05-01T10:00:00Z"}`)},
		{name: "300 pattern bytes, raw AD", ad: []byte("any associated data"), pt: patternBytes(300)},
	} {
		ad := c.ad
		if c.bucket != "" {
			ad = RecordAD(c.bucket, c.dbKey)
		}
		sealed, err := sealWithNonce(key, nonce, c.pt, ad)
		if err != nil {
			t.Fatal(err)
		}
		out.Vectors = append(out.Vectors, recordVector{
			Name: c.name, Key: hx(key), Nonce: hx(nonce), Bucket: c.bucket, DBKey: hx(c.dbKey),
			AD: hx(ad), Plaintext: hx(c.pt), Sealed: hx(sealed),
		})
	}
	return out
}

func TestRecordVectors(t *testing.T) {
	var vs recordVectors
	loadOrWrite(t, "records.json", func() any { return makeRecordVectors(t) }, &vs)
	if len(vs.Vectors) == 0 {
		t.Fatal("no record vectors")
	}
	for _, v := range vs.Vectors {
		key, nonce, ad, pt, sealed := unhex(t, v.Key), unhex(t, v.Nonce), unhex(t, v.AD), unhex(t, v.Plaintext), unhex(t, v.Sealed)
		if v.Bucket != "" && !bytes.Equal(RecordAD(v.Bucket, unhex(t, v.DBKey)), ad) {
			t.Errorf("%s: RecordAD differs from the vector's ad", v.Name)
		}
		got, err := sealWithNonce(key, nonce, pt, ad)
		if err != nil || !bytes.Equal(got, sealed) {
			t.Errorf("%s: sealing gives %x, want %x (%v)", v.Name, got, sealed, err)
		}
		open, err := Open(key, sealed, ad)
		if err != nil || !bytes.Equal(open, pt) {
			t.Errorf("%s: Open: %v", v.Name, err)
		}
		if v.Bucket != "" {
			if open, err := OpenRecord(key, v.Bucket, unhex(t, v.DBKey), sealed); err != nil || !bytes.Equal(open, pt) {
				t.Errorf("%s: OpenRecord: %v", v.Name, err)
			}
		}
		bad := append([]byte(nil), sealed...)
		bad[len(bad)-1] ^= 1
		if _, err := Open(key, bad, ad); !errors.Is(err, ErrAuth) {
			t.Errorf("%s: a flipped tag bit opened: %v", v.Name, err)
		}
	}
}

// ---- document stream ----

type chunkVector struct {
	Index  uint64 `json:"index"`
	Last   bool   `json:"last"`
	Len    int    `json:"len"`              // sealed length: plaintext + 16
	Sealed string `json:"sealed,omitempty"` // whole chunk, when len <= 1040
	SHA256 string `json:"sha256,omitempty"` // SHA-256 of the sealed chunk, when larger
	Tag    string `json:"tag"`              // the chunk's last 16 bytes (Poly1305 tag)
}

type streamDocVector struct {
	Size   int           `json:"size"`
	Chunks []chunkVector `json:"chunks"`
}

type streamVectors struct {
	Comment       string            `json:"comment"`
	PlaintextRule string            `json:"plaintext_rule"`
	DocumentsKey  string            `json:"documents_key"`
	Nonce         string            `json:"nonce"`
	StreamKey     string            `json:"stream_key"` // HKDF-SHA-256(documents_key, salt = nonce, info)
	Info          string            `json:"info"`
	Documents     []streamDocVector `json:"documents"`
}

// maxInlineChunk is the largest sealed chunk written out whole.
const maxInlineChunk = 1040

var streamVectorSizes = []int{0, 1, 1024, 65535, 65536, 65537, 3*ChunkSize + 1000}

func makeStreamVectors(t *testing.T) streamVectors {
	docKey := seqBytes(0x10, KeySize)
	nonce := seqBytes(0xA0, StreamNonceSize)
	sk, err := hkdf.Key(sha256.New, docKey, nonce, LabelChunkKey, KeySize)
	if err != nil {
		t.Fatal(err)
	}
	out := streamVectors{
		Comment: "Document stream: ChaCha20-Poly1305 under stream_key; chunk i's nonce is i as 11 big-endian bytes then 0x01 " +
			"for the last chunk, 0x00 otherwise; no AD; 64 KiB plaintext chunks, the last 1..65536 bytes (0 only for an empty document).",
		PlaintextRule: "plaintext byte i = i mod 251",
		DocumentsKey:  hx(docKey), Nonce: hx(nonce), StreamKey: hx(sk), Info: LabelChunkKey,
	}
	for _, size := range streamVectorSizes {
		d := streamDocVector{Size: size}
		for i, c := range sealDocument(t, docKey, nonce, patternBytes(size), 1<<20) {
			cv := chunkVector{Index: uint64(i), Last: i == int(ChunkCount(int64(size)))-1, Len: len(c), Tag: hx(c[len(c)-ChunkOverhead:])}
			if len(c) <= maxInlineChunk {
				cv.Sealed = hx(c)
			} else {
				sum := sha256.Sum256(c)
				cv.SHA256 = hx(sum[:])
			}
			d.Chunks = append(d.Chunks, cv)
		}
		out.Documents = append(out.Documents, d)
	}
	return out
}

func TestStreamVectors(t *testing.T) {
	var vs streamVectors
	loadOrWrite(t, "stream.json", func() any { return makeStreamVectors(t) }, &vs)
	docKey, nonce := unhex(t, vs.DocumentsKey), unhex(t, vs.Nonce)
	if vs.Info != LabelChunkKey {
		t.Fatalf("info %q, LabelChunkKey %q", vs.Info, LabelChunkKey)
	}
	sk, _ := hkdf.Key(sha256.New, docKey, nonce, vs.Info, KeySize)
	if hx(sk) != vs.StreamKey {
		t.Fatalf("stream key %x, want %s", sk, vs.StreamKey)
	}
	if len(vs.Documents) != len(streamVectorSizes) {
		t.Fatalf("%d documents in the vectors", len(vs.Documents))
	}
	s, err := NewStream(docKey, nonce)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range vs.Documents {
		pt := patternBytes(d.Size)
		chunks := sealDocument(t, docKey, nonce, pt, 1<<20)
		if len(chunks) != len(d.Chunks) {
			t.Fatalf("size %d: %d chunks, vector has %d", d.Size, len(chunks), len(d.Chunks))
		}
		for i, cv := range d.Chunks {
			c := chunks[i]
			if len(c) != cv.Len || hx(c[len(c)-ChunkOverhead:]) != cv.Tag {
				t.Fatalf("size %d chunk %d: length or tag differs from the vector", d.Size, i)
			}
			if cv.Sealed != "" {
				want := unhex(t, cv.Sealed)
				if !bytes.Equal(c, want) {
					t.Fatalf("size %d chunk %d: sealed %x, want %x", d.Size, i, c, want)
				}
				// Open the vector's own bytes, independently of sealing.
				plain, err := s.OpenChunk(nil, cv.Index, cv.Last, want)
				if err != nil || !bytes.Equal(plain, pt[i*ChunkSize:]) {
					t.Fatalf("size %d chunk %d: the vector does not open: %v", d.Size, i, err)
				}
			} else {
				sum := sha256.Sum256(c)
				if hx(sum[:]) != cv.SHA256 {
					t.Fatalf("size %d chunk %d: SHA-256 differs from the vector", d.Size, i)
				}
			}
			// The nonce layout: a chunk only opens at its own index and flag.
			plain, err := s.OpenChunk(nil, cv.Index, cv.Last, c)
			if err != nil {
				t.Fatalf("size %d chunk %d: %v", d.Size, i, err)
			}
			if !bytes.Equal(plain, pt[i*ChunkSize:i*ChunkSize+len(plain)]) {
				t.Fatalf("size %d chunk %d: wrong plaintext", d.Size, i)
			}
			if _, err := s.OpenChunk(nil, cv.Index, !cv.Last, c); !errors.Is(err, ErrAuth) {
				t.Fatalf("size %d chunk %d opened with the other last flag", d.Size, i)
			}
		}
		got, err := readDocument(docKey, nonce, uint64(len(chunks)), chunks)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("size %d: read back: %v", d.Size, err)
		}
	}
}

// ---- keys: HKDF subkeys, Argon2id, wrapping, recovery codes ----

type keyVectors struct {
	Comment  string           `json:"comment"`
	HKDF     hkdfVector       `json:"hkdf"`
	Argon2id []argonVector    `json:"argon2id"`
	Wrap     []wrapVector     `json:"wrap"`
	Recovery []recoveryVector `json:"recovery_codes"`
}

type hkdfVector struct {
	Master           string `json:"master"`
	Records          string `json:"records"`
	Documents        string `json:"documents"`
	Integrity        string `json:"integrity"`
	Signing          string `json:"signing"`
	SigningPublicKey string `json:"signing_public_key"` // Ed25519 public key of the signing seed
}

type argonVector struct {
	Secret    string `json:"secret"`
	Salt      string `json:"salt"`
	MemoryKiB uint32 `json:"memory_kib"`
	Time      uint32 `json:"time"`
	Lanes     uint8  `json:"lanes"`
	Key       string `json:"key"`
}

type wrapVector struct {
	KEK     string `json:"kek"`
	Master  string `json:"master"`
	AD      string `json:"ad"`
	Nonce   string `json:"nonce"`
	Wrapped string `json:"wrapped"`
}

type recoveryVector struct {
	Typed      string `json:"typed"`
	Normalized string `json:"normalized"` // the bytes given to Argon2id
}

func makeKeyVectors(t *testing.T) keyVectors {
	master := seqBytes(0x00, KeySize)
	k, err := DeriveKeys(master)
	if err != nil {
		t.Fatal(err)
	}
	out := keyVectors{
		Comment: "Subkeys: HKDF-SHA-256(master, no salt, info = label). Argon2id: key = IDKey(secret, salt, time, memory_kib, lanes, 32). " +
			"Wrap: XChaCha20-Poly1305(kek, nonce, master, ad) = nonce || ct || tag. Recovery codes: the normalized text is the Argon2id secret.",
		HKDF: hkdfVector{Master: hx(master), Records: hx(k.Records), Documents: hx(k.Documents), Integrity: hx(k.Integrity),
			Signing: hx(k.Signing), SigningPublicKey: hx(ed25519.NewKeyFromSeed(k.Signing).Public().(ed25519.PublicKey))},
	}
	salt := seqBytes(0x30, SaltSize)
	for _, c := range []struct {
		secret []byte
		p      KDFParams
	}{
		{[]byte("correct horse battery staple"), MinKDF()},
		{[]byte("correct horse battery staple"), KDFParams{MemoryKiB: 8 * 1024, Time: 2, Lanes: 4}},
		{[]byte("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), DefaultKDF()},
	} {
		kek, err := DeriveKey(c.secret, salt, c.p)
		if err != nil {
			t.Fatal(err)
		}
		out.Argon2id = append(out.Argon2id, argonVector{Secret: hx(c.secret), Salt: hx(salt),
			MemoryKiB: c.p.MemoryKiB, Time: c.p.Time, Lanes: c.p.Lanes, Key: hx(kek)})
	}
	kek := unhex(t, out.Argon2id[0].Key)
	nonce := seqBytes(0xC0, 24)
	for _, ad := range [][]byte{[]byte("vault/v1 key slot"), {}} {
		w, err := sealWithNonce(kek, nonce, master, ad)
		if err != nil {
			t.Fatal(err)
		}
		out.Wrap = append(out.Wrap, wrapVector{KEK: hx(kek), Master: hx(master), AD: hx(ad), Nonce: hx(nonce), Wrapped: hx(w)})
	}
	for _, typed := range []string{"0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ", "o123 4567 89ab cdef ghjk mnpq rstv wxyz", "0IL3-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ"} {
		n, err := NormalizeRecoveryCode([]byte(typed))
		if err != nil {
			t.Fatal(err)
		}
		out.Recovery = append(out.Recovery, recoveryVector{Typed: typed, Normalized: string(n)})
	}
	return out
}

func TestKeyVectors(t *testing.T) {
	var vs keyVectors
	loadOrWrite(t, "keys.json", func() any { return makeKeyVectors(t) }, &vs)
	k, err := DeriveKeys(unhex(t, vs.HKDF.Master))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, want string
		got        []byte
	}{
		{"records", vs.HKDF.Records, k.Records}, {"documents", vs.HKDF.Documents, k.Documents},
		{"integrity", vs.HKDF.Integrity, k.Integrity}, {"signing", vs.HKDF.Signing, k.Signing},
		{"signing public key", vs.HKDF.SigningPublicKey, ed25519.NewKeyFromSeed(k.Signing).Public().(ed25519.PublicKey)},
	} {
		if hx(c.got) != c.want {
			t.Errorf("%s subkey %x, want %s", c.name, c.got, c.want)
		}
	}
	if len(vs.Argon2id) == 0 || len(vs.Wrap) == 0 || len(vs.Recovery) == 0 {
		t.Fatal("missing vectors")
	}
	for i, a := range vs.Argon2id {
		kek, err := DeriveKey(unhex(t, a.Secret), unhex(t, a.Salt), KDFParams{MemoryKiB: a.MemoryKiB, Time: a.Time, Lanes: a.Lanes})
		if err != nil || hx(kek) != a.Key {
			t.Errorf("argon2id %d: %x, want %s (%v)", i, kek, a.Key, err)
		}
	}
	for i, w := range vs.Wrap {
		kek, master, ad, wrapped := unhex(t, w.KEK), unhex(t, w.Master), unhex(t, w.AD), unhex(t, w.Wrapped)
		got, err := UnwrapKey(kek, wrapped, ad)
		if err != nil || !bytes.Equal(got, master) {
			t.Errorf("wrap %d: unwrap: %v", i, err)
		}
		again, err := sealWithNonce(kek, unhex(t, w.Nonce), master, ad)
		if err != nil || !bytes.Equal(again, wrapped) {
			t.Errorf("wrap %d: wrapping gives %x, want %x", i, again, wrapped)
		}
		if _, err := UnwrapKey(kek, wrapped, append(ad, 0)); !errors.Is(err, ErrAuth) {
			t.Errorf("wrap %d: unwrapped with other AD", i)
		}
	}
	for _, r := range vs.Recovery {
		n, err := NormalizeRecoveryCode([]byte(r.Typed))
		if err != nil || string(n) != r.Normalized {
			t.Errorf("recovery %q: %q, want %q (%v)", r.Typed, n, r.Normalized, err)
		}
	}
}
