package store

import "golang.org/x/sys/unix"

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
