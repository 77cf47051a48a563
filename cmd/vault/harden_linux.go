package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// setNotDumpable clears the process's dumpable flag (prctl PR_SET_DUMPABLE).
func setNotDumpable() error {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("make the process non-dumpable: %w", err)
	}
	return nil
}
