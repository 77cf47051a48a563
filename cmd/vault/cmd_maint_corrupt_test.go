package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorruptionCommands runs the commands themselves (the vault binary, one
// process each) on damaged copies of a vault: pages zeroed and bytes flipped
// across the file. Each command succeeds or fails with one clean line; never
// a panic or a stack trace; `get` never writes wrong bytes; an export written
// verifies; and when a command could not read what it needed, `verify
// --read-data` fails too. (vault/integrity's TestCorruption covers every
// page and 200 flips through the API; this checks the commands' own paths.)
func TestCorruptionCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs without -short")
	}
	if _, err := exec.LookPath("vault"); err != nil {
		t.Skip("the vault command is not on PATH")
	}
	w := newCrashWorld(t, 256<<10)
	kept, err := os.ReadFile(filepath.Join(w.dir, "kept.bin"))
	if err != nil {
		t.Fatal(err)
	}
	size := len(w.template)
	type damage struct {
		name string
		fn   func([]byte)
	}
	var damages []damage
	for p := 2; p < size/4096; p += max(1, size/4096/16) {
		damages = append(damages, damage{fmt.Sprintf("page %d zeroed", p), func(b []byte) { clear(b[p*4096 : (p+1)*4096]) }})
	}
	for i := range 8 {
		pos := (2*i + 1) * size / 16
		damages = append(damages, damage{fmt.Sprintf("byte %d flipped", pos), func(b []byte) { b[pos] ^= 0x5a }})
	}
	commands := [][]string{
		{"list"},
		{"history"},
		{"status"},
		{"check", "--claim", "knee-pt"},
		{"show", w.bigID},
		{"get", w.bigID, "-o", "got.bin"},
		{"export", "--claim", "knee-pt", "-o", "out.zip"},
		{"add", "--claim", "knee-pt", "--kind", "receipt", "--date", "2026-03-11", "--amount", "85", "--text", "Receipt: second visit"},
	}
	// What each command does on the sound vault (check exits 1 when a
	// claim has errors, which is not damage).
	baseline := map[string]int{}
	for _, args := range commands {
		w.reset(t)
		code, stderr := w.runCapture(args...)
		baseline[args[0]] = code
		if code != 0 && args[0] != "check" {
			t.Fatalf("%v on the sound vault: %s", args, stderr)
		}
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			w.reset(t)
			os.Remove(filepath.Join(w.dir, "got.bin"))
			b := bytes.Clone(w.template)
			d.fn(b)
			if err := os.WriteFile(w.vault, b, 0o600); err != nil {
				t.Fatal(err)
			}
			readFailed := false
			for _, args := range commands {
				code, stderr := w.runCapture(args...)
				if code != baseline[args[0]] {
					checkOneLineError(t, stderr, code, "")
					if args[0] != "add" && args[0] != "export" {
						readFailed = true
					}
					continue
				}
				if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
					t.Errorf("%v: %s", args, stderr)
				}
				switch args[0] {
				case "get":
					got, _ := os.ReadFile(filepath.Join(w.dir, "got.bin"))
					if !bytes.Equal(got, kept) {
						t.Errorf("get wrote %d bytes that are not the document", len(got))
					}
				case "export":
					c := exec.Command("vault", "verify-bundle", filepath.Join(w.dir, "out.zip"))
					if out, err := c.CombinedOutput(); err != nil {
						t.Errorf("the export written does not verify: %v\n%s", err, out)
					}
				}
			}
			code, stderr := w.runCapture("verify", "--read-data")
			if code != 0 {
				checkOneLineError(t, stderr, code, "")
			}
			if readFailed && code == 0 {
				t.Error("a command could not read the vault but verify --read-data passes")
			}
		})
	}
}

// runCapture runs a vault command and returns its exit status and stderr.
func (w *crashWorld) runCapture(args ...string) (int, string) {
	var stderr bytes.Buffer
	c := w.cmd(args...)
	c.Stderr = &stderr
	err := c.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		return -1, err.Error()
	}
	return 0, stderr.String()
}
