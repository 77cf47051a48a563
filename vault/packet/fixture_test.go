package packet

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"vault/crypto"
	"vault/vault"
	"vault/vault/sample"
)

var testNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

var sampleDocs = sync.OnceValue(sample.Documents)

// newVault creates and opens a vault with the cheapest key derivation.
func newVault(t testing.TB) *vault.Vault {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.db")
	if _, err := vault.Init(path, []byte("pw"), vault.InitOptions{KDF: crypto.MinKDF(), Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte("pw")}, vault.Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func opener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// fpdfDoc makes a PDF with fpdf: pages of the given size (points), each
// with its marker text and a frame along the page's edge.
func fpdfDoc(t testing.TB, w, h float64, marker string, pages int) []byte {
	t.Helper()
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: w, Ht: h}})
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 14)
	for i := 0; i < pages; i++ {
		f.AddPage()
		f.SetLineWidth(4)
		f.SetDrawColor(200, 30, 30)
		f.Rect(2, 2, w-4, h-4, "D") // content to the very edge
		f.Text(40, 60, marker)
		f.Text(40, h-10, marker+" bottom line")
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rotated rewrites a PDF with pdfcpu, turning its pages by deg: a PDF of
// another producer (object and xref streams) with a /Rotate.
func rotated(t testing.TB, pdf []byte, deg int) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := api.Rotate(bytes.NewReader(pdf), &out, deg, nil, pdfConfig()); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// encrypted encrypts a PDF with pdfcpu (AES-256) with these passwords.
func encrypted(t testing.TB, pdf []byte, user, owner string) []byte {
	t.Helper()
	disableConfigDir()
	conf := model.NewAESConfiguration(user, owner, 256)
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &out, conf); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// upright is a test photo as it must show: wider than tall, a dark band
// along its top and a red block in its top left corner, so that a turned
// or mirrored placement shows.
func upright(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{R: 120, G: 170, B: 220, A: 255}
			if y < h/5 {
				c = color.NRGBA{R: 20, G: 30, B: 60, A: 255}
			}
			if y < h/3 && x < w/4 {
				c = color.NRGBA{R: 220, G: 20, B: 20, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// stored turns an upright image into the pixels a camera stores with EXIF
// orientation o (the inverse of what the reader must do).
func stored(up *image.NRGBA, o int) *image.NRGBA {
	w, h := up.Bounds().Dx(), up.Bounds().Dy()
	sw, sh := w, h
	if o >= 5 {
		sw, sh = h, w
	}
	out := image.NewNRGBA(image.Rect(0, 0, sw, sh))
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			// Where stored pixel (x, y) shows once turned upright.
			var ux, uy int
			switch o {
			case 3:
				ux, uy = w-1-x, h-1-y
			case 6: // turned 90° clockwise to show
				ux, uy = sh-1-y, x
			case 8: // turned 90° counter-clockwise to show
				ux, uy = y, sw-1-x
			default:
				ux, uy = x, y
			}
			out.Set(x, y, up.At(ux, uy))
		}
	}
	return out
}

// exifJPEG encodes img as a JPEG with an APP1 Exif segment holding
// orientation o (big-endian TIFF when be, else little-endian).
func exifJPEG(t testing.TB, img image.Image, o int, be bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	seg := append([]byte("Exif\x00\x00"), tiffWithOrientation(o, be)...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, b[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, b[2:]...)
}

func tiffWithOrientation(o int, be bool) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	t := []byte("II*\x00")
	if be {
		bo, t = binary.BigEndian, []byte("MM\x00*")
	}
	t = bo.AppendUint32(t, 8)
	t = bo.AppendUint16(t, 2)
	// A tag before it (ImageWidth), then Orientation.
	t = bo.AppendUint16(t, 0x0100)
	t = bo.AppendUint16(t, 3)
	t = bo.AppendUint32(t, 1)
	t = bo.AppendUint16(t, 640)
	t = bo.AppendUint16(t, 0)
	t = bo.AppendUint16(t, 0x0112)
	t = bo.AppendUint16(t, 3)
	t = bo.AppendUint32(t, 1)
	t = bo.AppendUint16(t, uint16(o))
	t = bo.AppendUint16(t, 0)
	return bo.AppendUint32(t, 0)
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// alphaPNG is an 8-bit RGBA PNG, half transparent.
func alphaPNG(t testing.TB) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			img.Set(x, y, color.NRGBA{R: 30, G: 140, B: 60, A: uint8(255 * x / 300)})
		}
	}
	return encodePNG(t, img)
}

// deepPNG is a 16-bit RGBA PNG, the kind fpdf garbles.
func deepPNG(t testing.TB) []byte {
	img := image.NewNRGBA64(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.NRGBA64{R: uint16(x * 200), G: uint16(y * 270), B: 40000, A: 65535})
		}
	}
	return encodePNG(t, img)
}

// palettePNG is a paletted PNG with a transparent entry.
func palettePNG(t testing.TB) []byte {
	pal := color.Palette{color.NRGBA{0, 0, 0, 0}, color.NRGBA{200, 40, 40, 255}, color.NRGBA{40, 40, 200, 255}}
	img := image.NewPaletted(image.Rect(0, 0, 240, 160), pal)
	for y := 0; y < 160; y++ {
		for x := 0; x < 240; x++ {
			img.SetColorIndex(x, y, uint8((x/40+y/40)%3))
		}
	}
	return encodePNG(t, img)
}
