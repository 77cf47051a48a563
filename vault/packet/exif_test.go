package packet

import (
	"image"
	"testing"
)

func TestOrientationFromExif(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 8, 4))
	for _, be := range []bool{false, true} {
		for o := 1; o <= 8; o++ {
			if got := jpegOrientation(exifJPEG(t, img, o, be)); got != o {
				t.Errorf("JPEG with orientation %d (big-endian %v): got %d", o, be, got)
			}
		}
	}
	for name, b := range map[string][]byte{
		"no exif":       encodeJPEGPlain(t, img),
		"empty":         nil,
		"not jpeg":      []byte("GIF89a"),
		"bad value 9":   exifJPEG(t, img, 9, false),
		"bad value 0":   exifJPEG(t, img, 0, true),
		"truncated":     exifJPEG(t, img, 6, false)[:30],
		"png no exif":   encodePNG(t, img),
		"png too short": []byte("\x89PNG\r\n\x1a\n\x00"),
	} {
		if got := jpegOrientation(b); got != 1 {
			t.Errorf("%s: jpeg orientation %d, want 1", name, got)
		}
		if got := pngOrientation(b); got != 1 {
			t.Errorf("%s: png orientation %d, want 1", name, got)
		}
	}
	if got := tiffOrientation(tiffWithOrientation(6, true)); got != 6 {
		t.Errorf("tiff: %d", got)
	}
}

func encodeJPEGPlain(t testing.TB, img image.Image) []byte {
	b := exifJPEG(t, img, 1, false)
	// Drop the APP1 segment again.
	n := int(b[4])<<8 | int(b[5])
	return append(append([]byte{}, b[:2]...), b[4+n:]...)
}

// FuzzOrientation: the EXIF readers take bytes straight from documents;
// whatever they are, they never panic and answer 1 to 8.
func FuzzOrientation(f *testing.F) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	f.Add(exifJPEG(f, img, 6, false))
	f.Add(exifJPEG(f, img, 8, true))
	f.Add(tiffWithOrientation(3, false))
	f.Add(encodePNG(f, img))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x08Exif\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, o := range []int{jpegOrientation(b), pngOrientation(b)} {
			if o < 1 || o > 8 {
				t.Fatalf("orientation %d", o)
			}
		}
		if o := tiffOrientation(b); o < 0 || o > 8 {
			t.Fatalf("tiff orientation %d", o)
		}
	})
}

// FuzzVerify: a packet's verifier reads hostile PDFs; it never panics.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n%%EOF"))
	f.Add(fpdfDoc(f, 200, 200, "x", 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := VerifyBytes(b)
		if r.OK() {
			t.Fatal("random bytes verified as a packet")
		}
	})
}
