package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"vault/vault"
	"vault/vault/check"
	"vault/vault/export"
)

func expRequestCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "request",
		Usage: "record an insurer's request for documents, and list requests",
		Subcommands: []*cli.Command{
			expRequestAddCommand(e),
			expRequestListCommand(e),
		},
	}
}

func expRequestAddCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "add",
		Usage:     "record what an insurer's letter asks for, and by when",
		ArgsUsage: " ",
		Description: "The request selects items as 'vault export' does (--kind, --from, --to, --on, --id);\n" +
			"'vault export --request RID' answers it with exactly those items and marks it answered.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "the claim's NAME (required)"},
			&cli.StringFlag{Name: "received", Usage: "the day the request arrived (default today)"},
			&cli.StringFlag{Name: "due", Usage: "the day the answer is due"},
		}, append(textFlag("note", "what the letter asks, in its words"), expSelectionFlags()...)...),
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "request add"); err != nil {
				return err
			}
			if err := readTextFiles(c, e, "note"); err != nil {
				return err
			}
			if !recClaimGiven(c, e) {
				return usagef("give the claim with --claim NAME (see 'vault claim list'), or choose one with 'vault use NAME'")
			}
			sel, err := expSelection(c, e)
			if err != nil {
				return err
			}
			r := vault.Request{Kinds: sel.Kinds, From: sel.From, To: sel.To, On: sel.On, IDs: sel.IDs, Note: c.String("note")}
			if r.Received, err = recDateFlag(c, e, "received"); err != nil {
				return err
			}
			if r.Due, err = recDateFlag(c, e, "due"); err != nil {
				return err
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				cl, err := recClaimByFlag(c, e, v)
				if err != nil {
					return err
				}
				added, err := export.AddRequest(v, cl, r)
				if err != nil {
					return err
				}
				due := ""
				if added.Due != "" {
					due = ", due " + string(added.Due)
				}
				fmt.Fprintf(e.stdout, "Added request %s to %s: received %s%s, asks for %s\n", added.ID, cl.Name, added.Received, due,
					export.RequestSelection(added).Describe())
				fmt.Fprintf(e.stdout, "Answer it with: vault export --request %s -o %s-request-%s.zip\n", added.ID, cl.Name, added.ID)
				return nil
			})
		},
	}
}

func expRequestListCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "list",
		Usage:     "list insurer requests: what they ask for, when due, whether answered",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "only this claim's requests"},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array"},
		},
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "request list"); err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				claimID, err := recClaimFilter(c, e, v)
				if err != nil {
					return err
				}
				today := vault.DateOf(e.now())
				list, err := export.Requests(v, claimID, today)
				if err != nil {
					return err
				}
				names, err := recClaimNames(v)
				if err != nil {
					return err
				}
				if c.Bool("json") {
					return recWriteJSON(e.stdout, expRequestsJSON(list, names))
				}
				if len(list) == 0 {
					fmt.Fprintln(e.stdout, "No requests: record one with 'vault request add --claim NAME --due DATE --kind K ...'.")
					return nil
				}
				w := newTable(e.stdout)
				w.Row("ID", "RECEIVED", "DUE", "CLAIM", "STATUS", "ASKS FOR")
				for _, st := range list {
					r := st.Request
					w.Row(r.ID, string(r.Received), string(r.Due), names[r.Claim], expRequestStatus(st.State, today),
						export.RequestSelection(r).Describe())
				}
				return w.Flush()
			})
		},
	}
}

// expRequestStatus is a request's STATUS cell: "answered by EXPORT", or
// "open" or "overdue" with when it is due ("open (due in 29 days)"), saying
// when the due date is the default one.
func expRequestStatus(s check.RequestState, today vault.Date) string {
	switch {
	case s.Status == check.RequestAnswered:
		return "answered by " + s.AnsweredBy
	case s.Due == "":
		return s.Status
	}
	when := check.Relative(today, s.Due)
	if s.Defaulted {
		when += fmt.Sprintf(", %d days from receipt", check.RequestAnswerDays)
	}
	return s.Status + " (due " + when + ")"
}
