package store

import (
	"io"
	"os"
	"unsafe"
)

// bbolt maps the vault file read-only and advises the kernel that the map is
// read at random (madvise MADV_RANDOM), which turns off readahead for it: a
// document read from a cold page cache then faults its chunks in one 4 KiB
// page at a time (measured: 39 MiB/s cold against 500 MiB/s warm). A
// Readahead undoes that for the one pass that is sequential, streaming a
// document's chunks in key order, whose sealed values bbolt lays out in
// mostly ascending file order:
//
//   - MADV_NORMAL on the map while the pass lasts, so that a fault reads
//     around the faulting page as it does for any file map (the kernel's
//     read_ahead_kb of the device) instead of 4 KiB at a time;
//   - MADV_WILLNEED on the ReadaheadWindow bytes after the value just read,
//     so the next chunks are read from disk while this one is decrypted,
//     whatever the device's readahead setting;
//   - MADV_DONTNEED on the pages of the values already read ("drop
//     behind"), so a large document does not stay mapped into the process:
//     the map is shared and file-backed, so this only unmaps the pages (they
//     stay in the page cache, and a later access faults them back in with
//     the same bytes). The process's resident set then stays small however
//     large the document is.
//
// Every piece is advice: a failing madvise is ignored, values read through the
// map are the same whatever the advice, and on systems without madvise it
// does nothing.

// ReadaheadWindow is how far ahead of the value just read a Readahead asks
// the kernel to read.
const ReadaheadWindow = 8 << 20

// readaheadStep is how much progress a Readahead lets pass before advising
// again, so that a 64 KiB chunk costs no system call of its own.
const readaheadStep = 2 << 20

// readaheadGap is the largest hole between two values still counted as one
// ascending run (a leaf page's header and keys sit between its values).
const readaheadGap = 64 << 10

// Readahead advises the kernel about one sequential pass over values read
// through the memory map in a transaction. Call Next with every value as it
// is read and Done before the transaction ends; the map cannot move while a
// transaction is open, so the addresses stay valid until then.
type Readahead struct {
	base, end uintptr // the part of the map this transaction can read
	page      uintptr
	hi        uintptr // end of the last value read (0: none yet)
	ahead     uintptr // end of the range already advised WILLNEED
	dropped   uintptr // end of the range already dropped behind
}

// Readahead starts a sequential pass over values of this transaction. In a
// writable transaction, which may move the map as it grows the file, it
// does nothing: advice about a stale address could fall on other memory.
func (t *Tx) Readahead() *Readahead {
	if t.tx.Writable() {
		return &Readahead{}
	}
	base := t.tx.DB().Info().Data
	r := &Readahead{base: base, end: base + uintptr(t.tx.Size()), page: uintptr(os.Getpagesize())}
	if r.end <= r.base {
		return &Readahead{}
	}
	madvise(r.base, r.end-r.base, adviceNormal)
	return r
}

// Next tells the Readahead that v, a value read from the map, is being read
// now: it asks for what follows v and lets go of what preceded it.
func (r *Readahead) Next(v []byte) {
	if r.end == 0 || len(v) == 0 {
		return
	}
	a := uintptr(unsafe.Pointer(&v[0]))
	b := a + uintptr(len(v))
	if a < r.base || b > r.end {
		return // not in the map (a copy): nothing to advise
	}
	if r.hi == 0 || a < r.hi || a-r.hi > readaheadGap {
		// A new run: the values left behind are done with.
		r.endRun()
		r.ahead, r.dropped = 0, r.floor(a)
	}
	r.hi = b
	if r.ahead < b+readaheadStep {
		from := max(r.floor(b), r.ahead)
		to := min(r.floor(b+ReadaheadWindow), r.end)
		if to > from {
			madvise(from, to-from, adviceWillNeed)
			r.ahead = to
		}
	}
	if r.floor(a) >= r.dropped+readaheadStep {
		r.drop(r.floor(a))
	}
}

// endRun drops the rest of the current run, its last page included.
func (r *Readahead) endRun() {
	if r.hi != 0 {
		r.drop(min(r.floor(r.hi+r.page-1), r.end))
	}
}

// drop unmaps the pages of the current run below to (page-aligned).
func (r *Readahead) drop(to uintptr) {
	if to > r.dropped {
		madvise(r.dropped, to-r.dropped, adviceDontNeed)
		r.dropped = to
	}
}

// Done ends the pass: it lets go of the last values read and gives the map
// back its random-access advice, as bbolt set it.
func (r *Readahead) Done() {
	if r.end == 0 {
		return
	}
	r.endRun()
	madvise(r.base, r.end-r.base, adviceRandom)
	*r = Readahead{}
}

func (r *Readahead) floor(a uintptr) uintptr { return a &^ (r.page - 1) }

// writeBehindStep is how many bytes a WriteBehind lets pile up in the page
// cache before it asks the kernel to start writing them to disk.
const writeBehindStep = 8 << 20

// WriteBehind returns a writer that writes to w and, when w is a regular
// file, asks the kernel every few megabytes to start writing what was just
// written to disk (sync_file_range, SYNC_FILE_RANGE_WRITE: it starts the
// writes and does not wait for them). A large document written out, as by
// `vault get -o`, then reaches the disk while the next chunks are decrypted,
// instead of all at the final fsync. It changes nothing else: the caller
// still syncs the file. Anything else than a regular file is returned as is.
func WriteBehind(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return w
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return w
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return w
	}
	return &writeBehind{f: f, off: off, from: off, start: startWriteback}
}

type writeBehind struct {
	f         *os.File
	off, from int64 // the file's offset; where the range not yet started begins
	start     func(f *os.File, off, n int64)
}

func (w *writeBehind) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.from >= writeBehindStep {
		w.start(w.f, w.from, w.off-w.from)
		w.from = w.off
	}
	return n, err
}
