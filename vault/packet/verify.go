package packet

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"vault/vault/bundle"
)

// IsPDF reports whether a file starts like a PDF ("%PDF-" within its
// first kilobyte, as readers accept).
func IsPDF(head []byte) bool {
	if len(head) > 1024 {
		head = head[:1024]
	}
	return bytes.Contains(head, []byte("%PDF-"))
}

// maxAttachments bounds what Verify reads of a hostile PDF.
const maxAttachments = 10_000

// Verify checks a packet with nothing but the file itself, as
// bundle.Verify checks a zip bundle: that manifest.sig (attached) is a
// valid Ed25519 signature of manifest.json (attached) by the key it names,
// that every file the manifest lists is attached with its size and
// SHA-256, and that nothing else is attached. The integrity page shows the
// same list. The error is for a file that cannot be read at all;
// everything wrong with the packet is a Problem.
func Verify(path string) (*bundle.Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open packet: %w", err)
	}
	r := VerifyBytes(data)
	sum := sha256.Sum256(data)
	r.SHA256, r.Size = hex.EncodeToString(sum[:]), int64(len(data))
	return r, nil
}

// VerifyBytes checks a packet held in memory; see Verify. It never panics.
func VerifyBytes(data []byte) (r *bundle.Result) {
	r = &bundle.Result{}
	defer func() {
		if p := recover(); p != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("the PDF cannot be read: %v", p))
		}
	}()
	ctx, err := api.ReadContext(bytes.NewReader(data), pdfConfig())
	if err != nil {
		r.Problems = append(r.Problems, "the PDF cannot be read: "+firstLine(err))
		return r
	}
	if err := api.ValidateContext(ctx); err != nil {
		r.Problems = append(r.Problems, "the PDF is damaged: "+firstLine(err))
		return r
	}
	atts, err := ctx.ExtractAttachments(nil)
	if err != nil {
		r.Problems = append(r.Problems, "the PDF's attachments cannot be read: "+firstLine(err))
		return r
	}
	if len(atts) > maxAttachments {
		r.Problems = append(r.Problems, fmt.Sprintf("the PDF has %d attachments, more than a packet ever has", len(atts)))
		return r
	}
	files := map[string][]byte{}
	var names []string
	for _, a := range atts {
		b, err := io.ReadAll(io.LimitReader(a, 1<<31))
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("attachment %s cannot be read: %v", vaultQuote(a.FileName), err))
			continue
		}
		if _, dup := files[a.FileName]; dup {
			r.Problems = append(r.Problems, fmt.Sprintf("attachment %s appears twice", vaultQuote(a.FileName)))
			continue
		}
		files[a.FileName] = b
		names = append(names, a.FileName)
	}
	mb, ok := files[bundle.ManifestName]
	if !ok {
		r.Problems = append(r.Problems, "manifest.json is not attached: this is not a vault packet, or it was stripped")
		return r
	}
	m, err := bundle.ParseManifest(mb)
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return r
	}
	r.Manifest = m
	pub, err := bundle.ParsePublicKey(m.PublicKey)
	if err != nil {
		r.Problems = append(r.Problems, "manifest.json: "+err.Error())
	} else {
		r.PublicKey = pub
	}
	sig, ok := files[bundle.SignatureName]
	switch {
	case !ok:
		r.Problems = append(r.Problems, "manifest.sig is not attached")
	case len(sig) != ed25519.SignatureSize:
		r.Problems = append(r.Problems, fmt.Sprintf("manifest.sig is not a %d-byte Ed25519 signature", ed25519.SignatureSize))
	case pub != nil && !ed25519.Verify(pub, mb, sig):
		r.Problems = append(r.Problems, "manifest.sig is not a valid signature of manifest.json by its key: the list of files was changed")
	case pub != nil:
		r.Signed = true
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		if listed[f.Path] {
			r.Problems = append(r.Problems, fmt.Sprintf("%s is listed twice in the manifest", vaultQuote(f.Path)))
			continue
		}
		listed[f.Path] = true
		b, ok := files[f.Path]
		if !ok {
			r.Problems = append(r.Problems, fmt.Sprintf("%s is listed in the manifest but not attached", vaultQuote(f.Path)))
			continue
		}
		s := sha256.Sum256(b)
		switch {
		case int64(len(b)) != f.Size:
			r.Problems = append(r.Problems, fmt.Sprintf("%s is %d bytes, the manifest says %d", vaultQuote(f.Path), len(b), f.Size))
		case hex.EncodeToString(s[:]) != f.SHA256:
			r.Problems = append(r.Problems, fmt.Sprintf("%s does not match its SHA-256 in the manifest: it was changed", vaultQuote(f.Path)))
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if !listed[n] && n != bundle.ManifestName && n != bundle.SignatureName {
			r.Problems = append(r.Problems, fmt.Sprintf("%s is attached but not listed in the manifest", vaultQuote(n)))
		}
	}
	return r
}

// vaultQuote quotes a name from a file for a message (control characters
// escaped).
func vaultQuote(s string) string { return fmt.Sprintf("%q", s) }
