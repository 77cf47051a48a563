package store

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

const (
	adviceNormal   = unix.MADV_NORMAL
	adviceWillNeed = unix.MADV_WILLNEED
	adviceDontNeed = unix.MADV_DONTNEED
	adviceRandom   = unix.MADV_RANDOM
)

// madvise gives the kernel advice about the pages [addr, addr+n) of the
// vault file's map. The addresses are bbolt's, never turned back into
// pointers; the result is ignored, as advice may be.
func madvise(addr, n uintptr, advice int) {
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, addr, n, uintptr(advice))
}

// startWriteback asks the kernel to start writing the bytes [off, off+n) of
// f to disk, without waiting; the result is ignored, as for advice.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}

// adviseWillNeed asks the kernel to read the bytes [off, off+n) of f into
// the page cache, without waiting; the result is ignored, as for advice.
func adviseWillNeed(f interface {
	SyscallConn() (syscall.RawConn, error)
}, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.Fadvise(int(fd), off, n, unix.FADV_WILLNEED)
	})
}
