package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// cliRunner runs the vault binary against one vault, as a user would: the
// passphrase in a file, the rollback state in a folder of its own.
type cliRunner struct {
	bin      string
	vault    string
	passFile string
	stateDir string
}

// newCLIRunner prepares the passphrase file and the state folder in dir.
func newCLIRunner(bin, vaultPath string, pass []byte, dir string) (*cliRunner, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	passFile := filepath.Join(dir, "pass")
	if err := os.WriteFile(passFile, append(bytes.Clone(pass), '\n'), 0o600); err != nil {
		return nil, err
	}
	return &cliRunner{bin: bin, vault: vaultPath, passFile: passFile, stateDir: filepath.Join(dir, "state")}, nil
}

// run runs the binary with args, its output to /dev/null, and returns the
// wall time from start to exit. check's exit status 1 (findings) is not an
// error.
func (r *cliRunner) run(args ...string) (time.Duration, error) {
	return r.runEnv(nil, args...)
}

// runEnv is run with more environment variables (such as GOGC=off).
func (r *cliRunner) runEnv(env []string, args ...string) (time.Duration, error) {
	cmd := exec.Command(r.bin, args...)
	cmd.Env = append(os.Environ(),
		"VAULT_PATH="+r.vault, "VAULT_PASSPHRASE_FILE="+r.passFile,
		"XDG_STATE_HOME="+r.stateDir, "HOME="+filepath.Dir(r.stateDir))
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 && args[0] == "check" {
		err = nil
	}
	if err != nil {
		return d, fmt.Errorf("vault %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	if w := strings.TrimSpace(stderr.String()); strings.Contains(w, "warning") && !strings.Contains(w, "no reference") {
		return d, fmt.Errorf("vault %s warned: %s", strings.Join(args, " "), w)
	}
	return d, nil
}

// buildBinary builds ./cmd/vault of the repository at repo into dir.
func buildBinary(repo, dir string) (string, error) {
	bin := filepath.Join(dir, "vault")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/vault")
	cmd.Dir = repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/vault: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return bin, nil
}
