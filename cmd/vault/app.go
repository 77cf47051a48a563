package main

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"unicode"

	"github.com/urfave/cli/v2"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// usageError marks an error in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usage error (exit status 2).
func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// globalFlags are accepted anywhere on the command line (see reorderArgs).
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "vault", Usage: "the vault file (default $XDG_DATA_HOME/vault/vault.db)", EnvVars: []string{"VAULT_PATH"}},
		&cli.StringFlag{Name: "passphrase-file", Usage: "read the passphrase from the first line of this file", EnvVars: []string{"VAULT_PASSPHRASE_FILE"}},
		&cli.BoolFlag{Name: "allow-costly-kdf", Usage: "open a vault whose key derivation costs more than vault init writes or than the memory free"},
	}
}

// newApp builds the command tree. Every command's Action gets the env.
func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:            "vault",
		Usage:           "an encrypted, local-first vault for the evidence of therapy insurance claims",
		Flags:           globalFlags(),
		Writer:          e.stdout,
		ErrWriter:       e.stderr,
		Reader:          e.stdin,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err.Error()}
		},
		Commands: []*cli.Command{
			initCommand(e),
			passwdCommand(e),
		},
	}
	app.Commands = append(app.Commands, recordCommands(e)...)
	app.Commands = append(app.Commands, exportCommands(e)...)
	app.Commands = append(app.Commands, checkCommands(e)...)
	app.Commands = append(app.Commands, maintenanceCommands(e)...)
	app.Commands = append(app.Commands, uiCommand(e))
	setUsageErrors(app.Commands)
	return app
}

// setUsageErrors makes every command report flag errors as usage errors,
// without printing the help text.
func setUsageErrors(cmds []*cli.Command) {
	for _, c := range cmds {
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usageError{err.Error()} }
		setUsageErrors(c.Subcommands)
	}
}

// run executes the command line and returns the exit status.
func run(args []string, e *env) int {
	app := newApp(e)
	app.Metadata = map[string]any{typedArgsKey: args}
	var unknown string
	app.CommandNotFound = func(_ *cli.Context, name string) { unknown = name }
	args = helpToFlag(args)
	args, err := reorderArgs(app, args)
	if err == nil {
		err = app.Run(args)
	}
	if err == nil && unknown != "" {
		err = unknownCommandError(app, unknown)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintf(e.stderr, "vault: %s\n", oneLine(describe(err)))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() != 0 {
		return ec.ExitCode()
	}
	return 1
}

// helpToFlag turns `vault help CMD [SUB]` into `vault CMD [SUB] --help`, so
// that help works for every command and subcommand the way --help does.
func helpToFlag(args []string) []string {
	if len(args) < 3 || args[1] != "help" {
		return args
	}
	out := append([]string{args[0]}, args[2:]...)
	return append(out, "--help")
}

// describe turns an error into what the user should read.
func describe(err error) string {
	switch {
	case errors.Is(err, store.ErrInUse):
		return "the vault is in use by another vault process"
	case errors.Is(err, vault.ErrWrongSecret):
		return "wrong passphrase or recovery code"
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT):
		// "Nothing was changed" only where the step that failed says so;
		// otherwise the error's own words say what was done.
		if errors.Is(err, vault.ErrNothingChanged) {
			return "the disk is full: nothing was changed; free some space and try again"
		}
		return "the disk is full: " + err.Error() + "; free some space and try again"
	}
	return err.Error()
}

// oneLine folds an error message onto one line and drops control
// characters, so that no error can move the cursor or recolour the terminal.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "vault: ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// vaultPath returns the vault file's path from --vault, VAULT_PATH or the default.
func vaultPath(c *cli.Context, e *env) (string, error) {
	if p := c.String("vault"); p != "" {
		return p, nil
	}
	return e.defaultVaultPath()
}

// openVault unlocks the vault with the passphrase (file or prompt).
func openVault(c *cli.Context, e *env, readOnly bool) (*vault.Vault, error) {
	path, err := vaultPath(c, e)
	if err != nil {
		return nil, err
	}
	return openVaultAt(c, e, path, readOnly)
}

func openVaultAt(c *cli.Context, e *env, path string, readOnly bool) (*vault.Vault, error) {
	if err := checkVaultFile(path); err != nil {
		return nil, err
	}
	// A passphrase typed on the terminal may be mistyped: ask again, up to
	// promptTries times. One from a file is what it is.
	prompted := c.String("passphrase-file") == ""
	var v *vault.Vault
	for try := 1; ; try++ {
		pass, err := readPassphrase(c, e, "Passphrase: ", false)
		if err != nil {
			return nil, err
		}
		v, err = vault.Open(path, vault.Secret{Passphrase: pass}, openOptions(c, e, readOnly))
		clear(pass)
		if err == nil {
			break
		}
		if !prompted || !errors.Is(err, vault.ErrWrongSecret) || try == promptTries {
			return nil, openError(path, err)
		}
		fmt.Fprintln(e.stderr, "Wrong passphrase: try again.")
	}
	maintWarnRollback(e, v)
	return v, nil
}

// openOptions are the vault.Options every command opens the vault with.
func openOptions(c *cli.Context, e *env, readOnly bool) vault.Options {
	return vault.Options{ReadOnly: readOnly, Now: e.now, AllowCostlyKDF: c.Bool("allow-costly-kdf")}
}

// checkVaultFile gives a clear error before asking for a passphrase.
func checkVaultFile(path string) error {
	_, err := store.StatVault(path)
	return openError(path, err)
}

// openError names the vault's path in errors about the file itself.
func openError(path string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNoVault):
		return fmt.Errorf("no vault at %s: create one with 'vault init' or give --vault PATH", path)
	case errors.Is(err, store.ErrNotVault), errors.Is(err, store.ErrDamagedHeader), errors.Is(err, store.ErrUnsupportedVersion):
		return fmt.Errorf("%s: %w", path, err)
	case errors.Is(err, crypto.ErrKDFParams):
		return fmt.Errorf("%s: %w", path, err)
	case errors.Is(err, vault.ErrCostlyKDF):
		return fmt.Errorf("%s: %w; nothing was derived or changed: to open it anyway, give --allow-costly-kdf", path, err)
	}
	return err
}

// unknownCommandError names a command that does not exist and the nearest ones.
// vault.Nearest is the CLI's one suggestion mechanism, for command names as
// for claim names, kinds and plans (urfave's own Suggest stays off: every
// command reports its usage errors itself, so urfave never prints one).
func unknownCommandError(app *cli.App, name string) error {
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Names()...)
	}
	if near := vault.Nearest(name, names, 3); len(near) > 0 {
		return usagef("unknown command %q (did you mean %s?)", name, strings.Join(near, ", "))
	}
	return usagef("unknown command %q: see 'vault --help'", name)
}
