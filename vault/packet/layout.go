package packet

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

// Page geometry, in points (1/72 inch). The pages the packet writes are US
// Letter; imported pages keep their own size.
const (
	letterW, letterH = 612.0, 792.0
	margin           = 54.0 // left and right margins, and the content's top and bottom
	// bandTop and bandBottom are the strips of every page that hold the
	// exhibit's header and the stamp: imported pages are scaled down to
	// leave them free.
	bandTop    = 26.0
	bandBottom = 26.0
	stampSize  = 8.0 // the stamp's font size
	bodySize   = 10.0
	lineH      = 13.0
)

// Font families: the Go fonts (golang.org/x/image/font/gofont), embedded as
// Unicode TrueType subsets, so that any Latin, Greek or Cyrillic text
// renders; PDF's core fonts hold Western European letters only.
const (
	sans = "gosans"
	mono = "gomono"
)

// Colours.
var (
	ink    = [3]int{27, 31, 36}
	muted  = [3]int{91, 100, 112}
	accent = [3]int{31, 78, 121}
	rule   = [3]int{200, 206, 214}
	band   = [3]int{240, 243, 246}
	warn   = [3]int{138, 28, 28}
)

// pageInfo is what the layout knows of each page it made.
type pageInfo struct {
	role    string // stamp role: "Cover", "Contents", "Exhibit 3", "Integrity"
	exhibit int    // exhibit number, 0 for none
	host    bool   // a carrier of header and stamp for an imported page
	w, h    float64
}

// layout writes the pages of one part with fpdf. Every page gets its
// header (for exhibits) and its stamp from the header and footer
// functions, from the role and header in force when the page began.
type layout struct {
	f          *fpdf.Fpdf
	stampBase  string // "Claim N · patient"
	prefix     string // Bates prefix, or ""
	batesFirst int    // the Bates number of this part's first page
	total      int    // pages of the part; 0 while counting
	role       string
	exhibitN   int
	header     string
	host       bool
	pages      []pageInfo
	headers    []string
}

// newLayout starts a document with the fonts and the page furniture.
func newLayout(title, subject, author string, created time.Time, stampBase, prefix string, batesFirst, total int) *layout {
	f := fpdf.New("P", "pt", "Letter", "")
	f.SetCompression(true)
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetTitle(title, true)
	f.SetSubject(subject, true)
	if author != "" {
		f.SetAuthor(author, true)
	}
	f.SetCreator("vault", true)
	f.SetProducer("vault (fpdf, pdfcpu)", true)
	f.SetLang("en-US")
	f.AddUTF8FontFromBytes(sans, "", goregular.TTF)
	f.AddUTF8FontFromBytes(sans, "B", gobold.TTF)
	f.AddUTF8FontFromBytes(mono, "", gomono.TTF)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin)
	f.SetCellMargin(3)
	l := &layout{f: f, stampBase: stampBase, prefix: prefix, batesFirst: batesFirst, total: total}
	f.SetHeaderFuncMode(l.drawHeader, true)
	f.SetFooterFunc(l.drawStamp)
	return l
}

// begin starts a page with a role and an exhibit header ("" for none): a
// Letter page, or with host a page of the given size that only carries the
// header and stamp of an imported page.
func (l *layout) begin(role string, exhibit int, header string, host bool, w, h float64) {
	l.role, l.exhibitN, l.header, l.host = role, exhibit, header, host
	if w == 0 {
		l.f.AddPageFormat("P", fpdf.SizeType{Wd: letterW, Ht: letterH})
		return
	}
	l.f.AddPageFormat("P", fpdf.SizeType{Wd: w, Ht: h})
}

// drawHeader runs as each page begins: it records the page and draws the
// exhibit's header in the top band.
func (l *layout) drawHeader() {
	f := l.f
	w, h := f.GetPageSize()
	continued := len(l.pages) > 0 && l.pages[len(l.pages)-1].exhibit == l.exhibitN && l.exhibitN > 0
	l.pages = append(l.pages, pageInfo{role: l.role, exhibit: l.exhibitN, host: l.host, w: w, h: h})
	hdr := l.header
	if hdr != "" && continued {
		hdr += " (continued)"
	}
	l.headers = append(l.headers, hdr)
	if hdr != "" {
		f.SetFont(sans, "B", 8.5)
		setText(f, accent)
		fitText(f, 8.5, "B", hdr, w-2*18)
		f.Text(18, bandTop-9, hdr)
		setDraw(f, rule)
		f.SetLineWidth(0.5)
		f.Line(18, bandTop-4, w-18, bandTop-4)
		f.SetFont(sans, "", bodySize)
	}
	setText(f, ink)
	if !l.host {
		f.SetXY(margin, margin)
	}
}

// stampText is the stamp of page p (from 1) of the part.
func (l *layout) stampText(p int, role string) string {
	total := "?"
	if l.total > 0 {
		total = fmt.Sprint(l.total)
	}
	return fmt.Sprintf("%s · %s · page %d of %s", l.stampBase, role, p, total)
}

// bates is the Bates number of page p of the part, or "".
func (l *layout) bates(p int) string {
	if l.prefix == "" {
		return ""
	}
	return fmt.Sprintf("%s%06d", l.prefix, l.batesFirst+p-1)
}

// drawStamp runs as each page ends: the stamp, centred in the bottom band,
// and the Bates number at its right end; both in a size that fits the page.
func (l *layout) drawStamp() {
	f := l.f
	p := f.PageNo()
	info := l.pages[p-1]
	w, h := info.w, info.h
	s := l.stampText(p, info.role)
	bates := l.bates(p)
	setDraw(f, rule)
	f.SetLineWidth(0.5)
	f.Line(18, h-bandBottom+4, w-18, h-bandBottom+4)
	setText(f, muted)
	room := w - 2*18
	var bw float64
	if bates != "" {
		f.SetFont(mono, "", stampSize)
		bw = f.GetStringWidth(bates) + 8
	}
	size := fitText(f, stampSize, "", s, room-2*bw)
	sw := f.GetStringWidth(s)
	f.Text((w-sw)/2, h-bandBottom+15, s)
	if bates != "" {
		f.SetFont(mono, "", math.Min(size, stampSize))
		f.Text(w-18-f.GetStringWidth(bates), h-bandBottom+15, bates)
	}
	f.SetFont(sans, "", bodySize)
	setText(f, ink)
}

// fitText sets the sans font in the largest size up to size at which s
// fits in width, and returns that size.
func fitText(f *fpdf.Fpdf, size float64, style, s string, width float64) float64 {
	f.SetFont(sans, style, size)
	if sw := f.GetStringWidth(s); sw > width && sw > 0 {
		size = math.Max(3, size*width/sw)
		f.SetFont(sans, style, size)
	}
	return size
}

func setText(f *fpdf.Fpdf, c [3]int) { f.SetTextColor(c[0], c[1], c[2]) }
func setDraw(f *fpdf.Fpdf, c [3]int) { f.SetDrawColor(c[0], c[1], c[2]) }
func setFill(f *fpdf.Fpdf, c [3]int) { f.SetFillColor(c[0], c[1], c[2]) }

// output finishes the document.
func (l *layout) output() ([]byte, error) {
	var buf bytes.Buffer
	if err := l.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("lay out the packet: %w", err)
	}
	return buf.Bytes(), nil
}

// contentWidth is the width between the margins of a Letter page.
const contentWidth = letterW - 2*margin

// heading writes a section title.
func (l *layout) heading(s string, size float64) {
	f := l.f
	l.ensure(size + 20)
	f.SetFont(sans, "B", size)
	setText(f, accent)
	f.MultiCell(contentWidth, size*1.25, s, "", "L", false)
	setDraw(f, accent)
	f.SetLineWidth(size / 14)
	y := f.GetY() + 2
	f.Line(margin, y, letterW-margin, y)
	f.SetY(y + 8)
	f.SetFont(sans, "", bodySize)
	setText(f, ink)
}

// subheading writes a smaller title.
func (l *layout) subheading(s string) {
	f := l.f
	l.ensure(40)
	f.Ln(6)
	f.SetFont(sans, "B", 11.5)
	setText(f, accent)
	f.MultiCell(contentWidth, 15, s, "", "L", false)
	f.Ln(3)
	f.SetFont(sans, "", bodySize)
	setText(f, ink)
}

// paragraph writes wrapped text.
func (l *layout) paragraph(s string, size float64, color [3]int) {
	f := l.f
	f.SetFont(sans, "", size)
	setText(f, color)
	f.MultiCell(contentWidth, size*1.35, cleanText(s), "", "L", false)
	f.SetFont(sans, "", bodySize)
	setText(f, ink)
}

// ensure starts a new page when less than h points are left on this one.
func (l *layout) ensure(h float64) {
	_, ph := l.f.GetPageSize()
	if l.f.GetY()+h > ph-margin {
		l.f.AddPage()
	}
}

// cleanText makes user text safe to typeset: tabs become spaces, other
// control characters are dropped, CRLF becomes LF.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r == '\n':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			return -1
		}
		return r
	}, s)
}

// column is one column of a table.
type column struct {
	title string
	width float64
	align string // "L" or "R"
	mono  bool
}

// table draws rows under a header row that repeats on each new page.
// Cells wrap; a row never splits across pages unless it alone is taller
// than a page. A style function may colour a row.
func (l *layout) table(cols []column, rows [][]string, size float64, shade func(i int) *[3]int) {
	f := l.f
	lh := size * 1.3
	drawHeader := func() {
		f.SetFont(sans, "B", size)
		setFill(f, band)
		setText(f, muted)
		setDraw(f, rule)
		f.SetLineWidth(0.5)
		x := margin
		y := f.GetY()
		hh := lh + 4
		for _, c := range cols {
			f.Rect(x, y, c.width, hh, "F")
			f.SetXY(x, y+2)
			f.CellFormat(c.width, lh, c.title, "", 0, c.align, false, 0, "")
			x += c.width
		}
		f.Line(margin, y+hh, margin+sumWidths(cols), y+hh)
		f.SetXY(margin, y+hh)
		setText(f, ink)
	}
	drawHeader()
	for i, row := range rows {
		lines := make([][]string, len(cols))
		n := 1
		for j, c := range cols {
			setFontFor(f, c, size)
			txt := ""
			if j < len(row) {
				txt = cleanText(row[j])
			}
			var ls []string
			for _, para := range strings.Split(txt, "\n") {
				if para == "" {
					ls = append(ls, "")
					continue
				}
				ls = append(ls, f.SplitText(para, c.width)...)
			}
			lines[j] = ls
			n = max(n, len(ls))
		}
		rh := float64(n)*lh + 4
		_, ph := f.GetPageSize()
		if f.GetY()+rh > ph-margin && f.GetY() > margin+3*lh {
			f.AddPage()
			drawHeader()
		}
		y := f.GetY()
		if shade != nil {
			if c := shade(i); c != nil {
				setFill(f, *c)
				f.Rect(margin, y, sumWidths(cols), rh, "F")
			}
		}
		x := margin
		for j, c := range cols {
			setFontFor(f, c, size)
			for k, ln := range lines[j] {
				f.SetXY(x, y+2+float64(k)*lh)
				f.CellFormat(c.width, lh, ln, "", 0, c.align, false, 0, "")
			}
			x += c.width
		}
		setDraw(f, rule)
		f.SetLineWidth(0.3)
		f.Line(margin, y+rh, margin+sumWidths(cols), y+rh)
		f.SetXY(margin, y+rh)
		if f.GetY() > ph-margin {
			f.AddPage()
			drawHeader()
		}
	}
	f.SetFont(sans, "", bodySize)
}

func setFontFor(f *fpdf.Fpdf, c column, size float64) {
	if c.mono {
		f.SetFont(mono, "", size*0.92)
	} else {
		f.SetFont(sans, "", size)
	}
}

func sumWidths(cols []column) float64 {
	w := 0.0
	for _, c := range cols {
		w += c.width
	}
	return w
}

// facts draws label: value pairs in two columns of labels and values.
func (l *layout) facts(pairs [][2]string) {
	f := l.f
	labelW := 150.0
	for _, p := range pairs {
		if p[1] == "" {
			continue
		}
		f.SetFont(sans, "", bodySize)
		lines := f.SplitText(cleanText(p[1]), contentWidth-labelW)
		h := float64(len(lines))*lineH + 3
		l.ensure(h)
		y := f.GetY()
		setText(f, muted)
		f.SetXY(margin, y)
		f.CellFormat(labelW, lineH, p[0], "", 0, "L", false, 0, "")
		setText(f, ink)
		for k, ln := range lines {
			f.SetXY(margin+labelW, y+float64(k)*lineH)
			f.CellFormat(contentWidth-labelW, lineH, ln, "", 0, "L", false, 0, "")
		}
		setDraw(f, rule)
		f.SetLineWidth(0.3)
		f.SetDashPattern([]float64{1, 2}, 0)
		f.Line(margin, y+h-1, letterW-margin, y+h-1)
		f.SetDashPattern(nil, 0)
		f.SetXY(margin, y+h)
	}
}

// box draws wrapped text in a shaded, framed box.
func (l *layout) box(lines []string, fill, border, color [3]int) {
	f := l.f
	f.SetFont(sans, "", bodySize)
	var wrapped []string
	for _, s := range lines {
		for _, para := range strings.Split(cleanText(s), "\n") {
			if para == "" {
				wrapped = append(wrapped, "")
				continue
			}
			wrapped = append(wrapped, f.SplitText(para, contentWidth-16)...)
		}
	}
	for len(wrapped) > 0 {
		_, ph := f.GetPageSize()
		room := int((ph - margin - f.GetY() - 12) / lineH)
		if room < 2 {
			f.AddPage()
			continue
		}
		n := min(room, len(wrapped))
		y := f.GetY()
		h := float64(n)*lineH + 12
		setFill(f, fill)
		setDraw(f, border)
		f.SetLineWidth(0.6)
		f.Rect(margin, y, contentWidth, h, "FD")
		setText(f, color)
		for k, ln := range wrapped[:n] {
			f.SetXY(margin+8, y+6+float64(k)*lineH)
			f.CellFormat(contentWidth-16, lineH, ln, "", 0, "L", false, 0, "")
		}
		wrapped = wrapped[n:]
		f.SetXY(margin, y+h+8)
		if len(wrapped) > 0 {
			f.AddPage()
		}
	}
	setText(f, ink)
}
