// Command vault is the command-line interface of the records vault: it parses
// flags, asks for the passphrase, calls package vault and prints. The domain
// lives in package vault; nothing here is stored.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args, newEnv()))
}
