//go:build unix

package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// hardenProcess keeps what this process holds (the master key, decrypted
// records, a document being read) out of core dumps: the core size limit
// goes to 0, for this process and any it starts, and on Linux the process
// is made non-dumpable, which also stops other processes of the same user
// from reading its memory through ptrace or /proc/PID/mem (as ssh-agent and
// gpg-agent do). It cannot keep memory out of swap or a hibernation image
// (docs/SECURITY.md).
func hardenProcess() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0}); err != nil {
		return fmt.Errorf("turn off core dumps: %w", err)
	}
	return setNotDumpable()
}
