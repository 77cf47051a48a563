package samplegen

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"strconv"
	"strings"
)

// This file holds a small PDF 1.4 writer: enough for letters, tables and
// rules set in the standard Helvetica fonts, with an exact xref table.

// US Letter page size in PDF points.
const (
	pageWidth  = 612.0
	pageHeight = 792.0
)

// pdfFont names one of the standard Type 1 fonts the writer declares.
type pdfFont int

const (
	fontRegular pdfFont = iota // Helvetica
	fontBold                   // Helvetica-Bold
	fontOblique                // Helvetica-Oblique
)

var fontBaseNames = [...]string{"Helvetica", "Helvetica-Bold", "Helvetica-Oblique"}

// rgb is a colour with components in 0..1.
type rgb struct{ r, g, b float64 }

var (
	black    = rgb{0, 0, 0}
	darkGray = rgb{0.35, 0.35, 0.35}
	midGray  = rgb{0.55, 0.55, 0.55}
	fillGray = rgb{0.9, 0.9, 0.9}
	stampRed = rgb{0.78, 0.1, 0.12}
	navy     = rgb{0.09, 0.2, 0.42}
)

// pdfDoc collects pages and document information and serialises them.
type pdfDoc struct {
	title   string
	author  string
	subject string
	created string // PDF date, e.g. "D:20260220093000-08'00'"
	pages   []*pdfPage
}

// pdfPage is one page's content stream under construction.
type pdfPage struct {
	content bytes.Buffer
}

// newPage appends an empty page to the document and returns it.
func (d *pdfDoc) newPage() *pdfPage {
	p := &pdfPage{}
	d.pages = append(d.pages, p)
	return p
}

// num formats a coordinate with at most two decimals and no exponent.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" || s == "" {
		s = "0"
	}
	return s
}

// winAnsi maps the few non-ASCII runes the samples use to WinAnsiEncoding.
var winAnsi = map[rune]byte{
	'\u2013': 0x96, // en dash
	'\u2014': 0x97, // em dash
	'\u2018': 0x91,
	'\u2019': 0x92,
	'\u201c': 0x93,
	'\u201d': 0x94,
	'\u2022': 0x95, // bullet
	'\u00b0': 0xb0, // degree sign
	'\u00b7': 0xb7, // middle dot
	'\u00a7': 0xa7, // section sign
	'\u00e9': 0xe9, // e acute
}

// encodeText converts s to WinAnsiEncoding bytes; runes without a mapping
// become '?'.
func encodeText(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 0x20 && r < 0x7f:
			out = append(out, byte(r))
		default:
			if b, ok := winAnsi[r]; ok {
				out = append(out, b)
			} else {
				out = append(out, '?')
			}
		}
	}
	return out
}

// pdfString returns s as a PDF literal string, with ( ) and \ escaped and
// bytes outside printable ASCII written as octal escapes.
func pdfString(s string) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, c := range encodeText(s) {
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
	return b.String()
}

// textWidth returns the width in points of s set in font f at size.
func textWidth(f pdfFont, size float64, s string) float64 {
	w := 0
	for _, c := range encodeText(s) {
		w += glyphWidth(f, c)
	}
	return float64(w) * size / 1000
}

// glyphWidth returns the advance width (1/1000 em) of WinAnsi byte c.
func glyphWidth(f pdfFont, c byte) int {
	if c >= 0x20 && c < 0x7f {
		if f == fontBold {
			return helveticaBoldWidths[c-0x20]
		}
		return helveticaWidths[c-0x20]
	}
	switch c {
	case 0x96, 0xe9:
		return 556
	case 0x97:
		return 1000
	case 0x95:
		return 350
	case 0xb0:
		return 400
	case 0xb7:
		return 278
	case 0xa7:
		return 556
	case 0x91, 0x92:
		if f == fontBold {
			return 278
		}
		return 222
	case 0x93, 0x94:
		if f == fontBold {
			return 500
		}
		return 333
	}
	return 556
}

// Advance widths from the Adobe Core 14 AFM files, for bytes 0x20..0x7e in
// WinAnsiEncoding. Helvetica-Oblique shares Helvetica's widths.
var helveticaWidths = [95]int{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space../
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
}

var helveticaBoldWidths = [95]int{
	278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
	975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
	333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
	611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
}

// text draws s with its baseline starting at (x, y) in colour c.
func (p *pdfPage) text(x, y float64, f pdfFont, size float64, c rgb, s string) {
	fmt.Fprintf(&p.content, "BT %s %s %s rg /F%d %s Tf %s %s Td %s Tj ET\n",
		num(c.r), num(c.g), num(c.b), int(f)+1, num(size), num(x), num(y), pdfString(s))
}

// rotatedText draws s starting at (x, y), turned by the given cosine and
// sine (counter-clockwise).
func (p *pdfPage) rotatedText(x, y, cos, sin float64, f pdfFont, size float64, c rgb, s string) {
	fmt.Fprintf(&p.content, "BT %s %s %s rg /F%d %s Tf %s %s %s %s %s %s Tm %s Tj ET\n",
		num(c.r), num(c.g), num(c.b), int(f)+1, num(size),
		strconv.FormatFloat(cos, 'f', 4, 64), strconv.FormatFloat(sin, 'f', 4, 64),
		strconv.FormatFloat(-sin, 'f', 4, 64), strconv.FormatFloat(cos, 'f', 4, 64),
		num(x), num(y), pdfString(s))
}

// line strokes a straight line of the given width and colour.
func (p *pdfPage) line(x1, y1, x2, y2, width float64, c rgb) {
	fmt.Fprintf(&p.content, "q %s %s %s RG %s w %s %s m %s %s l S Q\n",
		num(c.r), num(c.g), num(c.b), num(width), num(x1), num(y1), num(x2), num(y2))
}

// fillRect fills the rectangle with lower-left corner (x, y).
func (p *pdfPage) fillRect(x, y, w, h float64, c rgb) {
	fmt.Fprintf(&p.content, "q %s %s %s rg %s %s %s %s re f Q\n",
		num(c.r), num(c.g), num(c.b), num(x), num(y), num(w), num(h))
}

// strokeRect outlines a rectangle, optionally rotated about (x, y).
func (p *pdfPage) strokeRect(x, y, w, h, width, cos, sin float64, c rgb) {
	fmt.Fprintf(&p.content, "q %s %s %s %s %s %s cm %s %s %s RG %s w 0 0 %s %s re S Q\n",
		strconv.FormatFloat(cos, 'f', 4, 64), strconv.FormatFloat(sin, 'f', 4, 64),
		strconv.FormatFloat(-sin, 'f', 4, 64), strconv.FormatFloat(cos, 'f', 4, 64),
		num(x), num(y), num(c.r), num(c.g), num(c.b), num(width), num(w), num(h))
}

// bytes serialises the document: header, numbered objects, a cross-reference
// table whose offsets point at each "N 0 obj", and the trailer.
func (d *pdfDoc) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

	// Object numbers: 1 catalog, 2 page tree, 3 info, 4-6 fonts, then a
	// page object and its content stream for each page.
	const firstPage = 4 + len(fontBaseNames)
	total := firstPage + 2*len(d.pages) // includes object 0
	offsets := make([]int, total)
	begin := func(n int) {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", n)
	}
	end := func() { b.WriteString("endobj\n") }

	begin(1)
	b.WriteString("<< /Type /Catalog /Pages 2 0 R >>\n")
	end()

	begin(2)
	kids := make([]string, len(d.pages))
	for i := range d.pages {
		kids[i] = fmt.Sprintf("%d 0 R", firstPage+2*i)
	}
	fmt.Fprintf(&b, "<< /Type /Pages /Kids [%s] /Count %d >>\n", strings.Join(kids, " "), len(d.pages))
	end()

	begin(3)
	fmt.Fprintf(&b, "<< /Title %s /Author %s /Subject %s /Creator (vault sample generator) /Producer (vault/sample PDF writer) /CreationDate (%s) /ModDate (%s) >>\n",
		pdfString(d.title), pdfString(d.author), pdfString(d.subject), d.created, d.created)
	end()

	var fontRefs []string
	for i, name := range fontBaseNames {
		begin(4 + i)
		fmt.Fprintf(&b, "<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>\n", name)
		end()
		fontRefs = append(fontRefs, fmt.Sprintf("/F%d %d 0 R", i+1, 4+i))
	}
	fonts := strings.Join(fontRefs, " ")

	for i, p := range d.pages {
		n := firstPage + 2*i
		begin(n)
		fmt.Fprintf(&b, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /Font << %s >> /ProcSet [/PDF /Text] >> /Contents %d 0 R >>\n",
			num(pageWidth), num(pageHeight), fonts, n+1)
		end()
		begin(n + 1)
		data := p.content.Bytes()
		fmt.Fprintf(&b, "<< /Length %d >>\nstream\n", len(data))
		b.Write(data)
		b.WriteString("\nendstream\n")
		end()
	}

	sum := md5.Sum(b.Bytes())
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n", total)
	b.WriteString("0000000000 65535 f \n")
	for n := 1; n < total; n++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[n])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n",
		total, sum, sum, xref)
	return b.Bytes()
}
