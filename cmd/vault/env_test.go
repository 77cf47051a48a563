package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := map[string]string{
		"correct horse\n":          "correct horse",
		"correct horse":            "correct horse",
		"with cr\r\nsecond line\n": "with cr",
		" spaces kept \n":          " spaces kept ",
		strings.Repeat("x", 4096):  strings.Repeat("x", 4096),
		strings.Repeat("y", 10) + "\n" + strings.Repeat("z", 9000): strings.Repeat("y", 10),
	}
	i := 0
	for content, want := range good {
		i++
		got, err := readSecretFile(write("good"+string(rune('a'+i)), content), "passphrase")
		if err != nil || string(got) != want {
			t.Errorf("content %.20q: got %.20q, %v; want %.20q", content, got, err, want)
		}
	}
	bad := map[string]string{
		"empty":      "",
		"empty line": "\nsecret on line two\n",
		"too long":   strings.Repeat("x", 5000),
	}
	for name, content := range bad {
		if got, err := readSecretFile(write(strings.ReplaceAll(name, " ", "-"), content), "passphrase"); err == nil {
			t.Errorf("%s: accepted %.20q", name, got)
		} else if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "xxxx") {
			t.Errorf("%s: the error repeats the file's content: %v", name, err)
		}
	}
	if _, err := readSecretFile(filepath.Join(dir, "missing"), "passphrase"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := readSecretFile(dir, "passphrase"); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("folder: %v", err)
	}
}

// TestSecretFIFOHeldOpen: a passphrase FIFO whose writer keeps it open after
// the first line gives the passphrase at once (it was read to EOF, and hung).
func TestSecretFIFOHeldOpen(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pass.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	w := make(chan *os.File, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			w <- nil
			return
		}
		f.WriteString("fifo passphrase\n")
		w <- f // held open: no EOF
	}()
	got := make(chan string, 1)
	go func() {
		line, err := readSecretFile(fifo, "passphrase")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(line)
	}()
	select {
	case s := <-got:
		if s != "fifo passphrase" {
			t.Errorf("read %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading the passphrase FIFO hangs while its writer stays open")
	}
	if f := <-w; f != nil {
		f.Close()
	}
}
