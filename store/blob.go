package store

import "fmt"

// DefaultBatchBytes is how many bytes of sealed chunks a BlobWriter commits
// in one transaction. It bounds the memory a large document needs (the batch
// plus bbolt's dirty pages) while keeping the number of fsyncs low.
const DefaultBatchBytes = 8 << 20

// BlobWriter stores a document's sealed chunks in batches of transactions.
// Every batch also marks the blob pending, so that chunks are never on disk
// without the mark: a crash before the record referencing the blob is
// written leaves chunks that ReclaimOrphans removes.
type BlobWriter struct {
	db    *DB
	blob  []byte
	limit int
	arena []byte
	keys  []uint64
	ends  []int
}

// NewBlobWriter returns a writer for a new blob; batchBytes <= 0 means
// DefaultBatchBytes.
func (db *DB) NewBlobWriter(blob []byte, batchBytes int) *BlobWriter {
	if batchBytes <= 0 {
		batchBytes = DefaultBatchBytes
	}
	return &BlobWriter{db: db, blob: blob, limit: batchBytes}
}

// Put queues a sealed chunk (copying it) and commits the batch when it is full.
// The batch buffer grows with use, so a small document costs a small buffer.
func (w *BlobWriter) Put(index uint64, sealed []byte) error {
	w.arena = append(w.arena, sealed...)
	w.keys = append(w.keys, index)
	w.ends = append(w.ends, len(w.arena))
	if len(w.arena) >= w.limit {
		return w.Flush()
	}
	return nil
}

// Flush commits the queued chunks in one transaction.
func (w *BlobWriter) Flush() error {
	if len(w.keys) == 0 {
		return nil
	}
	err := w.db.Update(func(tx *Tx) error {
		if err := tx.MarkPending(w.blob); err != nil {
			return err
		}
		b := tx.bucket(BucketChunks)
		b.FillPercent = 1.0
		start := 0
		for i, idx := range w.keys {
			// bbolt keeps a reference to the value until commit: the arena
			// is not reused before Update returns.
			if err := b.Put(ChunkKey(w.blob, idx), w.arena[start:w.ends[i]]); err != nil {
				return err
			}
			start = w.ends[i]
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store document chunks: %w", err)
	}
	clear(w.arena)
	w.arena = w.arena[:0]
	w.keys = w.keys[:0]
	w.ends = w.ends[:0]
	return nil
}
