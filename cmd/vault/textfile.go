package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// Text that may be sensitive (what a representative said, a condition note,
// a typed document) given on the command line shows in the process list
// (/proc/PID/cmdline) and in the shell's history. Each such flag --NAME has
// a twin --NAME-file FILE that reads the text from a file, or from standard
// input with "-".

// maxTextFile bounds what a --NAME-file reads: more than any field holds, so
// that the field's own limit gives the message.
const maxTextFile = 16 << 20

// textFlag returns the flag --name and its twin --name-file.
func textFlag(name, usage string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: name, Usage: usage},
		&cli.StringFlag{Name: name + "-file", Usage: "read --" + name + " from this file (- for standard input), so that it is not on the command line"},
	}
}

// isTextFileFlag reports whether name is the twin of a text flag.
func isTextFileFlag(c *cli.Context, name string) bool {
	const suffix = "-file"
	if len(name) <= len(suffix) || name[len(name)-len(suffix):] != suffix {
		return false
	}
	base := name[:len(name)-len(suffix)]
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == base {
				return true
			}
		}
	}
	return false
}

// readTextFiles reads every --NAME-file given among names into --NAME, so
// that the command reads the text as if it had been typed. Both forms of one
// flag is a usage error; so is standard input asked for twice.
func readTextFiles(c *cli.Context, e *env, names ...string) error {
	stdin := false
	for _, a := range c.Args().Slice() {
		stdin = stdin || a == "-"
	}
	for _, name := range names {
		twin := name + "-file"
		if !c.IsSet(twin) {
			continue
		}
		if c.IsSet(name) {
			return usagef("give either --%s or --%s, not both", name, twin)
		}
		path := c.String(twin)
		var r io.Reader
		switch {
		case path == "":
			return usagef("--%s needs a file name (or - for standard input)", twin)
		case path == "-":
			if stdin {
				return usagef("standard input (-) can be read only once")
			}
			stdin = true
			r = e.stdin
		default:
			f, err := os.Open(path)
			if err != nil {
				return fmt.Errorf("--%s: %w", twin, unwrapPathError(err))
			}
			defer f.Close()
			if st, err := f.Stat(); err == nil && st.IsDir() {
				return fmt.Errorf("--%s: %s is a folder", twin, path)
			}
			r = f
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, io.LimitReader(r, maxTextFile+1)); err != nil {
			return fmt.Errorf("--%s: read %s: %w", twin, path, unwrapPathError(err))
		}
		if buf.Len() > maxTextFile {
			return fmt.Errorf("--%s: %s is larger than %d MiB", twin, path, maxTextFile>>20)
		}
		if err := c.Set(name, buf.String()); err != nil {
			return fmt.Errorf("--%s: %w", twin, err)
		}
	}
	return nil
}
