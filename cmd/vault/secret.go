package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// readPassphrase returns the passphrase from --passphrase-file /
// VAULT_PASSPHRASE_FILE, or asks for it on the terminal without echo (twice
// when confirm is set). It never comes from argv.
func readPassphrase(c *cli.Context, e *env, prompt string, confirm bool) ([]byte, error) {
	if f := c.String("passphrase-file"); f != "" {
		return readSecretFile(f, "passphrase")
	}
	return promptSecret(e, prompt, confirm, "give --passphrase-file FILE or set VAULT_PASSPHRASE_FILE")
}

// promptSecret reads a secret from the controlling terminal without echo.
func promptSecret(e *env, prompt string, confirm bool, hint string) ([]byte, error) {
	tty, err := e.openTTY()
	if err != nil || !term.IsTerminal(int(tty.Fd())) {
		if tty != nil {
			tty.Close()
		}
		return nil, fmt.Errorf("no terminal to ask for the passphrase: %s", hint)
	}
	defer tty.Close()
	ask := func(p string) ([]byte, error) {
		fmt.Fprint(tty, p)
		b, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprintln(tty)
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		return b, nil
	}
	first, err := ask(prompt)
	if err != nil {
		return nil, err
	}
	if len(first) == 0 {
		return nil, errors.New("the passphrase is empty")
	}
	if !confirm {
		return first, nil
	}
	second, err := ask("Repeat: ")
	if err != nil {
		clear(first)
		return nil, err
	}
	defer clear(second)
	if !bytes.Equal(first, second) {
		clear(first)
		return nil, errors.New("the two passphrases differ: nothing was changed")
	}
	return first, nil
}
