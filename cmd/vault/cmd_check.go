package main

import "github.com/urfave/cli/v2"

// checkCommands are check and status.
func checkCommands(e *env) []*cli.Command { return nil }
