package main

import "github.com/urfave/cli/v2"

// recordCommands are the everyday commands: claims and their evidence.
func recordCommands(e *env) []*cli.Command { return nil }
