package packet

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"path/filepath"
	"testing"

	"vault/vault"
	"vault/vault/export"
)

// benchPlan is a claim of 40 documents that make a packet of about 150
// pages: 26 five-page PDFs, 12 photos of 1600×1200 pixels, 2 text notes.
func benchPlan(b *testing.B) (*vault.Vault, *export.Plan) {
	b.Helper()
	v := newVault(b)
	claim, err := v.NewClaim(vault.Claim{Name: "bench", Insurer: "Cedar Health Plan", Patient: "Alex Rivera", ClaimNumber: "CHP26-1"})
	if err != nil {
		b.Fatal(err)
	}
	var nds []vault.NewDocument
	for i := 0; i < 26; i++ {
		nds = append(nds, vault.NewDocument{Kind: vault.KindReceipt, Date: vault.Date(fmt.Sprintf("2026-03-%02d", 1+i)), FileName: fmt.Sprintf("r%d.pdf", i),
			Open: opener(fpdfDoc(b, 612, 792, fmt.Sprintf("receipt %d", i), 5))})
	}
	for i := 0; i < 12; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
		for y := 0; y < 1200; y++ {
			for x := 0; x < 1600; x++ {
				img.Set(x, y, color.RGBA{R: uint8(x * (i + 1)), G: uint8(y), B: uint8(x ^ y), A: 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			b.Fatal(err)
		}
		nds = append(nds, vault.NewDocument{Kind: vault.KindClinicalNote, Date: "2026-04-01", FileName: fmt.Sprintf("p%d.jpg", i), Open: opener(buf.Bytes())})
	}
	for i := 0; i < 2; i++ {
		nds = append(nds, vault.NewDocument{Kind: vault.KindCorrespond, Date: "2026-04-02", Typed: true,
			Open: opener(bytes.Repeat([]byte(fmt.Sprintf("Note %d: the plan asked for the records of every visit. ", i)), 30))})
	}
	if _, _, err := v.AddDocuments(claim, nds, vault.AddOptions{}); err != nil {
		b.Fatal(err)
	}
	p, err := export.Prepare(v, claim, nil, export.Selection{})
	if err != nil {
		b.Fatal(err)
	}
	return v, p
}

// BenchmarkPacket150 writes the 150-page, 40-document packet;
// BenchmarkZip150 the zip bundle of the same selection, its peer
// (docs/BENCHMARKS.md).
func BenchmarkPacket150(b *testing.B) {
	v, p := benchPlan(b)
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Write(context.Background(), v, p, WriteOptions{Output: filepath.Join(dir, fmt.Sprintf("p%d.pdf", i))})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Packet.Pages()), "pages")
		b.ReportMetric(float64(res.Exports[0].BundleSize)/(1<<20), "MiB-file")
	}
}

func BenchmarkZip150(b *testing.B) {
	v, p := benchPlan(b)
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := export.Write(context.Background(), v, p, export.Options{Output: filepath.Join(dir, fmt.Sprintf("z%d.zip", i))}); err != nil {
			b.Fatal(err)
		}
	}
}
