package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"vault/vault"
	"vault/vault/current"
	"vault/vault/integrity"
)

// recCurrentStore is the store of current claims in the user's state folder.
func recCurrentStore(e *env) (*current.Store, error) {
	dir, err := integrity.StateDir(e.getenv)
	if err != nil {
		return nil, err
	}
	return current.New(dir), nil
}

// recCurrentClaimID returns the ID of the current claim of the vault the
// command works on ("" when none is set).
func recCurrentClaimID(c *cli.Context, e *env) (string, error) {
	path, err := vaultPath(c, e)
	if err != nil {
		return "", err
	}
	s, err := recCurrentStore(e)
	if err != nil {
		return "", err
	}
	return s.Get(path)
}

// recClaimGiven reports whether the command has a claim: --claim, or a
// current claim set with 'vault use'.
func recClaimGiven(c *cli.Context, e *env) bool {
	if strings.TrimSpace(c.String("claim")) != "" {
		return true
	}
	id, err := recCurrentClaimID(c, e)
	return err == nil && id != ""
}

// recCurrentClaim returns the current claim of the vault, nil when none is
// set, and says on stderr that the command uses it.
func recCurrentClaim(c *cli.Context, e *env, v *vault.Vault) (*vault.Claim, error) {
	id, err := recCurrentClaimID(c, e)
	if err != nil || id == "" {
		return nil, err
	}
	r, err := v.Record(id)
	cl, ok := r.(*vault.Claim)
	if err != nil || !ok {
		return nil, usagef("the current claim (set with 'vault use') is no longer in this vault: choose one with 'vault use NAME' or give --claim NAME")
	}
	fmt.Fprintf(e.stderr, "vault: claim %s (the current claim: give --claim NAME for another, 'vault use --clear' to forget it)\n", cl.Name)
	return cl, nil
}

func recUseCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "use",
		Usage:     "make a claim the current one for this vault file: commands that take --claim use it when the flag is absent",
		ArgsUsage: "NAME | --clear",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "clear", Usage: "forget the current claim"}},
		Action: func(c *cli.Context) error {
			path, err := vaultPath(c, e)
			if err != nil {
				return err
			}
			s, err := recCurrentStore(e)
			if err != nil {
				return err
			}
			if c.Bool("clear") {
				if c.NArg() > 0 {
					return usagef("give either NAME or --clear, not both")
				}
				if err := s.Set(path, ""); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "No current claim: commands that take --claim need it again")
				return nil
			}
			name, err := recOneArg(c, "use", "a claim's NAME (or --clear)")
			if err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				cl, err := v.ClaimByName(name)
				if err != nil {
					return err
				}
				if err := s.Set(path, cl.ID); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Current claim: %s (%s); commands that take --claim use it when the flag is absent\n", cl.Name, cl.ID)
				return nil
			})
		},
	}
}
