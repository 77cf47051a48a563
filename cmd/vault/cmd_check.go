package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"vault/vault"
	"vault/vault/check"
)

// checkCommands are check and status.
func checkCommands(e *env) []*cli.Command {
	return []*cli.Command{checkCommand(e), statusCommand(e)}
}

// checkAsOfFlag is the day the checks are run for.
func checkAsOfFlag() cli.Flag {
	return &cli.StringFlag{Name: "as-of", Usage: "run the checks as of this day, YYYY-MM-DD (default today)"}
}

// checkAsOf returns the day of --as-of, today when it is not given.
func checkAsOf(c *cli.Context, e *env) (vault.Date, error) {
	if !c.IsSet("as-of") {
		return vault.DateOf(e.now()), nil
	}
	d, err := vault.ParseDate(c.String("as-of"), e.now())
	if err != nil {
		return "", usagef("--as-of: %v", err)
	}
	return d, nil
}

// findingsError makes `vault check` exit with status 1 when it finds an
// error-level problem; the findings themselves are already printed.
type findingsError struct {
	claim  string
	errors int
	json   bool // the findings went out as JSON
}

func (e findingsError) Error() string {
	msg := fmt.Sprintf("claim %s has %s to fix", e.claim, recPlural(e.errors, "error", "errors"))
	if !e.json {
		msg += " (see above)"
	}
	return msg
}

// ExitCode implements cli.ExitCoder.
func (e findingsError) ExitCode() int { return 1 }

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "say what a claim is missing and what is due: errors first, each with what to do",
		ArgsUsage: " ",
		Description: "Runs every check on one claim (see docs/CHECKS.md) and prints the findings, errors first.\n" +
			"Exit status 0 when there is no error-level finding, 1 otherwise.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "the claim to check (required)"},
			checkAsOfFlag(),
			&cli.BoolFlag{Name: "json", Usage: `print {"claim", "as_of", "findings": [{"check", "severity", "message", "ids"}]}`},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("check takes no arguments: give the claim with --claim NAME")
			}
			if !recClaimGiven(c, e) {
				return usagef("check needs --claim NAME (see 'vault claim list'), or a current claim ('vault use NAME')")
			}
			day, err := checkAsOf(c, e)
			if err != nil {
				return err
			}
			v, err := openVault(c, e, true)
			if err != nil {
				return err
			}
			defer maintCloseVault(e, v)
			claim, err := recClaimByFlag(c, e, v)
			if err != nil {
				return err
			}
			items, err := v.Items(claim.ID)
			if err != nil {
				return fmt.Errorf("read claim %s: %w", claim.Name, err)
			}
			s := check.Summarize(claim, items, day)
			if c.Bool("json") {
				err = writeCheckJSON(e.stdout, claim, day, s.Findings)
			} else {
				err = writeCheckText(e.stdout, claim, day, s.Findings, s.Next)
			}
			if err != nil {
				return err
			}
			if s.Errors > 0 {
				return findingsError{claim: claim.Name, errors: s.Errors, json: c.Bool("json")}
			}
			return nil
		},
	}
}

func statusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "one line per claim: status, evidence, amounts, next deadline, errors and warnings",
		ArgsUsage: " ",
		Description: "Lists every claim, soonest deadline first (claims with none last), with the number of\n" +
			"errors and warnings 'vault check' finds.",
		Flags: []cli.Flag{
			checkAsOfFlag(),
			&cli.BoolFlag{Name: "json", Usage: `print an array of {"name", "insurer", "status", "next_deadline", "errors", "warnings", "billed", "paid"}`},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("status takes no arguments (see 'vault check --claim NAME' for one claim)")
			}
			day, err := checkAsOf(c, e)
			if err != nil {
				return err
			}
			v, err := openVault(c, e, true)
			if err != nil {
				return err
			}
			defer maintCloseVault(e, v)
			claims, err := v.Claims()
			if err != nil {
				return fmt.Errorf("read claims: %w", err)
			}
			all, err := v.Items("")
			if err != nil {
				return fmt.Errorf("read claims: %w", err)
			}
			byClaim := map[string][]vault.Record{}
			for _, r := range all {
				byClaim[r.ClaimID()] = append(byClaim[r.ClaimID()], r)
			}
			sums := make([]check.Summary, 0, len(claims))
			for _, cl := range claims {
				sums = append(sums, check.Summarize(cl, byClaim[cl.ID], day))
			}
			check.SortSummaries(sums)
			if c.Bool("json") {
				return writeStatusJSON(e.stdout, sums)
			}
			if err := writeStatusText(e.stdout, sums, day); err != nil {
				return err
			}
			return statusCurrentClaim(c, e, v)
		},
	}
}

// statusCurrentClaim says which claim is the current one ('vault use').
func statusCurrentClaim(c *cli.Context, e *env, v *vault.Vault) error {
	id, err := recCurrentClaimID(c, e)
	if err != nil || id == "" {
		return err
	}
	if r, err := v.Record(id); err == nil {
		if cl, ok := r.(*vault.Claim); ok {
			fmt.Fprintf(e.stdout, "\nCurrent claim: %s (commands without --claim use it; 'vault use --clear' forgets it)\n", cl.Name)
			return nil
		}
	}
	fmt.Fprintln(e.stdout, "\nThe current claim set with 'vault use' is no longer in this vault: choose one with 'vault use NAME'")
	return nil
}
