package packet

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/gif" // decoders for the photos a packet places
	"image/jpeg"
	"image/png"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"vault/vault"
)

// How an exhibit is placed in the packet.
type placement int

const (
	placePDF        placement = iota // pages imported from the document
	placeImage                       // a photo or scan, one page
	placeText                        // plain text, typeset
	placeCalls                       // the calls, as a table
	placeConditions                  // the condition notes, as a table
	placeNone                        // cannot be placed: listed as not included
)

// pdfConfig returns pdfcpu's configuration for reading and writing in
// memory. pdfcpu keeps its settings and fonts in ~/.config/pdfcpu unless
// told otherwise: the packet never touches that folder, nor the network.
func pdfConfig() *model.Configuration {
	disableConfigDir()
	c := model.NewDefaultConfiguration()
	c.Offline = true
	c.ValidationMode = model.ValidationRelaxed
	c.CreateBookmarks = false
	return c
}

var disableConfigDir = sync.OnceFunc(api.DisableConfigDir)

// pageBox is one page of an imported PDF as a reader sees it: its width
// and height once turned by its /Rotate (in points).
type pageBox struct {
	w, h float64
}

// importedPDF is a PDF document ready to be merged: its bytes, decrypted
// when it was encrypted with an empty user password, and its pages.
type importedPDF struct {
	data  []byte
	pages []pageBox
}

// errProtected reports a PDF that opens only with a password.
var errProtected = errors.New("it is protected by a password")

// openPDF reads a PDF document to import, decrypting it when its user
// password is empty, and validates it (pdfcpu's relaxed mode, which
// accepts the small faults of common producers). A PDF that needs a
// password, or that pdfcpu cannot read, is an error saying so.
func openPDF(b []byte) (*importedPDF, error) {
	conf := pdfConfig()
	ctx, err := api.ReadContext(bytes.NewReader(b), conf)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(err.Error(), "password") {
			return nil, errProtected
		}
		return nil, fmt.Errorf("it is damaged or not a PDF (%v)", firstLine(err))
	}
	if ctx.XRefTable.Encrypt != nil || ctx.E != nil {
		var out bytes.Buffer
		if err := api.Decrypt(bytes.NewReader(b), &out, pdfConfig()); err != nil {
			if errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(err.Error(), "password") {
				return nil, errProtected
			}
			return nil, fmt.Errorf("it cannot be decrypted (%v)", firstLine(err))
		}
		b = out.Bytes()
		if ctx, err = api.ReadContext(bytes.NewReader(b), pdfConfig()); err != nil {
			return nil, fmt.Errorf("it is damaged (%v)", firstLine(err))
		}
	}
	if err := api.ValidateContext(ctx); err != nil {
		return nil, fmt.Errorf("it is damaged (%v)", firstLine(err))
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("it is damaged (%v)", firstLine(err))
	}
	if ctx.PageCount == 0 {
		return nil, errors.New("it has no pages")
	}
	if ctx.XRefTable.Version() == model.V20 {
		return nil, errors.New("it is a PDF 2.0 file, which the packet cannot import yet: print it to PDF 1.7")
	}
	p := &importedPDF{data: b}
	for i := 1; i <= ctx.PageCount; i++ {
		_, _, inh, err := ctx.PageDict(i, false)
		if err != nil || inh == nil || inh.MediaBox == nil {
			return nil, fmt.Errorf("page %d is damaged", i)
		}
		box := visibleBox(inh)
		w, h := box.Width(), box.Height()
		if w <= 1 || h <= 1 {
			return nil, fmt.Errorf("page %d has no size", i)
		}
		if rot := normRotate(inh.Rotate); rot == 90 || rot == 270 {
			w, h = h, w
		}
		p.pages = append(p.pages, pageBox{w: w, h: h})
	}
	return p, nil
}

// firstLine is an error's first line, for a one-line message.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return strings.TrimPrefix(s, "pdfcpu: ")
}

// normRotate folds a /Rotate value into 0, 90, 180 or 270.
func normRotate(r int) int {
	r %= 360
	if r < 0 {
		r += 360
	}
	return r - r%90
}

// preparedImage is a photo ready for fpdf: JPEG bytes as stored (fpdf
// embeds them as they are), or any other image re-encoded as an 8-bit PNG
// (fpdf garbles 16-bit PNGs and cannot read the other formats), with the
// stored pixel size and the EXIF orientation that turns it upright.
type preparedImage struct {
	data        []byte
	imageType   string // "JPG" or "PNG", for fpdf
	w, h        int    // stored pixels
	orientation int    // EXIF orientation, 1 to 8
}

// maxPixels bounds the images a packet decodes (a 100-megapixel photo
// takes 400 MB as 8-bit RGBA).
const maxPixels = 100_000_000

// prepareImage readies a JPEG, PNG, GIF, BMP, TIFF or WebP image.
func prepareImage(b []byte, mediaType string) (*preparedImage, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("the image cannot be read (%v)", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, fmt.Errorf("the image is %d×%d pixels: at most %d megapixels can be placed", cfg.Width, cfg.Height, maxPixels/1_000_000)
	}
	if format == "jpeg" {
		// fpdf embeds a JPEG as it is; it must still decode, or the page
		// would show nothing.
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("the JPEG image is damaged (%v)", err)
		}
		return &preparedImage{data: b, imageType: "JPG", w: cfg.Width, h: cfg.Height, orientation: jpegOrientation(b)}, nil
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("the image is damaged (%v)", err)
	}
	orient := orientUpright
	if format == "png" {
		orient = pngOrientation(b)
	}
	// 8 bits per channel, alpha not premultiplied: what fpdf reads right
	// (16-bit, palette and gray-with-alpha PNGs all come out as this).
	bounds := img.Bounds()
	rgba := image.NewNRGBA(image.Rect(0, 0, bounds.Dx(), bounds.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, bounds.Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, rgba); err != nil {
		return nil, fmt.Errorf("re-encode the image: %w", err)
	}
	return &preparedImage{data: buf.Bytes(), imageType: "PNG", w: bounds.Dx(), h: bounds.Dy(), orientation: orient}, nil
}

// classify says how a document of this media type is placed, or why it
// cannot be and what to convert it to.
func classify(d *vault.Document) (placement, string) {
	mt := strings.ToLower(d.MediaType)
	base, _, _ := strings.Cut(mt, ";")
	base = strings.TrimSpace(base)
	switch {
	case base == "application/pdf":
		return placePDF, ""
	case base == "image/jpeg" || base == "image/png" || base == "image/gif" || base == "image/bmp" ||
		base == "image/tiff" || base == "image/webp" || base == "image/x-ms-bmp":
		return placeImage, ""
	case base == "image/heic" || base == "image/heif" || base == "image/avif" || strings.HasPrefix(base, "image/heic"):
		return placeNone, "a " + strings.ToUpper(strings.TrimPrefix(base, "image/")) + " photo cannot be placed in a PDF: convert it to JPEG (on an iPhone, share it as JPEG or set Camera > Formats > Most Compatible) and add the JPEG"
	case strings.HasPrefix(base, "text/") && (base == "text/plain" || base == "text/markdown" || base == "text/csv") || d.Typed:
		return placeText, ""
	case strings.Contains(base, "officedocument") || strings.Contains(base, "opendocument") || base == "application/msword" ||
		base == "application/vnd.ms-excel" || base == "application/vnd.ms-powerpoint" || base == "application/rtf" || base == "text/rtf":
		return placeNone, "an office document cannot be placed in a PDF: save or print it as PDF (File > Save As > PDF) and add the PDF"
	case strings.HasPrefix(base, "image/"):
		return placeNone, "this image format (" + base + ") cannot be placed in a PDF: convert it to JPEG or PNG"
	}
	return placeNone, "a file of type " + base + " cannot be placed in a PDF: convert it to PDF, JPEG or PNG"
}
