package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"vault/vault"

	"golang.org/x/term"
)

// env is what a command may touch of the outside world; tests replace parts.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	// stdinIsTerminal and stdoutIsTerminal report on the real descriptors.
	stdinIsTerminal  bool
	stdoutIsTerminal bool
	stderrIsTerminal bool
	// openTTY opens the controlling terminal for a prompt.
	openTTY func() (*os.File, error)
	// rolledBack holds the rollback warning given when a vault was opened,
	// until it is closed: its state file is then left as it is, so that the
	// warning repeats until the older copy is accepted.
	rolledBack map[*vault.Vault]string
}

func newEnv() *env {
	return &env{
		stdin:            os.Stdin,
		stdout:           os.Stdout,
		stderr:           os.Stderr,
		getenv:           os.Getenv,
		now:              time.Now,
		stdinIsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutIsTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		stderrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		openTTY:          func() (*os.File, error) { return os.OpenFile("/dev/tty", os.O_RDWR, 0) },
	}
}

// defaultVaultPath is $XDG_DATA_HOME/vault/vault.db, or
// ~/.local/share/vault/vault.db when XDG_DATA_HOME is unset.
func (e *env) defaultVaultPath() (string, error) {
	if d := e.getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "vault", "vault.db"), nil
	}
	home := e.getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", errors.New("cannot find the home folder: give --vault PATH or set VAULT_PATH")
		}
	}
	return filepath.Join(home, ".local", "share", "vault", "vault.db"), nil
}

// maxSecretLine bounds the first line of a passphrase or recovery code file.
const maxSecretLine = 4096

// readSecretFile returns the first line of a file, without its line ending.
// It reads into one fixed buffer, so no stray copy of the secret is left to
// the garbage collector, and clears what it does not return.
func readSecretFile(path, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s file: %w", what, unwrapPathError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s file: %w", what, unwrapPathError(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("read %s file: %s is a folder", what, path)
	}
	buf := make([]byte, maxSecretLine+1)
	n, err := readFirstLine(f, buf)
	if err != nil {
		clear(buf)
		return nil, fmt.Errorf("read %s file: %w", what, unwrapPathError(err))
	}
	line := buf[:n]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	} else if n > maxSecretLine {
		clear(buf)
		return nil, fmt.Errorf("the first line of the %s file %s is longer than %d bytes", what, path, maxSecretLine)
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	clear(buf[len(line):])
	if len(line) == 0 {
		return nil, fmt.Errorf("the %s file %s is empty: its first line must hold the %s", what, path, what)
	}
	return line, nil
}

// readFirstLine reads into buf until it holds a line feed, is full, or the
// input ends, and returns how many bytes it read. It never waits for more
// than the first line: a FIFO or terminal whose writer stays open after the
// line gives it at once.
func readFirstLine(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		if bytes.IndexByte(buf[n:n+k], '\n') >= 0 {
			return n + k, nil
		}
		n += k
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// unwrapPathError turns "open /x: no such file" into a short message that
// names the path once.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %s", pe.Path, strings.TrimPrefix(pe.Err.Error(), "open "))
	}
	return err
}
