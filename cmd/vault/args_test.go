package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func testApp() *cli.App {
	return &cli.App{
		Name:  "vault",
		Flags: globalFlags(),
		Commands: []*cli.Command{
			{Name: "get", Flags: []cli.Flag{
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}},
				&cli.BoolFlag{Name: "force"},
			}},
			{Name: "claim", Subcommands: []*cli.Command{
				{Name: "new", Flags: []cli.Flag{&cli.StringFlag{Name: "insurer"}, &cli.StringSliceFlag{Name: "diagnosis"}}},
			}},
			{Name: "search", Flags: []cli.Flag{&cli.BoolFlag{Name: "json"}}},
		},
	}
}

func TestReorderArgs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"flags after the argument", "get k3f9 -o out.pdf", "get -o out.pdf k3f9"},
		{"bool flag after the argument", "get k3f9 --force -o x", "get --force -o x k3f9"},
		{"flag with =", "get k3f9 --output=x.pdf", "get --output=x.pdf k3f9"},
		{"global flag after the command", "get k3f9 --vault v.db", "--vault v.db get k3f9"},
		{"global flag with = after the command", "get --passphrase-file=p k3f9", "--passphrase-file=p get k3f9"},
		{"subcommand path", "claim new back-2026 --insurer Cedar --diagnosis M54.50", "claim new --insurer Cedar --diagnosis M54.50 back-2026"},
		{"a word that is a command name later is an argument", "search claim --json", "search --json claim"},
		{"double dash keeps dashed arguments", "search --json -- -weird", "search --json -- -weird"},
		{"dashed argument after a flag value", "get -o out -- -x", "get -o out -- -x"},
		{"stdin dash is an argument", "get - -o x", "get -o x -"},
		{"unknown flag is left for the parser", "get k3f9 --bogus", "get --bogus k3f9"},
		{"help follows its command", "claim new --help", "claim new --help"},
		{"help after an argument", "get k3f9 -h", "get -h k3f9"},
		{"help alone", "--help", "--help"},
		{"nothing", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]string{"vault"}, strings.Fields(tt.in)...)
			want := append([]string{"vault"}, strings.Fields(tt.want)...)
			got, err := reorderArgs(testApp(), in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("reorderArgs(%q)\n got %q\nwant %q", tt.in, got, want)
			}
		})
	}
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"unknown flag is a usage error", []string{"vault", "--bogus"}, 2, "vault: flag provided but not defined: -bogus\n"},
		{"extra argument is a usage error", []string{"vault", "passwd", "x"}, 2, "vault: passwd takes no arguments\n"},
		{"unknown command is a usage error", []string{"vault", "lst"}, 2, "vault: unknown command \"lst\" (did you mean list?)\n"},
		{"a mistyped flag gets no second suggestion", []string{"vault", "list", "--kindd", "receipt"}, 2, "vault: flag provided but not defined: -kindd\n"},
		{"a mistyped subcommand", []string{"vault", "claim", "lst"}, 2, "vault: unknown claim command \"lst\": use claim new, set, list, show or rm\n"},
		{"missing vault is an error", []string{"vault", "passwd", "--vault", "/nonexistent/v.db"}, 1, "vault: no vault at /nonexistent/v.db: create one with 'vault init' or give --vault PATH\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			e := newEnv()
			e.stdout, e.stderr = &out, &errb
			if got := run(tt.args, e); got != tt.status {
				t.Errorf("exit status %d, want %d (stderr %q)", got, tt.status, errb.String())
			}
			if errb.String() != tt.stderr {
				t.Errorf("stderr %q, want %q", errb.String(), tt.stderr)
			}
			// vault.Nearest is the one suggestion mechanism: urfave's own
			// ("Did you mean ...") must not print beside it.
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"vault: plain":                   "plain",
		"two\nlines":                     "two lines",
		"escape \x1b[31mred\x1b[0m gone": "escape [31mred [0m gone",
		"  spaces\t and\r\n  tabs  ":     "spaces and tabs",
		"c1 \u009b control":              "c1 control",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
