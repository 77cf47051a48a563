package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"vault/vault"
	"vault/vault/integrity"
)

func maintVerifyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check the whole vault: file structure, every record, the history chain, every document's chunks; --read-data also decrypts every document",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "read-data", Usage: "also decrypt every document and compare its SHA-256 with the one recorded"},
			&cli.BoolFlag{Name: "accept-rollback", Usage: "accept this vault file although a later copy of it was seen (recorded in the history); the rollback warning then stops"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("verify takes no arguments (got %q)", c.Args().First())
			}
			accept := c.Bool("accept-rollback")
			v, err := openVault(c, e, !accept)
			if err != nil {
				return err
			}
			defer maintCloseVault(e, v)
			if accept {
				accepted, err := maintAcceptRollback(e, v)
				if err != nil {
					return err
				}
				if accepted {
					fmt.Fprintf(e.stderr, "Accepted this copy of the vault (generation %d): the history records it, and later openings compare with it.\n", v.State().Generation)
				}
			}
			rep, err := integrity.Verify(v, integrity.Options{ReadData: c.Bool("read-data")})
			if err != nil {
				return err
			}
			if !rep.OK() {
				for _, p := range rep.Problems {
					fmt.Fprintln(e.stdout, oneLine(p.String()))
				}
				if w := e.rolledBack[v]; w != "" {
					fmt.Fprintln(e.stdout, oneLine("vault state: "+w))
				}
				return fmt.Errorf("verify found %s (listed above): the vault is damaged; restore it from a backup (open one with --vault BACKUP)",
					recPlural(len(rep.Problems), "problem", "problems"))
			}
			if w := e.rolledBack[v]; w != "" {
				fmt.Fprintln(e.stdout, oneLine("vault state: "+w))
				return fmt.Errorf("verify found the vault file older than a copy seen before (listed above): put the newer file back, or accept this one with 'vault verify --accept-rollback'")
			}
			fmt.Fprintln(e.stdout, maintVerifySummary(v, rep, c.Bool("read-data")))
			return nil
		},
	}
}

// maintVerifySummary says in one line what was checked.
func maintVerifySummary(v *vault.Vault, rep *integrity.Report, readData bool) string {
	var types []string
	for _, t := range []vault.Type{vault.TypeClaim, vault.TypeDocument, vault.TypeCall, vault.TypeCondition, vault.TypeRequest, vault.TypeExport} {
		if n := rep.ByType[string(t)]; n > 0 {
			types = append(types, recPlural(n, string(t), string(t)+"s"))
		}
	}
	kinds := ""
	if len(types) > 0 {
		kinds = " (" + strings.Join(types, ", ") + ")"
	}
	s := fmt.Sprintf("%s is sound: file structure, %s%s, %s chained to the sealed state (generation %d), %s of %s all present.",
		v.Path(), recPlural(rep.Records, "record", "records"), kinds, recPlural(rep.HistoryEntries, "history entry", "history entries"), v.State().Generation,
		recPlural(rep.Chunks, "chunk", "chunks"), recPlural(rep.Documents, "document", "documents"))
	if readData {
		s += fmt.Sprintf(" Read %s (%s): every SHA-256 matches.", recPlural(rep.DocumentsRead, "document", "documents"), recFormatSize(rep.BytesRead))
	}
	if rep.Pending > 0 {
		s += fmt.Sprintf(" %s of an interrupted add will be removed at the next change.", recPlural(rep.Pending, "unfinished document", "unfinished documents"))
	}
	return s
}
