package samplegen

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
)

// Receipt images are drawn at one pixel per font pixel with the 7x13
// fixed font (60 characters a line, like a receipt printer) and then
// scaled up: the PNG stays crisp, the JPEG is laid on a desk, slightly
// turned and lit unevenly, like a phone photo of a paper receipt.

const (
	receiptCols   = 60
	glyphW        = 7
	lineH         = 15
	receiptMargin = 18
)

var (
	offWhite = color.RGBA{247, 243, 232, 255}
	inkColor = color.RGBA{38, 38, 46, 255}
	fadedInk = color.RGBA{105, 105, 112, 255}
	penBlue  = color.RGBA{24, 52, 140, 255}
	stampInk = color.NRGBA{196, 28, 36, 200}
)

// receiptLine is one printed line: its text, whether it is centred, bold
// or faint, or a rule made of a repeated character.
type receiptLine struct {
	text   string
	center bool
	bold   bool
	faint  bool
	rule   byte // '=' or '-' draws a rule across the paper
	sign   bool // leaves room for a handwritten signature
}

// receiptLines lays out the superbill for a visit as printer lines.
func receiptLines(v visit) []receiptLine {
	pad := func(left, right string) string {
		n := receiptCols - len(left) - len(right)
		if n < 1 {
			n = 1
		}
		return left + strings.Repeat(" ", n) + right
	}
	var ls []receiptLine
	add := func(s string) { ls = append(ls, receiptLine{text: s}) }
	ls = append(ls,
		receiptLine{text: strings.ToUpper(therapist.practice), center: true, bold: true},
		receiptLine{text: therapist.address, center: true},
		receiptLine{text: "Tel " + therapist.phone, center: true},
		receiptLine{rule: '='},
		receiptLine{text: "SUPERBILL / ITEMIZED RECEIPT", center: true, bold: true},
		receiptLine{text: pad("Invoice: "+v.invoice, "Issued: "+usDate(v.date))},
		receiptLine{rule: '-'},
	)
	add(pad("PATIENT   "+patient.name, "DOB "+usDate(patient.dob)))
	add("          " + patient.address)
	add("INSURER   " + insurerName + "  Member ID " + patient.memberID)
	add("          Group " + patient.group)
	add("PROVIDER  " + therapist.name + "  (Licensed Massage Therapist)")
	add("          NPI " + therapist.npi + "   Tax ID " + therapist.taxID)
	add("          License " + therapist.license)
	add("REFERRED  " + physician.name + "  NPI " + physician.npi)
	ls = append(ls, receiptLine{rule: '-'})
	add("Date of service:  " + usDate(v.date) + "  " + v.start + "-" + v.end)
	add("Place of service: 11 (office)")
	add("Diagnosis ICD-10: A  " + diagnoses[0].code + "   Low back pain, unspecified")
	add("                  B  " + diagnoses[1].code + "  Muscle spasm of back")
	ls = append(ls, receiptLine{rule: '-'})
	const cols = "%-10s %-5s %-3s %5v  %-4s %3v"
	ls = append(ls, receiptLine{text: pad(fmt.Sprintf(cols, "DATE", "CPT", "MOD", "UNITS", "PTR", "MIN"), "CHARGE"), bold: true})
	for _, ln := range v.lines {
		left := fmt.Sprintf(cols, usDate(v.date), ln.cpt, ln.modifier, ln.units, ln.pointer, ln.minutes)
		add(pad(left, dollars(ln.charge())))
		desc := ln.desc
		if len(desc) > receiptCols-2 {
			desc = desc[:receiptCols-2]
		}
		ls = append(ls, receiptLine{text: "  " + desc, faint: true})
	}
	ls = append(ls, receiptLine{rule: '-'})
	tot := func(label, amount string, bold bool) {
		ls = append(ls, receiptLine{text: pad(strings.Repeat(" ", 28)+label, amount), bold: bold})
	}
	tot("TOTAL CHARGES", dollars(v.total()), false)
	tot("AMOUNT PAID", dollars(v.total()), false)
	tot("BALANCE DUE", dollars(0), true)
	ls = append(ls, receiptLine{rule: '-'})
	ls = append(ls, receiptLine{text: "PAID IN FULL " + usDate(v.date) + " " + v.paidAt, bold: true})
	add(v.payment)
	add("Timed minutes 45: 97124 30 min = 2 u; 97140 15 min = 1 u")
	ls = append(ls, receiptLine{rule: '-'})
	add("Provider signature:")
	ls = append(ls, receiptLine{sign: true})
	add("          " + therapist.name + "   " + usDate(v.date))
	ls = append(ls,
		receiptLine{},
		receiptLine{text: "Thank you! Keep this receipt for your insurer/FSA/HSA.", center: true},
		receiptLine{text: "SAMPLE - FICTIONAL DATA - VAULT TEST FIXTURE", center: true, faint: true},
	)
	return ls
}

// drawString draws s with the top of the line at (x, y).
func drawString(dst xdraw.Image, x, y int, c color.Color, s string) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y+basicfont.Face7x13.Ascent)}
	d.DrawString(s)
}

// receiptPaper draws the receipt at 1x on paper of the given colour.
func receiptPaper(v visit, paperColor color.RGBA) *image.RGBA {
	lines := receiptLines(v)
	h := 2 * receiptMargin
	for _, ln := range lines {
		if ln.sign {
			h += 2 * lineH
		} else {
			h += lineH
		}
	}
	w := receiptCols*glyphW + 2*receiptMargin
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.Draw(img, img.Bounds(), image.NewUniform(paperColor), image.Point{}, xdraw.Src)

	y := receiptMargin
	for _, ln := range lines {
		switch {
		case ln.rule != 0:
			for x := receiptMargin; x < w-receiptMargin; x++ {
				if ln.rule == '-' && (x/3)%2 == 1 {
					continue
				}
				img.Set(x, y+6, fadedInk)
				if ln.rule == '=' {
					img.Set(x, y+8, fadedInk)
				}
			}
		case ln.sign:
			signature(img, receiptMargin+72, y+lineH-1)
			y += lineH
		default:
			x := receiptMargin
			if ln.center {
				x = (w - len(ln.text)*glyphW) / 2
			}
			c := inkColor
			if ln.faint {
				c = fadedInk
			}
			drawString(img, x, y, c, ln.text)
			if ln.bold {
				drawString(img, x+1, y, c, ln.text)
			}
		}
		y += lineH
	}

	// The front desk's red "PAID" stamp, over the totals.
	st := stampImage(strings.ToUpper(mustDate(v.date).Format("Jan 02 2006")))
	stampOn(img, st, float64(receiptMargin+100), float64(receiptMargin+28*lineH+3), -12, 0.85)
	return img
}

// signature draws a deterministic handwritten-looking scrawl starting at (x, y).
func signature(img *image.RGBA, x0, y0 int) {
	const steps = 900
	px, py := -1, -1
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		x := float64(x0) + 150*t + 6*math.Sin(44*t)
		y := float64(y0) - (2+6*math.Abs(math.Sin(9*t)))*math.Cos(44*t) - 2*math.Sin(5*t)
		ix, iy := int(math.Round(x)), int(math.Round(y))
		if ix != px || iy != py {
			img.Set(ix, iy, penBlue)
			px, py = ix, iy
		}
	}
}

// stampImage draws a rectangular rubber stamp reading PAID and a date.
func stampImage(date string) *image.RGBA {
	const w, h = 104, 66
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	ink := image.NewUniform(stampInk)
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, w, 2), image.Rect(0, h-2, w, h), image.Rect(0, 0, 2, h), image.Rect(w-2, 0, w, h),
		image.Rect(5, 5, w-5, 6), image.Rect(5, h-6, w-5, h-5), image.Rect(5, 5, 6, h-5), image.Rect(w-6, 5, w-5, h-5),
	} {
		xdraw.Draw(img, r, ink, image.Point{}, xdraw.Over)
	}
	word := image.NewRGBA(image.Rect(0, 0, 4*glyphW, 13))
	drawString(word, 0, 0, stampInk, "PAID")
	drawString(word, 1, 0, stampInk, "PAID")
	xdraw.NearestNeighbor.Scale(img, image.Rect((w-4*glyphW*3)/2, 9, (w-4*glyphW*3)/2+4*glyphW*3, 9+13*3), word, word.Bounds(), xdraw.Over, nil)
	drawString(img, (w-len(date)*glyphW)/2, 47, stampInk, date)
	return img
}

// stampOn draws src onto dst centred at (cx, cy), turned by deg degrees
// (clockwise on screen) and scaled by k, with bilinear filtering.
func stampOn(dst *image.RGBA, src image.Image, cx, cy, deg, k float64) {
	xdraw.BiLinear.Transform(dst, place(src.Bounds(), cx, cy, deg, k), src, src.Bounds(), xdraw.Over, nil)
}

// place returns the affine map that scales r by k, turns it by deg degrees
// and puts its centre at (cx, cy).
func place(r image.Rectangle, cx, cy, deg, k float64) f64.Aff3 {
	a := deg * math.Pi / 180
	cos, sin := math.Cos(a)*k, math.Sin(a)*k
	sx, sy := float64(r.Min.X+r.Max.X)/2, float64(r.Min.Y+r.Max.Y)/2
	return f64.Aff3{
		cos, -sin, cx - (cos*sx - sin*sy),
		sin, cos, cy - (sin*sx + cos*sy),
	}
}

// receiptPNG is the practice's e-mailed receipt image: the paper scaled
// 2x with crisp pixels on a white page.
func receiptPNG(v visit) Document {
	paper := receiptPaper(v, color.RGBA{255, 255, 255, 255})
	const border = 24
	b := paper.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, 2*b.Dx()+2*border, 2*b.Dy()+2*border))
	xdraw.Draw(out, out.Bounds(), image.White, image.Point{}, xdraw.Src)
	frame := image.Rect(border-1, border-1, border+2*b.Dx()+1, border+2*b.Dy()+1)
	xdraw.Draw(out, frame, image.NewUniform(color.RGBA{200, 200, 200, 255}), image.Point{}, xdraw.Src)
	xdraw.NearestNeighbor.Scale(out, image.Rect(border, border, border+2*b.Dx(), border+2*b.Dy()), paper, b, xdraw.Src, nil)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		panic("sample: png: " + err.Error())
	}
	return receiptDoc(v, "png", buf.Bytes())
}

// receiptJPEG is a phone photo of the paper receipt: on a wooden desk,
// turned a little, with a soft shadow and uneven light.
func receiptJPEG(v visit) Document {
	paper := receiptPaper(v, offWhite)
	b := paper.Bounds()
	const k = 2.0
	w, h := int(float64(b.Dx())*k)+200, int(float64(b.Dy())*k)+180
	img := image.NewRGBA(image.Rect(0, 0, w, h))

	// Desk: warm brown with a gentle wood grain.
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g := 9*math.Sin(float64(y)/7+4*math.Sin(float64(x)/260)) + 5*math.Sin(float64(y)/31+float64(x)/400)
			img.SetRGBA(x, y, color.RGBA{clamp(122 + g), clamp(94 + g*0.8), clamp(70 + g*0.6), 255})
		}
	}
	cx, cy := float64(w)/2-6, float64(h)/2+4
	const turn = -1.6
	// Soft shadow: several offset translucent copies of the paper's outline.
	for i, off := range []float64{14, 10, 6} {
		shadow := image.NewUniform(color.NRGBA{0, 0, 0, uint8(28 + 14*i)})
		xdraw.ApproxBiLinear.Transform(img, place(b, cx+off, cy+off, turn, k), shadow, b, xdraw.Over, nil)
	}
	xdraw.BiLinear.Transform(img, place(b, cx, cy, turn, k), paper, b, xdraw.Over, nil)

	// Light from the upper left, falling off toward the lower right.
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			f := 1.04 - 0.16*(0.55*fx+0.45*fy) - 0.1*((fx-0.45)*(fx-0.45)+(fy-0.4)*(fy-0.4))
			c := img.RGBAAt(x, y)
			img.SetRGBA(x, y, color.RGBA{clamp(float64(c.R) * f), clamp(float64(c.G) * f), clamp(float64(c.B) * f * 0.98), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82}); err != nil {
		panic("sample: jpeg: " + err.Error())
	}
	return receiptDoc(v, "jpg", buf.Bytes())
}

// clamp rounds v to a byte.
func clamp(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
