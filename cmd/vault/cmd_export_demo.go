package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"vault/crypto"
	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/export"
	"vault/vault/packet"
	"vault/vault/sample"
)

// demoPassphrase unlocks the demo vault. It is printed and written to
// DIR/passphrase.txt: the demo holds invented data only.
const demoPassphrase = "demo passphrase: not for real records"

func expDemoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "demo",
		Usage:     "build a sample vault with a whole claim, answer the insurer's request, verify the bundle",
		ArgsUsage: "[DIR]",
		Description: "Creates DIR (default: a new temporary folder) with vault.db, holding the fictional claim\n" +
			"back-2026: the sample documents (referral, prescription, letter of medical necessity, receipts,\n" +
			"session notes, EOB, denial), three calls, before/progress/after condition notes and the insurer's\n" +
			"records request; then exports the request's bundle, verifies it, and prints what to try next.\n" +
			"The demo passphrase is written to DIR/passphrase.txt. Nothing here is real data.",
		Flags: kdfFlags(""),
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return usagef("demo takes at most one folder, got %d arguments", c.NArg())
			}
			kdf := crypto.DefaultKDF()
			if c.IsSet("kdf-memory") || c.IsSet("kdf-time") {
				var err error
				if kdf, err = kdfFromFlags(c, e, crypto.DefaultKDF()); err != nil {
					return err
				}
			}
			dir := c.Args().First()
			var err error
			if dir == "" {
				if dir, err = os.MkdirTemp("", "vault-demo-"); err != nil {
					return fmt.Errorf("create a folder for the demo: %w", err)
				}
			} else if err := os.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("create the demo folder: %w", unwrapPathError(err))
			}
			start := time.Now()
			d, err := buildDemo(dir, kdf, e.now, sample.Documents())
			if err != nil {
				return err
			}
			d.elapsed = time.Since(start)
			d.print(e)
			return nil
		},
	}
}

// demo is what buildDemo made.
type demo struct {
	dir, vaultPath, passFile, recovery string
	claim                              *vault.Claim
	docs, calls, notes                 int
	request                            *vault.Request
	bundlePath                         string
	result                             *export.Result
	packetPath                         string
	packet                             *packet.Result
	verified                           *bundle.Result
	elapsed                            time.Duration
}

// buildDemo creates the demo vault in dir, holding the sample documents
// docs (sample.Documents()), through the same vault APIs as the commands
// (claim new and set, add, log-call, log-condition, request add, export,
// verify-bundle): no shortcut.
func buildDemo(dir string, kdf crypto.KDFParams, now func() time.Time, docs []sample.Document) (*demo, error) {
	d := &demo{dir: dir, vaultPath: filepath.Join(dir, "vault.db"), passFile: filepath.Join(dir, "passphrase.txt")}
	if _, err := os.Lstat(d.vaultPath); err == nil {
		return nil, fmt.Errorf("%s already holds a vault: choose another folder, or remove it first", dir)
	}
	pass := []byte(demoPassphrase)
	if err := writeNewFile(d.passFile, append(bytes.Clone(pass), '\n')); err != nil {
		return nil, err
	}
	var err error
	if d.recovery, err = vault.Init(d.vaultPath, pass, vault.InitOptions{KDF: kdf, Now: now}); err != nil {
		return nil, fmt.Errorf("create the demo vault: %w", err)
	}
	v, err := vault.Open(d.vaultPath, vault.Secret{Passphrase: pass}, vault.Options{Now: now})
	if err != nil {
		return nil, fmt.Errorf("open the demo vault: %w", err)
	}
	defer v.Close()
	if err := d.fill(v, docs); err != nil {
		return nil, fmt.Errorf("fill the demo vault: %w", err)
	}
	plan, err := export.Prepare(v, d.claim, d.request, export.Selection{})
	if err != nil {
		return nil, err
	}
	d.bundlePath = filepath.Join(dir, fmt.Sprintf("%s-request-%s.zip", d.claim.Name, d.request.ID))
	if d.result, err = export.Write(context.Background(), v, plan, export.Options{Output: d.bundlePath}); err != nil {
		return nil, fmt.Errorf("export the demo bundle: %w", err)
	}
	if d.verified, err = bundle.Verify(d.bundlePath); err != nil {
		return nil, err
	}
	if !d.verified.OK() {
		return nil, fmt.Errorf("the demo bundle fails verification: %s", strings.Join(d.verified.Problems, "; "))
	}
	// The same answer as one stamped PDF, for portals that take PDF only.
	d.packetPath = filepath.Join(dir, fmt.Sprintf("%s-request-%s.pdf", d.claim.Name, d.request.ID))
	if d.packet, err = packet.Write(context.Background(), v, plan, packet.WriteOptions{Output: d.packetPath}); err != nil {
		return nil, fmt.Errorf("export the demo packet: %w", err)
	}
	return d, nil
}

// writeNewFile writes a new file readable by its owner only.
func writeNewFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: choose another folder for the demo", path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathError(err))
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// The sample claim's facts, as the sample documents state them.
var demoClaim = vault.Claim{
	Name:        sample.ClaimName,
	Patient:     "Alex Rivera",
	Insurer:     "Cedar Health Plan",
	Plan:        "commercial",
	MemberID:    "CHP447100932",
	Group:       "88120",
	Provider:    "Jordan Lee, LMT (Fernhill Therapeutic Massage)",
	NPI:         "1932507764",
	License:     "OR LMT 20417",
	Referrer:    "Dr. Priya Natarajan, MD",
	Diagnoses:   []string{"M54.50", "M62.830"},
	ClaimNumber: "CHP26-0325-77814",
}

// fill files the sample claim: its status story, documents, calls,
// condition notes and the insurer's request.
func (d *demo) fill(v *vault.Vault, sampleDocs []sample.Document) error {
	c := demoClaim
	c.StatusHistory = []vault.StatusChange{{Status: vault.StatusDraft, Date: "2026-02-20"}}
	claim, err := v.NewClaim(c)
	if err != nil {
		return err
	}
	billed, paid, visits, appealBy := vault.Cents(43500), vault.Cents(19840), 8, vault.Date("2026-10-07")
	for _, u := range []vault.ClaimUpdate{
		{Billed: &billed, Visits: &visits, Status: vault.StatusSubmitted, StatusOn: "2026-03-25"},
		{Paid: &paid, AppealBy: &appealBy, Status: vault.StatusDenied, StatusOn: "2026-04-10"},
	} {
		if claim, _, err = v.UpdateClaim(claim, u); err != nil {
			return err
		}
	}
	d.claim = claim

	var nds []vault.NewDocument
	for _, sd := range sampleDocs {
		nd, err := demoDocument(sd)
		if err != nil {
			return err
		}
		nds = append(nds, nd)
	}
	docs, _, err := v.AddDocuments(claim, nds, vault.AddOptions{})
	if err != nil {
		return err
	}
	d.docs = len(docs)
	var lmn []string
	for _, doc := range docs {
		if doc.Kind == vault.KindLMN {
			lmn = append(lmn, doc.ID)
		}
	}

	for _, sc := range sample.Calls() {
		call, err := demoCall(sc)
		if err != nil {
			return err
		}
		if _, _, err := v.LogCall(claim, call); err != nil {
			return err
		}
		d.calls++
	}
	for _, sc := range sample.Conditions() {
		note, err := demoCondition(sc)
		if err != nil {
			return err
		}
		if _, err := v.LogCondition(claim, note); err != nil {
			return err
		}
		d.notes++
	}

	// The letter asks for the receipts of three visits and for the letter
	// of medical necessity, which is dated before them: the receipts are
	// selected by kind and date, the LMN by its ID.
	sr := sample.InsurerRequest()
	req := vault.Request{Received: vault.Date(sr.Received), Due: vault.Date(sr.Due), IDs: lmn, Note: sr.Note}
	for _, k := range sr.Kinds {
		if k != vault.KindLMN {
			req.Kinds = append(req.Kinds, k)
		}
	}
	for _, on := range sr.On {
		req.On = append(req.On, vault.Date(on))
	}
	d.request, err = export.AddRequest(v, claim, req)
	return err
}

func demoDocument(sd sample.Document) (vault.NewDocument, error) {
	data := sd.Data
	nd := vault.NewDocument{Kind: sd.Kind, Date: vault.Date(sd.Date), Title: sd.Title, ValidUntil: vault.Date(sd.ValidUntil),
		FileName: sd.FileName, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	if sd.Amount != "" {
		a, err := vault.ParseAmount(sd.Amount)
		if err != nil {
			return nd, err
		}
		nd.Amount = &a
	}
	for _, s := range sd.CPT {
		l, err := vault.ParseCPT(s)
		if err != nil {
			return nd, err
		}
		nd.CPT = append(nd.CPT, l)
	}
	return nd, nil
}

func demoCall(sc sample.Call) (vault.Call, error) {
	at, err := recParseTime(sc.At)
	if err != nil {
		return vault.Call{}, err
	}
	dur, err := recParseDuration(sc.Duration)
	if err != nil {
		return vault.Call{}, err
	}
	summary := sc.Party + ": " + sc.Summary
	if sc.FollowUp != "" {
		summary += " Next: " + sc.FollowUp
	}
	return vault.Call{At: at, Party: "insurer", Rep: sc.Rep, Ref: sc.Ref, Phone: sc.Phone, Duration: dur,
		Summary: summary, Promised: sc.Promised}, nil
}

func demoCondition(sc sample.Condition) (vault.Condition, error) {
	pain := sc.Pain
	n := vault.Condition{Date: vault.Date(sc.Date), Phase: sc.Phase, Pain: &pain, Text: sc.Text}
	for _, m := range sc.Measures {
		mm, err := vault.ParseMeasure(m)
		if err != nil {
			return n, err
		}
		n.Measures = append(n.Measures, mm)
	}
	return n, nil
}

// print tells where everything is and what to try next.
func (d *demo) print(e *env) {
	w := e.stdout
	size := int64(0)
	if st, err := os.Stat(d.vaultPath); err == nil {
		size = st.Size()
	}
	q := expShellQuote
	fmt.Fprintf(w, "Demo vault ready in %s (%.1f s). Everything in it is invented: no real person's data.\n\n", d.dir, d.elapsed.Seconds())
	t := newTable(w)
	t.Row("  vault", fmt.Sprintf("%s (%s, encrypted)", d.vaultPath, recFormatSize(size)))
	t.Row("  passphrase", fmt.Sprintf("%q (also in %s)", demoPassphrase, d.passFile))
	t.Row("  recovery code", d.recovery+" (a real vault's code belongs on paper, offline)")
	t.Row("  claim", fmt.Sprintf("%s, %s %s: %d documents, %d calls, %d condition notes, status %s",
		d.claim.Name, d.claim.Insurer, d.claim.ClaimNumber, d.docs, d.calls, d.notes, d.claim.Status))
	t.Row("  request", fmt.Sprintf("%s received %s, due %s: %s", d.request.ID, d.request.Received, d.request.Due,
		export.RequestSelection(d.request).Describe()))
	t.Row("  bundle", fmt.Sprintf("%s (%s, %s), answers the request",
		d.bundlePath, recPlural(len(d.result.Manifest.Files), "file", "files"), recFormatSize(d.result.Export.BundleSize)))
	t.Row("  verified", fmt.Sprintf("signature and every file's SHA-256 OK, signing key %s", d.verified.Fingerprint()))
	t.Row("  packet", fmt.Sprintf("%s (one stamped PDF, %s, %s, the originals attached)",
		d.packetPath, recPlural(d.packet.Packet.Pages(), "page", "pages"), recFormatSize(d.packet.Exports[0].BundleSize)))
	t.Flush()

	g := fmt.Sprintf("--vault %s --passphrase-file %s", q(d.vaultPath), q(d.passFile))
	fmt.Fprintf(w, "\nTry next (with 'go run ./cmd/vault' in place of 'vault' if it is not installed):\n")
	for _, l := range []string{
		fmt.Sprintf("vault claim show %s %s", d.claim.Name, g),
		fmt.Sprintf("vault list --claim %s %s", d.claim.Name, g),
		fmt.Sprintf("vault check --claim %s %s", d.claim.Name, g),
		fmt.Sprintf("vault request list %s", g),
		fmt.Sprintf("vault exports --claim %s %s", d.claim.Name, g),
		fmt.Sprintf("vault verify-bundle %s", q(d.bundlePath)),
		fmt.Sprintf("vault verify-bundle %s    # the PDF packet: open it in any PDF reader", q(d.packetPath)),
		fmt.Sprintf("unzip -d %s %s    # then open index.html there in a browser", q(filepath.Join(d.dir, "bundle")), q(d.bundlePath)),
		fmt.Sprintf("vault export --claim %s --kind clinical-note --kind condition --from 2026-03-01 --to 2026-03-31 -o %s %s",
			d.claim.Name, q(filepath.Join(d.dir, "notes.zip")), g),
	} {
		fmt.Fprintf(w, "  %s\n", l)
	}
	fmt.Fprintf(w, "Or set the vault once for this shell:\n  export VAULT_PATH=%s VAULT_PASSPHRASE_FILE=%s\n", q(d.vaultPath), q(d.passFile))
}
