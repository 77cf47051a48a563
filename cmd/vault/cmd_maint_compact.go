package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func maintCompactCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "compact",
		Usage:     "rewrite the vault file without free space: removed documents' space returns to the disk and their old ciphertext leaves the file",
		ArgsUsage: " ",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("compact takes no arguments (got %q)", c.Args().First())
			}
			v, err := openVault(c, e, false)
			if err != nil {
				return err
			}
			defer maintCloseVault(e, v)
			problems, err := v.Store().Check()
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				return fmt.Errorf("the vault file's structure is damaged (%s): compacting it could lose records, so nothing was changed; run 'vault verify'", oneLine(problems[0]))
			}
			res, err := v.Store().Compact()
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Compacted %s: %d -> %d bytes (%s -> %s; %s returned to the disk).\n",
				v.Path(), res.Before, res.After, recFormatSize(res.Before), recFormatSize(res.After), recFormatSize(max(res.Before-res.After, 0)))
			return nil
		},
	}
}
