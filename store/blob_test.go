package store

import (
	"bytes"
	"errors"
	"testing"
)

// TestPipelinedBlobWriter: a pipelined writer stores every chunk, in
// batches, with the pending mark, once Flush returns; its batch buffers are
// reused rather than grown per batch.
func TestPipelinedBlobWriter(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	blob := fill(0x07, BlobIDSize)
	const chunk = 65536 + 16
	w := db.NewPipelinedBlobWriter(blob, 3*chunk+100)
	for i := range uint64(50) {
		if err := w.Put(i, sealedChunk(byte(i), chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.inflight != nil {
		t.Fatal("Flush returned with a commit in flight")
	}
	if w.spare == nil {
		t.Error("no batch buffer kept for reuse")
	}
	db.View(func(tx *Tx) error {
		if n := tx.ChunkCount(blob); n != 50 {
			t.Errorf("%d chunks stored, want 50", n)
		}
		for i := range uint64(50) {
			if !bytes.Equal(tx.Chunk(blob, i), sealedChunk(byte(i), chunk)) {
				t.Errorf("chunk %d differs", i)
			}
		}
		if p := tx.PendingBlobs(); len(p) != 1 || !bytes.Equal(p[0], blob) {
			t.Errorf("pending %x", p)
		}
		return nil
	})
	if err := w.Flush(); err != nil { // nothing queued: a no-op
		t.Fatal(err)
	}
}

// TestPipelinedBlobWriterFailure: a commit that fails in the background is
// returned by the next Put, by Flush and by Abort, and nothing is stored.
func TestPipelinedBlobWriterFailure(t *testing.T) {
	path := newStore(t)
	db := openStore(t, path, Options{ReadOnly: true}) // every commit fails
	blob := fill(0x08, BlobIDSize)
	w := db.NewPipelinedBlobWriter(blob, 100)
	if err := w.Put(0, sealedChunk(1, 200)); err != nil {
		t.Fatalf("the first batch's commit runs in the background, yet Put failed: %v", err)
	}
	var err error
	for i := uint64(1); i < 10 && err == nil; i++ {
		err = w.Put(i, sealedChunk(1, 200))
	}
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Put after a failed commit: %v, want ErrReadOnly", err)
	}
	if err := w.Flush(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Flush after a failed commit: %v", err)
	}
	if err := w.Abort(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Abort after a failed commit: %v", err)
	}
	db.View(func(tx *Tx) error {
		if n := tx.ChunkCount(blob); n != 0 {
			t.Errorf("%d chunks stored", n)
		}
		return nil
	})
}

// TestBlobWriterAbort: Abort waits for the commit in flight and drops what
// is queued, so that discarding the blob afterwards removes every chunk.
func TestBlobWriterAbort(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	for _, pipelined := range []bool{false, true} {
		blob := fill(0x09, BlobIDSize)
		w := db.NewBlobWriter(blob, 250)
		if pipelined {
			w = db.NewPipelinedBlobWriter(blob, 250)
		}
		for i := range uint64(7) { // two batches of three, one chunk queued
			if err := w.Put(i, sealedChunk(2, 100)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Abort(); err != nil {
			t.Fatal(err)
		}
		if w.inflight != nil || len(w.cur.keys) != 0 {
			t.Fatalf("pipelined=%v: Abort left a commit in flight or chunks queued", pipelined)
		}
		db.View(func(tx *Tx) error {
			if n := tx.ChunkCount(blob); n != 6 {
				t.Errorf("pipelined=%v: %d chunks committed before Abort, want 6", pipelined, n)
			}
			return nil
		})
		if err := db.Update(func(tx *Tx) error { return tx.DeleteBlob(blob) }); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBlobWriterAppend: chunks sealed in place by Append are stored as Put
// would store them; a seal that fails queues nothing and returns its error;
// the batch buffer grows to about the batch size, not beyond.
func TestBlobWriterAppend(t *testing.T) {
	db := openStore(t, newStore(t), Options{})
	blob := fill(0x0a, BlobIDSize)
	const chunk, limit = 65536 + 16, 5 * (65536 + 16)
	w := db.NewPipelinedBlobWriter(blob, limit)
	maxCap := 0
	for i := range uint64(12) {
		err := w.Append(i, chunk, func(dst []byte) ([]byte, error) {
			return append(dst, sealedChunk(byte(i), chunk)...), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		maxCap = max(maxCap, cap(w.cur.arena))
	}
	boom := errors.New("seal failed")
	if err := w.Append(12, chunk, func(dst []byte) ([]byte, error) { return dst, boom }); !errors.Is(err, boom) {
		t.Fatalf("failing seal: %v", err)
	}
	if n := len(w.cur.keys); n != 2 {
		t.Fatalf("%d chunks queued after the failed seal, want 2", n)
	}
	if maxCap > limit+chunk {
		t.Errorf("batch buffer grew to %d bytes for a %d-byte batch", maxCap, limit)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		if n := tx.ChunkCount(blob); n != 12 {
			t.Errorf("%d chunks stored, want 12", n)
		}
		for i := range uint64(12) {
			if !bytes.Equal(tx.Chunk(blob, i), sealedChunk(byte(i), chunk)) {
				t.Errorf("chunk %d differs", i)
			}
		}
		return nil
	})
}
