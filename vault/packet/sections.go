package packet

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/check"
)

// partFacts is what the pages of one part show besides the exhibits.
type partFacts struct {
	claim       *vault.Claim
	request     *vault.Request
	selection   string // the selection in words
	missing     []string
	notIncluded map[int]string // exhibit number: why it is not placed
	coverNote   string
	prepared    time.Time
	exportID    string
	part, of    int
	allExhibits []*exhibit // every exhibit of the packet, for the receipts summary and chart
	fingerprint string
	// starts are the first pages of this part's exhibits, by number; 0
	// while counting.
	starts map[int]int
	// otherParts says, for an exhibit in another part, which part.
	otherPart map[int]int
}

// claimLabel is the claim as the stamp and titles name it: the insurer's
// claim number, or the vault's name for the claim until there is one.
func claimLabel(c *vault.Claim) string {
	if c.ClaimNumber != "" {
		return c.ClaimNumber
	}
	return c.Name
}

// stampBase is the start of every page's stamp: "Claim N · patient".
func stampBase(c *vault.Claim) string {
	s := "Claim " + claimLabel(c)
	if c.Patient != "" {
		s += " · " + c.Patient
	}
	return s
}

// writeCover writes the cover page.
func (l *layout) writeCover(pf *partFacts) {
	f := l.f
	l.begin("Cover", 0, "", false, 0, 0)
	f.SetFont(sans, "B", 22)
	setText(f, accent)
	f.MultiCell(contentWidth, 28, "Records for claim "+claimLabel(pf.claim), "", "L", false)
	f.SetFont(sans, "", 11)
	setText(f, muted)
	sub := []string{}
	if pf.claim.Patient != "" {
		sub = append(sub, pf.claim.Patient)
	}
	sub = append(sub, pf.claim.Insurer)
	if pf.of > 1 {
		sub = append(sub, fmt.Sprintf("part %d of %d", pf.part, pf.of))
	}
	f.MultiCell(contentWidth, 15, strings.Join(sub, " · "), "", "L", false)
	setDraw(f, accent)
	f.SetLineWidth(2)
	f.Line(margin, f.GetY()+4, letterW-margin, f.GetY()+4)
	f.SetY(f.GetY() + 16)
	setText(f, ink)

	c := pf.claim
	insurer := c.Insurer
	if c.Plan != "" {
		insurer += " (" + c.Plan + " plan)"
	}
	provider := c.Provider
	if c.NPI != "" {
		provider = strings.TrimSpace(provider + " · NPI " + c.NPI)
	}
	if c.License != "" {
		provider = strings.TrimSpace(provider + " · license " + c.License)
	}
	var dx []string
	for _, d := range c.Diagnoses {
		if name := check.ICD10Name(d); name != "" {
			dx = append(dx, d+" "+name)
		} else {
			dx = append(dx, d)
		}
	}
	billed, paid := "", ""
	if c.Billed != nil {
		billed = "$" + c.Billed.String()
	}
	if c.Paid != nil {
		paid = "$" + c.Paid.String()
	}
	l.facts([][2]string{
		{"Patient", c.Patient},
		{"Date of birth", string(c.PatientDOB)},
		{"Member ID", c.MemberID},
		{"Group", c.Group},
		{"Insurer and plan", insurer},
		{"Claim number", c.ClaimNumber},
		{"Rendering provider", provider},
		{"Referring physician", c.Referrer},
		{"Diagnoses (ICD-10-CM)", strings.Join(dx, "\n")},
		{"Dates of service", datesOfService(pf.allExhibits)},
		{"Billed", billed},
		{"Paid", paid},
	})
	f.Ln(10)
	l.subheading("What this packet answers")
	var req []string
	if r := pf.request; r != nil {
		s := "The insurer's request " + r.ID
		if r.Received != "" {
			s += ", received " + string(r.Received)
		}
		if r.Due != "" {
			s += ", due " + string(r.Due)
		}
		req = append(req, s+".")
		if r.Note != "" {
			req = append(req, "In the insurer's words: "+r.Note)
		}
	}
	req = append(req, "Selected: "+pf.selection+".")
	if len(pf.missing) > 0 {
		req = append(req, fmt.Sprintf("Missing from this packet (%d): %s.", len(pf.missing), strings.Join(pf.missing, "; ")))
	}
	l.box(req, band, rule, ink)
	if pf.coverNote != "" {
		l.subheading("Statement of the patient")
		l.paragraph(pf.coverNote, bodySize, ink)
	}
	f.Ln(14)
	prepared := fmt.Sprintf("Prepared on %s with vault", dateText(pf.prepared))
	if pf.exportID != "" {
		prepared += ", export " + pf.exportID
	}
	l.paragraph(prepared+". Every page is stamped with the claim, the exhibit and its page number; the original files are attached to this PDF (see the integrity page).", 9, muted)
}

// datesOfService lists the dates of the receipts selected (or, without
// receipts, the range of the items' dates).
func datesOfService(exhibits []*exhibit) string {
	var dates []string
	for _, x := range exhibits {
		if x.doc != nil && x.doc.Kind == vault.KindReceipt && x.date != "" && !slices.Contains(dates, x.date) {
			dates = append(dates, x.date)
		}
	}
	if len(dates) > 0 {
		slices.Sort(dates)
		return strings.Join(dates, ", ")
	}
	return ""
}

// exhibitHeader is the thin header of an exhibit's pages.
func exhibitHeader(x *exhibit) string {
	parts := []string{fmt.Sprintf("Exhibit %d", x.n), kindName(x.kind)}
	if x.date != "" {
		parts = append(parts, x.date)
	}
	if x.title != "" {
		parts = append(parts, x.title)
	}
	return strings.Join(parts, " · ")
}

// kindName is a kind as people read it.
func kindName(k string) string {
	switch k {
	case vault.KindLMN:
		return "Letter of medical necessity"
	case vault.KindEOB:
		return "EOB"
	case vault.KindClinicalNote:
		return "Clinical note"
	case vault.KindCall:
		return "Calls"
	case vault.KindCondition:
		return "Condition notes"
	}
	if k == "" {
		return ""
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

// cptText is a receipt's procedure codes: "97140:2, 97124:1".
func cptText(d *vault.Document) string {
	var s []string
	for _, c := range d.CPT {
		s = append(s, fmt.Sprintf("%s:%d", c.Code, c.Units))
	}
	return strings.Join(s, ", ")
}

// writeContents writes the contents page(s): the exhibits with their first
// pages, what is not included, the receipts summary, the condition notes'
// before/after table and the pain chart.
func (l *layout) writeContents(pf *partFacts, exhibits []*exhibit) {
	l.begin("Contents", 0, "", false, 0, 0)
	title := "Contents"
	if pf.of > 1 {
		title = fmt.Sprintf("Contents of part %d of %d", pf.part, pf.of)
	}
	l.heading(title, 16)
	cols := []column{
		{title: "No.", width: 28, align: "R"},
		{title: "Kind", width: 78},
		{title: "Date", width: 62},
		{title: "Title", width: 180},
		{title: "Amount", width: 54, align: "R"},
		{title: "CPT / valid until", width: 70},
		{title: "Page", width: 32, align: "R"},
	}
	var rows [][]string
	notPlaced := map[int]bool{}
	for _, x := range pf.allExhibits {
		page := ""
		if p, ok := pf.starts[x.n]; ok {
			page = "999"
			if p > 0 {
				page = fmt.Sprint(p)
			}
		} else if op, ok := pf.otherPart[x.n]; ok {
			page = fmt.Sprintf("part %d", op)
		}
		title := x.title
		if why, ok := pf.notIncluded[x.n]; ok {
			title += "\nNot included: " + why
			page = "-"
			notPlaced[len(rows)] = true
		}
		amount, detail := "", ""
		if x.doc != nil {
			if x.doc.Amount != nil {
				amount = "$" + x.doc.Amount.String()
			}
			detail = cptText(x.doc)
			if x.doc.ValidUntil != "" {
				detail = strings.TrimSpace(detail + " valid until " + string(x.doc.ValidUntil))
			}
		}
		rows = append(rows, []string{fmt.Sprint(x.n), kindName(x.kind), x.date, title, amount, detail, page})
	}
	l.table(cols, rows, 8.5, func(i int) *[3]int {
		if notPlaced[i] {
			c := [3]int{253, 240, 240}
			return &c
		}
		return nil
	})
	if len(rows) == 0 {
		l.paragraph("No items were selected.", bodySize, muted)
	}
	if len(pf.missing) > 0 {
		l.f.Ln(8)
		lines := []string{fmt.Sprintf("Missing from this packet (%d):", len(pf.missing))}
		for _, m := range pf.missing {
			lines = append(lines, "• "+m)
		}
		l.box(lines, [3]int{253, 240, 240}, [3]int{227, 179, 179}, warn)
	}
	l.writeReceipts(pf.allExhibits)
	l.writeConditionSummary(pf.allExhibits)
}

// writeReceipts writes the receipts summary: date of service, CPT codes
// with units, amount, and the total.
func (l *layout) writeReceipts(exhibits []*exhibit) {
	var rows [][]string
	var total vault.Cents
	any := false
	for _, x := range exhibits {
		if x.doc == nil || x.doc.Kind != vault.KindReceipt {
			continue
		}
		amount := ""
		if x.doc.Amount != nil {
			amount = "$" + x.doc.Amount.String()
			total += *x.doc.Amount
			any = true
		}
		rows = append(rows, []string{fmt.Sprint(x.n), x.date, cptText(x.doc), amount})
	}
	if len(rows) == 0 {
		return
	}
	totalText := ""
	if any {
		totalText = "$" + total.String()
	}
	rows = append(rows, []string{"", "Total", "", totalText})
	l.subheading("Receipts")
	cols := []column{
		{title: "Exhibit", width: 50, align: "R"},
		{title: "Date of service", width: 110},
		{title: "CPT:units", width: 200},
		{title: "Amount", width: 90, align: "R"},
	}
	last := len(rows) - 1
	l.table(cols, rows, 9, func(i int) *[3]int {
		if i == last {
			return &band
		}
		return nil
	})
}

// conditionExhibit returns the condition notes' exhibit, or nil.
func conditionExhibit(exhibits []*exhibit) *exhibit {
	for _, x := range exhibits {
		if x.place == placeConditions {
			return x
		}
	}
	return nil
}

// writeConditionSummary writes the before/after table and the pain chart
// of the condition notes selected.
func (l *layout) writeConditionSummary(exhibits []*exhibit) {
	x := conditionExhibit(exhibits)
	if x == nil {
		return
	}
	notes := x.conditions
	pc := check.PainChangeOf(notes)
	l.subheading("Condition: before and after")
	var shown []*vault.Condition
	if pc.Complete() {
		shown = []*vault.Condition{pc.Before, pc.After}
	} else {
		shown = notes
		if len(shown) > 4 {
			shown = append([]*vault.Condition{shown[0]}, shown[len(shown)-3:]...)
		}
	}
	cols := []column{{title: "", width: 110}}
	w := (contentWidth - 110) / float64(len(shown))
	for _, n := range shown {
		cols = append(cols, column{title: kindName(n.Phase) + " " + string(n.Date), width: w})
	}
	var infos []bundle.Condition
	for _, n := range shown {
		infos = append(infos, conditionInfo(n))
	}
	rows := [][]string{painRow(shown)}
	for _, name := range bundle.MeasureNames(infos) {
		row := []string{name}
		for _, c := range infos {
			row = append(row, c.Measure(name))
		}
		rows = append(rows, row)
	}
	notesRow := []string{"Notes"}
	for _, n := range shown {
		notesRow = append(notesRow, n.Text)
	}
	rows = append(rows, notesRow)
	l.table(cols, rows, 8.5, nil)
	if pc.Complete() {
		b, a := pc.Before, pc.After
		l.f.Ln(4)
		l.paragraph(fmt.Sprintf("Pain %d/10 on %s (%s) → %d/10 on %s (%s): %s.", *b.Pain, b.Date, b.Phase, *a.Pain, a.Date, a.Phase, pc.Verdict()), bodySize, ink)
	}
	l.painChart(notes)
}

func painRow(notes []*vault.Condition) []string {
	row := []string{"Pain (0-10)"}
	for _, n := range notes {
		if n.Pain != nil {
			row = append(row, fmt.Sprintf("%d/10", *n.Pain))
		} else {
			row = append(row, "-")
		}
	}
	return row
}

// painChart draws the pain scores over time as vector lines and points:
// days along the bottom, 0 to 10 up the side.
func (l *layout) painChart(notes []*vault.Condition) {
	type point struct {
		day  float64
		pain int
		date string
	}
	var pts []point
	var first time.Time
	for _, n := range notes {
		if n.Pain == nil || !n.Date.Valid() {
			continue
		}
		t := n.Date.Time()
		if len(pts) == 0 {
			first = t
		}
		pts = append(pts, point{day: t.Sub(first).Hours() / 24, pain: *n.Pain, date: string(n.Date)})
	}
	if len(pts) < 2 {
		return
	}
	slices.SortStableFunc(pts, func(a, b point) int { return int(a.day - b.day) })
	f := l.f
	const chartH, padL, padB = 120.0, 34.0, 28.0
	l.ensure(chartH + padB + 40)
	f.Ln(6)
	f.SetFont(sans, "B", 9.5)
	setText(f, accent)
	f.CellFormat(contentWidth, 14, "Pain over time (0 = none, 10 = worst)", "", 1, "L", false, 0, "")
	x0, y0 := margin+padL, f.GetY()+6
	w, h := contentWidth-padL-10, chartH
	span := math.Max(pts[len(pts)-1].day-pts[0].day, 1)
	px := func(d float64) float64 { return x0 + (d-pts[0].day)/span*w }
	py := func(p int) float64 { return y0 + h - float64(p)/10*h }
	f.SetFont(sans, "", 7.5)
	setText(f, muted)
	f.SetLineWidth(0.3)
	for p := 0; p <= 10; p += 2 {
		setDraw(f, rule)
		f.Line(x0, py(p), x0+w, py(p))
		s := fmt.Sprint(p)
		f.Text(x0-6-f.GetStringWidth(s), py(p)+2.5, s)
	}
	setDraw(f, muted)
	f.Line(x0, y0, x0, y0+h)
	f.Line(x0, y0+h, x0+w, y0+h)
	setDraw(f, accent)
	f.SetLineWidth(1.6)
	for i := 1; i < len(pts); i++ {
		f.Line(px(pts[i-1].day), py(pts[i-1].pain), px(pts[i].day), py(pts[i].pain))
	}
	setFill(f, accent)
	lastLabel := -1000.0
	for _, p := range pts {
		f.Circle(px(p.day), py(p.pain), 2.8, "F")
		setText(f, ink)
		f.SetFont(sans, "B", 7.5)
		v := fmt.Sprint(p.pain)
		f.Text(px(p.day)-f.GetStringWidth(v)/2, py(p.pain)-5, v)
		f.SetFont(sans, "", 7)
		setText(f, muted)
		if x := px(p.day); x-lastLabel > 48 {
			f.Text(x-f.GetStringWidth(p.date)/2, y0+h+11, p.date)
			lastLabel = x
		}
	}
	f.SetLineWidth(0.5)
	f.SetXY(margin, y0+h+padB)
	setText(f, ink)
	f.SetFont(sans, "", bodySize)
}

// conditionInfo is a condition note as the bundle package shows it.
func conditionInfo(c *vault.Condition) bundle.Condition {
	out := bundle.Condition{ID: c.ID, Date: string(c.Date), Phase: c.Phase, Text: c.Text, Pain: c.Pain}
	for _, m := range c.Measures {
		out.Measures = append(out.Measures, bundle.Measure{Name: m.Name, Value: m.Value})
	}
	return out
}

// writeExhibit writes the pages of one exhibit: the carriers of an
// imported PDF's pages, or the pages fpdf lays out itself.
func (l *layout) writeExhibit(x *exhibit) {
	role := fmt.Sprintf("Exhibit %d", x.n)
	hdr := exhibitHeader(x)
	switch x.place {
	case placePDF:
		for _, pg := range x.pdf.pages {
			l.begin(role, x.n, hdr, true, pg.w, pg.h)
		}
		return
	case placeNone:
		return
	}
	l.begin(role, x.n, hdr, false, 0, 0)
	map[placement]func(*exhibit){
		placeImage: l.placeImage, placeText: l.writeText, placeCalls: l.writeCalls, placeConditions: l.writeConditions,
	}[x.place](x)
}

// placeImage fits a photo in the page, upright by its EXIF orientation.
func (l *layout) placeImage(x *exhibit) {
	f := l.f
	img := x.img
	name := fmt.Sprintf("exhibit-%d", x.n)
	f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: img.imageType}, strings.NewReader(string(img.data)))
	// The size it shows at, upright.
	sw, sh := float64(img.w), float64(img.h)
	if img.orientation >= 5 {
		sw, sh = sh, sw
	}
	boxW, boxH := contentWidth, letterH-2*margin-8
	scale := math.Min(boxW/sw, boxH/sh)
	// Never enlarge a small image beyond 100 pixels an inch.
	scale = math.Min(scale, 72.0/100)
	w, h := sw*scale, sh*scale
	cx, cy := letterW/2, margin+4+h/2
	// The stored image, drawn centred with its stored proportions.
	dw, dh := w, h
	if img.orientation >= 5 {
		dw, dh = h, w
	}
	f.TransformBegin()
	switch img.orientation {
	case 2:
		f.TransformMirrorHorizontal(cx)
	case 3:
		f.TransformRotate(180, cx, cy)
	case 4:
		f.TransformMirrorVertical(cy)
	case 5:
		f.TransformMirrorLine(-45, cx, cy)
	case 6:
		f.TransformRotate(-90, cx, cy)
	case 7:
		f.TransformMirrorLine(45, cx, cy)
	case 8:
		f.TransformRotate(90, cx, cy)
	}
	f.ImageOptions(name, cx-dw/2, cy-dh/2, dw, dh, false, fpdf.ImageOptions{ImageType: img.imageType}, 0, "")
	f.TransformEnd()
	f.SetY(cy + h/2 + 6)
}

// writeText typesets a text note.
func (l *layout) writeText(x *exhibit) {
	f := l.f
	f.SetFont(sans, "", bodySize+0.5)
	setText(f, ink)
	f.MultiCell(contentWidth, 14.5, cleanText(x.text), "", "L", false)
}

// callTime is when a call was, in the zone it was logged in.
func callTime(t time.Time) string {
	name, _ := t.Zone()
	return t.Format("2006-01-02 15:04") + " " + name
}

// writeCalls writes the calls as a table.
func (l *layout) writeCalls(x *exhibit) {
	cols := []column{
		{title: "When", width: 72},
		{title: "Representative", width: 78},
		{title: "Reference", width: 66, mono: true},
		{title: "Summary", width: 138},
		{title: "Promised", width: 90},
		{title: "Follow-up", width: 60},
	}
	var rows [][]string
	for _, c := range x.calls {
		rep := c.Rep
		if c.Party != "" {
			rep += "\n" + c.Party
		}
		if c.Phone != "" {
			rep += "\n" + c.Phone
		}
		when := callTime(c.At)
		if c.Duration > 0 {
			when += fmt.Sprintf("\n%d min", int64(c.Duration.Round(time.Minute)/time.Minute))
		}
		ref := c.Ref
		if ref == "" {
			ref = "none given"
		}
		rows = append(rows, []string{when, rep, ref, c.Summary, c.Promised, c.FollowUp})
	}
	l.table(cols, rows, 8.5, nil)
}

// writeConditions writes the condition notes as a table.
func (l *layout) writeConditions(x *exhibit) {
	cols := []column{
		{title: "Date", width: 62},
		{title: "Phase", width: 56},
		{title: "Pain", width: 36, align: "R"},
		{title: "Measures", width: 120},
		{title: "Notes", width: 230},
	}
	var rows [][]string
	for _, c := range x.conditions {
		pain := "-"
		if c.Pain != nil {
			pain = fmt.Sprintf("%d/10", *c.Pain)
		}
		var ms []string
		for _, m := range c.Measures {
			ms = append(ms, m.Name+": "+m.Value)
		}
		rows = append(rows, []string{string(c.Date), kindName(c.Phase), pain, strings.Join(ms, "\n"), c.Text})
	}
	l.table(cols, rows, 8.5, nil)
}

// writeIntegrity writes the integrity page: every attached file with its
// size and SHA-256, the signing key, and how to check.
func (l *layout) writeIntegrity(pf *partFacts, files []bundle.File, manifestSHA string) {
	l.begin("Integrity", 0, "", false, 0, 0)
	l.heading("Integrity: the original files attached to this PDF", 14)
	l.paragraph("Each file below is attached to this PDF as it is kept in the vault. Its SHA-256 is the fingerprint of its exact bytes: any change to the file changes it.", 9, muted)
	l.f.Ln(4)
	cols := []column{
		{title: "Exhibit", width: 40, align: "R"},
		{title: "Attached file", width: 168},
		{title: "Size", width: 56, align: "R"},
		{title: "SHA-256", width: 240, mono: true},
	}
	var rows [][]string
	for _, fl := range files {
		n := ""
		if x := exhibitOfFile(pf.allExhibits, fl.Path); x != nil {
			n = fmt.Sprint(x.n)
		}
		rows = append(rows, []string{n, fl.Path, bundle.HumanSize(fl.Size) + "\n" + fmt.Sprintf("%d bytes", fl.Size), fl.SHA256})
	}
	l.table(cols, rows, 7.5, nil)
	l.f.Ln(8)
	l.facts([][2]string{
		{"Signing key", pf.fingerprint + " (Ed25519, fingerprint)"},
		{"Signed list", bundle.ManifestName + " (attached), SHA-256 " + manifestSHA + "; its signature is " + bundle.SignatureName},
	})
	l.f.Ln(6)
	l.subheading("How to check the attachments")
	l.paragraph("With vault: vault verify-bundle PACKET.pdf checks every attachment against manifest.json and its signature, and that nothing is missing or added.", 9, ink)
	l.paragraph("With standard tools: extract the attachments (pdfdetach -saveall PACKET.pdf, from poppler-utils, or qpdf --show-attachment=NAME PACKET.pdf), then run sha256sum on each file and compare with this page. manifest.json lists the same hashes; manifest.sig is its Ed25519 signature by the key whose fingerprint is above (the first 16 hex digits of the SHA-256 of the 32-byte public key in manifest.json).", 9, ink)
}

func exhibitOfFile(exhibits []*exhibit, path string) *exhibit {
	for _, x := range exhibits {
		if x.file.Path == path {
			return x
		}
	}
	return nil
}
