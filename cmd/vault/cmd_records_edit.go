package main

import (
	"fmt"
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
	}
	flags = append(flags, recCallFlags()...)
	flags = append(flags, recConditionFlags()...)
	return &cli.Command{
		Name:      "edit",
		Usage:     "change an item's metadata (a document's bytes never change; the history keeps what it was)",
		ArgsUsage: "ID",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			id, err := recOneArg(c, "edit", "an ID")
			if err != nil {
				return err
			}
			if err := readTextFiles(c, e, "summary", "promised", "text"); err != nil {
				return err
			}
			var set []string
			for _, f := range flags {
				if name := f.Names()[0]; c.IsSet(name) && !isTextFileFlag(c, name) {
					set = append(set, f.Names()[0])
				}
			}
			if len(set) == 0 {
				return usagef("nothing to change: give the fields to change, such as --title T or --date D (see 'vault edit --help')")
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				r, err := v.Resolve(id, nil)
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
				got, err := v.UpdateItem(changed)
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
		cl, err := recClaimByFlag(c, v)
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
		Usage:     "remove a document (and its bytes), a call, a condition note, or an empty claim; the history keeps its metadata",
		ArgsUsage: "ID",
		Action: func(c *cli.Context) error {
			id, err := recOneArg(c, "rm", "an ID")
			if err != nil {
				return err
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				r, err := v.Resolve(id, nil)
				if err != nil {
					return err
				}
				if err := v.Remove(r); err != nil {
					return err
				}
				what := vault.ItemKind(r)
				switch r := r.(type) {
				case *vault.Claim:
					what = "claim " + r.Name
				case *vault.Document:
					what = fmt.Sprintf("%s %s (%s)", r.Kind, r.RecordID(), recItemTitle(r))
				default:
					what = fmt.Sprintf("%s %s", what, r.RecordID())
				}
				fmt.Fprintf(e.stdout, "Removed %s (the history keeps what it was)\n", what)
				return nil
			})
		},
	}
}
