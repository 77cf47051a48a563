package main

import "github.com/urfave/cli/v2"

// typedArgsKey is where run() keeps the command line as typed (before
// reorderArgs) in the app's Metadata, for a command whose behaviour depends
// on whether a flag was typed rather than taken from the environment:
// verify-bundle checks the bundle against a vault only when --vault is on
// the command line, and VAULT_PATH is usually set. run() records it with
// app.Metadata = map[string]any{typedArgsKey: args}.
const typedArgsKey = "typed-args"

// typedArgs returns the command line as typed; ok is false when run() did
// not record it.
func typedArgs(c *cli.Context) (args []string, ok bool) {
	args, ok = c.App.Metadata[typedArgsKey].([]string)
	return args, ok
}

// flagTyped reports whether the flag name was typed on the command line
// args (the program's name first, as run() receives them): "--name",
// "-name", "--name=V" or "-name=V", anywhere before a "--" that ends the
// flags. A value taken from the environment is not typed. The value of a
// global flag ("--passphrase-file --vault") is not taken for a flag; the
// values of command flags are not known here, so a command that asks must
// have no flag whose value could be "--NAME".
func flagTyped(args []string, name string) bool {
	valued := flagTable(globalFlags())
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return false
		}
		if !isFlag(a) {
			continue
		}
		n, hasValue := flagName(a)
		if n == name {
			return true
		}
		if valued[n] && !hasValue {
			i++
		}
	}
	return false
}
