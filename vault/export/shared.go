package export

import (
	"crypto/ed25519"
	"fmt"

	"vault/vault"
	"vault/vault/bundle"
)

// The values below are what the zip bundle and the PDF packet (package
// packet) both say about a claim and its items, so that the two never
// disagree.

// DocumentFile is the n-th document (from 1) of an export as the manifest
// lists it: its path in the bundle, hash, size, and for receipts and
// letters the amount, CPT codes and valid-until date.
func DocumentFile(n int, d *vault.Document) bundle.File {
	f := bundle.File{
		Path:   bundle.DocumentName(n, d.Kind, string(d.Date), d.Title, d.FileName, d.MediaType),
		SHA256: d.SHA256, Size: d.Size, MediaType: d.MediaType, Kind: d.Kind, Date: string(d.Date), ID: d.ID, Title: d.Title,
		ValidUntil: string(d.ValidUntil), CPT: []string{},
	}
	if d.Amount != nil {
		f.Amount = d.Amount.String()
	}
	for _, c := range d.CPT {
		f.CPT = append(f.CPT, fmt.Sprintf("%s:%d", c.Code, c.Units))
	}
	return f
}

// CSVFile is calls.csv or conditions.csv as the manifest lists it.
func CSVFile(path, kind, title string, b []byte) bundle.File { return csvFile(path, kind, title, b) }

// ClaimInfo is what an export says about the claim.
func ClaimInfo(c *vault.Claim) bundle.Claim { return claimInfo(c) }

// RequestInfo is what an export says about the request it answers (nil
// for none).
func RequestInfo(r *vault.Request) *bundle.Request { return requestInfo(r) }

// SelectionInfo is the selection as the manifest states it.
func SelectionInfo(s Selection) *bundle.Selection { return selectionInfo(s) }

// CallInfo is a call as an export shows it.
func CallInfo(c *vault.Call) bundle.Call { return callInfo(c) }

// ConditionInfo is a condition note as an export shows it.
func ConditionInfo(c *vault.Condition) bundle.Condition { return conditionInfo(c) }

// SignManifest completes a manifest with the vault's signing key (its
// format, public key) and signs it, as the zip bundle's writer does: it
// returns manifest.json's bytes, their Ed25519 signature and the key's
// fingerprint.
func SignManifest(v *vault.Vault, m *bundle.Manifest) (manifest, sig []byte, fingerprint string, err error) {
	key := ed25519.NewKeyFromSeed(v.Keys().Signing)
	defer clear(key)
	pub := key.Public().(ed25519.PublicKey)
	m.Format = bundle.Format
	m.PublicKey = bundle.EncodePublicKey(pub)
	if manifest, err = m.Marshal(); err != nil {
		return nil, nil, "", err
	}
	return manifest, ed25519.Sign(key, manifest), bundle.Fingerprint(pub), nil
}

// Fingerprint is the fingerprint of the vault's signing key.
func Fingerprint(v *vault.Vault) string {
	key := ed25519.NewKeyFromSeed(v.Keys().Signing)
	defer clear(key)
	return bundle.Fingerprint(key.Public().(ed25519.PublicKey))
}

// receiptsTotal is the sum of the amounts of the receipts a plan selects
// ("290.00"), or "" when none has an amount.
func receiptsTotal(p *Plan) string {
	var total vault.Cents
	any := false
	for _, r := range p.Items {
		if d, ok := r.(*vault.Document); ok && d.Kind == vault.KindReceipt && d.Amount != nil {
			total += *d.Amount
			any = true
		}
	}
	if !any {
		return ""
	}
	return total.String()
}
