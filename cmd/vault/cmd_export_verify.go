package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/export"
)

// bundleFailed reports a bundle that fails verification (exit status 1);
// its problems are already printed, one per line.
type bundleFailed struct {
	path     string
	problems int
}

// Error implements error.
func (b bundleFailed) Error() string {
	return fmt.Sprintf("%s failed verification: %s", b.path, recPlural(b.problems, "problem", "problems"))
}

func expVerifyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "verify-bundle",
		Usage:     "check an exported bundle: every file present with its hash and size, nothing unlisted, the signature",
		ArgsUsage: "BUNDLE.zip | PACKET.pdf",
		Description: "Needs no vault and no passphrase: anyone with the bundle can run it. A PDF packet's attached files\n" +
			"are checked the same way, against its attached manifest.json and signature (the integrity page\n" +
			"shows the same list). Each problem is printed on\n" +
			"its own line; the exit status is 0 only when there is none.\n" +
			"With --vault PATH on the command line (VAULT_PATH alone does not count) it also opens that vault\n" +
			"(read-only, with the passphrase) and says whether this vault signed the bundle and whether the\n" +
			"bundle is in its export history.",
		Action: func(c *cli.Context) error {
			switch c.NArg() {
			case 0:
				return usagef("verify-bundle needs the bundle: vault verify-bundle BUNDLE.zip")
			case 1:
			default:
				return usagef("verify-bundle takes one bundle, got %d arguments", c.NArg())
			}
			path := c.Args().First()
			res, err := expVerifyFile(path)
			if err != nil {
				var pe *os.PathError
				if errors.As(err, &pe) {
					return fmt.Errorf("cannot read %s: %v", path, pe.Err)
				}
				return err
			}
			problems := res.Problems
			var vaultLines []string
			if expVaultTyped(c) {
				lines, vp, err := expCheckAgainstVault(c, e, res)
				if err != nil {
					return err
				}
				vaultLines, problems = lines, append(problems, vp...)
			}
			if len(problems) > 0 {
				for _, p := range problems {
					fmt.Fprintf(e.stdout, "problem: %s\n", p)
				}
				return bundleFailed{path: path, problems: len(problems)}
			}
			expPrintVerified(e, path, res)
			for _, l := range vaultLines {
				fmt.Fprintf(e.stdout, "  %s\n", l)
			}
			return nil
		},
	}
}

// expVaultTyped reports whether --vault was typed on the command line:
// VAULT_PATH is usually set in the environment, so only the flag itself
// shows that the user wants the bundle checked against a vault, even when
// it names the vault VAULT_PATH names. run() records the command line as
// typed (typedArgs).
func expVaultTyped(c *cli.Context) bool {
	args, _ := typedArgs(c)
	return flagTyped(args, "vault")
}

// expPrintVerified describes a bundle that passed every check.
func expPrintVerified(e *env, path string, res *bundle.Result) {
	m := res.Manifest
	fmt.Fprintf(e.stdout, "%s: OK\n", path)
	claim := m.Claim.Name
	if m.Claim.ClaimNumber != "" {
		claim += ", claim number " + m.Claim.ClaimNumber
	}
	fmt.Fprintf(e.stdout, "  claim %s (%s)\n", recCleanCell(claim), recCleanCell(m.Claim.Insurer))
	if r := m.Request; r != nil {
		due := ""
		if r.Due != "" {
			due = ", due " + r.Due
		}
		fmt.Fprintf(e.stdout, "  answers request %s (received %s%s)\n", recCleanCell(r.ID), recCleanCell(r.Received), recCleanCell(due))
	}
	fmt.Fprintf(e.stdout, "  %s, each present with its SHA-256 and size; no file unlisted\n", recPlural(len(m.Files), "file", "files"))
	if n := len(m.Missing); n > 0 {
		fmt.Fprintf(e.stdout, "  lists %s as missing\n", recPlural(n, "item", "items"))
	}
	fmt.Fprintf(e.stdout, "  signed by key %s on %s\n", res.Fingerprint(), m.GeneratedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	fmt.Fprintf(e.stdout, "  bundle SHA-256 %s\n", res.SHA256)
}

// expCheckAgainstVault opens the vault read-only and says whether it signed
// the bundle and whether the bundle is in its export history.
func expCheckAgainstVault(c *cli.Context, e *env, res *bundle.Result) (lines, problems []string, err error) {
	v, err := openVault(c, e, true)
	if err != nil {
		return nil, nil, err
	}
	defer maintCloseVault(e, v)
	key := ed25519.NewKeyFromSeed(v.Keys().Signing)
	defer clear(key)
	pub := key.Public().(ed25519.PublicKey)
	if res.PublicKey != nil && res.PublicKey.Equal(pub) {
		lines = append(lines, "signed by this vault ("+v.Path()+")")
	} else {
		problems = append(problems, fmt.Sprintf("not signed by this vault: the vault's key is %s", bundle.Fingerprint(pub)))
	}
	exports, err := export.Exports(v, "")
	if err != nil {
		return nil, nil, err
	}
	names, err := recClaimNames(v)
	if err != nil {
		return nil, nil, err
	}
	var byID *vault.Export
	for _, x := range exports {
		if x.BundleSHA256 == res.SHA256 {
			lines = append(lines, fmt.Sprintf("in this vault's export history: export %s of claim %s, made %s to %s",
				x.ID, names[x.Claim], recLocalTime(x.At), x.Output))
			return lines, problems, nil
		}
		if res.Manifest != nil && x.ID == res.Manifest.ExportID {
			byID = x
		}
	}
	if byID != nil {
		problems = append(problems, fmt.Sprintf("export %s is in this vault's history with another bundle SHA-256 (%s): this file is not the bundle that was exported",
			byID.ID, byID.BundleSHA256))
	} else {
		problems = append(problems, "not in this vault's export history")
	}
	return lines, problems, nil
}
