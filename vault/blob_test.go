package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"testing/iotest"

	"vault/crypto"
	"vault/store"
)

// TestWriteBlobPipeline: documents around the sizes where the reading,
// hashing and committing goroutines hand over (a block, a batch) round-trip
// with the right size, hash, head and chunk count, whatever the reader's
// read sizes; nothing is left pending but the blob itself.
func TestWriteBlobPipeline(t *testing.T) {
	v := evVault(t)
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{1, blobBlock - 1, blobBlock, blobBlock + 1, 3*blobBlock + crypto.ChunkSize + 7}
	for _, n := range sizes {
		for _, half := range []bool{false, true} {
			content := make([]byte, n)
			for i := range content {
				content[i] = byte(rng.Uint32())
			}
			var src io.Reader = bytes.NewReader(content)
			if half {
				src = iotest.HalfReader(src) // short reads
			}
			// Small batches: several commits, one in flight while the next fills.
			blob, err := v.WriteBlob(src, BlobOptions{BatchBytes: 300_000})
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(content)
			if blob.Size != int64(n) || blob.SHA256 != hex.EncodeToString(sum[:]) || blob.Chunks != crypto.ChunkCount(int64(n)) ||
				!bytes.Equal(blob.Head, content[:min(n, SniffSize)]) {
				t.Fatalf("%d bytes (short reads %v): size %d, chunks %d, hash or head wrong", n, half, blob.Size, blob.Chunks)
			}
			d := &Document{ID: "doc00000", Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks}
			var got bytes.Buffer
			if err := v.ReadDocument(d, &got); err != nil || !bytes.Equal(got.Bytes(), content) {
				t.Fatalf("%d bytes (short reads %v): read back: %v", n, half, err)
			}
			if err := v.DiscardBlob(blob.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	v.db.View(func(tx *store.Tx) error {
		n := 0
		tx.ForEachChunk(func(_, _ []byte) error { n++; return nil })
		if n != 0 || len(tx.PendingBlobs()) != 0 {
			t.Errorf("%d chunks, %d pending blobs left", n, len(tx.PendingBlobs()))
		}
		return nil
	})
}

// TestWriteBlobCommitFails: a batch whose commit fails in the background
// (here: a read-only vault) fails WriteBlob with the store's error.
func TestWriteBlobCommitFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.db")
	pass := []byte("test passphrase")
	if _, err := Init(path, pass, InitOptions{KDF: crypto.MinKDF()}); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path, Secret{Passphrase: pass}, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	_, err = v.WriteBlob(bytes.NewReader(make([]byte, 3*blobBlock)), BlobOptions{BatchBytes: 200_000})
	if !errors.Is(err, store.ErrReadOnly) {
		t.Fatalf("WriteBlob into a read-only vault: %v, want ErrReadOnly", err)
	}
}

// TestBlockHasherStopsEarly: a hasher stopped before sum (WriteBlob failing
// midway) ends its goroutine and clears the plaintext it held.
func TestBlockHasherStopsEarly(t *testing.T) {
	bh := newBlockHasher()
	var held [][]byte
	for range blobBlocks + 2 {
		b := bh.buffer()
		for i := range b {
			b[i] = 0xaa
		}
		held = append(held, b)
		bh.hash(b)
	}
	bh.finish()
	bh.finish() // twice is harmless
	if _, open := <-bh.out; open {
		t.Fatal("the hashing goroutine is still running")
	}
	for i, b := range held {
		if bytes.IndexByte(b[:cap(b)], 0xaa) >= 0 {
			t.Fatalf("block %d still holds plaintext", i)
		}
	}
}

// heapFree returns the heap's free memory not yet given back to the system.
func heapFree() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// forcedGCs returns how many collections the program forced.
func forcedGCs() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestReleaseIdleMemory: in a fresh process (this test binary run again
// for the one test below), a large dropped allocation (Argon2id's memory,
// once the key is derived) is given back by the first releaseIdleMemory,
// and later calls force no more collections.
func TestReleaseIdleMemory(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestReleaseIdleMemoryChild$", "-test.v")
	cmd.Env = append(os.Environ(), "VAULT_TEST_RELEASE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestReleaseIdleMemoryChild")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestReleaseIdleMemoryChild(t *testing.T) {
	if os.Getenv("VAULT_TEST_RELEASE_CHILD") != "1" {
		t.Skip("runs in a child process of TestReleaseIdleMemory")
	}
	if n := forcedGCs(); n != 0 {
		t.Fatalf("%d collections forced before the test", n)
	}
	big := make([]byte, 64<<20)
	big[len(big)-1] = 1
	runtime.KeepAlive(big)
	big = nil
	releaseIdleMemory()
	if forcedGCs() != 1 {
		t.Fatal("no collection with 64 MiB of garbage on the heap")
	}
	if free := heapFree(); free > 8<<20 {
		t.Fatalf("%d MiB of free heap kept after release", free>>20)
	}
	big = make([]byte, 64<<20)
	big[len(big)-1] = 1
	runtime.KeepAlive(big)
	big = nil
	releaseIdleMemory()
	if forcedGCs() != 1 {
		t.Fatal("a second release forced another collection")
	}
}

// failAfter is a destination that takes n bytes, then fails.
type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, f.err
	}
	f.n -= len(p)
	return len(p), nil
}

// TestReadDocumentFailures: a failing destination gives its own error (it
// says nothing about the vault); a damaged chunk, a document cut short or
// a wrong recorded hash give ErrTampered.
func TestReadDocumentFailures(t *testing.T) {
	v := evVault(t)
	content := bytes.Repeat([]byte("0123456789abcdef"), (3*blobBlock)/16+100)
	blob, err := v.WriteBlob(bytes.NewReader(content), BlobOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := &Document{ID: "doc00000", Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks}
	full := errors.New("disk full")
	if err := v.ReadDocument(d, &failAfter{n: blobBlock + 5, err: full}); !errors.Is(err, full) || errors.Is(err, ErrTampered) {
		t.Fatalf("failing destination: %v", err)
	}
	short := *d
	short.Chunks-- // the last chunk read is not sealed as last
	if err := v.ReadDocument(&short, io.Discard); !errors.Is(err, ErrTampered) {
		t.Fatalf("document cut short: %v", err)
	}
	wrong := *d
	wrong.SHA256 = hex.EncodeToString(make([]byte, 32))
	if err := v.ReadDocument(&wrong, io.Discard); !errors.Is(err, ErrTampered) {
		t.Fatalf("wrong recorded hash: %v", err)
	}
	if err := v.db.Update(func(tx *store.Tx) error {
		mid := blob.Chunks / 2
		key := store.ChunkKey(blob.ID, mid)
		c := append([]byte(nil), tx.Chunk(blob.ID, mid)...)
		c[100] ^= 1
		return tx.Bolt().Bucket([]byte(store.BucketChunks)).Put(key, c)
	}); err != nil {
		t.Fatal(err)
	}
	if err := v.ReadDocument(d, io.Discard); !errors.Is(err, ErrTampered) {
		t.Fatalf("damaged chunk: %v", err)
	}
}

// TestWriteBlobStoresTheStreamFormat: the chunks WriteBlob seals straight
// into its batches (circulating blocks, pipelined commits) are, byte for
// byte, the document's chunks sealed one by one with crypto.Stream: the
// format of docs/FORMAT.md.
func TestWriteBlobStoresTheStreamFormat(t *testing.T) {
	v := evVault(t)
	cs := crypto.ChunkSize
	for _, n := range []int{0, 1, cs - 1, cs, cs + 1, blobBlock, blobBlock + cs, 3*blobBlock - 1, 3*blobBlock + 5} {
		content := bytes.Repeat([]byte{byte(n), 0x5c, 0xa3}, n/3+1)[:n]
		blob, err := v.WriteBlob(bytes.NewReader(content), BlobOptions{BatchBytes: 150_000})
		if err != nil {
			t.Fatal(err)
		}
		stream, err := crypto.NewStream(v.keys.Documents, blob.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want [][]byte
		count := crypto.ChunkCount(int64(n))
		for i := range count {
			lo := int(i) * cs
			c, err := stream.SealChunk(nil, i, i == count-1, content[lo:min(lo+cs, n)])
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, c)
		}
		if blob.Chunks != uint64(len(want)) {
			t.Fatalf("%d bytes: %d chunks, want %d", n, blob.Chunks, len(want))
		}
		v.db.View(func(tx *store.Tx) error {
			for i, w := range want {
				if !bytes.Equal(tx.Chunk(blob.ID, uint64(i)), w) {
					t.Errorf("%d bytes: chunk %d differs from the stream's", n, i)
				}
			}
			if tx.ChunkCount(blob.ID) != uint64(len(want)) {
				t.Errorf("%d bytes: %d chunks stored", n, tx.ChunkCount(blob.ID))
			}
			return nil
		})
		if err := v.DiscardBlob(blob.ID); err != nil {
			t.Fatal(err)
		}
	}
}
