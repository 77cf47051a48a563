package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"vault/store"
	"vault/vault"
)

func recGetCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "get",
		Usage:     "write a document's exact original bytes to a file (-o) or to stdout",
		ArgsUsage: "ID | last",
		Flags: []cli.Flag{
			recLastClaimFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to this file (created 0600)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite the -o file if it exists"},
		},
		Action: func(c *cli.Context) error {
			id, err := recOneArg(c, "get", "a document's ID (or last)")
			if err != nil {
				return err
			}
			out := c.String("output")
			if c.IsSet("output") && out == "" {
				return usagef("-o needs a file name")
			}
			if out != "" {
				// Before the passphrase is asked for: -o may never name the vault.
				path, err := vaultPath(c, e)
				if err != nil {
					return err
				}
				if err := store.RefuseVault(out, path); err != nil {
					return err
				}
			}
			if out != "" && !c.Bool("force") {
				if err := recCheckOutput(out); err != nil {
					return err
				}
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				r, err := recResolveItem(c, e, v, id)
				if err != nil {
					return err
				}
				d, ok := r.(*vault.Document)
				if !ok {
					return fmt.Errorf("%s is a %s, not a document: only documents have bytes to get (see 'vault show %s')", r.RecordID(), vault.ItemKind(r), r.RecordID())
				}
				if out == "" {
					if e.stdoutIsTerminal && !vault.IsText(d.MediaType) {
						return fmt.Errorf("%s is binary (%s): it would garble the terminal; write it to a file with -o FILE", d.ID, recShortType(d.MediaType))
					}
					return getToTerminal(e, v, d)
				}
				if err := recWriteFileAtomic(out, v.Path(), c.Bool("force"), func(f *os.File) error { return v.ReadDocument(d, f) }); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "Wrote %s (%s, %s)\n", out, d.Kind, recFormatSize(d.Size))
				return nil
			})
		},
	}
}

// maxTerminalText is the largest text document get prints to a terminal:
// it is read whole first, to be checked before anything reaches the screen.
const maxTerminalText = 4 << 20

// getToTerminal writes a text document to stdout: when stdout is a
// terminal, only after checking that it holds no escape sequences a
// terminal would act on.
func getToTerminal(e *env, v *vault.Vault, d *vault.Document) error {
	if !e.stdoutIsTerminal {
		return v.ReadDocument(d, e.stdout)
	}
	if d.Size > maxTerminalText {
		return fmt.Errorf("%s is too long to read on the terminal (%s): write it to a file with -o FILE", d.ID, recFormatSize(d.Size))
	}
	var buf bytes.Buffer
	if err := v.ReadDocument(d, &buf); err != nil {
		return err
	}
	if !vault.TerminalSafe(buf.Bytes()) {
		return fmt.Errorf("%s holds control characters (terminal escape sequences) that could take over the terminal: write it to a file with -o FILE", d.ID)
	}
	_, err := e.stdout.Write(buf.Bytes())
	return err
}

// recCheckOutput refuses an output path that exists (without --force) or
// whose folder does not.
func recCheckOutput(path string) error {
	if st, err := os.Lstat(path); err == nil {
		if st.IsDir() {
			return fmt.Errorf("%s is a folder: give a file name with -o", path)
		}
		return fmt.Errorf("%s already exists: nothing was written (give --force to overwrite it)", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return unwrapPathError(err)
	}
	return nil
}

// recWriteFileAtomic writes a file 0600 through a temporary file beside it
// (store.CreateTempBeside), synced and moved into place (store.Place) only
// when write succeeds: a failure never leaves a partial file at path.
// Without force it never replaces a file, not even one that appeared while
// it wrote. Temporary files that an earlier, killed get left beside path
// are removed first. path may never be the vault file at vaultPath.
func recWriteFileAtomic(path, vaultPath string, force bool, write func(*os.File) error) (err error) {
	if err := store.RefuseVault(path, vaultPath); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
	}
	if st, err := os.Lstat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder: give a file name with -o", path)
	}
	pattern := "." + filepath.Base(path) + ".*.tmp"
	store.RemoveStaleTemps(path, pattern)
	tmp, err := store.CreateTempBeside(path, pattern)
	if err != nil {
		return err
	}
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := store.Place(tmp.Name(), path, vaultPath, force); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("%s already exists: nothing was written (give --force to overwrite it)", path)
		}
		return err
	}
	return nil
}
