// Package integrity proves a vault whole: Verify checks the file's structure,
// every record, the history chain against the sealed state, and every
// document's chunks, reporting each problem with the record it concerns;
// CheckRollback and RecordGeneration keep the last generation seen of each
// vault in a small state file outside it, to notice a file replaced by an
// older copy.
package integrity

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// Options choose how deep Verify looks.
type Options struct {
	// ReadData also decrypts every chunk of every document and compares the
	// document's size and SHA-256 with the ones recorded when it was added.
	ReadData bool
}

// Problem is one thing found wrong, and what it concerns.
type Problem struct {
	// Subject names what is damaged: a record (type, ID, and once decrypted
	// its claim and title), a history entry, the vault state, the file
	// structure, or orphan chunks.
	Subject string
	// Detail says what is wrong with it.
	Detail string
}

// String returns the problem as one line: "subject: detail".
func (p Problem) String() string { return p.Subject + ": " + p.Detail }

// Report is the result of Verify.
type Report struct {
	Problems       []Problem
	Records        int            // records found in the records bucket
	ByType         map[string]int // decrypted records by type
	HistoryEntries int            // history entries found
	Documents      int            // documents whose chunks were checked
	Chunks         int            // chunks found in the chunks bucket
	Pending        int            // blobs being written (reclaimed at the next writable opening)
	DocumentsRead  int            // documents decrypted whole (ReadData)
	BytesRead      int64          // plaintext bytes decrypted (ReadData)
}

// OK reports whether Verify found nothing wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// verifier holds what one Verify run has learned.
type verifier struct {
	v       *vault.Vault
	keys    *crypto.Keys
	rep     *Report
	records map[string]vault.Record // decrypted records by ID
	sealed  map[string]string       // record ID -> hex SHA-256 of the sealed value
	claims  map[string]*vault.Claim
	// lastEntry is the last history entry about each record ID.
	lastEntry map[string]vault.HistoryEntry
}

func (w *verifier) add(subject, format string, args ...any) {
	w.rep.Problems = append(w.rep.Problems, Problem{Subject: subject, Detail: fmt.Sprintf(format, args...)})
}

// Verify checks the whole vault and reports every problem it finds, going
// record by record through the raw store so that one bad record does not hide
// the others. It returns an error only when it could not look at all.
//
// It checks: bbolt's structure (tx.Check); that every record decrypts under
// its own key, parses and carries its own ID; that the history entries are
// all present, decrypt, chain, and match the sealed state (length and MAC
// head); that replaying the history (each write's SHA-256 of the sealed
// record, each removal) gives exactly the records in the file, which finds a
// record deleted, added, rolled back to an older version or swapped; that
// every document's chunks are all present, none beyond its last, each of
// the size its framing requires; that no chunks belong to no document; and
// with ReadData that every document decrypts to its recorded SHA-256.
func Verify(v *vault.Vault, o Options) (*Report, error) {
	w := &verifier{
		v:         v,
		keys:      v.Keys(),
		rep:       &Report{ByType: map[string]int{}},
		records:   map[string]vault.Record{},
		sealed:    map[string]string{},
		claims:    map[string]*vault.Claim{},
		lastEntry: map[string]vault.HistoryEntry{},
	}
	db := v.Store()
	structural, err := db.Check()
	if err != nil {
		return nil, err
	}
	for _, p := range structural {
		w.add("file structure", "%s", p)
	}
	steps := []struct {
		what string
		fn   func(*store.Tx) error
	}{
		{"records", w.checkRecords},
		{"history", w.checkHistory},
		{"documents", w.checkDocuments},
	}
	for _, s := range steps {
		if err := db.SafeView(s.fn); err != nil {
			if !errors.Is(err, store.ErrDamaged) {
				return nil, fmt.Errorf("verify %s: %w", s.what, err)
			}
			w.add("file structure", "reading the %s: %v", s.what, err)
		}
	}
	if o.ReadData {
		w.readDocuments()
	}
	return w.rep, nil
}

// checkRecords opens every record under its own key.
func (w *verifier) checkRecords(st *store.Tx) error {
	return st.ForEachRecord(func(id, sealed []byte) error {
		w.rep.Records++
		sum := sha256.Sum256(sealed)
		key := string(id)
		w.sealed[key] = hex.EncodeToString(sum[:])
		pt, err := crypto.OpenRecord(w.keys.Records, store.BucketRecords, id, sealed)
		if err != nil {
			w.add(rawSubject(id), "does not decrypt: it is damaged, was tampered with, or was moved here from another key")
			return nil
		}
		defer clear(pt)
		r, err := vault.DecodeRecord(pt)
		if err != nil {
			w.add(rawSubject(id), "decrypts but does not parse (%v)", err)
			return nil
		}
		if r.RecordID() != key {
			w.add(rawSubject(id), "holds the record of ID %s", vault.PrintableID([]byte(r.RecordID())))
			return nil
		}
		w.records[key] = r
		w.rep.ByType[string(r.RecordType())]++
		if c, ok := r.(*vault.Claim); ok {
			w.claims[c.ID] = c
		}
		return nil
	})
}

// subject names a decrypted record for a person: its type, ID, title and
// claim, quoted so that the line stays one line whatever they hold.
func (w *verifier) subject(r vault.Record) string {
	id := r.RecordID()
	switch x := r.(type) {
	case *vault.Claim:
		return fmt.Sprintf("claim %s %q", id, x.Name)
	case *vault.Document:
		title := x.Title
		if title == "" {
			title = x.FileName
		}
		if title == "" {
			title = x.Kind + " " + string(x.Date)
		}
		return fmt.Sprintf("document %s %q (claim %s)", id, title, w.claimName(x.Claim))
	}
	return fmt.Sprintf("%s %s (claim %s)", r.RecordType(), id, w.claimName(r.ClaimID()))
}

func (w *verifier) claimName(id string) string {
	if c, ok := w.claims[id]; ok {
		return fmt.Sprintf("%q", c.Name)
	}
	return vault.PrintableID([]byte(id))
}

// rawSubject names a record that could not be decrypted: by its key.
func rawSubject(id []byte) string { return "record " + vault.PrintableID(id) }

// readDocuments decrypts every document whose chunks passed the structural
// checks, the way `vault get` does, and compares size and SHA-256.
func (w *verifier) readDocuments() {
	bad := map[string]bool{}
	for _, p := range w.rep.Problems {
		bad[p.Subject] = true
	}
	ids := make([]string, 0, len(w.records))
	for id := range w.records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d, ok := w.records[id].(*vault.Document)
		if !ok || bad[w.subject(d)] {
			continue
		}
		cw := &countWriter{}
		err := store.Contain(func() error { return w.v.ReadDocument(d, cw) })
		w.rep.BytesRead += cw.n
		if err != nil {
			w.add(w.subject(d), "its content does not verify (%s)", strings.TrimPrefix(err.Error(), vault.ErrTampered.Error()+": "))
			continue
		}
		w.rep.DocumentsRead++
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
