package vault

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"vault/crypto"
	"vault/store"
)

// MaxSearchBytes bounds how much of one text document Search reads.
const MaxSearchBytes = 8 << 20

// Hit is an item that matches a search.
type Hit struct {
	Item Record
	// Fields are where the text was found: title, file_name, summary,
	// promised, rep, ref, text, measures, content, and the facts date,
	// amount, cpt, insurer, referrer, provider, claim_number.
	Fields []string
	// Snippet is a short excerpt around the first match, on one line.
	Snippet string
}

// Search finds the items passing the filter whose title, notes, call
// summary or promise, representative or reference, condition text or
// measures, or (for text documents) content contain text, ignoring case.
// Documents are read as a stream, at most MaxSearchBytes of each. Hits
// come by date, newest last.
func (v *Vault) Search(text string, f Filter) ([]Hit, error) {
	needle := strings.ToLower(strings.TrimSpace(text))
	if needle == "" {
		return nil, errors.New("nothing to search for: give the text to find")
	}
	items, err := v.List(f)
	if err != nil {
		return nil, err
	}
	var texts []*Document
	for _, r := range items {
		if d, ok := r.(*Document); ok && IsText(d.MediaType) {
			texts = append(texts, d)
		}
	}
	contents, err := v.scanContents(texts, needle)
	if err != nil {
		return nil, err
	}
	claims, err := v.Claims()
	if err != nil {
		return nil, err
	}
	claimByID := map[string]*Claim{}
	for _, c := range claims {
		claimByID[c.ID] = c
	}
	amount, isAmount := parseSearchAmount(needle)
	words := strings.Fields(needle)
	var hits []Hit
	for _, r := range items {
		h := Hit{Item: r}
		fields := append(searchFields(r), searchFacts(r, claimByID[r.ClaimID()])...)
		for _, fv := range fields {
			if fv.name == "date" && !searchDatePattern.MatchString(needle) {
				continue // "03" is not a date
			}
			if s, ok := findIn(fv.value, needle); ok {
				h.Fields = append(h.Fields, fv.name)
				if h.Snippet == "" {
					h.Snippet = s
				}
			}
		}
		if d, ok := r.(*Document); ok && isAmount && d.Amount != nil && *d.Amount == amount && !slices.Contains(h.Fields, "amount") {
			h.Fields = append(h.Fields, "amount")
			if h.Snippet == "" {
				h.Snippet = d.Amount.String()
			}
		}
		if len(h.Fields) == 0 && len(words) > 1 {
			h.Fields, h.Snippet = allWordsIn(fields, words)
		}
		if s, ok := contents[r.RecordID()]; ok {
			h.Fields = append(h.Fields, "content")
			if h.Snippet == "" {
				h.Snippet = s
			}
		}
		if len(h.Fields) > 0 {
			hits = append(hits, h)
		}
	}
	return hits, nil
}

type fieldValue struct{ name, value string }

// searchFacts lists the facts Search also matches an item by: its date
// (2026-03 finds March), a receipt's CPT codes, and its claim's insurer,
// referrer, provider and claim number.
func searchFacts(r Record, c *Claim) []fieldValue {
	out := []fieldValue{{"date", string(ItemDate(r))}}
	if d, ok := r.(*Document); ok && len(d.CPT) > 0 {
		var codes []string
		for _, l := range d.CPT {
			codes = append(codes, l.Code)
		}
		out = append(out, fieldValue{"cpt", strings.Join(codes, " ")})
	}
	if c != nil {
		out = append(out, fieldValue{"insurer", c.Insurer}, fieldValue{"referrer", c.Referrer},
			fieldValue{"provider", c.Provider}, fieldValue{"claim_number", c.ClaimNumber})
	}
	return out
}

// searchDatePattern is a search text Search matches against dates: a
// year, a month (2026-03) or a day.
var searchDatePattern = regexp.MustCompile(`^(19|20|21)[0-9]{2}(-[0-9]{2}(-[0-9]{2})?)?$`)

// parseSearchAmount reads a search text that is an amount (95, 95.00, $95).
func parseSearchAmount(s string) (Cents, bool) {
	if strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
		return 0, false
	}
	a, err := ParseAmount(s)
	return a, err == nil
}

// allWordsIn reports the fields in which every word is found, in any order
// and spread over the fields ("call back" finds "call me back"), and a
// snippet around the first word; nil when a word is found nowhere.
func allWordsIn(fields []fieldValue, words []string) ([]string, string) {
	var names []string
	snip := ""
	for _, w := range words {
		found := false
		for _, fv := range fields {
			if s, ok := findIn(fv.value, w); ok {
				found = true
				if !slices.Contains(names, fv.name) {
					names = append(names, fv.name)
				}
				if snip == "" {
					snip = s
				}
			}
		}
		if !found {
			return nil, ""
		}
	}
	return names, snip
}

// searchFields lists the text fields of an item that Search looks at.
func searchFields(r Record) []fieldValue {
	switch r := r.(type) {
	case *Document:
		return []fieldValue{{"title", r.Title}, {"file_name", r.FileName}}
	case *Call:
		return []fieldValue{{"summary", r.Summary}, {"promised", r.Promised}, {"rep", r.Rep}, {"ref", r.Ref}}
	case *Condition:
		var ms []string
		for _, m := range r.Measures {
			ms = append(ms, m.Name+"="+m.Value)
		}
		return []fieldValue{{"text", r.Text}, {"measures", strings.Join(ms, ", ")}}
	}
	return nil
}

// findIn reports whether s contains needle (already lower case), ignoring
// case, with a snippet around the match.
func findIn(s, needle string) (string, bool) {
	if s == "" {
		return "", false
	}
	low := strings.ToLower(s)
	i := strings.Index(low, needle)
	if i < 0 {
		// Accents folded on both sides: "reception" finds "Réception".
		folded := foldAccents(low)
		if i = strings.Index(folded, foldAccents(needle)); i < 0 {
			return "", false
		}
		return snippet(folded, i, len(foldAccents(needle))), true
	}
	if len(low) == len(s) {
		return snippet(s, i, len(needle)), true
	}
	return snippet(low, i, len(needle)), true
}

// foldAccents drops the combining marks of s (é -> e, ñ -> n), so that a
// search typed without accents finds text written with them.
func foldAccents(s string) string {
	if PlainText(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// snippetContext is how many characters a snippet shows on each side.
const snippetContext = 30

// snippet returns the text around s[i:i+n] on one line, with "..." where
// it was cut.
func snippet(s string, i, n int) string {
	start, end := i, i+n
	for k := 0; k < snippetContext && start > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	for k := 0; k < snippetContext && end < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	out := strings.Join(strings.Fields(strings.ToValidUTF8(s[start:end], "")), " ")
	if strings.TrimSpace(s[:start]) != "" {
		out = "..." + out
	}
	if strings.TrimSpace(s[end:]) != "" {
		out += "..."
	}
	return out
}

// errFound stops reading a document once the text is found.
var errFound = errors.New("found")

// scanContents looks for needle (lower case) in the text documents and
// returns a snippet for each one that holds it, by ID. It reads them in one
// read transaction, opening their chunks in order into one reused buffer:
// every chunk is authenticated (its index and the final flag included, so a
// cut or reordered document fails) as ReadDocument does, at most
// MaxSearchBytes of each document, and no plaintext outlives the call.
func (v *Vault) scanContents(docs []*Document, needle string) (map[string]string, error) {
	found := map[string]string{}
	if len(docs) == 0 {
		return found, nil
	}
	var plain []byte
	defer func() { clear(plain[:cap(plain)]) }()
	fd := &finder{needle: []byte(needle), keep: 4*len(needle) + 8, limit: MaxSearchBytes}
	defer fd.wipe()
	err := v.db.View(func(st *store.Tx) error {
		for _, d := range docs {
			stream, err := crypto.NewStream(v.keys.Documents, d.Blob)
			if err != nil {
				return fmt.Errorf("%w: document %s: %v", ErrTampered, d.ID, err)
			}
			fd.reset()
			for i := uint64(0); i < d.Chunks; i++ {
				sealed := st.Chunk(d.Blob, i)
				if sealed == nil {
					return fmt.Errorf("%w: document %s: chunk %d is missing", ErrTampered, d.ID, i)
				}
				if plain, err = stream.OpenChunk(plain[:0], i, i == d.Chunks-1, sealed); err != nil {
					return fmt.Errorf("%w: document %s: %v", ErrTampered, d.ID, err)
				}
				if _, err := fd.Write(plain); err != nil {
					break // found, or read as far as allowed
				}
			}
			if fd.found {
				found[d.ID] = fd.snippet
			}
		}
		return nil
	})
	return found, err
}

// finder is a writer that looks for a lower-case needle in a stream,
// ignoring case, keeping only a bounded tail between writes. Its buffers
// are reused from one document to the next (reset).
type finder struct {
	needle  []byte
	keep    int   // raw bytes kept between writes (a match may span them)
	limit   int64 // stop after this many bytes
	n       int64
	tail    []byte
	window  []byte // tail + the bytes written, reused
	low     []byte // window in lower case, reused
	found   bool
	full    bool // stopped at the limit
	snippet string
}

// reset prepares the finder for the next document.
func (f *finder) reset() {
	f.n, f.found, f.full, f.snippet = 0, false, false, ""
	f.tail = f.tail[:0]
}

// wipe clears the plaintext the finder holds.
func (f *finder) wipe() {
	clear(f.tail[:cap(f.tail)])
	clear(f.window[:cap(f.window)])
	clear(f.low[:cap(f.low)])
}

func (f *finder) Write(p []byte) (int, error) {
	if f.found {
		return 0, errFound
	}
	if f.n >= f.limit {
		f.full = true
		return 0, errFound
	}
	cut := false
	if rest := f.limit - f.n; int64(len(p)) > rest {
		p, cut = p[:rest], true
	}
	f.n += int64(len(p))
	f.window = append(append(f.window[:0], f.tail...), p...)
	f.low = lowerInto(f.low[:0], f.window)
	if i := bytes.Index(f.low, f.needle); i >= 0 {
		f.found = true
		src := f.window
		if len(f.low) != len(f.window) {
			src = f.low
		}
		f.snippet = snippet(string(src), i, len(f.needle))
		return 0, errFound
	}
	w := f.window
	if len(w) > f.keep {
		w = w[len(w)-f.keep:]
	}
	f.tail = append(f.tail[:0], w...)
	if cut {
		f.full = true
		return 0, errFound
	}
	return len(p), nil
}

// lowerInto appends b in lower case to dst: ASCII in place, anything else
// through bytes.ToLower.
func lowerInto(dst, b []byte) []byte {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return append(dst, bytes.ToLower(b)...)
		}
	}
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
