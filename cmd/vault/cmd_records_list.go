package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"vault/vault"
)

// recFilterFlags are the flags that select items.
func recFilterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "claim", Usage: "only this claim's items"},
		&cli.StringSliceFlag{Name: "kind", Usage: "only items of this kind (repeat for several): a document kind, call or condition"},
		&cli.StringFlag{Name: "from", Usage: "only items dated on or after this date"},
		&cli.StringFlag{Name: "to", Usage: "only items dated on or before this date"},
		&cli.BoolFlag{Name: "json", Usage: "print a JSON array"},
	}
}

// recFilter reads the filter flags (kinds and dates checked before the
// vault is opened; the claim resolved in it).
func recFilter(c *cli.Context, e *env) (vault.Filter, error) {
	var f vault.Filter
	for _, k := range c.StringSlice("kind") {
		kind, err := vault.ParseItemKind(k)
		if err != nil {
			return f, usagef("--kind: %v", err)
		}
		f.Kinds = append(f.Kinds, kind)
	}
	var err error
	if f.From, err = recDateFlag(c, e, "from"); err != nil {
		return f, err
	}
	if f.To, err = recDateFlag(c, e, "to"); err != nil {
		return f, err
	}
	if err := f.Check(); err != nil {
		return f, usagef("%v", err)
	}
	return f, nil
}

func recListCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "list",
		Usage:     "list documents, calls and condition notes by date, newest last",
		ArgsUsage: " ",
		Flags:     recFilterFlags(),
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "list"); err != nil {
				return err
			}
			f, err := recFilter(c, e)
			if err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				if f.ClaimID, err = recClaimFilter(c, e, v); err != nil {
					return err
				}
				items, err := v.List(f)
				if err != nil {
					return err
				}
				names, err := recClaimNames(v)
				if err != nil {
					return err
				}
				if c.Bool("json") {
					out := make([]any, 0, len(items))
					for _, r := range items {
						out = append(out, recItemView(r, names))
					}
					return recWriteJSON(e.stdout, out)
				}
				return recPrintList(e.stdout, items, names)
			})
		},
	}
}

// recPrintList prints items as the table of `vault list`, or "No items.".
func recPrintList(w io.Writer, items []vault.Record, names map[string]string) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, "No items.")
		return err
	}
	t := newTable(w)
	t.Grow(len(items)+1, 6)
	t.Row("ID", "DATE", "CLAIM", "KIND", "TITLE", "DETAILS")
	for _, r := range items {
		t.Row(r.RecordID(), string(vault.ItemDate(r)), names[r.ClaimID()], vault.ItemKind(r), vault.Shorten(recItemTitle(r), 50), recItemDetails(r))
	}
	return t.Flush()
}

// recItemDetails is the list's last column: a receipt's amount, a letter's
// validity, a call's representative and reference, a note's measures.
func recItemDetails(r vault.Record) string {
	// Built in one buffer: it is computed for every row of a listing.
	b := make([]byte, 0, 64)
	sep := func() {
		if len(b) > 0 {
			b = append(b, ", "...)
		}
	}
	switch r := r.(type) {
	case *vault.Document:
		if r.Amount != nil {
			b = r.Amount.Append(b)
		}
		if r.ValidUntil != "" {
			sep()
			b = append(append(b, "valid until "...), r.ValidUntil...)
		}
		if r.FileName != "" && r.FileName != r.Title && strings.TrimSuffix(r.FileName, filepath.Ext(r.FileName)) != r.Title {
			sep()
			b = append(b, r.FileName...)
		}
	case *vault.Call:
		b = append(b, r.Rep...)
		if r.Party != "" {
			b = append(append(append(b, " ("...), r.Party...), ')')
		}
		if r.Ref == "" {
			b = append(b, ", no ref"...)
		} else {
			b = append(append(b, ", ref "...), r.Ref...)
		}
		if r.FollowUp != "" {
			b = append(append(b, ", follow up "...), r.FollowUp...)
		}
	case *vault.Condition:
		for _, m := range r.Measures {
			sep()
			b = append(append(append(b, m.Name...), '='), m.Value...)
		}
	}
	return string(b)
}

func recSearchCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "find items whose titles, notes, call summaries and promises, condition text or text documents contain TEXT (ignoring case)",
		ArgsUsage: "TEXT",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "only this claim's items"},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("search needs the TEXT to find")
			}
			text := strings.Join(c.Args().Slice(), " ")
			if strings.TrimSpace(text) == "" {
				return usagef("search needs the TEXT to find")
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				var f vault.Filter
				var err error
				if f.ClaimID, err = recClaimFilter(c, e, v); err != nil {
					return err
				}
				hits, err := v.Search(text, f)
				if err != nil {
					return err
				}
				names, err := recClaimNames(v)
				if err != nil {
					return err
				}
				if c.Bool("json") {
					out := make([]json.RawMessage, 0, len(hits))
					for _, h := range hits {
						b, err := recHitJSON(h, names)
						if err != nil {
							return err
						}
						out = append(out, b)
					}
					return recWriteJSON(e.stdout, out)
				}
				if len(hits) == 0 {
					fmt.Fprintln(e.stdout, "Nothing found.")
					return nil
				}
				w := newTable(e.stdout)
				w.Row("ID", "DATE", "CLAIM", "KIND", "TITLE", "FOUND IN", "EXCERPT")
				for _, h := range hits {
					r := h.Item
					w.Row(r.RecordID(), string(vault.ItemDate(r)), names[r.ClaimID()], vault.ItemKind(r), vault.Shorten(recItemTitle(r), 40),
						strings.Join(h.Fields, ","), h.Snippet)
				}
				return w.Flush()
			})
		},
	}
}

// recHitJSON is an item's JSON view with "matches" (where the text was
// found) and "snippet" added.
func recHitJSON(h vault.Hit, names map[string]string) (json.RawMessage, error) {
	b, err := json.Marshal(recItemView(h.Item, names))
	if err != nil {
		return nil, err
	}
	extra, err := json.Marshal(struct {
		Matches []string `json:"matches"`
		Snippet string   `json:"snippet"`
	}{h.Fields, h.Snippet})
	if err != nil {
		return nil, err
	}
	// Splice {"a":...} and {"matches":...} into one object.
	out := append(b[:len(b)-1:len(b)-1], ',')
	return append(out, extra[1:]...), nil
}

func recShowCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show one record (document, call, condition note, claim...) by its ID, or the item filed last",
		ArgsUsage: "ID | last",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print a JSON object"},
			recLastClaimFlag(),
		},
		Action: func(c *cli.Context) error {
			id, err := recOneArg(c, "show", "an ID (or last)")
			if err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				r, err := recResolveItem(c, e, v, id)
				if err != nil {
					return err
				}
				names, err := recClaimNames(v)
				if err != nil {
					return err
				}
				if cl, ok := r.(*vault.Claim); ok {
					items, err := v.Items(cl.ID)
					if err != nil {
						return err
					}
					if c.Bool("json") {
						return recWriteJSON(e.stdout, recClaimView(cl, items))
					}
					return recPrintClaim(e, cl, items)
				}
				if c.Bool("json") {
					return recWriteJSON(e.stdout, recItemView(r, names))
				}
				return recPrintItem(e, r, names)
			})
		},
	}
}

// recPrintItem prints one item for people, one field a line.
func recPrintItem(e *env, r vault.Record, names map[string]string) error {
	w := newTable(e.stdout)
	field := func(k, v string) {
		if v != "" {
			w.Row(k+":", v)
		}
	}
	field("ID", r.RecordID())
	field("Claim", names[r.ClaimID()])
	field("Kind", vault.ItemKind(r))
	switch r := r.(type) {
	case *vault.Document:
		field("Date", string(r.Date))
		field("Title", r.Title)
		field("File name", r.FileName)
		if r.Typed {
			field("Typed", "yes (--text)")
		}
		field("Media type", r.MediaType)
		field("Size", fmt.Sprintf("%d bytes (%s)", r.Size, recFormatSize(r.Size)))
		field("SHA-256", r.SHA256)
		field("Amount", recAmountCell(r.Amount))
		var cpt []string
		for _, l := range r.CPT {
			cpt = append(cpt, fmt.Sprintf("%s x%d", l.Code, l.Units))
		}
		field("CPT", strings.Join(cpt, ", "))
		field("Valid until", string(r.ValidUntil))
		field("Added", recLocalTime(r.Added))
	case *vault.Call:
		field("At", recCallTime(r.At))
		field("Party", r.Party)
		field("Rep", r.Rep)
		field("Ref", r.Ref)
		field("Phone", r.Phone)
		field("Duration", recFormatDuration(r.Duration))
		field("Summary", r.Summary)
		field("Promised", r.Promised)
		field("Follow up", string(r.FollowUp))
		field("Added", recLocalTime(r.Added))
	case *vault.Condition:
		field("Date", string(r.Date))
		field("Phase", r.Phase)
		if r.Pain != nil {
			field("Pain", fmt.Sprintf("%d/10", *r.Pain))
		}
		for _, m := range r.Measures {
			field(m.Name, m.Value)
		}
		field("Text", r.Text)
		field("Added", recLocalTime(r.Added))
	default:
		if err := w.Flush(); err != nil {
			return err
		}
		return recWriteJSON(e.stdout, r)
	}
	return w.Flush()
}
