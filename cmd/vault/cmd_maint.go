package main

import "github.com/urfave/cli/v2"

// maintenanceCommands are verify, backup and compact: they work on the vault
// file as a whole (cmd_maint_*.go), with the rollback evidence kept beside
// every opening (cmd_maint_rollback.go).
func maintenanceCommands(e *env) []*cli.Command {
	return []*cli.Command{
		maintVerifyCommand(e),
		maintBackupCommand(e),
		maintCompactCommand(e),
	}
}
