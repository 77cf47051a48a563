package export

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"time"

	"vault/store"
	"vault/vault"
	"vault/vault/bundle"
)

// Options control how a bundle is written.
type Options struct {
	// Output is the bundle's path. An existing file is replaced only with
	// Force.
	Output string
	Force  bool
	// AllowMissing writes the bundle even when the plan has gaps; they are
	// listed in the manifest and in index.html.
	AllowMissing bool
	// Progress, when set, is called as the bundle is written with the
	// bytes of content written so far and the total expected.
	Progress func(done, total int64)
}

// Result describes a bundle written and recorded.
type Result struct {
	Export   *vault.Export
	Manifest *bundle.Manifest
	// Stale names the temporary files of earlier, killed exports to the
	// same destination that were removed.
	Stale []string
}

// Media types of the files export writes itself.
const (
	htmlType = "text/html; charset=utf-8"
	csvType  = "text/csv; charset=utf-8"
)

// Write writes the plan's bundle to o.Output and records the export in the
// vault (with every file's hash and the bundle's), marking the request it
// answers, in one transaction. Documents are streamed from the vault into
// the zip, so memory does not depend on their size. With gaps in the plan
// and no o.AllowMissing it writes nothing and returns a *MissingError.
//
// The order is what keeps the vault truthful: the zip is written to a
// temporary file beside the destination (mode 0600, store.CreateTempBeside)
// and synced; then it is
// put in place (see place: never over an existing file without o.Force);
// only then is the export recorded. The vault never records an export whose
// bundle is not where it says, whatever moment the process is killed at.
// If recording fails the bundle is taken back out (with o.Force the file it
// replaced is put back), so a failed export leaves neither OUT nor a record.
// The one window left is a kill after placing and before recording: OUT is
// then a complete, signed bundle that the vault does not list (`vault
// exports` and `verify-bundle --vault` say so) and its request stays open;
// exporting again with --force records it. On any error, or when ctx is
// cancelled before the bundle is placed, the temporary file is removed, the
// destination is untouched and nothing is recorded.
func Write(ctx context.Context, v *vault.Vault, p *Plan, o Options) (*Result, error) {
	if len(p.Missing) > 0 && !o.AllowMissing {
		return nil, &MissingError{Gaps: p.Missing}
	}
	dest, err := checkDest(o.Output, v.Path(), o.Force)
	if err != nil {
		return nil, err
	}
	id, err := v.NewID()
	if err != nil {
		return nil, err
	}
	now := v.Now()
	key := ed25519.NewKeyFromSeed(v.Keys().Signing)
	defer clear(key)
	c := newContents(p)
	m := &bundle.Manifest{
		ExportID:    id,
		Claim:       claimInfo(p.Claim),
		Request:     requestInfo(p.Request),
		Selection:   selectionInfo(p.Selection),
		GeneratedAt: now.UTC().Truncate(time.Second),
		Missing:     append([]string{}, p.Missing...),
	}
	preview := *m
	preview.Files = c.files
	html, err := bundle.RenderIndex(&bundle.Index{Manifest: &preview, Calls: c.calls, Conditions: c.conditions,
		PainChange: c.painChange, ReceiptsTotal: receiptsTotal(p), Fingerprint: bundle.Fingerprint(key.Public().(ed25519.PublicKey))})
	if err != nil {
		return nil, err
	}

	res := &Result{Manifest: m, Stale: removeStale(dest)}
	f, err := createTemp(dest)
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	var pl *placement // once placed, pl owns f
	defer func() {
		if pl == nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	sum := &hashCounter{h: sha256.New()}
	// WriteBehind starts the bundle's writeback as it grows, so that the
	// final fsync does not wait for all of it (as for vault get -o).
	buf := bufio.NewWriterSize(io.MultiWriter(store.WriteBehind(f), sum), 256<<10)
	bw := bundle.NewWriter(buf, m.GeneratedAt)
	// The bundle writer reads each file twice (its CRC-32 goes before it).
	prog := &progress{ctx: ctx, fn: o.Progress, total: 2 * (int64(len(html)) + c.size())}
	if err := c.write(v, bw, html, prog); err != nil {
		return nil, err
	}
	mb, err := bw.Close(m, key)
	if err != nil {
		return nil, err
	}
	if err := buf.Flush(); err != nil {
		return nil, fmt.Errorf("write %s: %w", o.Output, err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("write %s: %w", o.Output, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("export interrupted: %w", err)
	}

	rec := &vault.Export{ID: id, Claim: p.Claim.ID, At: now.UTC(), Output: strings.ToValidUTF8(dest, "\uFFFD"),
		BundleSHA256: hex.EncodeToString(sum.h.Sum(nil)), BundleSize: sum.n, Missing: m.Missing}
	if p.Request != nil {
		rec.Request = p.Request.ID
	}
	for _, bf := range m.Files {
		rec.Files = append(rec.Files, vault.ExportFile{Path: bf.Path, SHA256: bf.SHA256, Size: bf.Size, ID: bf.ID})
	}
	ms := sha256.Sum256(mb)
	// The manifest is recorded too (last), though it is not one of the
	// files the manifest lists: it is what the signature covers.
	rec.Files = append(rec.Files, vault.ExportFile{Path: bundle.ManifestName, SHA256: hex.EncodeToString(ms[:]), Size: int64(len(mb))})

	if pl, err = place(f, dest, v.Path(), o.Force); err != nil {
		return nil, err
	}
	if err := record(v, rec); err != nil {
		if uerr := pl.undo(); uerr != nil {
			return nil, fmt.Errorf("record the export: %v; and the bundle could not be taken back out of %s (%v): it is not recorded", err, o.Output, uerr)
		}
		return nil, fmt.Errorf("record the export: %w: nothing was written", err)
	}
	pl.commit()
	res.Export = rec
	return res, nil
}

// contents are the files of a bundle besides index.html and the manifest,
// planned before anything is written: the documents with the hashes the
// vault recorded for them, then calls.csv and conditions.csv.
type contents struct {
	docs       []*vault.Document
	calls      []bundle.Call
	conditions []bundle.Condition
	callsCSV   []byte
	condCSV    []byte
	painChange string        // index.html's sentence on the pain score
	files      []bundle.File // documents, calls.csv, conditions.csv
}

func newContents(p *Plan) *contents {
	c := &contents{}
	var conds []*vault.Condition
	for _, r := range p.Items {
		switch r := r.(type) {
		case *vault.Document:
			c.docs = append(c.docs, r)
			c.files = append(c.files, DocumentFile(len(c.docs), r))
		case *vault.Call:
			c.calls = append(c.calls, callInfo(r))
		case *vault.Condition:
			conds = append(conds, r)
			c.conditions = append(c.conditions, conditionInfo(r))
		}
	}
	c.painChange = painChangeText(conds)
	if len(c.calls) > 0 {
		c.callsCSV = bundle.CallsCSV(c.calls)
		c.files = append(c.files, csvFile(bundle.CallsName, vault.KindCall, fmt.Sprintf("Calls (%d)", len(c.calls)), c.callsCSV))
	}
	if len(c.conditions) > 0 {
		c.condCSV = bundle.ConditionsCSV(c.conditions)
		c.files = append(c.files, csvFile(bundle.ConditionsName, vault.KindCondition, fmt.Sprintf("Condition notes (%d)", len(c.conditions)), c.condCSV))
	}
	return c
}

func csvFile(path, kind, title string, b []byte) bundle.File {
	s := sha256.Sum256(b)
	return bundle.File{Path: path, SHA256: hex.EncodeToString(s[:]), Size: int64(len(b)), MediaType: csvType, Kind: kind, Title: title}
}

// size is the total size of the planned files.
func (c *contents) size() int64 {
	var n int64
	for _, f := range c.files {
		n += f.Size
	}
	return n
}

// write adds index.html, then every planned file, streaming documents out
// of the vault; each must have the hash planned (and shown in index.html).
func (c *contents) write(v *vault.Vault, bw *bundle.Writer, html []byte, prog *progress) error {
	if _, err := bw.Add(bundle.File{Path: bundle.IndexName, MediaType: htmlType}, func(w io.Writer) error {
		_, err := prog.wrap(w).Write(html)
		return err
	}); err != nil {
		return err
	}
	for i, f := range c.files {
		var write func(io.Writer) error
		add := bw.Add
		switch {
		case i < len(c.docs):
			// ReadDocument fails unless the bytes it wrote have the
			// document's recorded SHA-256, the hash planned: the bundle
			// need not hash them again.
			d := c.docs[i]
			write = func(w io.Writer) error { return v.ReadDocument(d, prog.wrap(w)) }
			add = bw.AddVerified
		case f.Path == bundle.CallsName:
			write = func(w io.Writer) error { _, err := prog.wrap(w).Write(c.callsCSV); return err }
		default:
			write = func(w io.Writer) error { _, err := prog.wrap(w).Write(c.condCSV); return err }
		}
		if _, err := add(f, write); err != nil {
			return err
		}
	}
	return nil
}

// record stores the export and marks its request answered, in one
// transaction.
func record(v *vault.Vault, rec *vault.Export) error {
	return v.Update(func(t *vault.Tx) error {
		if err := t.Put(rec, vault.ActionExport, fmt.Sprintf("export of %d files", len(rec.Files)-1)); err != nil {
			return err
		}
		if rec.Request == "" {
			return nil
		}
		r, err := t.Get(rec.Request)
		if err != nil {
			return fmt.Errorf("request %s: %w", rec.Request, err)
		}
		req, ok := r.(*vault.Request)
		if !ok {
			return fmt.Errorf("%s is a %s, not a request", rec.Request, r.RecordType())
		}
		answered := *req
		answered.Answered = rec.ID
		return t.Put(&answered, vault.ActionEdit, "answered by export "+rec.ID)
	})
}

// progress counts the content bytes written, reports them and stops the
// export when its context is cancelled.
type progress struct {
	ctx   context.Context
	fn    func(done, total int64)
	total int64
	done  int64
}

func (p *progress) wrap(w io.Writer) *progressWriter { return &progressWriter{p: p, w: w} }

// progressWriter passes writes on, counting them, and stops when the
// export is cancelled.
type progressWriter struct {
	p *progress
	w io.Writer
}

// Write implements io.Writer.
func (pw *progressWriter) Write(b []byte) (int, error) {
	if err := pw.p.ctx.Err(); err != nil {
		return 0, fmt.Errorf("export interrupted: %w", err)
	}
	n, err := pw.w.Write(b)
	pw.p.done += int64(n)
	if pw.p.fn != nil {
		pw.p.fn(pw.p.done, pw.p.total)
	}
	return n, err
}

// hashCounter hashes and counts the bytes of the bundle file.
type hashCounter struct {
	h hash.Hash
	n int64
}

// Write implements io.Writer; it never fails.
func (hc *hashCounter) Write(b []byte) (int, error) {
	hc.h.Write(b)
	hc.n += int64(len(b))
	return len(b), nil
}
