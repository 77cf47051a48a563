// Package packet makes the insurer packet: one PDF that answers an
// insurer's request on its own, for portals and fax lines that take PDF
// only. It holds a cover page (the claim's facts and the request
// answered), a contents page (every exhibit with the page it starts on, a
// receipts summary, the before/after table and a pain chart), the exhibits
// (PDF documents imported page by page, photos upright, text notes
// typeset, calls and condition notes as tables) and an integrity page
// (every original file's name, size and SHA-256, and the signing key).
// Every page carries the stamp "Claim N · patient · Exhibit k · page p of
// P", optionally with a Bates number; the original files are attached with
// a signed manifest.json, so the packet is a complete, verifiable copy of
// the zip bundle's contents (docs/BUNDLE.md).
//
// Build lays a packet out in memory from an export plan (package export
// selects the items, with the same rules as the zip); Write builds it and
// places it atomically beside the destination through the same code as
// the zip bundle, recording it in the export history. Verify checks a
// packet's attachments against its signed manifest.
//
// fpdf (codeberg.org/go-pdf/fpdf) lays out the pages the packet writes;
// pdfcpu imports the documents' pages, stamps them, attaches the files
// and writes the PDF. Nothing is written to disk but the packet itself.
package packet

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/export"
)

// Options control how a packet is made.
type Options struct {
	// CoverNote is the patient's statement printed on the cover ("" for
	// none).
	CoverNote string
	// StampPrefix, when set, adds a Bates number to every page's stamp:
	// the prefix then the page's number in the packet in six digits
	// (ABC000001), counting on across the parts.
	StampPrefix string
	// MaxSize splits the packet into parts of at most this many bytes
	// (0: one file). An exhibit is never split: one larger than MaxSize
	// alone makes a part of its own, larger than MaxSize.
	MaxSize int64
	// AllowMissing makes the packet even when items asked for are missing
	// or documents cannot be placed; they are listed on the contents page.
	AllowMissing bool
}

// WarnSize is the size above which a packet without MaxSize gets a
// warning: insurers' portals commonly cap uploads at 10 to 25 MB.
const WarnSize = 20_000_000

// Part is one PDF file of a packet.
type Part struct {
	Number, Of int    // 1 of 1 for a packet in one file
	ExportID   string // the ID its manifest and its export record have
	PDF        []byte // the whole file
	Pages      int
	// Exhibits are the numbers of the exhibits in this part.
	Exhibits []int
	// Files are the attachments the manifest lists (the originals and the
	// CSV files), with their hashes.
	Files []bundle.File
	// Oversize, when set, says why this part is larger than MaxSize.
	Oversize string
}

// Packet is a packet built in memory.
type Packet struct {
	Parts []*Part
	// NotIncluded lists the documents that could not be placed (with
	// AllowMissing), one line each: they are attached all the same.
	NotIncluded []string
	// Fingerprint is the signing key's fingerprint.
	Fingerprint string
}

// Pages returns the number of pages of all parts.
func (p *Packet) Pages() int {
	n := 0
	for _, pt := range p.Parts {
		n += pt.Pages
	}
	return n
}

// RefusedError reports documents that cannot be placed in a packet
// (damaged or password-protected PDFs, types a PDF cannot hold): nothing
// was written.
type RefusedError struct {
	Problems []string // one line each, naming the document
}

// Error implements error.
func (e *RefusedError) Error() string {
	what := fmt.Sprintf("%d documents cannot be placed in the packet", len(e.Problems))
	if len(e.Problems) == 1 {
		what = "1 document cannot be placed in the packet"
	}
	return what + ": nothing was written (convert them and add them again, or give --allow-missing to list them as not included)"
}

// exhibit is one numbered part of the packet: a document, or all the calls,
// or all the condition notes.
type exhibit struct {
	n          int
	kind       string // document kind, "call" or "condition"
	date       string
	title      string
	doc        *vault.Document
	file       bundle.File // its attachment
	data       []byte      // the attached bytes
	place      placement
	problem    string // why it cannot be placed (place == placeNone)
	pdf        *importedPDF
	img        *preparedImage
	text       string
	calls      []bundle.Call
	conditions []*vault.Condition
}

// label is how an exhibit is named in messages: "document 3k9fq2ab
// (receipt 2026-03-04, scan.heic)".
func (x *exhibit) label() string {
	if x.doc == nil {
		return x.title
	}
	name := x.doc.FileName
	if name == "" {
		name = x.title
	}
	return fmt.Sprintf("document %s (%s %s, %s)", x.doc.ID, x.kind, x.date, vault.Quote(name))
}

// estimate is the bytes an exhibit is expected to add to a part: its
// rendering and its attachment.
func (x *exhibit) estimate() int64 {
	n := int64(len(x.data)) // attached
	switch x.place {
	case placePDF:
		n += int64(len(x.pdf.data))
	case placeImage:
		n += int64(len(x.img.data))
	default:
		n += int64(len(x.data)) + 4096
	}
	return n
}

// Build lays out the packet of an export plan. It reads every selected
// document out of the vault (checking its recorded SHA-256), refuses the
// ones that cannot be placed (a *RefusedError listing them) unless
// o.AllowMissing, and with gaps in the plan and no o.AllowMissing returns
// an *export.MissingError. Nothing is written.
func Build(v *vault.Vault, p *export.Plan, o Options) (*Packet, error) {
	if len(p.Missing) > 0 && !o.AllowMissing {
		return nil, &export.MissingError{Gaps: p.Missing}
	}
	exhibits, err := collect(v, p)
	if err != nil {
		return nil, err
	}
	pk := &Packet{}
	var problems []string
	for _, x := range exhibits {
		if x.place == placeNone {
			problems = append(problems, fmt.Sprintf("%s: %s", x.label(), x.problem))
		}
	}
	if len(problems) > 0 && !o.AllowMissing {
		return nil, &RefusedError{Problems: problems}
	}
	pk.NotIncluded = problems
	notIncluded := map[int]string{}
	for _, x := range exhibits {
		if x.place == placeNone {
			notIncluded[x.n] = x.problem
		}
	}
	now := v.Now()
	groups := split(exhibits, o.MaxSize)
	for attempt := 0; ; attempt++ {
		pk.Parts = nil
		first := 1
		over := false
		partOf := map[int]int{}
		for i, g := range groups {
			for _, x := range g {
				partOf[x.n] = i + 1
			}
		}
		for i, g := range groups {
			part, err := buildPart(v, p, o, now, exhibits, g, i+1, len(groups), first, notIncluded, partOf)
			if err != nil {
				return nil, err
			}
			first += part.Pages
			pk.Parts = append(pk.Parts, part)
			if o.MaxSize > 0 && int64(len(part.PDF)) > o.MaxSize && len(g) > 1 {
				over = true
			}
		}
		if !over || attempt == 3 {
			break
		}
		// The estimate was short (fonts, headers): split finer.
		groups = resplit(groups, pk.Parts, o.MaxSize)
	}
	for _, part := range pk.Parts {
		if o.MaxSize > 0 && int64(len(part.PDF)) > o.MaxSize {
			if len(part.Exhibits) == 1 {
				part.Oversize = fmt.Sprintf("exhibit %d alone is %s, more than --max-size %s: part %d of %d holds it alone and is larger",
					part.Exhibits[0], bundle.HumanSize(int64(len(part.PDF))), bundle.HumanSize(o.MaxSize), part.Number, part.Of)
			} else {
				part.Oversize = fmt.Sprintf("part %d of %d is %s, more than --max-size %s", part.Number, part.Of,
					bundle.HumanSize(int64(len(part.PDF))), bundle.HumanSize(o.MaxSize))
			}
		}
	}
	pk.Fingerprint = export.Fingerprint(v)
	return pk, nil
}

// collect makes the exhibits of a plan, numbered as the zip bundle numbers
// its files: the documents in the plan's order, then the calls, then the
// condition notes. It reads each document and readies it for placing.
func collect(v *vault.Vault, p *export.Plan) ([]*exhibit, error) {
	var out []*exhibit
	var calls []bundle.Call
	var conds []*vault.Condition
	ndoc := 0
	for _, r := range p.Items {
		switch r := r.(type) {
		case *vault.Document:
			ndoc++
			var buf bytes.Buffer
			buf.Grow(int(r.Size))
			if err := v.ReadDocument(r, &buf); err != nil {
				return nil, fmt.Errorf("read document %s: %w", r.ID, err)
			}
			x := &exhibit{n: len(out) + 1, kind: r.Kind, date: string(r.Date), title: docTitle(r), doc: r, data: buf.Bytes()}
			x.file = export.DocumentFile(ndoc, r)
			x.file.Path = strings.TrimPrefix(x.file.Path, bundle.DocumentsDir)
			prepareExhibit(x)
			out = append(out, x)
		case *vault.Call:
			calls = append(calls, export.CallInfo(r))
		case *vault.Condition:
			conds = append(conds, r)
		}
	}
	if len(calls) > 0 {
		b := bundle.CallsCSV(calls)
		out = append(out, &exhibit{n: len(out) + 1, kind: vault.KindCall, title: fmt.Sprintf("Calls with the insurer (%d)", len(calls)),
			date: callsDate(calls), place: placeCalls, calls: calls, data: b, file: export.CSVFile(bundle.CallsName, vault.KindCall, fmt.Sprintf("Calls (%d)", len(calls)), b)})
	}
	if len(conds) > 0 {
		var infos []bundle.Condition
		for _, c := range conds {
			infos = append(infos, export.ConditionInfo(c))
		}
		b := bundle.ConditionsCSV(infos)
		out = append(out, &exhibit{n: len(out) + 1, kind: vault.KindCondition, title: fmt.Sprintf("Condition notes (%d)", len(conds)),
			date: string(conds[0].Date), place: placeConditions, conditions: conds, data: b,
			file: export.CSVFile(bundle.ConditionsName, vault.KindCondition, fmt.Sprintf("Condition notes (%d)", len(conds)), b)})
	}
	return out, nil
}

// docTitle is a document's title, or its file name when it has none.
func docTitle(d *vault.Document) string {
	if d.Title != "" {
		return d.Title
	}
	if d.FileName != "" {
		return d.FileName
	}
	return d.Kind
}

func callsDate(calls []bundle.Call) string {
	if len(calls) == 0 {
		return ""
	}
	return calls[0].At.Format("2006-01-02")
}

// prepareExhibit decides how a document is placed and readies it: a PDF
// is opened (and decrypted), an image decoded, a text read. A document that
// cannot be placed gets the reason.
func prepareExhibit(x *exhibit) {
	place, why := classify(x.doc)
	x.place, x.problem = place, why
	var err error
	switch place {
	case placePDF:
		if x.pdf, err = openPDF(x.data); err != nil {
			x.place, x.problem = placeNone, "the PDF cannot be placed: "+err.Error()
			if err == errProtected {
				x.problem = "the PDF is protected by a password: open it, print it to a new PDF without a password, and add that"
			}
		}
	case placeImage:
		if x.img, err = prepareImage(x.data, x.doc.MediaType); err != nil {
			x.place, x.problem = placeNone, err.Error()+": export it again as JPEG or PNG"
		}
	case placeText:
		x.text = strings.ToValidUTF8(string(x.data), "\uFFFD")
	}
}

// split groups the exhibits into parts of at most maxSize estimated bytes
// each, in order; one group when maxSize is 0.
func split(exhibits []*exhibit, maxSize int64) [][]*exhibit {
	if maxSize <= 0 || len(exhibits) == 0 {
		return [][]*exhibit{exhibits}
	}
	budget := maxSize - partOverhead
	var groups [][]*exhibit
	var cur []*exhibit
	var size int64
	for _, x := range exhibits {
		e := x.estimate()
		if len(cur) > 0 && size+e > budget {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
		cur = append(cur, x)
		size += e
	}
	return append(groups, cur)
}

// partOverhead is what a part adds besides its exhibits: the fonts, cover,
// contents, integrity page and manifest.
const partOverhead = 120_000

// resplit splits again, finer, each group whose part came out larger than
// maxSize.
func resplit(groups [][]*exhibit, parts []*Part, maxSize int64) [][]*exhibit {
	var out [][]*exhibit
	for i, g := range groups {
		if int64(len(parts[i].PDF)) <= maxSize || len(g) == 1 {
			out = append(out, g)
			continue
		}
		// Scale the budget by how far over the estimate went.
		ratio := float64(maxSize) / float64(len(parts[i].PDF))
		out = append(out, split(g, int64(float64(maxSize)*ratio*0.95))...)
	}
	return out
}

// dateText formats a time as a date for people.
func dateText(t time.Time) string { return t.Format("2006-01-02") }
