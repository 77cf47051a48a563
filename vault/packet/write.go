package packet

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/export"
)

// Kind is the export record's kind for a PDF packet.
const Kind = "pdf"

// WriteOptions control where a packet is written.
type WriteOptions struct {
	Options
	// Output is the packet's path, such as claim.pdf. A packet split into
	// parts is written as claim-part1-of-3.pdf and so on beside it.
	Output string
	Force  bool
}

// Result describes a packet written and recorded.
type Result struct {
	Packet *Packet
	// Paths are the files written, one per part, in order.
	Paths []string
	// Exports are the export records, one per part.
	Exports []*vault.Export
	// Warnings are for the user: a part larger than --max-size, a packet
	// larger than portals take.
	Warnings []string
	// Stale names the temporary files of earlier, killed exports that were
	// removed.
	Stale []string
}

// PartPath is the path of part n of of: FILE-partN-of-M.pdf beside FILE.pdf,
// or out itself when there is one part.
func PartPath(out string, n, of int) string {
	if of <= 1 {
		return out
	}
	ext := filepath.Ext(out)
	if !strings.EqualFold(ext, ".pdf") {
		ext = ""
	}
	return fmt.Sprintf("%s-part%d-of-%d%s", strings.TrimSuffix(out, ext), n, of, ext)
}

// Write builds the plan's packet (see Build) and writes it: each part to a
// temporary file beside its destination, then put in place and recorded in
// the export history (kind pdf, its pages and SHA-256) with the same code
// as the zip bundle (export.WriteFiles), marking the request it answers.
func Write(ctx context.Context, v *vault.Vault, p *export.Plan, o WriteOptions) (*Result, error) {
	if strings.TrimSpace(o.Output) == "" {
		return nil, fmt.Errorf("no output file: give -o OUT.pdf")
	}
	pk, err := Build(v, p, o.Options)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("export interrupted: %w", err)
	}
	res := &Result{Packet: pk}
	var files []export.OutputFile
	for _, part := range pk.Parts {
		path := PartPath(o.Output, part.Number, part.Of)
		rec := &vault.Export{ID: part.ExportID, Claim: p.Claim.ID, Kind: Kind, Pages: part.Pages, Missing: append([]string(nil), p.Missing...)}
		if part.Of > 1 {
			rec.Part, rec.Parts = part.Number, part.Of
		}
		if p.Request != nil {
			rec.Request = p.Request.ID
		}
		for _, f := range part.Files {
			rec.Files = append(rec.Files, vault.ExportFile{Path: f.Path, SHA256: f.SHA256, Size: f.Size, ID: f.ID})
		}
		res.Paths = append(res.Paths, path)
		res.Exports = append(res.Exports, rec)
		files = append(files, export.OutputFile{Path: path, Data: part.PDF, Record: rec})
		if part.Oversize != "" {
			res.Warnings = append(res.Warnings, part.Oversize)
		}
	}
	if o.MaxSize == 0 && len(pk.Parts) == 1 && len(pk.Parts[0].PDF) > WarnSize {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the packet is %s: insurers' portals often take at most 10 to 25 MB; give --max-size 10MB to split it into parts",
			bundle.HumanSize(int64(len(pk.Parts[0].PDF)))))
	}
	if res.Stale, err = export.WriteFiles(ctx, v, files, o.Force); err != nil {
		return nil, err
	}
	return res, nil
}

// ParseSize reads a size such as "10MB" (10,000,000 bytes), "10MiB"
// (10,485,760), "500kB", "2GB" or a plain number of bytes; upload limits
// are stated in decimal megabytes.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	if num == "" || strings.Trim(num, "0123456789") != "" {
		return 0, fmt.Errorf("bad size %s: expected a number with a unit such as 10MB or 25MB", vault.Quote(s))
	}
	unit := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(t, num)))
	mult := map[string]int64{"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1 << 10, "m": 1000_000, "mb": 1000_000, "mib": 1 << 20,
		"g": 1000_000_000, "gb": 1000_000_000, "gib": 1 << 30}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("bad size %s: the unit must be B, kB, MB, GB, KiB, MiB or GiB", vault.Quote(s))
	}
	var n int64
	for _, c := range num {
		n = n*10 + int64(c-'0')
		if n > 1<<40 {
			return 0, fmt.Errorf("size %s is too large", vault.Quote(s))
		}
	}
	n *= mult
	if n < 200_000 {
		return 0, fmt.Errorf("size %s is too small: a part needs at least 200kB for its cover, contents and fonts", vault.Quote(s))
	}
	return n, nil
}
