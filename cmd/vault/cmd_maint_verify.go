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
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("verify takes no arguments (got %q)", c.Args().First())
			}
			v, err := openVault(c, e, true)
			if err != nil {
				return err
			}
			defer maintCloseVault(e, v)
			rep, err := integrity.Verify(v, integrity.Options{ReadData: c.Bool("read-data")})
			if err != nil {
				return err
			}
			if !rep.OK() {
				for _, p := range rep.Problems {
					fmt.Fprintln(e.stdout, oneLine(p.String()))
				}
				return fmt.Errorf("verify found %s (listed above): the vault is damaged; restore it from a backup (open one with --vault BACKUP)",
					maintPlural(len(rep.Problems), "problem"))
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
			types = append(types, maintPlural(n, string(t)))
		}
	}
	kinds := ""
	if len(types) > 0 {
		kinds = " (" + strings.Join(types, ", ") + ")"
	}
	s := fmt.Sprintf("%s is sound: file structure, %s%s, %s chained to the sealed state (generation %d), %s of %s all present.",
		v.Path(), maintPlural(rep.Records, "record"), kinds, maintPlural(rep.HistoryEntries, "history entry"), v.State().Generation,
		maintPlural(rep.Chunks, "chunk"), maintPlural(rep.Documents, "document"))
	if readData {
		s += fmt.Sprintf(" Read %s (%s): every SHA-256 matches.", maintPlural(rep.DocumentsRead, "document"), maintSize(rep.BytesRead))
	}
	if rep.Pending > 0 {
		s += fmt.Sprintf(" %s of an interrupted add will be removed at the next change.", maintPlural(rep.Pending, "unfinished document"))
	}
	return s
}

// maintPlural returns "1 record", "2 records", "3 history entries".
func maintPlural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// maintSize formats a byte count for people, in the units the other
// commands use: "512 B", "1.5 KiB", "3.2 MiB", "1.1 GiB".
func maintSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
