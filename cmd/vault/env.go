package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// readSecretFile returns the first line of a file, without its line ending.
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
	buf := make([]byte, 0, 256)
	chunk := make([]byte, 256)
	for len(buf) < 64*1024 {
		n, err := f.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if i := indexNewline(buf); i >= 0 {
			buf = buf[:i]
			break
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			clear(buf)
			return nil, fmt.Errorf("read %s file: %w", what, unwrapPathError(err))
		}
	}
	clear(chunk)
	if len(buf) > 0 && buf[len(buf)-1] == '\r' {
		buf = buf[:len(buf)-1]
	}
	if len(buf) == 0 {
		return nil, fmt.Errorf("the %s file %s is empty: its first line must hold the %s", what, path, what)
	}
	return buf, nil
}

func indexNewline(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
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
