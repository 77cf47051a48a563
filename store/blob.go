package store

import "fmt"

// DefaultBatchBytes is how many bytes of sealed chunks a BlobWriter commits
// in one transaction. It bounds the memory a large document needs (the batch
// plus bbolt's copy of it in dirty pages, twice over when the next batch
// fills while one commits) while keeping the number of fsyncs low (two per
// commit). docs/BENCHMARKS.md records what other sizes gave.
const DefaultBatchBytes = 8 << 20

// BlobWriter stores a document's sealed chunks in batches of transactions.
// Every batch also marks the blob pending, so that chunks are never on disk
// without the mark: a crash before the record referencing the blob is
// written leaves chunks that ReclaimOrphans removes.
//
// A BlobWriter is used by one goroutine. A pipelined one (see
// NewPipelinedBlobWriter) commits each full batch on a goroutine of its own
// while the caller fills the next.
type BlobWriter struct {
	db        *DB
	blob      []byte
	limit     int
	pipelined bool
	cur       *chunkBatch // being filled
	spare     *chunkBatch // committed, ready for reuse (pipelined only)
	inflight  chan error  // the result of the commit in progress, if any
	err       error       // the first failed commit: every later call returns it
}

// chunkBatch is a batch of sealed chunks: their bytes one after the other in
// arena, chunk i being arena[ends[i-1]:ends[i]].
type chunkBatch struct {
	arena []byte
	keys  []uint64
	ends  []int
}

// room makes room for n more bytes in the arena of a batch committed at
// limit bytes, doubling it as it fills, so that a small document costs a
// small buffer, a large one a buffer of about limit bytes, and filling it
// leaves little garbage. (An AEAD's Seal would reallocate a full buffer to
// the exact size, chunk after chunk; append grows large ones by 1.25.)
func (b *chunkBatch) room(n, limit int) {
	if cap(b.arena)-len(b.arena) >= n {
		return
	}
	c := max(len(b.arena)+n, min(2*cap(b.arena), limit+n), 64<<10)
	grown := make([]byte, len(b.arena), c)
	copy(grown, b.arena)
	b.arena = grown
}

// reset empties the batch for reuse. The arena holds sealed chunks only
// (ciphertext, as written to disk), so it is not cleared.
func (b *chunkBatch) reset() {
	b.arena = b.arena[:0]
	b.keys = b.keys[:0]
	b.ends = b.ends[:0]
}

// NewBlobWriter returns a writer for a new blob that commits each batch
// before Put returns; batchBytes <= 0 means DefaultBatchBytes.
func (db *DB) NewBlobWriter(blob []byte, batchBytes int) *BlobWriter {
	if batchBytes <= 0 {
		batchBytes = DefaultBatchBytes
	}
	return &BlobWriter{db: db, blob: blob, limit: batchBytes, cur: &chunkBatch{}}
}

// NewPipelinedBlobWriter returns a writer for a new blob that commits each
// full batch in the background while the next one fills, so that sealing and
// the disk's writes and fsyncs overlap. At most one commit is in flight: it
// holds at most two batches. A failed commit is returned by the next Put,
// Flush or Abort. Call Flush or Abort before using the blob or discarding it.
func (db *DB) NewPipelinedBlobWriter(blob []byte, batchBytes int) *BlobWriter {
	w := db.NewBlobWriter(blob, batchBytes)
	w.pipelined = true
	return w
}

// Put queues a sealed chunk (copying it) and commits the batch when it is full.
// The batch buffer grows with use, so a small document costs a small buffer.
func (w *BlobWriter) Put(index uint64, sealed []byte) error {
	if w.err != nil {
		return w.err
	}
	b := w.cur
	b.room(len(sealed), w.limit)
	b.arena = append(b.arena, sealed...)
	b.keys = append(b.keys, index)
	b.ends = append(b.ends, len(b.arena))
	if len(b.arena) >= w.limit {
		return w.commit()
	}
	return nil
}

// Append queues chunk index, letting seal append its sealed bytes, at most
// n of them, to the batch directly (seal gets the batch's buffer and returns
// it extended, as an AEAD's Seal does). It saves the copy Put makes; the
// batch is committed when it is full.
func (w *BlobWriter) Append(index uint64, n int, seal func(dst []byte) ([]byte, error)) error {
	if w.err != nil {
		return w.err
	}
	b := w.cur
	b.room(n, w.limit)
	arena, err := seal(b.arena)
	if err != nil {
		return err
	}
	b.arena = arena
	b.keys = append(b.keys, index)
	b.ends = append(b.ends, len(b.arena))
	if len(b.arena) >= w.limit {
		return w.commit()
	}
	return nil
}

// Flush commits the queued chunks and waits until every batch is committed.
func (w *BlobWriter) Flush() error {
	if err := w.commit(); err != nil {
		return err
	}
	return w.wait()
}

// Abort waits for a commit in flight and drops the queued chunks, so that
// the caller can discard the blob. It returns the error of a failed commit.
func (w *BlobWriter) Abort() error {
	err := w.wait()
	w.cur.reset()
	return err
}

// commit starts committing the current batch: in the background when the
// writer is pipelined, once the previous commit is done.
func (w *BlobWriter) commit() error {
	if len(w.cur.keys) == 0 {
		return w.err
	}
	if !w.pipelined {
		err := w.write(w.cur)
		w.cur.reset()
		if err != nil {
			w.err = err
		}
		return err
	}
	if err := w.wait(); err != nil {
		return err
	}
	b := w.cur
	w.cur, w.spare = w.spare, nil
	if w.cur == nil {
		w.cur = &chunkBatch{}
	}
	done := make(chan error, 1)
	w.inflight = done
	go func() {
		err := w.write(b)
		b.reset()
		w.spare = b // read only after done is received
		done <- err
	}()
	return nil
}

// wait waits for the commit in flight, if any, and returns the writer's error.
func (w *BlobWriter) wait() error {
	if w.inflight != nil {
		if err := <-w.inflight; err != nil && w.err == nil {
			w.err = err
		}
		w.inflight = nil
	}
	return w.err
}

// write commits a batch in one transaction.
func (w *BlobWriter) write(b *chunkBatch) error {
	err := w.db.Update(func(tx *Tx) error {
		if err := tx.MarkPending(w.blob); err != nil {
			return err
		}
		bk := tx.bucket(BucketChunks)
		bk.FillPercent = 1.0
		start := 0
		for i, idx := range b.keys {
			// bbolt keeps a reference to the value until commit: the arena
			// is not reused before Update returns.
			if err := bk.Put(ChunkKey(w.blob, idx), b.arena[start:b.ends[i]]); err != nil {
				return err
			}
			start = b.ends[i]
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store document chunks: %w", err)
	}
	return nil
}
