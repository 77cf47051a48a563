//go:build unix

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// hardenChild runs a command through runBuffered, as main does, then prints
// the core size limit and the dumpable flag the process is left with.
func hardenChild() {
	e := newEnv()
	e.stdout, e.stderr = io.Discard, io.Discard
	runBuffered([]string{"vault", "--help"}, e)
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_CORE, &lim); err != nil {
		fmt.Println("getrlimit:", err)
		os.Exit(1)
	}
	dumpable := -1
	if runtime.GOOS == "linux" {
		d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
		if err != nil {
			fmt.Println("prctl:", err)
			os.Exit(1)
		}
		dumpable = d
	}
	fmt.Printf("core %d %d dumpable %d\n", lim.Cur, lim.Max, dumpable)
	os.Exit(0)
}

// TestNoCoreDumps: a vault process has a core size limit of 0 and, on
// Linux, is not dumpable, even when started with core dumps allowed.
func TestNoCoreDumps(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "VAULT_TEST_HARDEN_CHILD=1")
	// Start it with core dumps allowed, so that the limit it ends with is
	// its own doing.
	var before unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_CORE, &before); err != nil {
		t.Fatal(err)
	}
	if before.Max == 0 {
		t.Skip("core dumps are already off for this test process (hard limit 0)")
	}
	allowed := unix.Rlimit{Cur: before.Max, Max: before.Max}
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &allowed); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_CORE, &before)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
	want := "core 0 0 dumpable 0\n"
	if runtime.GOOS != "linux" {
		want = "core 0 0 dumpable -1\n"
	}
	if got := out.String(); !strings.HasSuffix(got, want) {
		t.Errorf("the child reports %q, want %q (the test's own limit is %d)", got, want, before.Cur)
	}
}
