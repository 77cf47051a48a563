// Package bundle is the format of an exported evidence bundle: a zip holding
// index.html (a self-contained, printable summary), the selected documents
// under documents/, calls.csv and conditions.csv, manifest.json (every other
// file with its SHA-256 and size) and manifest.sig (an Ed25519 signature of
// manifest.json's exact bytes).
//
// Writer builds a bundle while streaming the documents into it; Verify
// checks one with nothing but the bundle itself, so that an insurer, a
// reviewer or an auditor can check it too (docs/BUNDLE.md shows how with
// standard tools). The package knows nothing of the vault: package export
// turns the vault's records into the values here.
package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Format is the value of the manifest's "format" field.
const Format = "vault-bundle/1"

// Names of the fixed files of a bundle.
const (
	IndexName      = "index.html"
	CallsName      = "calls.csv"
	ConditionsName = "conditions.csv"
	ManifestName   = "manifest.json"
	SignatureName  = "manifest.sig"
	DocumentsDir   = "documents/"
)

// MaxManifestSize bounds the manifest a verifier reads (16 MiB holds well
// over 50,000 file entries).
const MaxManifestSize = 16 << 20

// Manifest describes a bundle: the claim, the request it answers, and every
// file in the zip but manifest.json and manifest.sig.
type Manifest struct {
	Format      string     `json:"format"`
	ExportID    string     `json:"export_id,omitempty"`
	Claim       Claim      `json:"claim"`
	Request     *Request   `json:"request"`
	Selection   *Selection `json:"selection,omitempty"`
	GeneratedAt time.Time  `json:"generated_at"`
	// PublicKey is the standard base64 of the 32-byte Ed25519 public key
	// whose signature of manifest.json is manifest.sig.
	PublicKey string   `json:"public_key"`
	Files     []File   `json:"files"`
	Missing   []string `json:"missing"`
}

// Claim is what the bundle says about the claim it comes from. The fields
// the format names (name, insurer, claim_number) are always written, empty
// when unknown; the others only when set.
type Claim struct {
	Name        string   `json:"name"`
	Patient     string   `json:"patient,omitempty"`
	Insurer     string   `json:"insurer"`
	Plan        string   `json:"plan,omitempty"`
	MemberID    string   `json:"member_id,omitempty"`
	Group       string   `json:"group,omitempty"`
	ClaimNumber string   `json:"claim_number"` // "" when the insurer has given none yet
	Provider    string   `json:"provider,omitempty"`
	NPI         string   `json:"npi,omitempty"`
	License     string   `json:"license,omitempty"`
	Referrer    string   `json:"referrer,omitempty"`
	Diagnoses   []string `json:"diagnoses,omitempty"`
	Status      string   `json:"status,omitempty"`
	Billed      string   `json:"billed,omitempty"` // decimal, e.g. "435.00"
	Paid        string   `json:"paid,omitempty"`
}

// Request is the insurer's request that the bundle answers.
type Request struct {
	ID       string   `json:"id"`
	Received string   `json:"received,omitempty"`
	Due      string   `json:"due,omitempty"`
	Kinds    []string `json:"kinds,omitempty"`
	From     string   `json:"from,omitempty"`
	To       string   `json:"to,omitempty"`
	On       []string `json:"on,omitempty"`
	IDs      []string `json:"ids,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// Selection is what was asked for when the bundle was made (the request's
// selection, or the flags of the export command).
type Selection struct {
	Kinds []string `json:"kinds,omitempty"`
	From  string   `json:"from,omitempty"`
	To    string   `json:"to,omitempty"`
	On    []string `json:"on,omitempty"`
	IDs   []string `json:"ids,omitempty"`
}

// IsZero reports whether nothing was selected, that is the whole claim.
func (s *Selection) IsZero() bool {
	return s == nil || len(s.Kinds) == 0 && s.From == "" && s.To == "" && len(s.On) == 0 && len(s.IDs) == 0
}

// File is one file of the bundle as the manifest lists it. Every field is
// always written: kind, date, id and title are "" when they do not apply
// (index.html has none of them; calls.csv and conditions.csv have no date
// or id).
type File struct {
	Path      string `json:"path"`
	SHA256    string `json:"sha256"` // lowercase hex
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
	Kind      string `json:"kind"` // document kind, "call" or "condition"; "" for index.html
	Date      string `json:"date"` // YYYY-MM-DD (documents only)
	ID        string `json:"id"`   // the vault record's ID (documents only)
	Title     string `json:"title"`
	// Amount, CPT and ValidUntil are a receipt's amount ("85.00"), its
	// procedure codes with units ("97140:2"), and a letter's valid-until
	// date: "", [] and "" when not recorded or not a document.
	Amount     string   `json:"amount"`
	CPT        []string `json:"cpt"`
	ValidUntil string   `json:"valid_until"`
}

// Marshal returns the manifest's bytes as written to manifest.json: indented
// JSON with a final newline. The signature covers exactly these bytes.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	if c.Files == nil {
		c.Files = []File{}
	}
	if c.Missing == nil {
		c.Missing = []string{}
	}
	files := make([]File, len(c.Files))
	for i, f := range c.Files {
		if f.CPT == nil {
			f.CPT = []string{}
		}
		files[i] = f
	}
	c.Files = files
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseManifest decodes manifest.json. It checks the syntax and the format
// name only; Verify checks the contents against the zip.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestSize {
		return nil, fmt.Errorf("manifest is larger than %d bytes", MaxManifestSize)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("manifest has data after its JSON object")
	}
	if m.Format != Format {
		return nil, fmt.Errorf("manifest format is %q, not %q", m.Format, Format)
	}
	return &m, nil
}
