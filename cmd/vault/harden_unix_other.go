//go:build unix && !linux

package main

// setNotDumpable does nothing where there is no PR_SET_DUMPABLE: the core
// size limit of 0 is what hardenProcess can do there.
func setNotDumpable() error { return nil }
