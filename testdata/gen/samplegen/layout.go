package samplegen

import (
	"fmt"
	"strings"
)

// layout flows text down the pages of a pdfDoc, starting a new page when the
// current one is full, and numbers the pages when finished.
type layout struct {
	doc    *pdfDoc
	page   *pdfPage
	y      float64 // baseline of the next line
	left   float64
	right  float64
	top    float64
	bottom float64
	footer string // small grey line at the foot of every page
	// continued is drawn at the top of every page after the first.
	continued string
}

// newLayout starts a document with one-inch side margins.
func newLayout(doc *pdfDoc, footer string) *layout {
	l := &layout{doc: doc, left: 64, right: pageWidth - 64, top: pageHeight - 56, bottom: 68, footer: footer}
	l.page = doc.newPage()
	l.y = l.top
	return l
}

// width is the text column width.
func (l *layout) width() float64 { return l.right - l.left }

// need starts a new page unless h points remain above the bottom margin.
func (l *layout) need(h float64) {
	if l.y-h >= l.bottom {
		return
	}
	l.page = l.doc.newPage()
	l.y = l.top
	if l.continued != "" {
		l.page.text(l.left, l.y, fontRegular, 8.5, midGray, l.continued)
		l.y -= 12
		l.page.line(l.left, l.y+4, l.right, l.y+4, 0.4, midGray)
		l.y -= 14
	}
}

// gap moves down by h points.
func (l *layout) gap(h float64) { l.y -= h }

// lineText writes one line of text at the left margin.
func (l *layout) lineText(f pdfFont, size float64, s string) {
	l.lineTextColor(f, size, black, s)
}

// lineTextColor writes one coloured line of text at the left margin.
func (l *layout) lineTextColor(f pdfFont, size float64, c rgb, s string) {
	lead := size * 1.35
	l.need(lead)
	l.page.text(l.left, l.y, f, size, c, s)
	l.y -= lead
}

// centered writes one line centred between the margins.
func (l *layout) centered(f pdfFont, size float64, c rgb, s string) {
	lead := size * 1.35
	l.need(lead)
	x := l.left + (l.width()-textWidth(f, size, s))/2
	l.page.text(x, l.y, f, size, c, s)
	l.y -= lead
}

// pair writes s at the left margin and r right-aligned on the same line.
func (l *layout) pair(f pdfFont, size float64, s string, rf pdfFont, r string) {
	lead := size * 1.35
	l.need(lead)
	l.page.text(l.left, l.y, f, size, black, s)
	l.page.text(l.right-textWidth(rf, size, r), l.y, rf, size, black, r)
	l.y -= lead
}

// wrap splits s into lines no wider than w.
func wrap(f pdfFont, size, w float64, s string) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		cur := words[0]
		for _, word := range words[1:] {
			if textWidth(f, size, cur+" "+word) <= w {
				cur += " " + word
				continue
			}
			lines = append(lines, cur)
			cur = word
		}
		lines = append(lines, cur)
	}
	return lines
}

// para writes a wrapped paragraph followed by a small gap.
func (l *layout) para(f pdfFont, size float64, s string) {
	l.paraIndent(0, f, size, s)
	l.gap(size * 0.6)
}

// paraIndent writes a wrapped paragraph indented by ind points, no gap.
func (l *layout) paraIndent(ind float64, f pdfFont, size float64, s string) {
	lead := size * 1.35
	for _, line := range wrap(f, size, l.width()-ind, s) {
		l.need(lead)
		l.page.text(l.left+ind, l.y, f, size, black, line)
		l.y -= lead
	}
}

// bullets writes a list with hanging indents.
func (l *layout) bullets(size float64, items []string) {
	lead := size * 1.35
	for _, it := range items {
		lines := wrap(fontRegular, size, l.width()-16, it)
		for i, line := range lines {
			l.need(lead)
			if i == 0 {
				l.page.text(l.left+4, l.y, fontRegular, size, black, "\u2022")
			}
			l.page.text(l.left+16, l.y, fontRegular, size, black, line)
			l.y -= lead
		}
	}
	l.gap(size * 0.6)
}

// field writes a bold label and a wrapped value in a second column.
func (l *layout) field(labelWidth, size float64, label, value string) {
	lead := size * 1.35
	lines := wrap(fontRegular, size, l.width()-labelWidth, value)
	for i, line := range lines {
		l.need(lead)
		if i == 0 {
			l.page.text(l.left, l.y, fontBold, size, black, label)
		}
		l.page.text(l.left+labelWidth, l.y, fontRegular, size, black, line)
		l.y -= lead
	}
}

// heading writes a bold section heading with space above it. It keeps the
// heading with at least two lines of what follows.
func (l *layout) heading(size float64, s string) {
	l.gap(size * 0.4)
	l.need(size*1.35 + 3*size)
	l.lineText(fontBold, size, s)
}

// rule draws a horizontal rule across the column.
func (l *layout) rule(width float64, c rgb) {
	l.need(8)
	l.page.line(l.left, l.y+6, l.right, l.y+6, width, c)
	l.y -= 8
}

// column describes one column of a table: its left edge relative to the
// left margin, its width and whether the cells are right-aligned.
type column struct {
	x, w  float64
	right bool
}

// row writes one table row. Cells too wide for their column are wrapped.
func (l *layout) row(cols []column, f pdfFont, size float64, shade bool, cells ...string) {
	lead := size * 1.4
	wrapped := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		wrapped[i] = wrap(f, size, cols[i].w, c)
		n = max(n, len(wrapped[i]))
	}
	h := float64(n) * lead
	l.need(h + 2)
	if shade {
		l.page.fillRect(l.left, l.y-lead*float64(n-1)-size*0.45, l.width(), h, fillGray)
	}
	for i, lines := range wrapped {
		for j, s := range lines {
			x := l.left + cols[i].x
			if cols[i].right {
				x += cols[i].w - textWidth(f, size, s)
			}
			l.page.text(x, l.y-float64(j)*lead, f, size, black, s)
		}
	}
	l.y -= h
}

// signature writes a signature block: an oblique "signature", a rule and
// the signer's lines.
func (l *layout) signature(sig string, lines ...string) {
	l.need(40 + float64(len(lines))*13)
	l.gap(8)
	l.page.text(l.left+4, l.y, fontOblique, 17, navy, sig)
	l.y -= 7
	l.page.line(l.left, l.y, l.left+220, l.y, 0.6, black)
	l.y -= 13
	for _, s := range lines {
		l.lineText(fontRegular, 9.5, s)
	}
}

// finish draws the footer and page numbers on every page.
func (l *layout) finish() {
	n := len(l.doc.pages)
	for i, p := range l.doc.pages {
		p.line(l.left, 54, l.right, 54, 0.4, midGray)
		p.text(l.left, 42, fontRegular, 7.5, midGray, l.footer)
		pn := fmt.Sprintf("Page %d of %d", i+1, n)
		p.text(l.right-textWidth(fontRegular, 7.5, pn), 42, fontRegular, 7.5, midGray, pn)
	}
}
