package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"vault/vault"
)

// recClaimFieldFlags are the flags of a claim's facts, shared by claim new and
// claim set.
func recClaimFieldFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "insurer", Usage: "the insurer (or FSA/HSA administrator)"},
		&cli.StringFlag{Name: "plan", Usage: "plan type: " + strings.Join(vault.Plans(), ", ")},
		&cli.StringFlag{Name: "patient", Usage: "the patient's name"},
		&cli.StringFlag{Name: "patient-dob", Usage: "the patient's date of birth (YYYY-MM-DD), printed on the PDF packet's cover"},
		&cli.StringFlag{Name: "member-id", Usage: "the member ID on the insurance card"},
		&cli.StringFlag{Name: "group", Usage: "the group number"},
		&cli.StringFlag{Name: "provider", Usage: "the rendering provider (therapist)"},
		&cli.StringFlag{Name: "npi", Usage: "the rendering provider's 10-digit NPI"},
		&cli.StringFlag{Name: "license", Usage: "the rendering provider's license number"},
		&cli.StringFlag{Name: "referrer", Usage: "the referring physician"},
		&cli.StringSliceFlag{Name: "diagnosis", Usage: "an ICD-10 code such as M54.50 (repeat for several; claim set replaces the list)"},
	}
}

func recClaimCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "claim",
		Usage: "create, change, list and show claims",
		Subcommands: []*cli.Command{
			recClaimNewCommand(e),
			recClaimSetCommand(e),
			recClaimListCommand(e),
			recClaimShowCommand(e),
			recClaimRmCommand(e),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("unknown claim command %s: use claim new, set, list, show or rm", vault.Quote(c.Args().First()))
			}
			return usagef("give a claim command: claim new, set, list, show or rm")
		},
	}
}

func recClaimNewCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "new",
		Usage:     "create a claim (status draft)",
		ArgsUsage: "NAME",
		Flags: append(recClaimFieldFlags(),
			&cli.StringFlag{Name: "on", Usage: "the day the claim began, its first status date (default today)"}),
		Action: func(c *cli.Context) error {
			name, err := recOneArg(c, "claim new", "a NAME such as back-2026")
			if err != nil {
				return err
			}
			began, err := recDateFlag(c, e, "on")
			if err != nil {
				return err
			}
			dob, err := recOptionalDate(c, e, "patient-dob")
			if err != nil {
				return err
			}
			cl := vault.Claim{Name: name, Insurer: c.String("insurer"), Plan: c.String("plan"), Patient: c.String("patient"),
				MemberID: c.String("member-id"), Group: c.String("group"), Provider: c.String("provider"), NPI: c.String("npi"),
				License: c.String("license"), Referrer: c.String("referrer"), Diagnoses: c.StringSlice("diagnosis")}
			if began != "" {
				cl.StatusHistory = []vault.StatusChange{{Status: vault.StatusDraft, Date: began}}
			}
			if dob != nil {
				cl.PatientDOB = *dob
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				added, err := v.NewClaim(cl)
				if err != nil {
					return recClaimError(err)
				}
				fmt.Fprintf(e.stdout, "Created claim %s (%s), status %s\n", added.Name, added.ID, added.Status)
				return nil
			})
		},
	}
}

// recClaimCodeFlags are the flags of a claim's choices and codes, by the
// JSON field they set: the vault's message about such a value names the
// value, so the error names the flag first ("--plan: unknown plan ...").
var recClaimCodeFlags = map[string]string{"plan": "plan", "npi": "npi", "diagnoses": "diagnosis", "status": "status", "patient_dob": "patient-dob"}

// recClaimError turns a claim field the vault refused (a *vault.FieldError)
// into a usage error, exit status 2: "--FLAG: message" for a choice or a
// code, the message alone otherwise (it names the field: "claim back-2026
// needs an insurer: give --insurer NAME"). The vault package is the one
// place that checks a claim; this only says which flag was wrong.
func recClaimError(err error) error {
	var fe *vault.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	if flag, ok := recClaimCodeFlags[fe.Field]; ok {
		return usagef("--%s: %v", flag, fe.Err)
	}
	return usagef("%v", err)
}

func recClaimSetCommand(e *env) *cli.Command {
	flags := append(recClaimFieldFlags(),
		&cli.StringFlag{Name: "claim-number", Usage: "the insurer's claim number"},
		&cli.StringFlag{Name: "status", Usage: "new status: " + strings.Join(vault.Statuses, ", ")},
		&cli.StringFlag{Name: "on", Usage: "the date of the status change (default today)"},
		&cli.StringFlag{Name: "billed", Usage: "the amount billed, such as 420.00"},
		&cli.StringFlag{Name: "paid", Usage: "the amount paid"},
		&cli.StringFlag{Name: "visits", Usage: "the number of authorised visits"},
		&cli.StringFlag{Name: "filing-limit", Usage: "the plan's timely filing limit in DAYS from the first date of service"},
		&cli.StringFlag{Name: "appeal-by", Usage: "the appeal deadline from the denial letter (YYYY-MM-DD)"},
	)
	return &cli.Command{
		Name:      "set",
		Usage:     "change a claim's facts or status (an empty value clears an optional field)",
		ArgsUsage: "NAME",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			name, err := recOneArg(c, "claim set", "the claim's NAME")
			if err != nil {
				return err
			}
			u, err := recClaimUpdate(c, e)
			if err != nil {
				return err
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				cl, err := v.ClaimByName(name)
				if err != nil {
					return err
				}
				got, changed, err := v.UpdateClaim(cl, u)
				if err != nil {
					return recClaimError(err)
				}
				if !changed {
					fmt.Fprintf(e.stdout, "Claim %s unchanged\n", got.Name)
					return nil
				}
				last := got.StatusHistory[len(got.StatusHistory)-1]
				fmt.Fprintf(e.stdout, "Updated claim %s (%s), status %s since %s\n", got.Name, got.ID, got.Status, last.Date)
				return nil
			})
		},
	}
}

// recClaimUpdate reads claim set's flags.
func recClaimUpdate(c *cli.Context, e *env) (vault.ClaimUpdate, error) {
	var u vault.ClaimUpdate
	text := func(flag string, dst **string) {
		if c.IsSet(flag) {
			s := c.String(flag)
			*dst = &s
		}
	}
	text("insurer", &u.Insurer)
	text("plan", &u.Plan)
	text("patient", &u.Patient)
	text("member-id", &u.MemberID)
	text("group", &u.Group)
	text("claim-number", &u.ClaimNumber)
	text("provider", &u.Provider)
	text("npi", &u.NPI)
	text("license", &u.License)
	text("referrer", &u.Referrer)
	if c.IsSet("diagnosis") {
		u.Diagnoses = append([]string{}, c.StringSlice("diagnosis")...)
	}
	var err error
	for _, a := range []struct {
		flag string
		dst  **vault.Cents
	}{{"billed", &u.Billed}, {"paid", &u.Paid}} {
		if !c.IsSet(a.flag) {
			continue
		}
		if *a.dst, err = recAmountFlag(c, a.flag); err != nil {
			return u, err
		}
		if *a.dst == nil {
			return u, usagef("--%s needs an amount such as 85.00", a.flag)
		}
	}
	for _, n := range []struct {
		flag    string
		dst     **int
		min, mx int
		what    string
	}{{"visits", &u.Visits, 0, 1000, "a number of visits"}, {"filing-limit", &u.FilingLimitDays, 1, 3650, "a number of DAYS"}} {
		if !c.IsSet(n.flag) {
			continue
		}
		var x int
		if _, err := fmt.Sscan(c.String(n.flag), &x); err != nil || fmt.Sprint(x) != strings.TrimSpace(c.String(n.flag)) || x < n.min || x > n.mx {
			return u, usagef("--%s: expected %s from %d to %d, got %s", n.flag, n.what, n.min, n.mx, vault.Quote(c.String(n.flag)))
		}
		*n.dst = &x
	}
	if u.PatientDOB, err = recOptionalDate(c, e, "patient-dob"); err != nil {
		return u, err
	}
	if u.AppealBy, err = recOptionalDate(c, e, "appeal-by"); err != nil {
		return u, err
	}
	if c.IsSet("status") {
		if u.Status, err = vault.ParseStatus(c.String("status")); err != nil {
			return u, usagef("--status: %v", err)
		}
		if u.StatusOn, err = recDateFlag(c, e, "on"); err != nil {
			return u, err
		}
	} else if c.IsSet("on") {
		return u, usagef("--on dates a status change: give --status too")
	}
	if c.NumFlags() == 0 {
		return u, usagef("nothing to change: give flags such as --status S, --claim-number N, --billed AMOUNT (see 'vault claim set --help')")
	}
	return u, nil
}

func recClaimListCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "list",
		Usage:     "list the claims, oldest first",
		ArgsUsage: " ",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print a JSON array"}},
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "claim list"); err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				claims, err := v.Claims()
				if err != nil {
					return err
				}
				sort.SliceStable(claims, func(i, j int) bool { return claims[i].Created.Before(claims[j].Created) })
				items, err := v.Items("")
				if err != nil {
					return err
				}
				byClaim := map[string][]vault.Record{}
				for _, r := range items {
					byClaim[r.ClaimID()] = append(byClaim[r.ClaimID()], r)
				}
				if c.Bool("json") {
					out := []recClaimJSON{}
					for _, cl := range claims {
						out = append(out, recClaimView(cl, byClaim[cl.ID]))
					}
					return recWriteJSON(e.stdout, out)
				}
				if len(claims) == 0 {
					fmt.Fprintln(e.stdout, "No claims yet: create one with 'vault claim new NAME --insurer X'.")
					return nil
				}
				w := newTable(e.stdout)
				w.Row("ID", "CREATED", "NAME", "INSURER", "PLAN", "STATUS", "SINCE", "DOCS", "CALLS", "NOTES", "BILLED", "PAID")
				for _, cl := range claims {
					n := recCountItems(byClaim[cl.ID])
					since := cl.StatusHistory[len(cl.StatusHistory)-1].Date
					w.Row(cl.ID, string(vault.DateOf(cl.Created.Local())), cl.Name, cl.Insurer, cl.Plan, cl.Status, string(since),
						fmt.Sprint(n.Documents), fmt.Sprint(n.Calls), fmt.Sprint(n.Conditions), recAmountCell(cl.Billed), recAmountCell(cl.Paid))
				}
				return w.Flush()
			})
		},
	}
}

// recAmountCell prints an optional amount.
func recAmountCell(c *vault.Cents) string {
	if c == nil {
		return ""
	}
	return c.String()
}

func recClaimRmCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "rm",
		Usage:     "remove a claim that holds no evidence (its export records go with it); the history keeps what it was",
		ArgsUsage: "NAME",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "remove without asking (needed when stdin is not a terminal)"}},
		Action: func(c *cli.Context) error {
			name, err := recOneArg(c, "claim rm", "the claim's NAME")
			if err != nil {
				return err
			}
			return recRemoveClaim(c, e, name)
		},
	}
}

func recClaimShowCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show a claim's facts and status history",
		ArgsUsage: "NAME",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print a JSON object"}},
		Action: func(c *cli.Context) error {
			name, err := recOneArg(c, "claim show", "the claim's NAME")
			if err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				cl, err := v.ClaimByName(name)
				if err != nil {
					return err
				}
				items, err := v.Items(cl.ID)
				if err != nil {
					return err
				}
				if c.Bool("json") {
					return recWriteJSON(e.stdout, recClaimView(cl, items))
				}
				return recPrintClaim(e, cl, items)
			})
		},
	}
}

// recPrintClaim prints a claim for people.
func recPrintClaim(e *env, cl *vault.Claim, items []vault.Record) error {
	w := newTable(e.stdout)
	field := func(k, v string) {
		if v != "" {
			w.Row(k+":", v)
		}
	}
	field("Claim", cl.Name)
	field("ID", cl.ID)
	field("Status", cl.Status)
	field("Insurer", cl.Insurer)
	field("Plan", cl.Plan)
	field("Patient", cl.Patient)
	field("Date of birth", string(cl.PatientDOB))
	field("Member ID", cl.MemberID)
	field("Group", cl.Group)
	field("Claim number", cl.ClaimNumber)
	field("Provider", cl.Provider)
	field("NPI", cl.NPI)
	field("License", cl.License)
	field("Referrer", cl.Referrer)
	field("Diagnoses", strings.Join(cl.Diagnoses, ", "))
	field("Billed", recAmountCell(cl.Billed))
	field("Paid", recAmountCell(cl.Paid))
	if cl.Visits != nil {
		field("Visits", fmt.Sprint(*cl.Visits))
	}
	if cl.FilingLimitDays != nil {
		field("Filing limit", fmt.Sprintf("%d days", *cl.FilingLimitDays))
	}
	field("Appeal by", string(cl.AppealBy))
	n := recCountItems(items)
	field("Items", recPlural(n.Documents, "document", "documents")+", "+recPlural(n.Calls, "call", "calls")+", "+recPlural(n.Conditions, "condition note", "condition notes"))
	field("Created", recLocalTime(cl.Created))
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\nStatus history:")
	w = newTable(e.stdout)
	for _, s := range cl.StatusHistory {
		w.Row("  "+string(s.Date), s.Status)
	}
	return w.Flush()
}
