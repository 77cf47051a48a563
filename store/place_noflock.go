//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// Without flock(2), a temporary file being written is not marked: where the
// system lets an open file be removed, RemoveStaleTemps may remove one, and
// the write that owns it then fails cleanly when it moves it into place.

func lockShared(*os.File) error { return nil }

func tryLockExclusive(*os.File) bool { return true }
