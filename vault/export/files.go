package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"vault/vault"
)

// OutputFile is a file an export makes in memory, such as a part of a PDF
// packet, to be placed like a bundle.
type OutputFile struct {
	Path string // the destination, as given
	Data []byte
	// Record is stored once the file is placed; WriteFiles fills in its
	// Output, At, BundleSHA256 and BundleSize.
	Record *vault.Export
}

// WriteFiles writes files made in memory exactly as Write writes a zip
// bundle (see there): each to a temporary file beside its destination
// (mode 0600), synced, then put in place with the same code (never over an
// existing file without force), and only once all are in place recorded,
// all in one transaction that also marks their request answered. If
// placing or recording fails, the files already placed are taken back out
// (with force, the files they replaced are put back), so a failed export
// leaves neither the files nor a record. It returns the names of stale
// temporary files it removed.
func WriteFiles(ctx context.Context, v *vault.Vault, files []OutputFile, force bool) (stale []string, err error) {
	dests := make([]string, len(files))
	for i, f := range files {
		if dests[i], err = checkDest(f.Path, v.Path(), force); err != nil {
			return nil, err
		}
		for j := 0; j < i; j++ {
			if dests[j] == dests[i] {
				return nil, fmt.Errorf("%s is given twice as an output file", f.Path)
			}
		}
	}
	temps := make([]*os.File, len(files))
	placed := make([]*placement, len(files))
	defer func() {
		for i, t := range temps {
			if t != nil && placed[i] == nil {
				t.Close()
				os.Remove(t.Name())
			}
		}
	}()
	now := v.Now()
	for i, f := range files {
		stale = append(stale, removeStale(dests[i])...)
		t, err := createTemp(dests[i])
		if err != nil {
			return nil, err
		}
		temps[i] = t
		if _, err := t.Write(f.Data); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := t.Sync(); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Path, err)
		}
		sum := sha256.Sum256(f.Data)
		rec := f.Record
		rec.At = now.UTC()
		rec.Output = strings.ToValidUTF8(dests[i], "\uFFFD")
		rec.BundleSHA256 = hex.EncodeToString(sum[:])
		rec.BundleSize = int64(len(f.Data))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("export interrupted: %w", err)
	}
	undo := func(cause error) error {
		var left []string
		for i := len(placed) - 1; i >= 0; i-- {
			if placed[i] != nil {
				if uerr := placed[i].undo(); uerr != nil {
					left = append(left, fmt.Sprintf("%s (%v)", files[i].Path, uerr))
				}
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("%v; and these could not be taken back out: %s: they are not recorded", cause, strings.Join(left, ", "))
		}
		return fmt.Errorf("%w: nothing was written", cause)
	}
	for i, t := range temps {
		pl, err := place(t, dests[i], v.Path(), force)
		if err != nil {
			if errors.Is(err, ErrOutputExists) && i == 0 {
				return nil, err // its message says nothing was written
			}
			return nil, undo(err)
		}
		placed[i] = pl
	}
	recs := make([]*vault.Export, len(files))
	for i, f := range files {
		recs[i] = f.Record
	}
	if err := recordAll(v, recs); err != nil {
		return nil, undo(fmt.Errorf("record the export: %w", err))
	}
	for _, pl := range placed {
		pl.commit()
	}
	return stale, nil
}

// recordAll stores the exports and marks their request answered (by the
// last of them), in one transaction.
func recordAll(v *vault.Vault, recs []*vault.Export) error {
	return v.Update(func(t *vault.Tx) error {
		req := ""
		for _, rec := range recs {
			what := fmt.Sprintf("PDF packet of %d pages", rec.Pages)
			if rec.Parts > 1 {
				what += fmt.Sprintf(", part %d of %d", rec.Part, rec.Parts)
			}
			if err := t.Put(rec, vault.ActionExport, what); err != nil {
				return err
			}
			if rec.Request != "" {
				req = rec.Request
			}
		}
		if req == "" {
			return nil
		}
		r, err := t.Get(req)
		if err != nil {
			return fmt.Errorf("request %s: %w", req, err)
		}
		rq, ok := r.(*vault.Request)
		if !ok {
			return fmt.Errorf("%s is a %s, not a request", req, r.RecordType())
		}
		answered := *rq
		answered.Answered = recs[len(recs)-1].ID
		return t.Put(&answered, vault.ActionEdit, "answered by export "+answered.Answered)
	})
}
