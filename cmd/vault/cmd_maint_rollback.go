package main

import (
	"fmt"

	"vault/vault"
	"vault/vault/integrity"
)

// Rollback evidence for the CLI: after a vault is opened, maintWarnRollback
// compares its generation with the last one seen (a state file under
// $XDG_STATE_HOME/vault) and prints a one-line warning when it went
// backwards; maintCloseVault records the generation now seen (rewriting the
// state file only when it changed: a read-only command does not) and closes
// the vault. Problems with the state file itself are warnings: they never
// stop a command.

// maintWarnRollback prints "vault: warning: ..." when the vault's generation
// went backwards or its history does not continue the one seen before.
func maintWarnRollback(e *env, v *vault.Vault) {
	dir, err := integrity.StateDir(e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "vault: warning: %s\n", oneLine(err.Error()))
		return
	}
	w, err := integrity.CheckRollback(dir, v)
	if err != nil {
		fmt.Fprintf(e.stderr, "vault: warning: cannot check for a rolled-back vault: %s (it is rewritten when this command ends)\n", oneLine(err.Error()))
		return
	}
	if w != "" {
		fmt.Fprintf(e.stderr, "vault: warning: %s\n", oneLine(w))
		if e.rolledBack == nil {
			e.rolledBack = map[*vault.Vault]string{}
		}
		e.rolledBack[v] = w
	}
}

// maintAcceptRollback records in the history that the user accepts the
// vault file as it is (after a rollback warning) and makes it the
// generation seen. It reports whether there was anything to accept.
func maintAcceptRollback(e *env, v *vault.Vault) (bool, error) {
	w := e.rolledBack[v]
	if w == "" {
		return false, nil
	}
	if err := v.AcceptRollback("accepted an older copy of the vault file: " + oneLine(w)); err != nil {
		return false, fmt.Errorf("accept the older copy: %w", err)
	}
	delete(e.rolledBack, v)
	dir, err := integrity.StateDir(e.getenv)
	if err == nil {
		err = integrity.RecordGeneration(dir, v)
	}
	if err != nil {
		return true, fmt.Errorf("the older copy was accepted in the history, but the rollback state file was not updated: %w", err)
	}
	return true, nil
}

// maintCloseVault records the generation seen (while the vault's lock is
// still held; nothing is written when the state file already holds it), then
// closes the vault.
func maintCloseVault(e *env, v *vault.Vault) error {
	if _, rolledBack := e.rolledBack[v]; rolledBack {
		delete(e.rolledBack, v)
		return v.Close()
	}
	if dir, err := integrity.StateDir(e.getenv); err == nil {
		if err := integrity.RecordGeneration(dir, v); err != nil {
			fmt.Fprintf(e.stderr, "vault: warning: %s: a rolled-back vault will not be noticed\n", oneLine(err.Error()))
		}
	}
	return v.Close()
}
