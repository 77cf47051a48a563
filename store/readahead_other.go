//go:build !linux

package store

const (
	adviceNormal = iota
	adviceWillNeed
	adviceDontNeed
	adviceRandom
)

// madvise does nothing where the vault does not advise the kernel.
func madvise(addr, n uintptr, advice int) {}
