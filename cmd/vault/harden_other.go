//go:build !unix

package main

// hardenProcess does nothing where there are no Unix resource limits: the
// operating system's own crash-dump settings apply there.
func hardenProcess() error { return nil }
