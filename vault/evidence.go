package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"vault/vault/internal/filetype"
)

// NewDocument is a document about to be added: its metadata and where its
// bytes come from.
type NewDocument struct {
	Kind       string
	Date       Date // empty means today
	Title      string
	Amount     *Cents
	CPT        []CPTLine
	ValidUntil Date
	FileName   string                        // original file name (base name only is kept)
	Open       func() (io.ReadCloser, error) // opened once while adding
	Typed      bool                          // typed with --text
}

// AddOptions relax the checks of AddDocuments.
type AddOptions struct {
	AllowDuplicate bool // store a file already stored under the claim
	AnyType        bool // store executables and archives too
}

// ErrRefused reports a document that AddDocuments will not store without
// an override (duplicate, unaccepted type, empty). Match it with errors.Is.
var ErrRefused = errors.New("refused")

// refusedError is an ErrRefused whose message is only the reason.
type refusedError struct{ msg string }

func (e *refusedError) Error() string        { return e.msg }
func (e *refusedError) Is(target error) bool { return target == ErrRefused }

// refusef returns an ErrRefused error with this message.
func refusef(format string, args ...any) error {
	return &refusedError{fmt.Sprintf(format, args...)}
}

// label names a new document in messages: its file name (quoted when it
// holds control characters), or what it is.
func (d *NewDocument) label(i int) string {
	switch {
	case d.FileName != "":
		return SafeName(cleanFileName(d.FileName))
	case d.Typed:
		return "the typed text"
	}
	return fmt.Sprintf("document %d", i+1)
}

// AddDocuments stores all the documents under the claim, or none of them:
// it streams each one into sealed chunks, detects its media type from its
// first bytes (in memory), refuses empty files, duplicates of a document
// already under the claim (same SHA-256, unless o.AllowDuplicate) and
// executables or archives (unless o.AnyType), then makes them all visible
// in one transaction. It returns the new records, and warnings such as a
// file name whose extension disagrees with the detected type.
func (v *Vault) AddDocuments(claim *Claim, docs []NewDocument, o AddOptions) ([]*Document, []string, error) {
	if len(docs) == 0 {
		return nil, nil, errors.New("nothing to add: give files, --text or -")
	}
	if _, err := v.ClaimOf(claim); err != nil {
		return nil, nil, err
	}
	now := v.Now()
	// Check every document's metadata before reading any bytes.
	out := make([]*Document, len(docs))
	dated := make([]dateSource, len(docs))
	for i := range docs {
		d, src, err := v.newDocumentRecord(claim, &docs[i], now)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", docs[i].label(i), err)
		}
		out[i], dated[i] = d, src
	}
	existing, err := v.documentsBySHA(claim.ID)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	var blobs [][]byte
	discard := func() {
		for _, b := range blobs {
			_ = v.DiscardBlob(b)
		}
	}
	batch := map[string]int{}
	for i := range docs {
		nd, d := &docs[i], out[i]
		name := nd.label(i)
		blob, err := v.storeBytes(nd)
		if err != nil {
			discard()
			return nil, nil, fmt.Errorf("%s: %w: nothing was added", name, err)
		}
		blobs = append(blobs, blob.ID)
		d.Blob, d.Chunks, d.Size, d.SHA256 = blob.ID, blob.Chunks, blob.Size, blob.SHA256
		if blob.Size == 0 {
			discard()
			return nil, nil, refusef("%s is empty: nothing was added", name)
		}
		if d.Title == "" && d.Typed {
			d.Title = TitleFromText(strings.ToValidUTF8(string(blob.Head), ""))
			if err := validateDocument(d); err != nil {
				discard()
				return nil, nil, fmt.Errorf("%s: %w: nothing was added", name, err)
			}
		}
		mt := detectType(blob.Head, d.FileName)
		d.MediaType = mt.String()
		if what, err := v.refusedContent(mt, d); err != nil || what != "" && !o.AnyType {
			discard()
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w: nothing was added", name, err)
			}
			return nil, nil, refusef("%s is %s (%s), which insurers do not accept: nothing was added (give --any-type to store it anyway)", name, what, shortType(d.MediaType))
		}
		if !o.AllowDuplicate {
			if err := duplicateRule(existing, claim, d, name, "nothing was added (give --allow-duplicate to store it again)"); err != nil {
				discard()
				return nil, nil, err
			}
			if j, ok := batch[d.SHA256]; ok {
				discard()
				return nil, nil, refusef("%s and %s have the same content: nothing was added (give --allow-duplicate to store both)", docs[j].label(j), name)
			}
		}
		batch[d.SHA256] = i
		if w := extensionWarning(d.FileName, mt); w != "" {
			warnings = append(warnings, w)
		}
	}
	err = v.Update(func(t *Tx) error {
		for _, d := range out {
			var err error
			if d.ID, err = t.NewID(); err != nil {
				return err
			}
			note := d.Kind + " " + d.FileName
			if d.Typed {
				note = d.Kind + " (typed text)"
			}
			if err := t.Put(d, ActionAdd, note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		discard()
		return nil, nil, fmt.Errorf("add documents to claim %s: %w: nothing was added", claim.Name, err)
	}
	for i, d := range out {
		if w := dated[i].warning(d, docs[i].label(i)); w != "" {
			warnings = append(warnings, w)
		}
	}
	return out, warnings, nil
}

// dateSource says where a new document's date came from when none was given.
type dateSource int

const (
	dateGiven    dateSource = iota // the caller gave the date
	dateFromName                   // found in the file name
	dateToday                      // defaulted to today
)

// warning tells the user how a document they gave no date got its date, and
// how to change it: always for a date read from the file name, and for a
// date of service (receipt, clinical note) defaulted to today.
func (s dateSource) warning(d *Document, label string) string {
	switch {
	case s == dateFromName:
		return fmt.Sprintf("%s %s is dated %s, taken from its file name %s: if that is wrong, change it with 'vault edit %s --date D'", d.Kind, d.ID, d.Date, label, d.ID)
	case s == dateToday && datedByService(d.Kind):
		return fmt.Sprintf("%s %s (%s) has no date of service: it defaulted to today, %s; set the real one with 'vault edit %s --date D'", d.Kind, d.ID, label, d.Date, d.ID)
	}
	return ""
}

// newDocumentRecord builds and checks a document's metadata.
func (v *Vault) newDocumentRecord(claim *Claim, nd *NewDocument, now time.Time) (*Document, dateSource, error) {
	if nd.Open == nil {
		return nil, dateGiven, errors.New("no content to read")
	}
	kind, err := ParseKind(nd.Kind)
	if err != nil {
		return nil, dateGiven, err
	}
	d := &Document{
		Claim:      claim.ID,
		Kind:       kind,
		Date:       nd.Date,
		Title:      nd.Title,
		FileName:   nd.FileName,
		Amount:     clonePtr(nd.Amount),
		CPT:        slices.Clone(nd.CPT),
		ValidUntil: nd.ValidUntil,
		Typed:      nd.Typed,
		Added:      now.UTC(),
	}
	normalizeItem(d)
	src := dateGiven
	if d.Date == "" {
		src = dateToday
		d.Date = DateOf(now)
		if named, ok := fileNameDate(d.FileName, now); ok && !d.Typed {
			src, d.Date = dateFromName, named
		}
	}
	if d.Title == "" && d.FileName != "" {
		d.Title = strings.TrimSuffix(d.FileName, filepath.Ext(d.FileName))
	}
	if err := validateDocument(d); err != nil {
		return nil, dateGiven, err
	}
	if d.Typed && src == dateToday {
		src = dateGiven // typed text is written now: today is its date
	}
	return d, src, nil
}

// storeBytes opens a new document's content and streams it into a blob.
func (v *Vault) storeBytes(nd *NewDocument) (*Blob, error) {
	rc, err := nd.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	blob, err := v.WriteBlob(rc, BlobOptions{})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return blob, nil
}

// documentsBySHA maps the SHA-256 of every document under a claim to it.
// duplicateRule is the one rule for the same bytes twice under a claim, for
// a document added (AddDocuments) or moved in (UpdateItemWith): it refuses
// d when existing (the claim's documents by SHA-256) holds another document
// with d's bytes. label names d; outcome says what was left and how to
// override.
func duplicateRule(existing map[string]*Document, claim *Claim, d *Document, label, outcome string) error {
	prev, ok := existing[d.SHA256]
	if !ok || prev.ID == d.ID {
		return nil
	}
	return refusef("%s is already stored under claim %s as %s (same SHA-256): %s", label, claim.Name, prev.ID, outcome)
}

func (v *Vault) documentsBySHA(claimID string) (map[string]*Document, error) {
	items, err := v.Items(claimID)
	if err != nil {
		return nil, err
	}
	m := map[string]*Document{}
	for _, r := range items {
		if d, ok := r.(*Document); ok {
			if _, seen := m[d.SHA256]; !seen {
				m[d.SHA256] = d
			}
		}
	}
	return m, nil
}

// refusedContent says what a document just stored is when the vault refuses
// it (see filetype): a program, a script, an archive... by its detected type
// or its name, or "markup that can run code" for HTML and SVG holding a
// script, an event handler or the like, which needs the whole file: it is
// read back from the vault (markup larger than filetype.MaxMarkup is refused
// unchecked).
func (v *Vault) refusedContent(mt *mimetype.MIME, d *Document) (string, error) {
	if what := filetype.Refused(mt, d.FileName); what != "" {
		return what, nil
	}
	if !filetype.IsMarkup(d.MediaType, d.FileName) {
		return "", nil
	}
	if d.Size > filetype.MaxMarkup {
		return "markup (HTML or SVG) too large to check for scripts", nil
	}
	var buf bytes.Buffer
	if err := v.ReadDocument(d, &buf); err != nil {
		return "", fmt.Errorf("read it back to check it: %w", err)
	}
	if filetype.ActiveContent(buf.Bytes()) {
		return "markup with a script or an event handler", nil
	}
	return "", nil
}

// TitleFromText returns a title for typed text: its first non-empty line,
// without control characters, shortened to 60 characters (and to what a
// title may hold).
func TitleFromText(s string) string {
	for rest := s; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if !PlainText(line) {
			line = strings.Map(func(r rune) rune {
				if isControl(r) || IsBidiControl(r) {
					return ' '
				}
				return r
			}, strings.ToValidUTF8(line, ""))
		}
		if !PlainText(line) || strings.HasPrefix(line, " ") || strings.HasSuffix(line, " ") || strings.Contains(line, "  ") {
			line = strings.Join(strings.Fields(line), " ")
		}
		if line != "" {
			t := Shorten(line, 60)
			for n := 59; len(t) > maxShortText; n-- {
				t = Shorten(line, n)
			}
			return t
		}
	}
	return ""
}

// PlainText reports whether s is printable ASCII only (space to tilde):
// nothing to replace, one rune a byte.
func PlainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Shorten cuts s to at most n characters, ending with "..." when cut.
func Shorten(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s // a string of n bytes or fewer has n runes or fewer
	}
	keep, i := max(n-3, 0), 0
	for range keep {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	cut := s[:i]
	if !utf8.ValidString(cut) {
		cut = string([]rune(cut)) // each invalid byte a U+FFFD, as counted
	}
	return strings.TrimSpace(cut) + "..."
}

// LogCall stores a phone call under the claim. The time defaults to now;
// it warns when the call has no reference number.
func (v *Vault) LogCall(claim *Claim, c Call) (*Call, []string, error) {
	if _, err := v.ClaimOf(claim); err != nil {
		return nil, nil, err
	}
	now := v.Now()
	c.Claim = claim.ID
	c.Added = now.UTC()
	if c.At.IsZero() {
		c.At = now
	}
	normalizeItem(&c)
	if err := validateCall(&c); err != nil {
		return nil, nil, err
	}
	var warnings []string
	if c.Ref == "" {
		warnings = append(warnings, "the call has no reference number: ask the representative for a call reference")
	}
	err := v.Update(func(t *Tx) error {
		var err error
		if c.ID, err = t.NewID(); err != nil {
			return err
		}
		return t.Put(&c, ActionAdd, "call")
	})
	if err != nil {
		return nil, nil, fmt.Errorf("log call under claim %s: %w", claim.Name, err)
	}
	return &c, warnings, nil
}

// LogCondition stores a condition note under the claim. The date defaults
// to today.
func (v *Vault) LogCondition(claim *Claim, c Condition) (*Condition, error) {
	if _, err := v.ClaimOf(claim); err != nil {
		return nil, err
	}
	now := v.Now()
	c.Claim = claim.ID
	c.Added = now.UTC()
	if c.Date == "" {
		c.Date = DateOf(now)
	}
	normalizeItem(&c)
	if err := validateCondition(&c); err != nil {
		return nil, err
	}
	err := v.Update(func(t *Tx) error {
		var err error
		if c.ID, err = t.NewID(); err != nil {
			return err
		}
		return t.Put(&c, ActionAdd, "condition "+c.Phase)
	})
	if err != nil {
		return nil, fmt.Errorf("log condition under claim %s: %w", claim.Name, err)
	}
	return &c, nil
}

// UpdateItem stores a changed copy of an item: a document's metadata, a
// call or a condition note (possibly moved to another claim). It first puts
// r's fields in their stored form, in place, as adding does (text trimmed,
// a file name cut to its base name, choices folded), then validates them.
// A document's bytes never change: its blob, size, SHA-256 and media type
// must be as stored. The history keeps what the item was. It returns the
// names of the fields that changed (none: nothing is written).
func (v *Vault) UpdateItem(r Record) ([]string, error) { return v.UpdateItemWith(r, EditOptions{}) }

// EditOptions relax the checks of UpdateItemWith.
type EditOptions struct {
	// AllowDuplicate moves a document into a claim that already holds the
	// same bytes (the rule AddDocuments applies to a new document).
	AllowDuplicate bool
}

// UpdateItemWith is UpdateItem with options: a document moved to another
// claim follows the duplicate rule of AddDocuments, unless o.AllowDuplicate.
func (v *Vault) UpdateItemWith(r Record, o EditOptions) ([]string, error) {
	cur, err := v.Record(r.RecordID())
	if err != nil {
		return nil, err
	}
	if cur.RecordType() != r.RecordType() {
		return nil, fmt.Errorf("%s is a %s, not a %s", r.RecordID(), cur.RecordType(), r.RecordType())
	}
	switch n := r.(type) {
	case *Document:
		o := cur.(*Document)
		if string(n.Blob) != string(o.Blob) || n.Chunks != o.Chunks || n.Size != o.Size || n.SHA256 != o.SHA256 ||
			n.MediaType != o.MediaType || n.Typed != o.Typed || !n.Added.Equal(o.Added) {
			return nil, fmt.Errorf("document %s: its bytes never change once stored (add a new document instead)", n.ID)
		}
	case *Call, *Condition:
	default:
		return nil, fmt.Errorf("%s is a %s: only documents, calls and condition notes are edited this way", r.RecordID(), r.RecordType())
	}
	claim, err := v.ClaimOf(r)
	if err != nil {
		return nil, err
	}
	normalizeItem(r)
	if err := Validate(r); err != nil {
		return nil, err
	}
	if d, ok := r.(*Document); ok && d.Claim != cur.ClaimID() && !o.AllowDuplicate {
		existing, err := v.documentsBySHA(d.Claim)
		if err != nil {
			return nil, err
		}
		if err := duplicateRule(existing, claim, d, "document "+d.ID, "nothing was changed (give --allow-duplicate to move it anyway)"); err != nil {
			return nil, err
		}
	}
	changed, err := changedFields(cur, r)
	if err != nil || len(changed) == 0 {
		return nil, err
	}
	if err := v.Update(func(t *Tx) error { return t.Put(r, ActionEdit, "changed "+strings.Join(changed, ", ")) }); err != nil {
		return nil, fmt.Errorf("edit %s under claim %s: %w", r.RecordID(), claim.Name, err)
	}
	return changed, nil
}

// changedFields names the JSON fields that differ between two records.
func changedFields(a, b Record) ([]string, error) {
	fa, err := jsonFields(a)
	if err != nil {
		return nil, err
	}
	fb, err := jsonFields(b)
	if err != nil {
		return nil, err
	}
	var out []string
	for k, x := range fb {
		if y, ok := fa[k]; !ok || string(x) != string(y) {
			out = append(out, k)
		}
	}
	for k := range fa {
		if _, ok := fb[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out, nil
}

func jsonFields(r Record) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	return m, json.Unmarshal(b, &m)
}

// Remove deletes a record: a document (and its bytes), a call, a condition
// note, a request, or a claim that holds nothing. The history keeps what it
// was. Exports are never removed: they are the record of what left the
// vault.
func (v *Vault) Remove(r Record) error {
	var exports []string
	switch r.RecordType() {
	case TypeExport:
		return fmt.Errorf("%s is an export: exports stay in the vault as the record of what was sent", r.RecordID())
	case TypeClaim:
		var err error
		if exports, err = v.claimRemovable(r.(*Claim)); err != nil {
			return err
		}
	}
	note := string(r.RecordType())
	if c, ok := r.(*Claim); ok {
		note = "claim " + c.Name
	}
	err := v.Update(func(t *Tx) error {
		for _, id := range exports {
			if err := t.Delete(id, "export of "+note); err != nil {
				return err
			}
		}
		return t.Delete(r.RecordID(), note)
	})
	if err != nil {
		return fmt.Errorf("remove %s: %w: nothing was removed", r.RecordID(), err)
	}
	return nil
}

// claimRemovable checks that a claim holds no evidence (documents, calls,
// condition notes) and no insurer's request, naming what it holds when it
// does. The records of its exports do not block: they go with the claim, in
// the same transaction, and the history keeps their metadata. It returns
// their IDs.
func (v *Vault) claimRemovable(c *Claim) ([]string, error) {
	items, err := v.Items(c.ID)
	if err != nil {
		return nil, err
	}
	var exports []string
	counts := map[Type]int{}
	for _, it := range items {
		if it.RecordType() == TypeExport {
			exports = append(exports, it.RecordID())
			continue
		}
		counts[it.RecordType()]++
	}
	var holds []string
	for _, k := range []struct {
		t         Type
		one, many string
	}{{TypeDocument, "document", "documents"}, {TypeCall, "call", "calls"}, {TypeCondition, "condition note", "condition notes"}, {TypeRequest, "insurer's request", "insurer's requests"}} {
		switch n := counts[k.t]; n {
		case 0:
		case 1:
			holds = append(holds, "1 "+k.one)
		default:
			holds = append(holds, fmt.Sprintf("%d %s", n, k.many))
		}
	}
	if len(holds) == 0 {
		return exports, nil
	}
	see := fmt.Sprintf("'vault list --claim %s'", c.Name)
	if counts[TypeRequest] > 0 {
		see += fmt.Sprintf(" and 'vault request list --claim %s'", c.Name)
	}
	return nil, refusef("claim %s still holds %s: remove them first (see %s); nothing was removed", c.Name, strings.Join(holds, ", "), see)
}

// normalizeItem puts an item's fields in their stored form, in place: text
// without surrounding space (notes with LF line ends), a document's file
// name cut to its base name, a call's party and a note's phase folded to
// lower case when known. It checks nothing: Validate refuses what is left.
func normalizeItem(r Record) {
	switch r := r.(type) {
	case *Document:
		r.Title = cleanLine(r.Title)
		r.FileName = cleanFileName(r.FileName)
	case *Call:
		r.Rep, r.Ref, r.Phone = cleanLine(r.Rep), cleanLine(r.Ref), cleanLine(r.Phone)
		r.Summary, r.Promised = cleanNote(r.Summary), cleanNote(r.Promised)
		if r.Party != "" {
			foldTo(&r.Party, ParseParty)
		}
	case *Condition:
		r.Text = cleanNote(r.Text)
		foldTo(&r.Phase, ParsePhase)
		r.Measures = slices.Clone(r.Measures) // the caller's slice stays as it was
		for i := range r.Measures {
			r.Measures[i].Name, r.Measures[i].Value = cleanLine(r.Measures[i].Name), cleanLine(r.Measures[i].Value)
		}
	}
}
