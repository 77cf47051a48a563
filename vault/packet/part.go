package packet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/export"
)

// buildPart lays out and composes one part: its cover, its contents, its
// exhibits and its integrity page, stamped and with its files attached and
// listed in a signed manifest.json. batesFirst is the Bates number of its
// first page.
func buildPart(v *vault.Vault, p *export.Plan, o Options, now time.Time, all, group []*exhibit, number, of, batesFirst int, notIncluded map[int]string, partOf map[int]int) (*Part, error) {
	id, err := v.NewID()
	if err != nil {
		return nil, err
	}
	part := &Part{Number: number, Of: of, ExportID: id}
	m := &bundle.Manifest{
		ExportID:    id,
		Claim:       export.ClaimInfo(p.Claim),
		Request:     export.RequestInfo(p.Request),
		Selection:   export.SelectionInfo(p.Selection),
		GeneratedAt: now.UTC().Truncate(time.Second),
		Missing:     append([]string{}, p.Missing...),
	}
	var atts []attachment
	for _, x := range group {
		part.Exhibits = append(part.Exhibits, x.n)
		m.Files = append(m.Files, x.file)
		atts = append(atts, attachment{name: x.file.Path, desc: fmt.Sprintf("Exhibit %d: %s", x.n, x.title), data: x.data})
	}
	part.Files = m.Files
	mb, sig, fingerprint, err := export.SignManifest(v, m)
	if err != nil {
		return nil, err
	}
	atts = append(atts,
		attachment{name: bundle.ManifestName, desc: "The list of the attached files with their SHA-256, signed", data: mb},
		attachment{name: bundle.SignatureName, desc: "Ed25519 signature of manifest.json", data: sig})
	msum := sha256.Sum256(mb)

	pf := &partFacts{
		claim: p.Claim, request: p.Request, selection: p.Selection.Describe(), missing: p.Missing,
		notIncluded: notIncluded, coverNote: o.CoverNote, prepared: now, exportID: id, part: number, of: of,
		allExhibits: all, fingerprint: fingerprint, starts: map[int]int{}, otherPart: map[int]int{},
	}
	inPart := map[int]bool{}
	for _, x := range group {
		inPart[x.n] = true
		pf.starts[x.n] = 0
	}
	for _, x := range all {
		if !inPart[x.n] {
			pf.otherPart[x.n] = partOf[x.n]
		}
	}
	title := "Records for claim " + claimLabel(p.Claim)
	if of > 1 {
		title += fmt.Sprintf(" (part %d of %d)", number, of)
	}
	subject := fmt.Sprintf("%s: %s, for %s", p.Claim.Insurer, p.Selection.Describe(), stampBase(p.Claim))
	render := func(total int) (*layout, error) {
		l := newLayout(title, subject, p.Claim.Patient, now, stampBase(p.Claim), o.StampPrefix, batesFirst, total)
		l.writeCover(pf)
		l.writeContents(pf, group)
		for _, x := range group {
			if _, skip := notIncluded[x.n]; skip {
				continue
			}
			l.writeExhibit(x)
		}
		l.writeIntegrity(pf, m.Files, hex.EncodeToString(msum[:]))
		return l, l.f.Error()
	}
	// Count the pages with placeholder numbers, then lay out again with
	// the real ones (the same widths: the page count does not change).
	counted, err := render(0)
	if err != nil {
		return nil, fmt.Errorf("lay out the packet: %w", err)
	}
	starts(counted.pages, pf.starts)
	l, err := render(len(counted.pages))
	if err != nil {
		return nil, fmt.Errorf("lay out the packet: %w", err)
	}
	if len(l.pages) != len(counted.pages) {
		return nil, fmt.Errorf("lay out the packet: %d pages, then %d", len(counted.pages), len(l.pages))
	}
	layoutPDF, err := l.output()
	if err != nil {
		return nil, err
	}
	slots := make([]slot, len(l.pages))
	byN := map[int]*exhibit{}
	for _, x := range group {
		byN[x.n] = x
	}
	k := 0
	for i, pg := range l.pages {
		if !pg.host {
			k = 0
			continue
		}
		if i > 0 && l.pages[i-1].exhibit != pg.exhibit {
			k = 0
		}
		k++
		slots[i] = slot{pdf: byN[pg.exhibit].pdf, page: k}
	}
	pdf, err := compose(layoutPDF, slots, atts, now)
	if err != nil {
		return nil, err
	}
	part.PDF, part.Pages = pdf, len(l.pages)
	return part, nil
}

// starts fills in each exhibit's first page.
func starts(pages []pageInfo, into map[int]int) {
	for i, pg := range pages {
		if pg.exhibit == 0 {
			continue
		}
		if _, ok := into[pg.exhibit]; ok && into[pg.exhibit] == 0 {
			into[pg.exhibit] = i + 1
		}
	}
}
