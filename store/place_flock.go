//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"os"
	"syscall"
)

// lockShared takes a shared flock(2) on f, held until f is closed: a
// temporary file being written.
func lockShared(f *os.File) error {
	return flock(f, syscall.LOCK_SH)
}

// tryLockExclusive reports whether an exclusive flock(2) on f could be taken
// without waiting: no open file holds a lock on it.
func tryLockExclusive(f *os.File) bool {
	return flock(f, syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

func flock(f *os.File, how int) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return ferr
}
