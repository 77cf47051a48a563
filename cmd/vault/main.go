// Command vault is the command-line interface of the records vault: it parses
// flags, asks for the passphrase, calls package vault and prints. The domain
// lives in package vault; nothing here is stored.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	os.Exit(runBuffered(os.Args, newEnv()))
}

// runBuffered runs the command with standard output buffered and flushed at
// the end: a listing of 10,000 rows otherwise costs one write(2) per cell
// (144,852 calls, most of `vault list`'s time; docs/BENCHMARKS.md).
//
// It first keeps the process out of core dumps (hardenProcess): a failure
// there is a warning, not a reason to refuse the user their records.
func runBuffered(args []string, e *env) int {
	if err := hardenProcess(); err != nil {
		fmt.Fprintf(e.stderr, "vault: warning: %s\n", oneLine(err.Error()))
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	e.stdout = out
	code := run(args, e)
	if err := out.Flush(); err != nil && code == 0 {
		fmt.Fprintf(e.stderr, "vault: write the output: %s\n", oneLine(err.Error()))
		code = 1
	}
	return code
}
