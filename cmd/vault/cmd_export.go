package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/check"
	"vault/vault/export"
	"vault/vault/packet"
)

// exportCommands are requests, export, exports, verify-bundle and demo.
func exportCommands(e *env) []*cli.Command {
	return []*cli.Command{
		expRequestCommand(e),
		expExportCommand(e),
		expExportsCommand(e),
		expVerifyCommand(e),
		expDemoCommand(e),
	}
}

// expSelectionFlags are the flags that select items, shared by export and
// request add.
func expSelectionFlags() []cli.Flag {
	return []cli.Flag{
		recRepeatable("kind", "only items of this kind (repeatable): "+strings.Join(vault.ItemKinds(), ", ")),
		&cli.StringFlag{Name: "from", Usage: "only items dated on or after this day (YYYY-MM-DD)"},
		&cli.StringFlag{Name: "to", Usage: "only items dated on or before this day (YYYY-MM-DD)"},
		recRepeatable("on", "only items of this day (repeatable; or within --from..--to)"),
		recRepeatable("id", "this item, whatever its kind and date (repeatable; an ID or a unique prefix)"),
	}
}

// expSelection reads the selection flags.
func expSelection(c *cli.Context, e *env) (export.Selection, error) {
	var s export.Selection
	var err error
	s.Kinds = recMultiValues(c, "kind")
	if s.From, err = recDateFlag(c, e, "from"); err != nil {
		return s, err
	}
	if s.To, err = recDateFlag(c, e, "to"); err != nil {
		return s, err
	}
	for _, o := range recMultiValues(c, "on") {
		d, err := vault.ParseDate(o, e.now())
		if err != nil {
			return s, usagef("--on: %v", err)
		}
		s.On = append(s.On, d)
	}
	s.IDs = recMultiValues(c, "id")
	if err := s.Check(); err != nil {
		return s, usagef("%v", err)
	}
	return s, nil
}

func expExportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write a claim's evidence as one stamped PDF packet (-o FILE.pdf) or a verifiable zip bundle: what the insurer asked for",
		ArgsUsage: " ",
		Description: "Without selection flags the bundle holds the whole claim. Otherwise an item is included when\n" +
			"--id names it, or when its kind is one of the --kinds (any kind if none) and its date is within\n" +
			"--from..--to or one of the --on dates (any date if none). --request RID uses a stored request's\n" +
			"selection and marks the request answered. Every --kind and --on date must match an item and every\n" +
			"--id must be an item of the claim: otherwise nothing is written and each gap is listed\n" +
			"(--allow-missing writes the bundle anyway, listing the gaps in it). The bundle's format is in\n" +
			"docs/BUNDLE.md; 'vault verify-bundle' checks one.\n" +
			"With -o FILE.pdf (or --format pdf) it writes one PDF instead: a cover, the contents with the page each\n" +
			"exhibit starts on, every exhibit stamped 'Claim N · patient · Exhibit k · page p of P', an integrity\n" +
			"page, and the original files attached. Documents a PDF cannot hold (HEIC photos, office files,\n" +
			"damaged or password-protected PDFs) are refused up front (--allow-missing lists them as not included).",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "the claim's NAME (required unless --request is given)"},
			&cli.StringFlag{Name: "request", Usage: "answer this stored request (its ID or a unique prefix; see 'vault request list')"},
			&cli.BoolFlag{Name: "allow-missing", Usage: "write the bundle even when items asked for are missing"},
			&cli.BoolFlag{Name: "force", Usage: "replace the output file if it exists"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "the bundle to write, such as claim.zip or claim.pdf (required)"},
		}, append(expSelectionFlags(), expPacketFlags()...)...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("export takes no arguments (got %q): give the output file with -o OUT.zip", c.Args().First())
			}
			out := c.String("output")
			if strings.TrimSpace(out) == "" {
				return usagef("give the bundle to write with -o OUT.zip")
			}
			format, err := expFormat(c, out)
			if err != nil {
				return err
			}
			sel, err := expSelection(c, e)
			if err != nil {
				return err
			}
			if c.IsSet("request") && !sel.IsZero() {
				return usagef("--request uses the request's own selection: drop --kind, --from, --to, --on and --id")
			}
			if !c.IsSet("request") && !recClaimGiven(c, e) {
				return usagef("give the claim with --claim NAME (see 'vault claim list'), or a request with --request RID")
			}
			v, err := openVault(c, e, false)
			if err != nil {
				return err
			}
			defer maintCloseVault(e, v)
			claim, req, err := expClaimAndRequest(c, e, v)
			if err != nil {
				return err
			}
			plan, err := export.Prepare(v, claim, req, sel)
			if err != nil {
				return err
			}
			for _, g := range plan.Missing {
				fmt.Fprintf(e.stderr, "missing: %s\n", g)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			if format == packet.Kind {
				if err := expWritePacket(ctx, c, e, v, plan, out); err != nil {
					return err
				}
				expPrintFindings(e, v, plan)
				return nil
			}
			bar := newProgressBar(e)
			res, err := export.Write(ctx, v, plan, export.Options{
				Output: out, Force: c.Bool("force"), AllowMissing: c.Bool("allow-missing"), Progress: bar.update,
			})
			bar.finish()
			if err != nil {
				return expWriteError(err)
			}
			expPrintExport(e, out, plan, res)
			expPrintFindings(e, v, plan)
			return nil
		},
	}
}

// expClaimAndRequest finds the claim of --claim and the request of
// --request; with both, the request must be one of the claim's.
func expClaimAndRequest(c *cli.Context, e *env, v *vault.Vault) (*vault.Claim, *vault.Request, error) {
	var claim *vault.Claim
	var err error
	if strings.TrimSpace(c.String("claim")) != "" || !c.IsSet("request") {
		if claim, err = recClaimByFlag(c, e, v); err != nil {
			return nil, nil, err
		}
	}
	if !c.IsSet("request") {
		return claim, nil, nil
	}
	r, err := v.Resolve(c.String("request"), func(r vault.Record) bool { return r.RecordType() == vault.TypeRequest })
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil, fmt.Errorf("no request has an ID starting with %q (see 'vault request list')", vault.NormalizeID(c.String("request")))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("--request: %w", err)
	}
	req := r.(*vault.Request)
	owner, err := v.ClaimOf(req)
	if err != nil {
		return nil, nil, err
	}
	if claim != nil && owner.ID != claim.ID {
		return nil, nil, fmt.Errorf("request %s belongs to claim %s, not %s", req.ID, owner.Name, claim.Name)
	}
	return owner, req, nil
}

// expWriteError explains a failed export.
func expWriteError(err error) error {
	var me *export.MissingError
	switch {
	case errors.As(err, &me):
		return err // the gaps are already listed, one per line
	case errors.Is(err, context.Canceled):
		return errors.New("export interrupted: nothing was written and nothing was recorded")
	}
	return err
}

// expPrintExport says what was written.
func expPrintExport(e *env, out string, plan *export.Plan, res *export.Result) {
	rec := res.Export
	what := ""
	if plan.Request != nil {
		what = fmt.Sprintf(", answering request %s", plan.Request.ID)
	}
	fmt.Fprintf(e.stdout, "Exported %s of claim %s to %s%s:\n", recPlural(len(res.Manifest.Files), "file", "files"), plan.Claim.Name, out, what)
	w := newTable(e.stdout)
	for _, f := range res.Manifest.Files {
		w.Row("  "+f.Path, f.Kind, f.Date, recFormatSize(f.Size))
	}
	w.Flush()
	if n := len(plan.Missing); n > 0 {
		fmt.Fprintf(e.stdout, "The bundle lists %s as missing.\n", recPlural(n, "item", "items"))
	}
	fmt.Fprintf(e.stdout, "Bundle SHA-256 %s (%s), signed by key %s\n", rec.BundleSHA256, recFormatSize(rec.BundleSize),
		bundle.Fingerprint(bundleKeyOf(res.Manifest)))
	fmt.Fprintf(e.stdout, "Recorded as export %s (see 'vault exports --claim %s'); check the bundle with 'vault verify-bundle %s'\n",
		rec.ID, plan.Claim.Name, expShellQuote(out))
	for _, s := range res.Stale {
		recWarn(e, "removed %s, left by an export that was interrupted", s)
	}
}

// bundleKeyOf decodes the public key the writer put in the manifest.
func bundleKeyOf(m *bundle.Manifest) []byte {
	k, err := bundle.ParsePublicKey(m.PublicKey)
	if err != nil {
		return nil
	}
	return k
}

// expPrintFindings prints the errors and warnings of 'vault check' that
// concern the exported items: the bundle is written all the same.
func expPrintFindings(e *env, v *vault.Vault, plan *export.Plan) {
	items, err := v.Items(plan.Claim.ID)
	if err != nil {
		return
	}
	ids := map[string]bool{}
	for _, r := range plan.Items {
		ids[r.RecordID()] = true
	}
	for _, f := range check.ForItems(check.Run(plan.Claim, items, vault.DateOf(e.now())), ids) {
		if f.Severity == check.Error || f.Severity == check.Warning {
			fmt.Fprintf(e.stderr, "vault: %s: %s: %s\n", f.Severity, f.Check, oneLine(f.Message))
		}
	}
}

func expExportsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "exports",
		Usage:     "list the bundles and PDF packets exported: what was sent, and when",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "only this claim's exports"},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array"},
		},
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "exports"); err != nil {
				return err
			}
			return recWithVault(c, e, true, func(v *vault.Vault) error {
				claimID, err := recClaimFilter(c, e, v)
				if err != nil {
					return err
				}
				list, err := export.Exports(v, claimID)
				if err != nil {
					return err
				}
				names, err := recClaimNames(v)
				if err != nil {
					return err
				}
				if c.Bool("json") {
					return recWriteJSON(e.stdout, expExportsJSON(list, names))
				}
				if len(list) == 0 {
					fmt.Fprintln(e.stdout, "No exports yet: make one with 'vault export --claim NAME -o OUT.zip'.")
					return nil
				}
				w := newTable(e.stdout)
				w.Row("ID", "WHEN", "CLAIM", "REQUEST", "KIND", "PAGES", "FILES", "MISSING", "BUNDLE SHA-256", "OUTPUT")
				for _, x := range list {
					kind, pages := "zip", "-"
					if x.Kind != "" {
						kind = x.Kind
					}
					if x.Pages > 0 {
						pages = fmt.Sprint(x.Pages)
					}
					w.Row(x.ID, recLocalTime(x.At), names[x.Claim], x.Request, kind, pages, fmt.Sprint(expFileCount(x)),
						fmt.Sprint(len(x.Missing)), expShortHash(x.BundleSHA256), x.Output)
				}
				return w.Flush()
			})
		},
	}
}

// expFileCount is the number of files of an export as its manifest lists
// them (the record also keeps manifest.json's hash).
func expFileCount(x *vault.Export) int {
	n := 0
	for _, f := range x.Files {
		if f.Path != bundle.ManifestName {
			n++
		}
	}
	return n
}

// expShortHash is the start of a hash for a table column: its first 16
// characters and "...", or all of it when it is not longer (a record made
// by hand or damaged must not crash the listing).
func expShortHash(h string) string {
	if len(h) <= 16 {
		return h
	}
	return h[:16] + "..."
}

// expShellQuote quotes a path for a command line when it needs it.
func expShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
