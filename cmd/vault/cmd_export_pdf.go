package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/export"
	"vault/vault/packet"
)

// expPacketFlags are export's flags for the PDF packet.
func expPacketFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Usage: "zip (a verifiable bundle) or pdf (one stamped PDF packet); default from -o's extension"},
		&cli.StringFlag{Name: "cover-note-file", Usage: "PDF: print the patient's statement in FILE (UTF-8 text) on the cover"},
		&cli.StringFlag{Name: "stamp-prefix", Usage: "PDF: number every page Bates-style, PREFIX000001 and on"},
		&cli.StringFlag{Name: "max-size", Usage: "PDF: split into FILE-part1-of-N.pdf parts of at most this size, such as 10MB (portals cap uploads)"},
	}
}

// expFormat is the export's format: --format, else pdf for an output
// named *.pdf, else zip. The PDF flags need the PDF format.
func expFormat(c *cli.Context, out string) (string, error) {
	format := strings.ToLower(strings.TrimSpace(c.String("format")))
	switch format {
	case "":
		format = "zip"
		if strings.HasSuffix(strings.ToLower(out), ".pdf") {
			format = packet.Kind
		}
	case "zip", packet.Kind:
	default:
		return "", usagef("--format %s: use zip or pdf", c.String("format"))
	}
	if format != packet.Kind {
		for _, f := range []string{"cover-note-file", "stamp-prefix", "max-size"} {
			if c.IsSet(f) {
				return "", usagef("--%s is for the PDF packet: give -o FILE.pdf or --format pdf", f)
			}
		}
	}
	return format, nil
}

// expPacketOptions reads the PDF flags.
func expPacketOptions(c *cli.Context) (packet.Options, error) {
	o := packet.Options{AllowMissing: c.Bool("allow-missing"), StampPrefix: strings.TrimSpace(c.String("stamp-prefix"))}
	if p := o.StampPrefix; p != "" && (len(p) > 12 || strings.IndexFunc(p, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) >= 0) {
		return o, usagef("--stamp-prefix %s: use up to 12 letters, digits, - or _ (such as ABC)", recCleanCell(p))
	}
	if c.IsSet("max-size") {
		n, err := packet.ParseSize(c.String("max-size"))
		if err != nil {
			return o, usagef("--max-size: %v", err)
		}
		o.MaxSize = n
	}
	if name := c.String("cover-note-file"); name != "" {
		b, err := os.ReadFile(name)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return o, usagef("--cover-note-file %s: %v", name, err)
		}
		if len(b) > 64<<10 {
			return o, usagef("--cover-note-file %s: the statement is %s; keep it under 64 KiB (one page)", name, recFormatSize(int64(len(b))))
		}
		o.CoverNote = strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
	}
	return o, nil
}

// expWritePacket writes the plan as a PDF packet and says what was written.
func expWritePacket(ctx context.Context, c *cli.Context, e *env, v *vault.Vault, plan *export.Plan, out string) error {
	o, err := expPacketOptions(c)
	if err != nil {
		return err
	}
	res, err := packet.Write(ctx, v, plan, packet.WriteOptions{Options: o, Output: out, Force: c.Bool("force")})
	if err != nil {
		var re *packet.RefusedError
		if errors.As(err, &re) {
			for _, p := range re.Problems {
				fmt.Fprintf(e.stderr, "cannot place: %s\n", oneLine(p))
			}
		}
		return expWriteError(err)
	}
	pk := res.Packet
	what := ""
	if plan.Request != nil {
		what = fmt.Sprintf(", answering request %s", plan.Request.ID)
	}
	exhibits := 0
	for _, p := range pk.Parts {
		exhibits += len(p.Exhibits)
	}
	if len(res.Paths) == 1 {
		fmt.Fprintf(e.stdout, "Exported a PDF packet of claim %s to %s%s: %s, %s, %s\n", plan.Claim.Name, out, what,
			recPlural(pk.Pages(), "page", "pages"), recPlural(exhibits, "exhibit", "exhibits"), recFormatSize(res.Exports[0].BundleSize))
	} else {
		fmt.Fprintf(e.stdout, "Exported a PDF packet of claim %s in %d parts%s: %s, %s\n", plan.Claim.Name, len(res.Paths), what,
			recPlural(pk.Pages(), "page", "pages"), recPlural(exhibits, "exhibit", "exhibits"))
	}
	w := newTable(e.stdout)
	for i, p := range pk.Parts {
		x := res.Exports[i]
		ex := fmt.Sprintf("exhibits %d-%d", p.Exhibits[0], p.Exhibits[len(p.Exhibits)-1])
		if len(p.Exhibits) == 1 {
			ex = fmt.Sprintf("exhibit %d", p.Exhibits[0])
		}
		w.Row("  "+res.Paths[i], recPlural(p.Pages, "page", "pages"), ex, recFormatSize(x.BundleSize), "SHA-256 "+x.BundleSHA256)
	}
	w.Flush()
	for _, n := range pk.NotIncluded {
		fmt.Fprintf(e.stdout, "Not included (listed on the contents page, attached as it is): %s\n", oneLine(n))
	}
	if n := len(plan.Missing); n > 0 {
		fmt.Fprintf(e.stdout, "The packet lists %s as missing.\n", recPlural(n, "item", "items"))
	}
	fmt.Fprintf(e.stdout, "Signed by key %s; the original files are attached\n", pk.Fingerprint)
	ids := []string{}
	for _, x := range res.Exports {
		ids = append(ids, x.ID)
	}
	fmt.Fprintf(e.stdout, "Recorded as export %s (see 'vault exports --claim %s'); check it with 'vault verify-bundle %s'\n",
		strings.Join(ids, ", "), plan.Claim.Name, expShellQuote(res.Paths[0]))
	for _, wmsg := range res.Warnings {
		recWarn(e, "%s", wmsg)
	}
	for _, s := range res.Stale {
		recWarn(e, "removed %s, left by an export that was interrupted", s)
	}
	return nil
}

// expVerifyFile checks a zip bundle or a PDF packet, by its first bytes.
func expVerifyFile(path string) (*bundle.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 1024)
	n, _ := f.Read(head)
	f.Close()
	if packet.IsPDF(head[:n]) {
		return packet.Verify(path)
	}
	return bundle.Verify(path)
}
