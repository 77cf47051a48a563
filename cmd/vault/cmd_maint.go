package main

import "github.com/urfave/cli/v2"

// maintenanceCommands are verify, backup and compact.
func maintenanceCommands(e *env) []*cli.Command { return nil }
