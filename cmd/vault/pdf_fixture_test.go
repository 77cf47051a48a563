package main

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMkdoc writes a test document: mkdoc pdf|jpeg|noise|heic FILE [TEXT].
// pdf is a one-page Letter PDF made by fpdf with TEXT on it; jpeg a small
// photo; noise a JPEG of random pixels of about 300 kB (it does not
// compress), for --max-size; heic the start of an HEIC file.
func cmdMkdoc(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkdoc pdf|jpeg|noise|heic FILE [TEXT]")
	}
	var b []byte
	switch args[0] {
	case "pdf":
		f := fpdf.New("P", "pt", "Letter", "")
		f.SetFont("Helvetica", "", 14)
		f.AddPage()
		text := "test document"
		if len(args) > 2 {
			text = args[2]
		}
		f.Text(72, 90, text)
		var buf bytes.Buffer
		ts.Check(f.Output(&buf))
		b = buf.Bytes()
	case "jpeg", "noise":
		w, h := 200, 150
		if args[0] == "noise" {
			w, h = 480, 360
		}
		seed := uint64(7)
		for _, c := range args[1] {
			seed = seed*31 + uint64(c)
		}
		r := rand.New(rand.NewPCG(seed, 7))
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.RGBA{R: uint8(x), G: uint8(y), B: 160, A: 255}
				if args[0] == "noise" {
					c = color.RGBA{R: uint8(r.IntN(256)), G: uint8(r.IntN(256)), B: uint8(r.IntN(256)), A: 255}
				}
				img.Set(x, y, c)
			}
		}
		var buf bytes.Buffer
		ts.Check(jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}))
		b = buf.Bytes()
	case "heic":
		b = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...)
	default:
		ts.Fatalf("mkdoc: unknown kind %s", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o600))
}

// cmdTamperPDF replaces one attachment of a PDF with other bytes, as
// someone altering a packet would: tamperpdf IN OUT NAME.
func cmdTamperPDF(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: tamperpdf IN OUT NAME")
	}
	api.DisableConfigDir()
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	conf := model.NewDefaultConfiguration()
	ctx, err := api.ReadContext(bytes.NewReader(data), conf)
	ts.Check(err)
	ts.Check(api.ValidateContext(ctx))
	ok, err := ctx.RemoveAttachments([]string{args[2]})
	ts.Check(err)
	if !ok {
		ts.Fatalf("%s has no attachment %s", args[0], args[2])
	}
	ts.Check(ctx.AddAttachment(model.Attachment{Reader: bytes.NewReader([]byte("altered")), ID: args[2], FileName: args[2]}, false))
	ctx.Configuration.Cmd = model.ADDATTACHMENTS
	var out bytes.Buffer
	ts.Check(api.WriteContext(ctx, &out))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), out.Bytes(), 0o600))
}
