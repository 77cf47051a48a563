package store

// Tests of the kernel's side of Readahead and WriteBehind, on Linux where
// the vault gives the advice (elsewhere it gives none).

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

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

// dirtyShare returns the share of the pages of [0, n) of f that are dirty
// in the page cache, from cachestat(2).
func dirtyShare(t *testing.T, f *os.File, n int64) float64 {
	t.Helper()
	var st unix.Cachestat_t
	if err := unix.Cachestat(uint(f.Fd()), &unix.CachestatRange{Off: 0, Len: uint64(n)}, &st, 0); err != nil {
		t.Skipf("no cachestat here: %v", err)
	}
	return float64(st.Dirty) / float64(n/int64(os.Getpagesize()))
}

// TestWriteBehindStartsWriteback: what a WriteBehind let through is soon
// no longer dirty in the page cache, whereas the same bytes written
// directly stay dirty until the kernel's own writeback, seconds later.
func TestWriteBehindStartsWriteback(t *testing.T) {
	const size = 2 * writeBehindStep
	block := bytes.Repeat([]byte{0x5a}, 1<<20)
	write := func(name string, behind bool) *os.File {
		f, err := os.Create(filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		var w io.Writer = f
		if behind {
			w = WriteBehind(f)
		}
		for range size / len(block) {
			if _, err := w.Write(block); err != nil {
				t.Fatal(err)
			}
		}
		return f
	}
	if share := dirtyShare(t, write("plain", false), size); share < 0.5 {
		t.Skipf("written pages are not left dirty here (%.0f%%): cannot tell", 100*share)
	}
	f := write("behind", true)
	share := 1.0
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if share = dirtyShare(t, f, size); share < 0.1 {
			return
		}
	}
	t.Fatalf("%.0f%% of the pages written through WriteBehind are still dirty", 100*share)
}
