//go:build !linux

package store

import (
	"os"
	"syscall"
)

const (
	adviceNormal = iota
	adviceWillNeed
	adviceDontNeed
	adviceRandom
)

// madvise does nothing where the vault does not advise the kernel.
func madvise(addr, n uintptr, advice int) {}

// startWriteback does nothing where the vault does not advise the kernel.
func startWriteback(f *os.File, off, n int64) {}

// adviseWillNeed does nothing where the vault does not advise the kernel.
func adviseWillNeed(f interface {
	SyscallConn() (syscall.RawConn, error)
}, off, n int64) {
}
