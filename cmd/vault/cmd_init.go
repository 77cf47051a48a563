package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// kdfFlags are the key derivation flags; base is what applies when they are
// absent (the recommended setting, or the vault's current one for passwd),
// printed as each flag's default.
func kdfFlags(base string) []cli.Flag {
	def := crypto.DefaultKDF()
	mem, passes := fmt.Sprint(def.MemoryKiB/1024), fmt.Sprint(def.Time)
	if base != "" {
		mem, passes = base, base
	}
	return []cli.Flag{
		&cli.UintFlag{Name: "kdf-memory", Usage: "Argon2id memory in MiB (at least 8)", DefaultText: mem},
		&cli.UintFlag{Name: "kdf-time", Usage: "Argon2id passes (at least 1)", DefaultText: passes},
	}
}

// kdfFromFlags returns the KDF parameters asked for, base when none is set,
// warning on stderr when they are below the recommended setting.
func kdfFromFlags(c *cli.Context, e *env, base crypto.KDFParams) (crypto.KDFParams, error) {
	p := base
	if c.IsSet("kdf-memory") {
		mib := c.Uint("kdf-memory")
		if mib > uint(crypto.MaxKDF().MemoryKiB/1024) {
			return p, usagef("--kdf-memory %d is above the limit of %d MiB", mib, crypto.MaxKDF().MemoryKiB/1024)
		}
		p.MemoryKiB = uint32(mib) * 1024
	}
	if c.IsSet("kdf-time") {
		p.Time = uint32(min(c.Uint("kdf-time"), 1<<20))
	}
	if err := p.Check(); err != nil {
		return p, usagef("%v: use --kdf-memory 8 to %d (MiB) and --kdf-time 1 to %d", err, crypto.MaxKDF().MemoryKiB/1024, crypto.MaxKDF().Time)
	}
	if p.Weaker() {
		fmt.Fprintf(e.stderr, "vault: warning: key derivation of %d MiB / %d passes is below the recommended %d MiB / %d passes: the passphrase is easier to guess\n",
			p.MemoryKiB/1024, p.Time, crypto.DefaultKDF().MemoryKiB/1024, crypto.DefaultKDF().Time)
	}
	return p, nil
}

func initCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "create a new vault and print its recovery code",
		ArgsUsage: " ",
		Flags:     kdfFlags(""),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("init takes no arguments (give the file with --vault PATH)")
			}
			path, err := vaultPath(c, e)
			if err != nil {
				return err
			}
			if _, err := os.Lstat(path); err == nil {
				return fmt.Errorf("a file already exists at %s: nothing was changed (choose another --vault PATH)", path)
			}
			kdf, err := kdfFromFlags(c, e, crypto.DefaultKDF())
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return fmt.Errorf("create the vault's folder: %w", unwrapPathError(err))
			}
			pass, err := readPassphrase(c, e, "New passphrase: ", true)
			if err != nil {
				return err
			}
			defer clear(pass)
			code, err := vault.Init(path, pass, vault.InitOptions{KDF: kdf, Now: e.now})
			if errors.Is(err, store.ErrExists) {
				return fmt.Errorf("a file already exists at %s: nothing was changed (choose another --vault PATH)", path)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Created vault %s\n", path)
			fmt.Fprintf(e.stdout, "Recovery code: %s\n", code)
			fmt.Fprintln(e.stdout, "Keep the recovery code offline (on paper, in a safe place): it unlocks the vault if you forget the passphrase, and it is not shown again.")
			return nil
		},
	}
}

func passwdCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "passwd",
		Usage:     "change the passphrase (with the old one, or with the recovery code)",
		ArgsUsage: " ",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "new-passphrase-file", Usage: "read the new passphrase from the first line of this file"},
			&cli.StringFlag{Name: "recovery-code-file", Usage: "unlock with the recovery code in this file instead of the old passphrase"},
		}, kdfFlags("the vault's current setting")...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("passwd takes no arguments")
			}
			path, err := vaultPath(c, e)
			if err != nil {
				return err
			}
			if err := checkVaultFile(path); err != nil {
				return err
			}
			var secret vault.Secret
			if f := c.String("recovery-code-file"); f != "" {
				if secret.RecoveryCode, err = readSecretFile(f, "recovery code"); err != nil {
					return err
				}
			} else if secret.Passphrase, err = readPassphrase(c, e, "Current passphrase: ", false); err != nil {
				return err
			}
			defer clear(secret.Passphrase)
			defer clear(secret.RecoveryCode)
			v, err := vault.Open(path, secret, openOptions(c, e, false))
			if err != nil {
				return openError(path, err)
			}
			maintWarnRollback(e, v)
			defer maintCloseVault(e, v)
			var kdf crypto.KDFParams
			if c.IsSet("kdf-memory") || c.IsSet("kdf-time") {
				if kdf, err = kdfFromFlags(c, e, v.KDF()); err != nil {
					return err
				}
			}
			var newPass []byte
			if f := c.String("new-passphrase-file"); f != "" {
				newPass, err = readSecretFile(f, "new passphrase")
			} else {
				newPass, err = promptSecret(e, "New passphrase: ", true, "give --new-passphrase-file FILE")
			}
			if err != nil {
				return err
			}
			defer clear(newPass)
			if err := v.ChangePassphrase(newPass, kdf); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "Passphrase changed; the old passphrase no longer opens the vault.")
			return nil
		},
	}
}
