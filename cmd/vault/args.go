package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs lets flags stand anywhere on the command line, as users type
// them (`vault get k3f9 -o out.pdf`). urfave/cli stops parsing flags at the
// first positional argument, so this rewrites the arguments once, for every
// command: global flags first, then the command path, then the command's
// flags with their values, then the positional arguments (after "--" when
// one of them starts with a dash). Flags that take no value are known from
// their type; a "--" typed by the user ends the flags.
func reorderArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) == 0 {
		return args, nil
	}
	var global, path, flags, positional []string
	globals := flagTable(app.Flags)
	// Help belongs to the command it follows: `vault claim new --help`.
	delete(globals, "help")
	delete(globals, "h")
	var cmd *cli.Command
	cmds := app.Commands
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i+1:]...)
			break
		}
		if isFlag(a) {
			name, hasValue := flagName(a)
			table := globals
			dst := &global
			if _, ok := globals[name]; !ok && cmd != nil {
				table = flagTable(cmd.Flags)
				dst = &flags
			}
			*dst = append(*dst, a)
			if takesValue, known := table[name]; known && takesValue && !hasValue && i+1 < len(rest) {
				i++
				*dst = append(*dst, rest[i])
			}
			continue
		}
		if len(positional) == 0 {
			if sub := findCommand(cmds, a); sub != nil {
				cmd = sub
				cmds = sub.Subcommands
				path = append(path, a)
				continue
			}
		}
		positional = append(positional, a)
	}
	out := append([]string{args[0]}, global...)
	out = append(out, path...)
	out = append(out, flags...)
	for _, p := range positional {
		if isFlag(p) {
			out = append(out, "--")
			break
		}
	}
	return append(out, positional...), nil
}

// isFlag reports whether an argument is a flag ("-" alone means stdin).
func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' }

// flagName returns a flag's name without dashes and whether it carries its
// value ("--name=value").
func flagName(a string) (string, bool) {
	a = strings.TrimLeft(a, "-")
	name, _, has := strings.Cut(a, "=")
	return name, has
}

// flagTable maps every name and alias of the flags to whether it takes a value.
func flagTable(flags []cli.Flag) map[string]bool {
	t := map[string]bool{"help": false, "h": false}
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			t[n] = !isBool
		}
	}
	return t
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
