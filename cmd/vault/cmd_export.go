package main

import "github.com/urfave/cli/v2"

// exportCommands are requests, export, exports, verify-bundle and demo.
func exportCommands(e *env) []*cli.Command { return nil }
