package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// raChunk is the size of a sealed 64 KiB chunk, as documents store them.
const raChunk = 65536 + 16

// raChunks is enough chunks (about 12.5 MiB) to cross the readahead window
// and several drop-behind steps.
const raChunks = 200

// raValue is the content of chunk i in the readahead tests: distinct per
// chunk and per position, so a page mapped back wrongly would show.
func raValue(i uint64) []byte {
	v := make([]byte, raChunk)
	for j := range v {
		v[j] = byte(i*7 + uint64(j)/4093)
	}
	return v
}

// newReadaheadStore returns the path of a store holding one blob of raChunks
// chunks, committed, and the blob's ID.
func newReadaheadStore(t *testing.T) (string, []byte) {
	t.Helper()
	path := newStore(t)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blob := fill(0x5a, BlobIDSize)
	w := db.NewBlobWriter(blob, 0)
	for i := range uint64(raChunks) {
		if err := w.Put(i, raValue(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return path, blob
}

// TestReadaheadKeepsValues: values read during a pass, in order or not, and
// read again after their pages were let go, are the stored bytes.
func TestReadaheadKeepsValues(t *testing.T) {
	path, blob := newReadaheadStore(t)
	db := openStore(t, path, Options{ReadOnly: true})
	check := func(tx *Tx, i uint64, when string) {
		t.Helper()
		if !bytes.Equal(tx.Chunk(blob, i), raValue(i)) {
			t.Fatalf("chunk %d differs %s", i, when)
		}
	}
	err := db.View(func(tx *Tx) error {
		ra := tx.Readahead()
		if ra.end == 0 {
			t.Fatal("a read-only transaction got an inactive Readahead")
		}
		for i := range uint64(raChunks) {
			c := tx.Chunk(blob, i)
			ra.Next(c)
			check(tx, i, "during an in-order pass")
		}
		for i := range uint64(raChunks) {
			check(tx, i, "after its pages were dropped")
		}
		// Backwards: every value starts a new run.
		for i := uint64(raChunks); i > 0; i-- {
			c := tx.Chunk(blob, i-1)
			ra.Next(c)
			check(tx, i-1, "during a backward pass")
		}
		ra.Next(nil)                      // nothing to advise
		ra.Next(raValue(1))               // a copy, outside the map: ignored
		ra.Next(tx.Chunk(blob, raChunks)) // missing: nil
		ra.Done()
		ra.Done() // twice is harmless
		ra.Next(tx.Chunk(blob, 0))
		for i := range uint64(raChunks) {
			check(tx, i, "after Done")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadaheadInactiveInWritableTx: a writable transaction may move the map,
// so it gets a Readahead that advises nothing.
func TestReadaheadInactiveInWritableTx(t *testing.T) {
	path, blob := newReadaheadStore(t)
	db := openStore(t, path, Options{})
	err := db.Update(func(tx *Tx) error {
		ra := tx.Readahead()
		if ra.end != 0 {
			t.Error("a writable transaction got an active Readahead")
		}
		ra.Next(tx.Chunk(blob, 0))
		ra.Done()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var zero Readahead // the zero value is inactive too
	zero.Next([]byte{1})
	zero.Done()
}

// mappedRss returns the resident KiB of the mapping of this process that
// holds addr, from /proc/self/smaps.
func mappedRss(t *testing.T, addr uintptr) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if lo, hi, ok := strings.Cut(fields[0], "-"); ok && !strings.HasSuffix(fields[0], ":") {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(addr) >= a && uint64(addr) < b
			continue
		}
		if in && fields[0] == "Rss:" {
			n, _ := strconv.Atoi(fields[1])
			return n
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return 0
}

// TestReadaheadDropsBehind: after a pass over about 12.5 MiB of values, the
// pages of the values read are no longer mapped into the process, whereas
// the same pass without a Readahead leaves them all mapped.
func TestReadaheadDropsBehind(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the vault advises the kernel on Linux only")
	}
	path, blob := newReadaheadStore(t)
	pass := func(advise bool) (kib int) {
		db := openStore(t, path, Options{ReadOnly: true})
		defer db.Close()
		db.View(func(tx *Tx) error {
			ra := &Readahead{}
			if advise {
				ra = tx.Readahead()
			}
			var sum byte
			for i := range uint64(raChunks) {
				c := tx.Chunk(blob, i)
				ra.Next(c)
				for _, b := range c {
					sum += b
				}
			}
			kib = mappedRss(t, tx.tx.DB().Info().Data)
			ra.Done()
			_ = sum
			return nil
		})
		return kib
	}
	const total = raChunks * raChunk / 1024
	if kib := pass(false); kib < total*3/4 {
		t.Fatalf("without a Readahead only %d KiB of %d KiB read are mapped: the measure does not work here", kib, total)
	}
	// What stays mapped: the last drop-behind step and the tree's own pages.
	if kib := pass(true); kib > (readaheadStep+1<<20)/1024 {
		t.Fatalf("with a Readahead %d KiB of %d KiB read stay mapped", kib, total)
	}
}

// resident returns the share of the pages of [addr, addr+n) in the page cache.
func resident(t *testing.T, addr, n uintptr) float64 {
	t.Helper()
	page := uintptr(os.Getpagesize())
	vec := make([]byte, (n+page-1)/page)
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, addr, n, uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatalf("mincore: %v", e)
	}
	in := 0
	for _, b := range vec {
		in += int(b & 1)
	}
	return float64(in) / float64(len(vec))
}

// TestReadaheadReadsAhead: with the file out of the page cache, reading the
// first value brings the next megabytes into the cache before they are read.
func TestReadaheadReadsAhead(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the vault advises the kernel on Linux only")
	}
	path, blob := newReadaheadStore(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Skipf("cannot evict the file from the page cache: %v", err)
	}
	db := openStore(t, path, Options{ReadOnly: true})
	page := uintptr(os.Getpagesize())
	err = db.View(func(tx *Tx) error {
		c := tx.Chunk(blob, 0)
		next := (uintptr(unsafe.Pointer(&c[0])) + uintptr(len(c)) + page - 1) &^ (page - 1)
		const span = 4 << 20 // well inside the window, and inside the file
		if share := resident(t, next, span); share > 0.5 {
			t.Skipf("the file stays in the page cache here (%.0f%% resident after eviction)", 100*share)
		}
		ra := tx.Readahead()
		defer ra.Done()
		ra.Next(c)
		share := 0.0
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if share = resident(t, next, span); share >= 0.9 {
				return nil
			}
		}
		return fmt.Errorf("only %.0f%% of the 4 MiB after the first value were read ahead", 100*share)
	})
	if err != nil {
		t.Fatal(err)
	}
}
