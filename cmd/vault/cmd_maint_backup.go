package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"vault/store"
	"vault/vault"
	"vault/vault/integrity"
)

func maintBackupCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "backup",
		Usage:     "write a consistent, verified copy of the vault (as encrypted as the vault) to OUT, or into the folder OUT as vault-YYYY-MM-DD-HHMMSS.db; restore by opening it with --vault FILE",
		ArgsUsage: "OUT | FOLDER",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Usage: "replace OUT if it exists"},
			&cli.BoolFlag{Name: "read-data", Usage: "also decrypt every document of the copy when verifying it"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 || c.Args().First() == "" {
				return usagef("backup takes one argument, the file or folder to write to: vault backup OUT")
			}
			out := vault.BackupTarget(c.Args().First(), e.now())
			path, err := vaultPath(c, e)
			if err != nil {
				return err
			}
			if err := checkVaultFile(path); err != nil {
				return err
			}
			// The passphrase is needed twice: to open the vault, and to
			// prove that the copy opens with it.
			pass, err := readPassphrase(c, e, "Passphrase: ", false)
			if err != nil {
				return err
			}
			defer clear(pass)
			opts := openOptions(c, e, true)
			v, err := vault.Open(path, vault.Secret{Passphrase: pass}, opts)
			if err != nil {
				return openError(path, err)
			}
			maintWarnRollback(e, v)
			defer maintCloseVault(e, v)
			var rep *integrity.Report
			n, err := v.Store().Backup(out, c.Bool("force"), func(tmp string) error {
				b, err := vault.Open(tmp, vault.Secret{Passphrase: pass}, opts)
				if err != nil {
					return fmt.Errorf("the copy does not open with the passphrase (%v): nothing was written", err)
				}
				defer b.Close()
				if rep, err = integrity.Verify(b, integrity.Options{ReadData: c.Bool("read-data")}); err != nil {
					return fmt.Errorf("verify the copy: %w: nothing was written", err)
				}
				if !rep.OK() {
					for _, p := range rep.Problems {
						fmt.Fprintln(e.stdout, oneLine(p.String()))
					}
					return fmt.Errorf("the copy fails verification with %s (listed above), so the vault itself is damaged: nothing was written; run 'vault verify'",
						recPlural(len(rep.Problems), "problem", "problems"))
				}
				return nil
			})
			if errors.Is(err, store.ErrExists) {
				return fmt.Errorf("%s already exists: nothing was written (give --force to replace it)", out)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Backed up %s to %s (%s, generation %d), verified: %s, %s, %s.\n",
				path, out, recFormatSize(n), v.State().Generation, recPlural(rep.Records, "record", "records"),
				recPlural(rep.HistoryEntries, "history entry", "history entries"), recPlural(rep.Chunks, "chunk", "chunks"))
			fmt.Fprintf(e.stdout, "Restore by opening it with the same passphrase: vault --vault %s ...\n", out)
			return nil
		},
	}
}
