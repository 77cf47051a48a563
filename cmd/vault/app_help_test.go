package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestHelpEveryCommand: `vault help CMD [SUB]` prints the same help as
// `vault CMD [SUB] --help` for every command and subcommand, and no flag's
// help says its default twice.
func TestHelpEveryCommand(t *testing.T) {
	var paths [][]string
	var walk func(prefix []string, cmds []*cli.Command)
	walk = func(prefix []string, cmds []*cli.Command) {
		for _, c := range cmds {
			if c.Hidden {
				continue
			}
			p := append(append([]string{}, prefix...), c.Name)
			paths = append(paths, p)
			walk(p, c.Subcommands)
		}
	}
	walk(nil, newApp(newEnv()).Commands)
	if len(paths) < 20 {
		t.Fatalf("found only %d commands", len(paths))
	}
	for _, p := range paths {
		help := func(args ...string) (string, int) {
			var out, errb bytes.Buffer
			e := newEnv()
			e.stdout, e.stderr = &out, &errb
			code := run(append([]string{"vault"}, args...), e)
			return out.String() + errb.String(), code
		}
		viaHelp, code := help(append([]string{"help"}, p...)...)
		viaFlag, code2 := help(append(append([]string{}, p...), "--help")...)
		name := strings.Join(p, " ")
		if code != 0 || code2 != 0 || viaHelp != viaFlag || !strings.Contains(viaHelp, "vault "+name) {
			t.Errorf("vault help %s: exit %d/%d, output %q; --help gave %q", name, code, code2, viaHelp, viaFlag)
		}
		for _, line := range strings.Split(viaHelp, "\n") {
			if strings.Count(strings.ToLower(line), "default") > 1 {
				t.Errorf("vault %s --help: a flag says its default twice: %q", name, strings.TrimSpace(line))
			}
		}
	}
}
