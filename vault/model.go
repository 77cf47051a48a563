package vault

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Type names a kind of record.
type Type string

// Record types.
const (
	TypeClaim     Type = "claim"
	TypeDocument  Type = "document"
	TypeCall      Type = "call"
	TypeCondition Type = "condition"
	TypeRequest   Type = "request"
	TypeExport    Type = "export"
)

// Record is any value stored in the vault's records bucket.
type Record interface {
	// RecordID returns the record's ID.
	RecordID() string
	// RecordType returns what kind of record it is.
	RecordType() Type
	// ClaimID returns the ID of the claim it belongs to (its own for a claim).
	ClaimID() string
}

// StatusChange is one dated step in a claim's life.
type StatusChange struct {
	Status string `json:"status"`
	Date   Date   `json:"date"`
}

// Claim is one reimbursement claim and the facts an insurer asks about it.
type Claim struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Patient         string         `json:"patient,omitempty"`
	PatientDOB      Date           `json:"patient_dob,omitempty"` // date of birth, for the packet's cover
	Insurer         string         `json:"insurer"`
	Plan            string         `json:"plan,omitempty"`
	MemberID        string         `json:"member_id,omitempty"`
	Group           string         `json:"group,omitempty"`
	ClaimNumber     string         `json:"claim_number,omitempty"`
	Provider        string         `json:"provider,omitempty"`
	NPI             string         `json:"npi,omitempty"`
	License         string         `json:"license,omitempty"`
	Referrer        string         `json:"referrer,omitempty"`
	Diagnoses       []string       `json:"diagnoses,omitempty"`
	Billed          *Cents         `json:"billed,omitempty"`
	Paid            *Cents         `json:"paid,omitempty"`
	Visits          *int           `json:"visits,omitempty"`
	Status          string         `json:"status"`
	StatusHistory   []StatusChange `json:"status_history"`
	FilingLimitDays *int           `json:"filing_limit_days,omitempty"`
	AppealBy        Date           `json:"appeal_by,omitempty"`
	Created         time.Time      `json:"created"`
}

// RecordID implements Record.
func (c *Claim) RecordID() string { return c.ID }

// RecordType implements Record.
func (c *Claim) RecordType() Type { return TypeClaim }

// ClaimID implements Record.
func (c *Claim) ClaimID() string { return c.ID }

// CPTLine is one billed procedure code with its units.
type CPTLine struct {
	Code  string `json:"code"`
	Units int    `json:"units"`
}

// Document is a file (or typed text) filed under a claim. Its bytes live in
// a blob of sealed chunks that never changes once stored.
type Document struct {
	ID         string    `json:"id"`
	Claim      string    `json:"claim"`
	Kind       string    `json:"kind"`
	Date       Date      `json:"date"`
	Title      string    `json:"title,omitempty"`
	FileName   string    `json:"file_name,omitempty"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	Amount     *Cents    `json:"amount,omitempty"`
	CPT        []CPTLine `json:"cpt,omitempty"`
	ValidUntil Date      `json:"valid_until,omitempty"`
	Typed      bool      `json:"typed,omitempty"` // typed with --text rather than a file
	Blob       []byte    `json:"blob"`            // blob ID of the chunks
	Chunks     uint64    `json:"chunks"`          // number of chunks in the blob
	Added      time.Time `json:"added"`
}

// RecordID implements Record.
func (d *Document) RecordID() string { return d.ID }

// RecordType implements Record.
func (d *Document) RecordType() Type { return TypeDocument }

// ClaimID implements Record.
func (d *Document) ClaimID() string { return d.Claim }

// Call is one logged phone call about a claim.
type Call struct {
	ID       string        `json:"id"`
	Claim    string        `json:"claim"`
	At       time.Time     `json:"at"`
	Party    string        `json:"party,omitempty"`
	Rep      string        `json:"rep"`
	Ref      string        `json:"ref,omitempty"`
	Phone    string        `json:"phone,omitempty"`
	Duration time.Duration `json:"duration,omitempty"`
	Summary  string        `json:"summary"`
	Promised string        `json:"promised,omitempty"`
	FollowUp Date          `json:"follow_up,omitempty"`
	Added    time.Time     `json:"added"`
}

// RecordID implements Record.
func (c *Call) RecordID() string { return c.ID }

// RecordType implements Record.
func (c *Call) RecordType() Type { return TypeCall }

// ClaimID implements Record.
func (c *Call) ClaimID() string { return c.Claim }

// Measure is one named measurement of the condition, such as "ODI" = "42%".
type Measure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Condition is a before, progress or after note on the patient's condition.
type Condition struct {
	ID       string    `json:"id"`
	Claim    string    `json:"claim"`
	Date     Date      `json:"date"`
	Phase    string    `json:"phase"`
	Pain     *int      `json:"pain,omitempty"`
	Measures []Measure `json:"measures,omitempty"`
	Text     string    `json:"text,omitempty"`
	Added    time.Time `json:"added"`
}

// RecordID implements Record.
func (c *Condition) RecordID() string { return c.ID }

// RecordType implements Record.
func (c *Condition) RecordType() Type { return TypeCondition }

// ClaimID implements Record.
func (c *Condition) ClaimID() string { return c.Claim }

// Request is an insurer's request for information: what it asks for, by when.
type Request struct {
	ID       string    `json:"id"`
	Claim    string    `json:"claim"`
	Received Date      `json:"received,omitempty"`
	Due      Date      `json:"due,omitempty"`
	Kinds    []string  `json:"kinds,omitempty"`
	From     Date      `json:"from,omitempty"`
	To       Date      `json:"to,omitempty"`
	On       []Date    `json:"on,omitempty"`
	IDs      []string  `json:"ids,omitempty"`
	Note     string    `json:"note,omitempty"`
	Answered string    `json:"answered,omitempty"` // ID of the export that answered it
	Added    time.Time `json:"added"`
}

// RecordID implements Record.
func (r *Request) RecordID() string { return r.ID }

// RecordType implements Record.
func (r *Request) RecordType() Type { return TypeRequest }

// ClaimID implements Record.
func (r *Request) ClaimID() string { return r.Claim }

// ExportFile is one file of an exported bundle.
type ExportFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	ID     string `json:"id,omitempty"`
}

// Export records a bundle that left the vault: when, for which claim and
// request, and the hash of every file in it.
type Export struct {
	ID           string       `json:"id"`
	Claim        string       `json:"claim"`
	Request      string       `json:"request,omitempty"`
	At           time.Time    `json:"at"`
	Output       string       `json:"output"`
	BundleSHA256 string       `json:"bundle_sha256"`
	BundleSize   int64        `json:"bundle_size"`
	Files        []ExportFile `json:"files"`
	Missing      []string     `json:"missing,omitempty"`
	// Kind is "pdf" for a PDF packet, "" for a zip bundle (every export
	// before packets); Pages is the packet's page count, and Part and Parts
	// number the files of a packet split by --max-size (0 when not split).
	Kind  string `json:"kind,omitempty"`
	Pages int    `json:"pages,omitempty"`
	Part  int    `json:"part,omitempty"`
	Parts int    `json:"parts,omitempty"`
}

// RecordID implements Record.
func (e *Export) RecordID() string { return e.ID }

// RecordType implements Record.
func (e *Export) RecordType() Type { return TypeExport }

// ClaimID implements Record.
func (e *Export) ClaimID() string { return e.Claim }

// The plaintext of every sealed value (record, history entry, state) is
// CBOR (RFC 8949) in core deterministic encoding, with the map keys named by
// the json tags above, times as RFC 3339 text and byte slices as byte
// strings. Decoding refuses duplicate map keys. CBOR rather than JSON because
// decoding every record is the main cost of every everyday command, and
// CBOR decodes in less than half the time (docs/BENCHMARKS.md).
var (
	cborEnc = mustEncMode()
	cborDec = mustDecMode()
)

func mustEncMode() cbor.EncMode {
	o := cbor.CoreDetEncOptions()
	o.Time = cbor.TimeRFC3339Nano
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode() cbor.DecMode {
	// Invalid UTF-8 in a text string is accepted when reading: the writer
	// does not check it, and a record once written must stay readable.
	m, err := cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF, MaxNestedLevels: 16, UTF8: cbor.UTF8DecodeInvalid}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

// marshal encodes a value as CBOR for sealing.
func marshal(v any) ([]byte, error) { return cborEnc.Marshal(v) }

// unmarshal decodes CBOR that was sealed.
func unmarshal(b []byte, v any) error { return cborDec.Unmarshal(b, v) }

// encodeRecord returns the plaintext stored for a record: its type in ASCII,
// one 0x00 byte, then its fields as a CBOR map.
func encodeRecord(r Record) ([]byte, error) {
	data, err := marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode %s record: %w", r.RecordType(), err)
	}
	out := make([]byte, 0, len(r.RecordType())+1+len(data))
	out = append(out, r.RecordType()...)
	out = append(out, 0)
	return append(out, data...), nil
}

// decodeRecord parses a record's plaintext.
func decodeRecord(b []byte) (Record, error) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return nil, errors.New("decode record: no type")
	}
	t, data := Type(b[:i]), b[i+1:]
	if r := fastDecode(t, data); r != nil {
		return r, nil
	}
	var r Record
	switch t {
	case TypeClaim:
		r = &Claim{}
	case TypeDocument:
		r = &Document{}
	case TypeCall:
		r = &Call{}
	case TypeCondition:
		r = &Condition{}
	case TypeRequest:
		r = &Request{}
	case TypeExport:
		r = &Export{}
	default:
		return nil, fmt.Errorf("decode record: unknown type %s", strconv.QuoteToASCII(string(t)))
	}
	if err := unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("decode %s record: %w", t, err)
	}
	return r, nil
}
