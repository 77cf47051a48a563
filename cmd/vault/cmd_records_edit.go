package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"vault/vault"
)

// recEditFlags lists which edit flags apply to which record type.
var recEditFlags = map[vault.Type][]string{
	vault.TypeDocument:  {"claim", "kind", "date", "title", "amount", "cpt", "valid-until", "name"},
	vault.TypeCall:      {"claim", "rep", "summary", "ref", "at", "party", "phone", "duration", "promised", "follow-up"},
	vault.TypeCondition: {"claim", "phase", "date", "pain", "measure", "text"},
}

func recEditCommand(e *env) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "claim", Usage: "move the item to this claim"},
		&cli.StringFlag{Name: "kind", Usage: "a document's kind"},
		&cli.StringFlag{Name: "title", Usage: "a document's title"},
		&cli.StringFlag{Name: "amount", Usage: "a receipt's amount (\"\" clears it)"},
		recRepeatable("cpt", "a receipt's CPT codes, replacing them (--cpt \"\" clears them)"),
		&cli.StringFlag{Name: "valid-until", Usage: "a letter's valid-until date (\"\" clears it)"},
		&cli.StringFlag{Name: "name", Usage: "a document's original file name"},
		&cli.BoolFlag{Name: "allow-duplicate", Usage: "with --claim: move a document into a claim that already holds the same bytes"},
	}
	flags = append(flags, recCallFlags()...)
	flags = append(flags, recConditionFlags()...)
	return &cli.Command{
		Name:      "edit",
		Usage:     "change an item's metadata (a document's bytes never change; the history keeps what it was)",
		ArgsUsage: "ID | last",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			id, err := recOneArg(c, "edit", "an ID (or last)")
			if err != nil {
				return err
			}
			if err := readTextFiles(c, e, "summary", "promised", "text"); err != nil {
				return err
			}
			var set []string
			for _, f := range flags {
				if name := f.Names()[0]; c.IsSet(name) && !isTextFileFlag(c, name) && name != "allow-duplicate" {
					set = append(set, f.Names()[0])
				}
			}
			if c.Bool("allow-duplicate") && !c.IsSet("claim") {
				return usagef("--allow-duplicate applies to a move: give --claim NAME too")
			}
			if len(set) == 0 {
				return usagef("nothing to change: give the fields to change, such as --title T or --date D (see 'vault edit --help')")
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				r, err := recResolveItem(c, e, v, id)
				if err != nil {
					return err
				}
				if cl, ok := r.(*vault.Claim); ok {
					return fmt.Errorf("%s is the claim %s: change it with 'vault claim set %s'", cl.ID, cl.Name, cl.Name)
				}
				allowed, ok := recEditFlags[r.RecordType()]
				if !ok {
					return fmt.Errorf("%s is a %s, which is not edited with 'vault edit'", r.RecordID(), r.RecordType())
				}
				for _, f := range set {
					if !slices.Contains(allowed, f) {
						return usagef("--%s does not apply to %s, a %s: use %s", f, r.RecordID(), vault.ItemKind(r), "--"+strings.Join(allowed, ", --"))
					}
				}
				changed, err := recApplyEdit(c, e, v, r)
				if err != nil {
					return err
				}
				got, err := v.UpdateItemWith(changed, vault.EditOptions{AllowDuplicate: c.Bool("allow-duplicate")})
				if err != nil {
					return recFieldError(err)
				}
				if len(got) == 0 {
					fmt.Fprintf(e.stdout, "%s unchanged\n", r.RecordID())
					return nil
				}
				fmt.Fprintf(e.stdout, "Edited %s %s: changed %s (the history keeps what it was)\n", vault.ItemKind(changed), r.RecordID(), strings.Join(got, ", "))
				return nil
			})
		},
	}
}

// recApplyEdit returns a changed copy of an item, from the flags set.
func recApplyEdit(c *cli.Context, e *env, v *vault.Vault, r vault.Record) (vault.Record, error) {
	claimID := r.ClaimID()
	if c.IsSet("claim") {
		cl, err := recClaimByFlag(c, e, v)
		if err != nil {
			return nil, err
		}
		claimID = cl.ID
	}
	switch r := r.(type) {
	case *vault.Document:
		d := *r
		d.CPT = slices.Clone(r.CPT)
		d.Claim = claimID
		if c.IsSet("kind") {
			k, err := vault.ParseKind(c.String("kind"))
			if err != nil {
				return nil, usagef("--kind: %v", err)
			}
			d.Kind = k
		}
		if c.IsSet("date") {
			date, err := recDateFlag(c, e, "date")
			if err != nil {
				return nil, err
			}
			d.Date = date
		}
		// The vault trims the title and keeps the file name's base name.
		if c.IsSet("title") {
			d.Title = c.String("title")
		}
		if c.IsSet("name") {
			d.FileName = c.String("name")
		}
		if c.IsSet("amount") {
			a, err := recAmountFlag(c, "amount")
			if err != nil {
				return nil, err
			}
			d.Amount = a
		}
		if c.IsSet("cpt") {
			d.CPT = nil
			for _, s := range recMultiValues(c, "cpt") {
				if strings.TrimSpace(s) == "" {
					continue
				}
				l, err := vault.ParseCPT(s)
				if err != nil {
					return nil, usagef("--cpt: %v", err)
				}
				d.CPT = append(d.CPT, l)
			}
		}
		if c.IsSet("valid-until") {
			vu, err := recOptionalDate(c, e, "valid-until")
			if err != nil {
				return nil, err
			}
			d.ValidUntil = *vu
		}
		return &d, nil
	case *vault.Call:
		call := *r
		call.Claim = claimID
		if err := recApplyCallFlags(c, e, &call); err != nil {
			return nil, err
		}
		return &call, nil
	case *vault.Condition:
		cond := *r
		cond.Measures = slices.Clone(r.Measures)
		cond.Claim = claimID
		if err := recApplyConditionFlags(c, e, &cond); err != nil {
			return nil, err
		}
		return &cond, nil
	}
	return nil, fmt.Errorf("%s cannot be edited", r.RecordID())
}

func recRmCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "rm",
		Usage:     "remove a document (and its bytes), a call, a condition note, or a claim without evidence (by NAME or ID); the history keeps its metadata",
		ArgsUsage: "ID | last | CLAIM-NAME",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "remove without asking (needed when stdin is not a terminal)"},
			recLastClaimFlag(),
		},
		Action: func(c *cli.Context) error {
			id, err := recOneArg(c, "rm", "an ID (or last, or a claim's NAME)")
			if err != nil {
				return err
			}
			return recRemove(c, e, id)
		},
	}
}

// recRemove removes the record arg names, after the user confirms on a
// terminal (or gave --yes).
func recRemove(c *cli.Context, e *env, arg string) error {
	return recRemoveWith(c, e, func(v *vault.Vault) (vault.Record, error) { return recResolveItem(c, e, v, arg) })
}

// recRemoveClaim removes the claim of that name (claim rm).
func recRemoveClaim(c *cli.Context, e *env, name string) error {
	return recRemoveWith(c, e, func(v *vault.Vault) (vault.Record, error) { return v.ClaimByName(name) })
}

// recRemoveWith removes the record find returns, after the user confirms.
func recRemoveWith(c *cli.Context, e *env, find func(*vault.Vault) (vault.Record, error)) error {
	if !c.Bool("yes") && !e.stdinIsTerminal {
		return usagef("rm removes for good (the history keeps only the metadata): give --yes to confirm, as stdin is not a terminal")
	}
	return recWithVault(c, e, false, func(v *vault.Vault) error {
		r, err := find(v)
		if err != nil {
			return err
		}
		what := recRemovedWhat(r)
		if !c.Bool("yes") {
			ok, err := recConfirm(e, fmt.Sprintf("Remove %s? The history keeps its metadata; a document's bytes are gone. [y/N] ", what))
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(e.stdout, "Nothing was removed")
				return nil
			}
		}
		if err := v.Remove(r); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Removed %s (the history keeps what it was)\n", what)
		return nil
	})
}

// recRemovedWhat names a record in rm's question and answer: its kind, ID,
// date and title.
func recRemovedWhat(r vault.Record) string {
	switch r := r.(type) {
	case *vault.Claim:
		return "claim " + r.Name
	case *vault.Document:
		return fmt.Sprintf("%s %s of %s (%s)", r.Kind, r.RecordID(), r.Date, recItemTitle(r))
	case *vault.Call:
		return fmt.Sprintf("call %s of %s (%s)", r.RecordID(), recCallTime(r.At), recItemTitle(r))
	case *vault.Condition:
		return fmt.Sprintf("condition note %s of %s (%s)", r.RecordID(), r.Date, recItemTitle(r))
	}
	return fmt.Sprintf("%s %s", vault.ItemKind(r), r.RecordID())
}

// recConfirm asks a yes/no question on stderr and reads the answer from
// stdin (a terminal); anything but y or yes is no.
func recConfirm(e *env, question string) (bool, error) {
	fmt.Fprint(e.stderr, oneLine(question)+" ")
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 1024)).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(e.stderr)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// recLastClaimFlag is --claim of the commands that take last.
func recLastClaimFlag() cli.Flag {
	return &cli.StringFlag{Name: "claim", Usage: "with last: the claim to look in (default: the current claim, else every claim)"}
}

// recResolveItem finds the record a command names: an ID, last (the item
// filed last in --claim's claim when the command has that flag for it, else
// the current claim, else the whole vault) or a claim's name.
func recResolveItem(c *cli.Context, e *env, v *vault.Vault, arg string) (vault.Record, error) {
	claimID := ""
	if strings.EqualFold(strings.TrimSpace(arg), vault.LastItem) {
		var err error
		if c.Command.Name != "edit" { // edit's --claim moves the item
			claimID, err = recClaimFilter(c, e, v)
		} else if cl, cerr := recCurrentClaim(c, e, v); cerr != nil {
			err = cerr
		} else if cl != nil {
			claimID = cl.ID
		}
		if err != nil {
			return nil, err
		}
	}
	return v.ResolveItem(arg, claimID)
}
