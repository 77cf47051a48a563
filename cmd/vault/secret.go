package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"vault/vault"
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

// promptTries is how many times a prompt asks before giving up (like sudo).
const promptTries = 3

// promptSecret reads a secret from the controlling terminal without echo.
// With confirm (a new passphrase) it asks twice, again when the two differ,
// and warns about a weak passphrase, asking whether to keep it.
func promptSecret(e *env, prompt string, confirm bool, hint string) ([]byte, error) {
	tty, err := e.openTTY()
	if err != nil || !term.IsTerminal(int(tty.Fd())) {
		if tty != nil {
			tty.Close()
		}
		return nil, fmt.Errorf("no terminal to ask for the passphrase: %s", hint)
	}
	defer tty.Close()
	return askSecret(ttyPrompter(tty), prompt, confirm)
}

// prompter is what askSecret needs of a terminal: read a secret without
// echo, ask a yes/no question, say a line.
type prompter struct {
	secret func(prompt string) ([]byte, error)
	yes    func(question string) (bool, error)
	say    func(line string)
}

// ttyPrompter prompts on the terminal tty.
func ttyPrompter(tty *os.File) prompter {
	return prompter{
		secret: func(p string) ([]byte, error) {
			fmt.Fprint(tty, p)
			b, err := term.ReadPassword(int(tty.Fd()))
			fmt.Fprintln(tty)
			if err != nil {
				return nil, fmt.Errorf("read passphrase: %w", err)
			}
			return b, nil
		},
		yes: func(q string) (bool, error) {
			fmt.Fprint(tty, q)
			line, err := bufio.NewReader(io.LimitReader(tty, 1024)).ReadString('\n')
			if err != nil && line == "" {
				return false, nil
			}
			a := strings.ToLower(strings.TrimSpace(line))
			return a == "y" || a == "yes", nil
		},
		say: func(line string) { fmt.Fprintln(tty, line) },
	}
}

// askSecret asks for a secret up to promptTries times: again after an empty
// answer, two answers that differ (confirm), or a weak new passphrase the
// user chose not to keep.
func askSecret(p prompter, prompt string, confirm bool) ([]byte, error) {
	for try := 1; try <= promptTries; try++ {
		first, err := p.secret(prompt)
		if err != nil {
			return nil, err
		}
		if len(first) == 0 {
			p.say("The passphrase is empty.")
			continue
		}
		if !confirm {
			return first, nil
		}
		second, err := p.secret("Repeat: ")
		if err != nil {
			clear(first)
			return nil, err
		}
		same := bytes.Equal(first, second)
		clear(second)
		if !same {
			clear(first)
			p.say("The two passphrases differ: try again.")
			continue
		}
		if w := vault.PassphraseWeakness(first); w != "" {
			p.say("This passphrase is weak: " + w + ". Anyone with a copy of the vault file can try guesses at it offline.")
			ok, err := p.yes("Use it anyway? [y/N] ")
			if err != nil || !ok {
				clear(first)
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		return first, nil
	}
	return nil, fmt.Errorf("no passphrase after %d tries: nothing was changed", promptTries)
}
