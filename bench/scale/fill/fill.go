// Package fill builds synthetic vaults for the scale benchmarks: claims
// spread over ten years, each with the paperwork of a course of treatment
// (a referral, a letter of medical necessity, a receipt, a typed session note
// and a condition note per visit, calls, explanations of benefits), written
// through the vault API in the vault's own format.
//
// Every record is a valid record, sealed and logged in the history as the
// CLI would write it. Documents have real sealed blobs, stored as `vault
// add` stores them (WriteBlob, one transaction per document): the bytes of
// a typed session note are text that `vault search` reads; the other
// documents are small random "scans". The only shortcut is that the records
// of many items are put in one transaction (2,000 by default) instead of
// one each, so that a vault of 100,000 records is built in under a minute
// and not in an hour of fsyncs. The file holds the same buckets, keys and
// values either way.
package fill

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"vault/crypto"
	"vault/vault"
)

// Spec says what to build.
type Spec struct {
	// Items is the number of records filed under claims: documents, calls
	// and condition notes (claims are counted apart).
	Items int
	// Claims is the number of claims; 0 means one per 50 items (200 claims
	// at 10,000 items), at least one.
	Claims int
	// TextBytes is the size of a typed session note (a text document that
	// search reads); 0 means 1,500.
	TextBytes int
	// ScanBytes is the size of every other document (random bytes filed as
	// a PDF); 0 means 4,096.
	ScanBytes int
	// Batch is the number of items written per transaction; 0 means 2,000.
	Batch int
	// Seed makes the contents (not the random IDs) repeatable.
	Seed uint64
	// KDF is the key derivation of the passphrase; zero means crypto.MinKDF
	// (building is not what is measured).
	KDF crypto.KDFParams
}

// Needle is a word found in about one typed note in a hundred and one call
// summary in a hundred, and nowhere else: what the benchmarks search for.
const Needle = "tendonitis"

// AsOf is the day the checks are run for in the benchmarks: after the last
// claim's visits.
const AsOf vault.Date = "2026-05-01"

// Result describes a vault that Build made.
type Result struct {
	Claims     []string // claim names, in order of creation
	Items      int      // items written
	Documents  int
	TextDocs   int // documents whose bytes are text
	Calls      int
	Conditions int
	PlainBytes int64    // plaintext bytes of every document
	SampleIDs  []string // a few item IDs, for show
	Elapsed    time.Duration
}

func (s Spec) withDefaults() Spec {
	if s.Claims <= 0 {
		s.Claims = max(1, s.Items/50)
	}
	if s.TextBytes <= 0 {
		s.TextBytes = 1500
	}
	if s.ScanBytes <= 0 {
		s.ScanBytes = 4096
	}
	if s.Batch <= 0 {
		s.Batch = 2000
	}
	if s.KDF == (crypto.KDFParams{}) {
		s.KDF = crypto.MinKDF()
	}
	return s
}

// Build creates a vault at path, unlocked by pass, with the key derivation
// of spec (by default the weakest allowed) and fills it as spec says. The clock of the records is fixed to AsOf.
func Build(path string, pass []byte, spec Spec) (*Result, error) {
	start := time.Now()
	s := spec.withDefaults()
	if s.Items < 0 {
		return nil, errors.New("fill: negative number of items")
	}
	now := func() time.Time { return AsOf.Time().Add(9 * time.Hour) }
	if _, err := vault.Init(path, pass, vault.InitOptions{KDF: s.KDF, Now: now}); err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: pass}, vault.Options{Now: now})
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	defer v.Close()
	g := &gen{v: v, rnd: rand.New(rand.NewPCG(s.Seed, 0x5ca1e)), spec: s, res: &Result{}}
	if err := g.run(); err != nil {
		return nil, fmt.Errorf("fill %s: %w", path, err)
	}
	g.res.Elapsed = time.Since(start)
	return g.res, nil
}

// gen holds the state of one Build.
type gen struct {
	v    *vault.Vault
	rnd  *rand.Rand
	spec Spec
	res  *Result
}

// planned is one item to write, with the bytes of its document if any.
type planned struct {
	rec  vault.Record
	data []byte
}

// run writes the claims in one transaction, then the items in batches.
func (g *gen) run() error {
	s := g.spec
	claims := make([]*vault.Claim, s.Claims)
	err := g.v.Update(func(t *vault.Tx) error {
		for k := range claims {
			c, err := g.claim(t, k)
			if err != nil {
				return err
			}
			if err := t.Put(c, vault.ActionAdd, "claim "+c.Name); err != nil {
				return err
			}
			claims[k] = c
			g.res.Claims = append(g.res.Claims, c.Name)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	// Items are spread evenly: claim k gets items [k*n/C, (k+1)*n/C).
	var batch []planned
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := g.storeBlobs(batch); err != nil {
			return err
		}
		err := g.v.Update(func(t *vault.Tx) error { return g.write(t, batch) })
		batch = batch[:0]
		return err
	}
	for k, c := range claims {
		lo, hi := k*s.Items/s.Claims, (k+1)*s.Items/s.Claims
		for j := range hi - lo {
			batch = append(batch, g.item(c, j, hi-lo))
			if len(batch) == s.Batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// storeBlobs stores the bytes of the batch's documents as vault add does
// (WriteBlob), before the transaction that puts their records.
func (g *gen) storeBlobs(items []planned) error {
	for _, p := range items {
		d, ok := p.rec.(*vault.Document)
		if !ok {
			continue
		}
		blob, err := g.v.WriteBlob(bytes.NewReader(p.data), vault.BlobOptions{})
		if err != nil {
			return err
		}
		d.Blob, d.Chunks, d.Size, d.SHA256 = blob.ID, blob.Chunks, blob.Size, blob.SHA256
		g.res.PlainBytes += d.Size
	}
	return nil
}

// write puts the records of a batch in the transaction t.
func (g *gen) write(t *vault.Tx, items []planned) error {
	for _, p := range items {
		id, err := t.NewID()
		if err != nil {
			return err
		}
		note := ""
		switch r := p.rec.(type) {
		case *vault.Document:
			r.ID = id
			note = r.Kind + " " + r.FileName
		case *vault.Call:
			r.ID, note = id, "call"
		case *vault.Condition:
			r.ID, note = id, "condition "+r.Phase
		}
		if err := t.Put(p.rec, vault.ActionAdd, note); err != nil {
			return err
		}
		if len(g.res.SampleIDs) < 8 && g.res.Items%997 == 0 {
			g.res.SampleIDs = append(g.res.SampleIDs, id)
		}
		g.res.Items++
	}
	return nil
}

// claim makes claim number k of the vault: started in the last ten years,
// evenly spread, with a status that matches its age.
func (g *gen) claim(t *vault.Tx, k int) (*vault.Claim, error) {
	id, err := t.NewID()
	if err != nil {
		return nil, err
	}
	start := g.claimStart(k)
	billed, paid := vault.Cents(95_00*(10+g.rnd.IntN(30))), vault.Cents(0)
	visits := 12 + g.rnd.IntN(20)
	c := &vault.Claim{
		ID:        id,
		Name:      fmt.Sprintf("claim-%05d", k),
		Patient:   pick(g.rnd, patients),
		Insurer:   pick(g.rnd, insurers),
		Plan:      "commercial",
		MemberID:  fmt.Sprintf("XK%09d", g.rnd.IntN(1e9)),
		Provider:  pick(g.rnd, providers),
		Diagnoses: []string{"M54.50", "M62.830"},
		Billed:    &billed,
		Visits:    &visits,
		Created:   start.Time().UTC(),
	}
	hist := []vault.StatusChange{{Status: vault.StatusDraft, Date: start}}
	age := int(AsOf.Time().Sub(start.Time()).Hours() / 24)
	switch {
	case age > 400:
		paid = billed * 8 / 10
		c.Paid = &paid
		hist = append(hist,
			vault.StatusChange{Status: vault.StatusSubmitted, Date: start.AddDays(200)},
			vault.StatusChange{Status: vault.StatusPaid, Date: start.AddDays(260)},
			vault.StatusChange{Status: vault.StatusClosed, Date: start.AddDays(300)})
	case age > 200:
		hist = append(hist,
			vault.StatusChange{Status: vault.StatusSubmitted, Date: start.AddDays(200)},
			vault.StatusChange{Status: vault.StatusPending, Date: start.AddDays(min(age, 230))})
	}
	c.StatusHistory = hist
	c.Status = hist[len(hist)-1].Status
	return c, nil
}

// claimStart is the first day of claim k: from ten years before AsOf to 60
// days before it.
func (g *gen) claimStart(k int) vault.Date {
	span := 3650 - 60
	return AsOf.AddDays(-3650 + k*span/max(1, g.spec.Claims))
}

// item makes item j of the n items of claim c (without its ID). The first
// are the referral, the letter of medical necessity and the condition
// before treatment, the last the condition after; in between, one visit
// every five items: a receipt, the typed session note of the same day, a
// progress note, a call, and an EOB or a letter.
func (g *gen) item(c *vault.Claim, j, n int) planned {
	start := vault.Date(c.StatusHistory[0].Date)
	added := start.Time().UTC().Add(time.Duration(j) * time.Minute)
	visit := max(0, j-3) / 5
	day := start.AddDays(7 * visit)
	switch {
	case j == 0:
		return g.scan(c, vault.KindReferral, start, "Referral for massage therapy", start.AddDays(365), added)
	case j == 1:
		return g.scan(c, vault.KindLMN, start.AddDays(2), "Letter of medical necessity", start.AddDays(182), added)
	case j == 2:
		return g.condition(c, vault.PhaseBefore, start.AddDays(3), 7, added)
	case j == n-1 && n > 4:
		return g.condition(c, vault.PhaseAfter, day.AddDays(7), 3, added)
	}
	switch (j - 3) % 5 {
	case 0:
		p := g.scan(c, vault.KindReceipt, day, fmt.Sprintf("Superbill visit %d", visit+1), "", added)
		d := p.rec.(*vault.Document)
		amount := vault.Cents(95_00)
		d.Amount = &amount
		d.CPT = []vault.CPTLine{{Code: "97124", Units: 2}}
		return p
	case 1:
		return g.note(c, day, visit, added)
	case 2:
		return g.condition(c, vault.PhaseProgress, day, 3+g.rnd.IntN(5), added)
	case 3:
		return g.call(c, day, added)
	}
	if visit%2 == 0 {
		return g.scan(c, vault.KindEOB, day.AddDays(30), "Explanation of benefits", "", added)
	}
	return g.scan(c, vault.KindCorrespond, day.AddDays(10), "Letter from the insurer", "", added)
}

// scan is a document filed as a PDF of random bytes.
func (g *gen) scan(c *vault.Claim, kind string, date vault.Date, title string, validUntil vault.Date, added time.Time) planned {
	data := make([]byte, g.spec.ScanBytes)
	for i := 0; i+8 <= len(data); i += 8 {
		binary.LittleEndian.PutUint64(data[i:], g.rnd.Uint64())
	}
	copy(data, "%PDF-1.7\n")
	g.res.Documents++
	return planned{rec: &vault.Document{
		Claim: c.ID, Kind: kind, Date: date, Title: title, FileName: fmt.Sprintf("%s-%s.pdf", kind, date),
		MediaType: "application/pdf", ValidUntil: validUntil, Added: added,
	}, data: data}
}

// note is a typed session note: SOAP text of about TextBytes bytes.
func (g *gen) note(c *vault.Claim, day vault.Date, visit int, added time.Time) planned {
	var b strings.Builder
	fmt.Fprintf(&b, "Session note, visit %d, %s\n\nS: ", visit+1, day)
	for b.Len() < g.spec.TextBytes {
		if g.rnd.IntN(20000) == 0 {
			b.WriteString(Needle + " ")
		}
		b.WriteString(pick(g.rnd, words))
		b.WriteByte(' ')
		if g.rnd.IntN(12) == 0 {
			b.WriteString(".\n")
		}
	}
	data := []byte(b.String())
	g.res.Documents++
	g.res.TextDocs++
	return planned{rec: &vault.Document{
		Claim: c.ID, Kind: vault.KindClinicalNote, Date: day, Title: fmt.Sprintf("Session note visit %d", visit+1),
		MediaType: "text/plain; charset=utf-8", Typed: true, Added: added,
	}, data: data}
}

func (g *gen) condition(c *vault.Claim, phase string, day vault.Date, pain int, added time.Time) planned {
	g.res.Conditions++
	return planned{rec: &vault.Condition{
		Claim: c.ID, Date: day, Phase: phase, Pain: &pain, Added: added,
		Measures: []vault.Measure{{Name: "ODI", Value: fmt.Sprintf("%d%%", 20+g.rnd.IntN(40))}, {Name: "lumbar flexion", Value: fmt.Sprintf("%ddeg", 30+g.rnd.IntN(50))}},
		Text:     "Reports " + pick(g.rnd, words) + " " + pick(g.rnd, words) + " after the session; sleeps better.",
	}}
}

func (g *gen) call(c *vault.Claim, day vault.Date, added time.Time) planned {
	g.res.Calls++
	summary := "Asked about the status of the claim; rep says it is being " + pick(g.rnd, words) + "."
	if g.rnd.IntN(100) == 0 {
		summary += " Asked whether " + Needle + " is covered."
	}
	ref := ""
	if g.rnd.IntN(10) != 0 {
		ref = fmt.Sprintf("REF-%08d", g.rnd.IntN(1e8))
	}
	return planned{rec: &vault.Call{
		Claim: c.ID, At: day.Time().Add(10*time.Hour + time.Duration(g.rnd.IntN(420))*time.Minute),
		Party: "insurer", Rep: pick(g.rnd, reps), Ref: ref, Phone: "+1 800 555 0100",
		Duration: time.Duration(5+g.rnd.IntN(40)) * time.Minute, Summary: summary,
		Promised: "decision within 30 days", FollowUp: day.AddDays(30), Added: added,
	}}
}

func pick(r *rand.Rand, from []string) string { return from[r.IntN(len(from))] }

var (
	patients  = []string{"Ana Ruiz", "Sam Okafor", "Lee Chen", "Maria Rossi", "Tom Becker"}
	insurers  = []string{"Acme Health", "Blue Meadow Insurance", "Northstar Mutual", "Civic Care"}
	providers = []string{"Harbor Massage Therapy", "Eastside Physio", "Calm Hands Clinic"}
	reps      = []string{"Dana #4411", "Luis #2290", "Kim #8812", "Priya #1057", "Joe #7730"}
	words     = strings.Fields(`lumbar paraspinal tension reduced after effleurage and petrissage trigger point
		release quadratus lumborum gluteus medius hip flexor stretch range of motion improved patient reports
		pain on waking stiffness sitting desk work walking tolerance heat ice home exercise program reviewed
		tolerated well no adverse reaction plan continue weekly sessions reassess in four weeks posture
		education breathing diaphragm myofascial thoracolumbar fascia sacroiliac palpation tender moderate
		mild severe left right bilateral`)
)
