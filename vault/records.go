package vault

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"vault/crypto"
	"vault/store"
)

// Errors of looking records up.
var (
	// ErrNotFound reports an ID that matches no record.
	ErrNotFound = errors.New("no such record")
	// ErrAmbiguous reports an ID prefix that matches several records.
	ErrAmbiguous = errors.New("ambiguous ID")
)

// IDAlphabet is the alphabet of record IDs: Crockford's base32 in lower
// case, without the look-alike letters i, l, o and u.
const IDAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// IDLength is the length of a new record ID (40 random bits).
const IDLength = 8

// MinPrefix is the shortest ID prefix accepted to name a record.
const MinPrefix = 4

// recordCache holds every record of the vault, decrypted, once loaded.
type recordCache struct {
	byID   map[string]Record
	sorted []Record // every record in ID order; nil after a change, until asked for
}

// inOrder returns every record ordered by ID. The slice is shared: callers
// copy what they keep or change.
func (c *recordCache) inOrder() []Record {
	if c.sorted == nil {
		c.sorted = make([]Record, 0, len(c.byID))
		for _, r := range c.byID {
			c.sorted = append(c.sorted, r)
		}
		slices.SortFunc(c.sorted, func(a, b Record) int { return strings.Compare(a.RecordID(), b.RecordID()) })
	}
	return c.sorted
}

// put stores or replaces a record, delete forgets one.
func (c *recordCache) put(r Record) {
	c.byID[r.RecordID()] = r
	c.sorted = nil
}

func (c *recordCache) delete(id string) {
	delete(c.byID, id)
	c.sorted = nil
}

func (v *Vault) readRecord(st *store.Tx, id string) (Record, error) {
	if v.cache != nil {
		return v.cache.byID[id], nil
	}
	sealed := st.Record([]byte(id))
	if sealed == nil {
		return nil, nil
	}
	return v.openRecord([]byte(id), sealed)
}

func (v *Vault) openRecord(id, sealed []byte) (Record, error) {
	o, err := crypto.NewRecordOpener(v.keys.Records)
	if err != nil {
		return nil, err
	}
	defer o.Clear()
	return openRecordWith(o, id, sealed)
}

// openRecordWith opens and decodes one record with o (whose plaintext
// buffer the decoded record does not share).
func openRecordWith(o *crypto.RecordOpener, id, sealed []byte) (Record, error) {
	pt, err := o.Open(store.BucketRecords, id, sealed)
	if err != nil {
		return nil, fmt.Errorf("%w: record %s", ErrTampered, PrintableID(id))
	}
	r, err := decodeRecord(pt)
	if err != nil {
		return nil, fmt.Errorf("%w: record %s: %v", ErrTampered, PrintableID(id), err)
	}
	if r.RecordID() != string(id) {
		return nil, fmt.Errorf("%w: record %s claims ID %q", ErrTampered, PrintableID(id), r.RecordID())
	}
	return r, nil
}

// PrintableID returns id when it is made of ID characters, else its hex
// (an ID read from a damaged file may hold any bytes).
func PrintableID(id []byte) string {
	if len(id) == 0 {
		return "(empty ID)"
	}
	for _, c := range id {
		if !strings.ContainsRune(IDAlphabet, rune(c)) {
			return fmt.Sprintf("%x", id)
		}
	}
	return string(id)
}

// load decrypts every record once, spreading the work over the CPUs: it is
// the main cost of every everyday command on a large vault.
func (v *Vault) load() error {
	if v.cache != nil {
		return nil
	}
	type raw struct{ id, sealed []byte }
	var all []raw
	c := &recordCache{}
	err := v.db.View(func(st *store.Tx) error {
		// The values point into bbolt's memory map, valid until the
		// transaction ends: the workers below finish before that.
		if err := st.ForEachRecord(func(id, sealed []byte) error {
			all = append(all, raw{id, sealed})
			return nil
		}); err != nil {
			return err
		}
		recs := make([]Record, len(all))
		errs := make([]error, len(all))
		workers := min(runtime.GOMAXPROCS(0), 1+len(all)/256)
		openers := make([]*crypto.RecordOpener, workers)
		for w := range openers {
			var err error
			if openers[w], err = crypto.NewRecordOpener(v.keys.Records); err != nil {
				return err
			}
		}
		var wg sync.WaitGroup
		for w, o := range openers {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				defer o.Clear()
				for i := w; i < len(all); i += workers {
					recs[i], errs[i] = openRecordWith(o, all[i].id, all[i].sealed)
				}
			}(w)
		}
		wg.Wait()
		// bbolt gave the records in key order: the ID order, kept as it is.
		c.byID = make(map[string]Record, len(recs))
		for i, r := range recs {
			if errs[i] != nil {
				return errs[i]
			}
			c.byID[r.RecordID()] = r // openRecord checked it is the key
		}
		c.sorted = recs
		return nil
	})
	if err != nil {
		return err
	}
	v.cache = c
	return nil
}

// Records returns every record, ordered by ID.
func (v *Vault) Records() ([]Record, error) {
	if err := v.load(); err != nil {
		return nil, err
	}
	return slices.Clone(v.cache.inOrder()), nil
}

// Record returns the record with exactly this ID.
func (v *Vault) Record(id string) (Record, error) {
	if err := v.load(); err != nil {
		return nil, err
	}
	r, ok := v.cache.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return r, nil
}

// NormalizeID folds an ID typed by a person to the alphabet: lower case, with
// o read as 0 and i, l as 1.
func NormalizeID(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("o", "0", "i", "1", "l", "1").Replace(s)
}

// Resolve finds the one record whose ID starts with prefix (at least
// MinPrefix characters), optionally only among records accepted by keep.
func (v *Vault) Resolve(prefix string, keep func(Record) bool) (Record, error) {
	p := NormalizeID(prefix)
	if len(p) < MinPrefix {
		return nil, fmt.Errorf("ID %s is too short: give at least %d characters", Quote(prefix), MinPrefix)
	}
	if len(p) > IDLength {
		return nil, fmt.Errorf("%s is not a record ID: IDs have %d characters", Quote(prefix), IDLength)
	}
	for _, c := range p {
		if !strings.ContainsRune(IDAlphabet, c) {
			return nil, fmt.Errorf("%s is not a record ID: IDs use only the letters and digits %s", Quote(prefix), IDAlphabet)
		}
	}
	if err := v.load(); err != nil {
		return nil, err
	}
	var found []string
	for id, r := range v.cache.byID {
		if strings.HasPrefix(id, p) && (keep == nil || keep(r)) {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return nil, notFoundError(fmt.Sprintf("no record has an ID starting with %q (see 'vault list')", p))
	case 1:
		return v.cache.byID[found[0]], nil
	}
	sort.Strings(found)
	if len(found) > 5 {
		found = append(found[:5], "...")
	}
	return nil, fmt.Errorf("%w: %q matches %s: give more characters", ErrAmbiguous, p, strings.Join(found, ", "))
}

// NewID returns a fresh record ID not used by any record in the vault.
func (v *Vault) NewID() (string, error) {
	if err := v.load(); err != nil {
		return "", err
	}
	return newID(func(id string) bool { _, used := v.cache.byID[id]; return used }), nil
}

// NewID returns a fresh record ID used neither in the vault nor by a record
// put earlier in this transaction. It reads through the transaction itself:
// opening another read transaction inside a write transaction can deadlock
// bbolt.
func (t *Tx) NewID() (string, error) {
	return newID(func(id string) bool {
		if _, ok := t.puts[id]; ok {
			return true
		}
		return !t.dels[id] && t.st.Record([]byte(id)) != nil
	}), nil
}

// newID draws random IDs until one is not taken.
func newID(taken func(string) bool) string {
	for {
		b := crypto.RandomBytes(IDLength)
		id := make([]byte, IDLength)
		for i, x := range b {
			id[i] = IDAlphabet[x&31]
		}
		if !taken(string(id)) {
			return string(id)
		}
	}
}
