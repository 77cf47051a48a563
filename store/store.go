// Package store keeps a vault in one bbolt file: the plaintext header, sealed
// records, sealed document chunks, the sealed history and the vault state.
// It knows bucket names, key layouts, transactions and locking; it never sees
// a plaintext record or a key (sealing is the caller's, via package crypto).
package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"vault/crypto"
)

// Bucket names: fixed, and the only names in the file.
const (
	BucketHeader  = "header"  // HeaderKey -> the encoded Header
	BucketMeta    = "meta"    // StateKey -> the sealed vault state
	BucketRecords = "records" // record ID -> sealed record
	BucketChunks  = "chunks"  // blob ID || big-endian chunk index -> sealed chunk
	BucketHistory = "history" // big-endian sequence number -> sealed history entry
	BucketPending = "pending" // blob ID -> empty: a blob being written, not yet referenced
)

// Keys within the header and meta buckets.
const (
	HeaderKey = "header"
	StateKey  = "state"
)

// BlobIDSize is the size of a document blob's random identifier.
const BlobIDSize = 16

// DefaultTimeout is how long opening waits for another process's lock.
const DefaultTimeout = 2 * time.Second

// Errors of opening and creating.
var (
	// ErrInUse reports a vault locked by another process.
	ErrInUse = errors.New("the vault is in use by another vault process")
	// ErrNoVault reports a path where no file exists.
	ErrNoVault = errors.New("no vault at this path")
	// ErrExists reports a path that already holds a file.
	ErrExists = errors.New("a file already exists at this path")
	// ErrReadOnly reports a write attempted through a read-only handle.
	ErrReadOnly = errors.New("the vault was opened read-only")
	// ErrReadOnlyFS reports a vault opened for writing on a file system
	// mounted read-only.
	ErrReadOnlyFS = errors.New("the vault file is on a read-only file system")
)

// Options control how a vault file is opened.
type Options struct {
	ReadOnly bool          // shared lock, no writes
	Timeout  time.Duration // wait for a lock; 0 means DefaultTimeout
	// OpenFile replaces os.OpenFile, for tests that inject I/O failures.
	OpenFile func(string, int, os.FileMode) (*os.File, error)
}

// DB is an open vault file.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
}

func boltOptions(o Options) *bolt.Options {
	t := o.Timeout
	if t <= 0 {
		t = DefaultTimeout
	}
	return &bolt.Options{Timeout: t, ReadOnly: o.ReadOnly, OpenFile: o.OpenFile, FreelistType: bolt.FreelistMapType}
}

// initTempPrefix starts the name of the temporary file Create builds a new
// vault in, beside its final name.
const initTempPrefix = ".vault-init-"

// Create makes a new vault file at path holding header, atomically: it is
// built in a temporary file in the same folder, synced, and linked into place
// only if nothing exists at path. The file is created with mode 0600. init,
// when not nil, runs in the same first transaction (to write the state).
func Create(path string, header []byte, init func(*Tx) error) error {
	if _, err := os.Lstat(path); err == nil {
		return ErrExists
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, initTempPrefix+"*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	if err := os.Chmod(tmpName, 0o600); err != nil {
		return fmt.Errorf("create vault file: %w", err)
	}
	db, err := bolt.Open(tmpName, 0o600, boltOptions(Options{}))
	if err != nil {
		return fmt.Errorf("create vault file: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{BucketHeader, BucketMeta, BucketRecords, BucketChunks, BucketHistory, BucketPending} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		if err := tx.Bucket([]byte(BucketHeader)).Put([]byte(HeaderKey), header); err != nil {
			return err
		}
		if init != nil {
			return init(&Tx{tx: tx})
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write new vault: %w", err)
	}
	// link(2) refuses to replace an existing file, so two concurrent inits
	// cannot overwrite each other.
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ErrExists
		}
		return fmt.Errorf("place vault file: %w", err)
	}
	return SyncDir(dir)
}

// SyncDir fsyncs a directory so that a rename or link in it is durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// StatVault checks that path names an existing regular file, before any
// passphrase is asked for.
func StatVault(path string) (os.FileInfo, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, ErrNoVault
	case err != nil:
		return nil, err
	case st.IsDir():
		return nil, fmt.Errorf("it is a folder: %w", ErrNotVault)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("it is not a regular file: %w", ErrNotVault)
	case st.Size() == 0:
		return nil, fmt.Errorf("the file is empty: %w", ErrNotVault)
	}
	return st, nil
}

// Open opens an existing vault file. It fails with ErrNoVault when there is no
// file, ErrInUse when another process holds the lock past the timeout, and
// ErrNotVault when the file is not a vault.
func Open(path string, o Options) (*DB, error) {
	if _, err := StatVault(path); err != nil {
		return nil, err
	}
	b, err := OpenBolt(path, boltOptions(o))
	switch {
	case errors.Is(err, ErrDamaged):
		return nil, err
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrInUse
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return nil, fmt.Errorf("%w (%v)", ErrNotVault, err)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot open the vault file for writing: permission denied")
	case errors.Is(err, syscall.EROFS):
		return nil, fmt.Errorf("%w: nothing was changed (commands that only read it still work)", ErrReadOnlyFS)
	case err != nil:
		return nil, fmt.Errorf("%w (%v)", ErrNotVault, err)
	}
	db := &DB{bolt: b, path: path, readOnly: o.ReadOnly}
	if err := db.View(func(tx *Tx) error {
		for _, name := range []string{BucketHeader, BucketMeta, BucketRecords, BucketChunks, BucketHistory, BucketPending} {
			if tx.tx.Bucket([]byte(name)) == nil {
				return fmt.Errorf("%w: bucket %q is missing", ErrNotVault, name)
			}
		}
		return nil
	}); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// Close releases the file and its lock.
func (db *DB) Close() error { return db.bolt.Close() }

// Path returns the file's path.
func (db *DB) Path() string { return db.path }

// ReadOnly reports whether the handle was opened read-only.
func (db *DB) ReadOnly() bool { return db.readOnly }

// Bolt returns the underlying bbolt handle, for maintenance (check, backup,
// compact) that works on the file as a whole.
func (db *DB) Bolt() *bolt.DB { return db.bolt }

// Update runs fn in one read-write transaction: all of it commits, or none.
func (db *DB) Update(fn func(*Tx) error) error {
	if db.readOnly {
		return ErrReadOnly
	}
	return Contain(func() error { return db.bolt.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) }) })
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(*Tx) error) error {
	return Contain(func() error { return db.bolt.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) }) })
}

// Tx is a transaction on the vault's buckets.
type Tx struct{ tx *bolt.Tx }

// Bolt returns the underlying bbolt transaction.
func (t *Tx) Bolt() *bolt.Tx { return t.tx }

func (t *Tx) bucket(name string) *bolt.Bucket { return t.tx.Bucket([]byte(name)) }

// copyValue returns a copy of a value read from the memory map, which is
// only valid during the transaction.
func copyValue(v []byte) []byte {
	if v == nil {
		return nil
	}
	return append([]byte(nil), v...)
}

// Header returns the encoded header.
func (t *Tx) Header() []byte { return copyValue(t.bucket(BucketHeader).Get([]byte(HeaderKey))) }

// PutHeader replaces the encoded header.
func (t *Tx) PutHeader(h []byte) error { return t.bucket(BucketHeader).Put([]byte(HeaderKey), h) }

// State returns the sealed vault state, or nil in a new vault.
func (t *Tx) State() []byte { return copyValue(t.bucket(BucketMeta).Get([]byte(StateKey))) }

// PutState replaces the sealed vault state.
func (t *Tx) PutState(sealed []byte) error {
	return t.bucket(BucketMeta).Put([]byte(StateKey), sealed)
}

// Record returns the sealed record stored under id, or nil.
func (t *Tx) Record(id []byte) []byte { return copyValue(t.bucket(BucketRecords).Get(id)) }

// PutRecord stores a sealed record under id.
func (t *Tx) PutRecord(id, sealed []byte) error { return t.bucket(BucketRecords).Put(id, sealed) }

// DeleteRecord removes the record stored under id.
func (t *Tx) DeleteRecord(id []byte) error { return t.bucket(BucketRecords).Delete(id) }

// ForEachRecord calls fn for every record in key order. The slices are only
// valid during the call.
func (t *Tx) ForEachRecord(fn func(id, sealed []byte) error) error {
	return t.bucket(BucketRecords).ForEach(fn)
}

// HistoryLen returns the number of history entries.
func (t *Tx) HistoryLen() uint64 {
	k, _ := t.bucket(BucketHistory).Cursor().Last()
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k) + 1
}

// AppendHistory stores a sealed history entry under sequence number seq.
func (t *Tx) AppendHistory(seq uint64, sealed []byte) error {
	b := t.bucket(BucketHistory)
	b.FillPercent = 1.0
	return b.Put(SeqKey(seq), sealed)
}

// ForEachHistory calls fn for every history entry in order. The slices are
// only valid during the call.
func (t *Tx) ForEachHistory(fn func(key, sealed []byte) error) error {
	return t.bucket(BucketHistory).ForEach(fn)
}

// SeqKey encodes a history sequence number as its 8-byte big-endian key.
func SeqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// ChunkKey returns the key of chunk index of a blob: blob ID || big-endian index.
func ChunkKey(blob []byte, index uint64) []byte {
	k := make([]byte, 0, BlobIDSize+8)
	k = append(k, blob...)
	return binary.BigEndian.AppendUint64(k, index)
}

// Chunk returns the sealed chunk index of a blob, or nil when it is missing.
// The slice is only valid during the transaction.
func (t *Tx) Chunk(blob []byte, index uint64) []byte {
	return t.bucket(BucketChunks).Get(ChunkKey(blob, index))
}

// ChunkCount counts the chunks stored for a blob.
func (t *Tx) ChunkCount(blob []byte) uint64 {
	var n uint64
	c := t.bucket(BucketChunks).Cursor()
	for k, _ := c.Seek(blob); k != nil && len(k) == BlobIDSize+8 && string(k[:BlobIDSize]) == string(blob); k, _ = c.Next() {
		n++
	}
	return n
}

// ForEachChunk calls fn for every chunk key and value in key order.
func (t *Tx) ForEachChunk(fn func(key, sealed []byte) error) error {
	return t.bucket(BucketChunks).ForEach(fn)
}

// DeleteBlob removes every chunk of a blob and its pending mark.
func (t *Tx) DeleteBlob(blob []byte) error {
	c := t.bucket(BucketChunks).Cursor()
	for k, _ := c.Seek(blob); k != nil && len(k) >= BlobIDSize && string(k[:BlobIDSize]) == string(blob); k, _ = c.Seek(blob) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return t.bucket(BucketPending).Delete(blob)
}

// MarkPending records that a blob is being written and is not yet referenced.
func (t *Tx) MarkPending(blob []byte) error {
	return t.bucket(BucketPending).Put(blob, nil)
}

// ClearPending marks a blob as referenced by a record.
func (t *Tx) ClearPending(blob []byte) error { return t.bucket(BucketPending).Delete(blob) }

// PendingBlobs lists the blobs that were begun and never referenced.
func (t *Tx) PendingBlobs() [][]byte {
	var out [][]byte
	_ = t.bucket(BucketPending).ForEach(func(k, _ []byte) error {
		out = append(out, copyValue(k))
		return nil
	})
	return out
}

// ReclaimOrphans deletes the chunks of every pending blob: blobs a process
// began writing and never referenced, because it crashed or failed. Only call
// it when no blob is being written by this process. It returns how many
// blobs it removed.
func (db *DB) ReclaimOrphans() (int, error) {
	var n int
	var pending bool
	if err := db.View(func(tx *Tx) error {
		pending = tx.bucket(BucketPending).Stats().KeyN > 0
		return nil
	}); err != nil || !pending {
		return 0, err
	}
	err := db.Update(func(tx *Tx) error {
		for _, blob := range tx.PendingBlobs() {
			if err := tx.DeleteBlob(blob); err != nil {
				return fmt.Errorf("reclaim orphan chunks: %w", err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// NewBlobID returns a fresh random blob identifier.
func NewBlobID() []byte { return crypto.RandomBytes(BlobIDSize) }
