package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Maintenance of the vault file as a whole: bbolt's structural check, a
// consistent copy (backup), compaction, and the containment of what bbolt
// does when it meets a damaged file. None of it needs the vault's keys.

// ErrDamaged reports a vault file whose structure is broken: bbolt trusts
// the pages it maps, and on a damaged file it may panic or fault; Contain
// turns that into this error.
var ErrDamaged = errors.New("the vault file is damaged")

// maxCheckProblems bounds how many structural problems Check returns.
const maxCheckProblems = 50

// compactTxBytes bounds the memory of one compaction transaction.
const compactTxBytes = 32 << 20

// Contain runs fn and turns what bbolt does on a damaged file into
// ErrDamaged: a panic raised inside bbolt (its page assertions), or a memory
// fault anywhere in fn (a page read past the end of a truncated file, a page
// number pointing outside the map, a value read from such a page). A fault
// becomes a panic only because Contain sets debug.SetPanicOnFault for the
// call. Any other panic (a bug in the caller's code) goes on unchanged.
func Contain(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if !isFault(r) && !raisedInBolt() {
			panic(r)
		}
		msg := fmt.Sprint(r)
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		err = fmt.Errorf("%w (%s): run 'vault verify' and restore from a backup", ErrDamaged, msg)
	}()
	return fn()
}

// isFault reports whether a recovered value is a memory fault turned into a
// panic by SetPanicOnFault (a runtime.Error with an Addr method).
func isFault(r any) bool {
	_, ok := r.(interface{ Addr() uintptr })
	return ok
}

// raisedInBolt reports whether the panic being recovered was raised by code
// of bbolt: the first frame below runtime.gopanic that is not the runtime's.
// Called from the deferred function that recovers.
func raisedInBolt() bool {
	pc := make([]uintptr, 64)
	frames := runtime.CallersFrames(pc[:runtime.Callers(1, pc)])
	inPanic := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			inPanic = true
		case inPanic && !strings.HasPrefix(f.Function, "runtime."):
			return strings.HasPrefix(f.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false
		}
	}
}

// SafeView is View under Contain: a damaged page gives ErrDamaged instead
// of crashing the process.
func (db *DB) SafeView(fn func(*Tx) error) error {
	return Contain(func() error { return db.View(fn) })
}

// CheckSize compares the file's length with the length its meta page
// claims. A file cut short makes bbolt read pages past its end, which is a
// fatal memory fault outside Contain; this finds it before anything reads.
func (db *DB) CheckSize() error {
	return Contain(func() error { return checkSize(db.bolt, db.path) })
}

func checkSize(b *bolt.DB, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("check the vault file's size: %w", err)
	}
	return b.View(func(tx *bolt.Tx) error {
		if want := tx.Size(); st.Size() < want {
			return fmt.Errorf("%w: the file is %d bytes but its pages need %d: it was truncated", ErrDamaged, st.Size(), want)
		}
		return nil
	})
}

// OpenBolt opens path with bbolt the way every vault handle should be opened:
//   - under Contain, so that a damaged meta or free-list page is an error;
//   - checking the file's length against its meta page (CheckSize);
//   - making sure that, once the lock is held, the path still names the
//     file that was locked: compaction replaces the file by rename, and a
//     process that opened the old file and waited for its lock would
//     otherwise write to a file that is no longer in the folder. It then
//     opens the new file instead.
//
// Open should call it in place of bolt.Open.
func OpenBolt(path string, o *bolt.Options) (*bolt.DB, error) {
	for attempt := 0; ; attempt++ {
		var f *os.File
		opts := *o
		openFile := o.OpenFile
		if openFile == nil {
			openFile = os.OpenFile
		}
		opts.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
			file, err := openFile(name, flag, perm)
			if name == path {
				f = file
			}
			return file, err
		}
		var b *bolt.DB
		err := Contain(func() error {
			var err error
			b, err = bolt.Open(path, 0o600, &opts)
			return err
		})
		if err != nil {
			return nil, err
		}
		if err := checkSize(b, path); err != nil {
			b.Close()
			return nil, err
		}
		if f == nil || attempt >= 3 {
			return b, nil
		}
		same, err := sameFile(f, path)
		if err != nil || same {
			return b, nil
		}
		b.Close() // the file was replaced while we waited for its lock
	}
}

func sameFile(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// Check runs bbolt's consistency check (free pages, page reachability, key
// order) and returns the problems it finds, at most maxCheckProblems, as one
// line each; none means the structure is sound. tx.Check runs in a goroutine
// of bbolt's where a memory fault would kill the process, so Check first
// makes sure it cannot fault: the length of the file, then (under Contain) a
// walk that touches every page the check will, and the free list loaded.
// An error is returned only when the check could not run at all.
func (db *DB) Check() ([]string, error) {
	if err := db.CheckSize(); err != nil {
		return []string{err.Error()}, nil
	}
	b := db.bolt
	if db.readOnly {
		// A read-only handle loads the free list lazily, inside tx.Check's
		// goroutine: load it here, contained, on a second handle.
		var err error
		opts := boltOptions(Options{ReadOnly: true})
		opts.PreLoadFreelist = true
		if cerr := Contain(func() error {
			b, err = bolt.Open(db.path, 0o600, opts)
			return err
		}); cerr != nil {
			if errors.Is(cerr, ErrDamaged) {
				return []string{"free list: " + cerr.Error()}, nil
			}
			return nil, fmt.Errorf("check the vault file: %w", cerr)
		}
		defer b.Close()
	}
	var problems []string
	err := Contain(func() error {
		return b.View(func(tx *bolt.Tx) error {
			if err := touchAll(tx); err != nil {
				problems = append(problems, err.Error())
				return nil
			}
			n := 0
			for e := range tx.Check() {
				if n < maxCheckProblems {
					problems = append(problems, e.Error())
				}
				n++
			}
			if n > maxCheckProblems {
				problems = append(problems, fmt.Sprintf("... and %d more structural problems", n-maxCheckProblems))
			}
			return nil
		})
	})
	if errors.Is(err, ErrDamaged) {
		problems = append(problems, err.Error())
		err = nil
	}
	return problems, err
}

// touchAll reads every bucket, key and value, and one byte of every page of
// every value, so that a page outside the file faults here (contained)
// rather than in tx.Check's goroutine.
func touchAll(tx *bolt.Tx) error {
	var sum byte
	var walk func(b *bolt.Bucket, depth int) error
	walk = func(b *bolt.Bucket, depth int) error {
		if depth > 8 {
			return fmt.Errorf("%w: buckets nested too deep", ErrDamaged)
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if v == nil {
				if sub := b.Bucket(k); sub != nil {
					if err := walk(sub, depth+1); err != nil {
						return err
					}
				}
				continue
			}
			for i := 0; i < len(v); i += 1024 {
				sum ^= v[i]
			}
			if len(v) > 0 {
				sum ^= v[len(v)-1]
			}
		}
		return nil
	}
	err := tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(b, 0) })
	_ = sum
	return err
}

// Backup writes a consistent copy of the vault file to out, while the
// vault stays open for reading: the copy is one read transaction's pages
// (bbolt's Tx.WriteTo), written to a temporary file (mode 0600) in out's
// folder and synced. check, when not nil, is given the temporary file's
// path (it may open it read-only) and may refuse it; only then is the copy
// moved into place (Place) and the folder synced. An existing out is refused
// unless force is set, even one that appears while the copy is written; out
// may never be the vault file itself. Temporary files that earlier backups
// to out left when they were killed are removed first. It returns the
// copy's size.
func (db *DB) Backup(out string, force bool, check func(tmp string) error) (int64, error) {
	dir := filepath.Dir(out)
	if err := RefuseVault(out, db.path); err != nil {
		return 0, err
	}
	if st, err := os.Stat(out); err == nil {
		if st.IsDir() {
			return 0, fmt.Errorf("%s is a folder: give the backup's file name", out)
		}
		if !force {
			return 0, fmt.Errorf("%s: %w", out, ErrExists)
		}
	} else if _, lerr := os.Lstat(out); lerr == nil && !force {
		return 0, fmt.Errorf("%s: %w", out, ErrExists)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return 0, fmt.Errorf("the folder %s does not exist: create it first", dir)
	}
	pattern := tempPattern(out, "vault-backup")
	RemoveStaleTemps(out, pattern)
	tmp, err := CreateTempBeside(out, pattern)
	if err != nil {
		return 0, fmt.Errorf("write the backup: %w", err)
	}
	// tmp stays open until the copy is placed: its lock tells another
	// backup to the same file that it is not stale.
	tmpName := tmp.Name()
	placed := false
	defer func() {
		tmp.Close()
		if !placed {
			os.Remove(tmpName)
		}
	}()
	var n int64
	err = Contain(func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			w := bufio.NewWriterSize(tmp, 1<<20)
			var err error
			if n, err = tx.WriteTo(w); err != nil {
				return err
			}
			return w.Flush()
		})
	})
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return 0, fmt.Errorf("write the backup: %w", err)
	}
	if check != nil {
		if err := check(tmpName); err != nil {
			return 0, err
		}
	}
	if err := Place(tmpName, out, db.path, force); err != nil {
		return 0, fmt.Errorf("place the backup: %w", err)
	}
	placed = true
	return n, nil
}

// compactKind names the temporary files of a compaction (see tempPattern).
const compactKind = "vault-compact"

// tempPattern names the temporary files of one kind of write to dst: a
// hidden name that starts with dst's own (at most 100 bytes of it, so that
// the whole fits in a file name) and cannot pass for a vault file. Only a
// write to the same dst removes them when stale.
func tempPattern(dst, kind string) string {
	base := filepath.Base(dst)
	if len(base) > 100 {
		cut := 100
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = base[:cut]
	}
	return "." + base + "." + kind + "-*"
}

// compactAllocSize is how far bbolt may grow the compacted copy ahead of
// what it holds: the slack left at the end of a compacted file.
const compactAllocSize = 1 << 20

// CompactResult reports the file's size before and after compaction.
type CompactResult struct {
	Before, After int64
}

// Compact rewrites the vault file without free pages (bbolt's Compact) into
// a temporary file beside it, checks that every bucket holds as many keys as
// before and that the new file's structure is sound, syncs it, renames it
// over the original and syncs the folder. The space of removed documents
// returns to the file system and their old ciphertext is no longer in the
// file. The handle must be writable (so no other process holds the vault);
// afterwards it refers to the new file. A vault opened through a symbolic
// link is compacted where the link points, and the link stays. Temporary
// files that earlier compactions of this vault left when they were killed
// are removed first.
func (db *DB) Compact() (CompactResult, error) {
	var res CompactResult
	if db.readOnly {
		return res, ErrReadOnly
	}
	// Compact the file a symbolic link names, and keep the link.
	path, err := filepath.EvalSymlinks(db.path)
	if err != nil {
		return res, fmt.Errorf("compact: find the vault file: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return res, fmt.Errorf("compact: %w", err)
	}
	res.Before = st.Size()
	// The vault is open for writing, so no other compaction of it runs: the
	// temporary files of its earlier compactions are stale.
	pattern := tempPattern(path, compactKind)
	RemoveStaleTemps(path, pattern)
	tmp, err := CreateTempBeside(path, pattern)
	if err != nil {
		return res, fmt.Errorf("compaction failed, and the vault file is as it was before it: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close() // bbolt opens it with its own (exclusive) lock
	placed := false
	defer func() {
		if !placed {
			os.Remove(tmpName)
		}
	}()
	var dst *bolt.DB
	err = Contain(func() error {
		var err error
		if dst, err = bolt.Open(tmpName, 0o600, boltOptions(Options{})); err != nil {
			return fmt.Errorf("open the compacted copy: %w", err)
		}
		// bbolt grows a file 16 MiB at a time by default; the copy would
		// keep up to that much preallocated space at its end.
		dst.AllocSize = compactAllocSize
		if err := bolt.Compact(dst, db.bolt, compactTxBytes); err != nil {
			return fmt.Errorf("copy the vault's keys: %w", err)
		}
		return nil
	})
	if err == nil {
		err = sameKeys(db.bolt, dst)
	}
	if err == nil {
		err = dst.View(func(tx *bolt.Tx) error {
			for e := range tx.Check() {
				return fmt.Errorf("the compacted copy fails bbolt's check: %w", e)
			}
			return nil
		})
	}
	if dst != nil {
		if cerr := dst.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close the compacted copy: %w", cerr)
		}
	}
	if err == nil {
		err = syncFile(tmpName)
	}
	if err != nil {
		return res, fmt.Errorf("compaction failed, and the vault file is as it was before it: %w", err)
	}
	// The one write that replaces the vault on purpose: no vault to protect.
	perr := Place(tmpName, path, "", true)
	if perr != nil {
		if _, err := os.Lstat(tmpName); err == nil {
			return res, fmt.Errorf("compaction failed, and the vault file is as it was before it: %w", perr)
		}
		// Renamed, but the folder's sync failed: this handle must still
		// move to the new file, or it would write to the old one.
		perr = fmt.Errorf("compact: %w", perr)
	}
	placed = true
	if st, err := os.Stat(path); err == nil {
		res.After = st.Size()
	}
	nb, err := OpenBolt(db.path, boltOptions(Options{}))
	if err != nil {
		return res, fmt.Errorf("compacted, but reopening the vault failed: %w", err)
	}
	old := db.bolt
	db.bolt = nb
	if err := old.Close(); err != nil && perr == nil {
		perr = fmt.Errorf("compacted, but closing the old file failed: %w", err)
	}
	return res, perr
}

// sameKeys compares the number of keys in every top-level bucket.
func sameKeys(a, b *bolt.DB) error {
	count := func(db *bolt.DB) (map[string]int, error) {
		m := map[string]int{}
		err := db.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
				m[string(name)] = bk.Stats().KeyN
				return nil
			})
		})
		return m, err
	}
	ca, err := count(a)
	if err != nil {
		return fmt.Errorf("count the vault's keys: %w", err)
	}
	cb, err := count(b)
	if err != nil {
		return fmt.Errorf("count the compacted copy's keys: %w", err)
	}
	if len(ca) != len(cb) {
		return fmt.Errorf("the compacted copy has %d buckets, the vault %d", len(cb), len(ca))
	}
	for name, n := range ca {
		if cb[name] != n {
			return fmt.Errorf("the compacted copy's bucket %q holds %d keys, the vault's %d", name, cb[name], n)
		}
	}
	return nil
}

// syncFile flushes a file written by another handle (bbolt's) to the disk.
// A file system that cannot sync (EINVAL) is not an error.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sync the compacted copy: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync the compacted copy: %w", err)
	}
	return nil
}

// ForEachBlobChunk calls fn for every chunk stored under a blob ID, in index
// order, with the chunk's index and sealed bytes (valid only during the call).
func (t *Tx) ForEachBlobChunk(blob []byte, fn func(index uint64, sealed []byte) error) error {
	c := t.bucket(BucketChunks).Cursor()
	for k, v := c.Seek(blob); k != nil && len(k) >= len(blob) && string(k[:len(blob)]) == string(blob); k, v = c.Next() {
		if len(k) != BlobIDSize+8 {
			continue // ForEachChunk reports malformed keys
		}
		if err := fn(binary.BigEndian.Uint64(k[BlobIDSize:]), v); err != nil {
			return err
		}
	}
	return nil
}

// IsPending reports whether a blob is marked as being written.
func (t *Tx) IsPending(blob []byte) bool {
	k, _ := t.bucket(BucketPending).Cursor().Seek(blob)
	return k != nil && string(k) == string(blob)
}
