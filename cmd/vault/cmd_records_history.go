package main

import (
	"github.com/urfave/cli/v2"

	"vault/vault"
)

// recHistoryJSON is one history entry as history --json prints it.
type recHistoryJSON struct {
	Seq        uint64 `json:"seq"`
	At         string `json:"at"`
	Action     string `json:"action"`
	RecordType string `json:"record_type,omitempty"`
	RecordID   string `json:"record_id,omitempty"`
	Claim      string `json:"claim,omitempty"`
	ClaimID    string `json:"claim_id,omitempty"`
	Note       string `json:"note,omitempty"`
	Before     any    `json:"before,omitempty"`
}

func recHistoryCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "show every change (add, edit, status, remove...), oldest first, after checking the hash chain",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "only the changes to this claim and its items"},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array"},
		},
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "history"); err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				entries, err := v.History()
				if err != nil {
					return err
				}
				names, err := recClaimNames(v)
				if err != nil {
					return err
				}
				recRemovedClaimNames(entries, names)
				claimID := ""
				if c.IsSet("claim") {
					if claimID, err = recHistoryClaim(c, v, names); err != nil {
						return err
					}
				}
				var shown []vault.HistoryEntry
				for _, h := range entries {
					if claimID == "" || h.ClaimID == claimID {
						shown = append(shown, h)
					}
				}
				if c.Bool("json") {
					out := make([]recHistoryJSON, 0, len(shown))
					for _, h := range shown {
						before, err := recBeforeView(h, names)
						if err != nil {
							return err
						}
						out = append(out, recHistoryJSON{Seq: h.Seq, At: recRFC3339(h.At), Action: string(h.Action), RecordType: string(h.RecordType),
							RecordID: h.RecordID, Claim: names[h.ClaimID], ClaimID: h.ClaimID, Note: h.Note, Before: before})
					}
					return recWriteJSON(e.stdout, out)
				}
				w := newTable(e.stdout)
				w.Row("ID", "AT", "ACTION", "TYPE", "CLAIM", "NOTE")
				for _, h := range shown {
					w.Row(h.RecordID, recLocalTime(h.At), string(h.Action), string(h.RecordType), names[h.ClaimID], h.Note)
				}
				return w.Flush()
			})
		},
	}
}

// recHistoryClaim resolves --claim for history: a current claim, or one
// whose removal the history records.
func recHistoryClaim(c *cli.Context, v *vault.Vault, names map[string]string) (string, error) {
	name := c.String("claim")
	for id, n := range names {
		if n == name {
			return id, nil
		}
	}
	_, err := v.ClaimByName(name) // the error suggests the nearest names
	return "", err
}

// recRemovedClaimNames adds to names the claims that were removed, from
// what the history kept of them.
func recRemovedClaimNames(entries []vault.HistoryEntry, names map[string]string) {
	for _, h := range entries {
		if h.RecordType != vault.TypeClaim || names[h.RecordID] != "" {
			continue
		}
		if r, err := vault.BeforeRecord(h); err == nil {
			if c, ok := r.(*vault.Claim); ok {
				names[c.ID] = c.Name
			}
		}
	}
}

// recBeforeView returns the JSON view of what a history entry kept of the
// record before the change, or nil.
func recBeforeView(h vault.HistoryEntry, names map[string]string) (any, error) {
	r, err := vault.BeforeRecord(h)
	if err != nil || r == nil {
		return nil, err
	}
	if c, ok := r.(*vault.Claim); ok {
		return recClaimView(c, nil), nil
	}
	return recItemView(r, names), nil
}
