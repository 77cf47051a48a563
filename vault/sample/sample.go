// Package sample holds the vault's realistic sample documents, the
// paperwork of one fictional reimbursement claim ("back-2026") for massage
// therapy for low back pain (ICD-10 M54.50) and muscle spasm (M62.830), for
// the demo and the tests.
//
// The set has a referral, a prescription, a letter of medical necessity, an
// explanation of benefits and a denial letter as PDFs; itemized superbills
// for three visits as a JPEG photo, a PNG image and a PDF; and a SOAP note
// for each visit as plain text. Calls, Conditions and InsurerRequest give the
// matching call log, condition notes and records request.
//
// The files, and claim.json with everything else, are embedded from files/,
// where the generator writes them (go run ./testdata/gen: its PDF writer,
// font metrics and image drawing stay out of the binary);
// TestEmbeddedFilesAreGenerated fails when they differ from what it makes.
// All people, organisations and numbers are invented; NPI numbers have ten
// digits but an invalid check digit, so they cannot belong to a real
// provider.
package sample

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// ClaimName is the name of the claim every sample document belongs to.
const ClaimName = "back-2026"

// Document is one sample file and the metadata a user would file it under.
type Document struct {
	FileName   string   `json:"file_name"`             // e.g. "referral-2026-02-20.pdf"
	Kind       string   `json:"kind"`                  // one of: referral, prescription, lmn, authorization, receipt, clinical-note, eob, denial, appeal, policy, correspondence, other
	Date       string   `json:"date"`                  // YYYY-MM-DD (date of service for receipts and clinical notes, date written for others)
	Title      string   `json:"title"`                 // short human title
	Amount     string   `json:"amount,omitempty"`      // receipts only, decimal e.g. "95.00", else ""
	CPT        []string `json:"cpt,omitempty"`         // receipts only, "code:units" e.g. "97124:2"
	ValidUntil string   `json:"valid_until,omitempty"` // referral/prescription/lmn only, YYYY-MM-DD or ""
	Data       []byte   `json:"-"`                     // the file's bytes
}

// Call is one logged telephone call with the insurer.
type Call struct {
	At       string `json:"at"`                 // local date and time, "2026-03-02 10:15"
	Party    string `json:"party"`              // who was called
	Rep      string `json:"rep"`                // representative's name and ID
	Ref      string `json:"ref,omitempty"`      // call reference number, "" when none was given
	Phone    string `json:"phone"`              // number dialled
	Duration string `json:"duration"`           // e.g. "15m"
	Summary  string `json:"summary"`            // what was said
	Promised string `json:"promised,omitempty"` // what the insurer promised, and by when
	FollowUp string `json:"follow_up"`          // what the patient has to do next
}

// Condition is one dated record of how the patient was doing.
type Condition struct {
	Date     string   `json:"date"`     // YYYY-MM-DD
	Phase    string   `json:"phase"`    // before, progress or after
	Pain     int      `json:"pain"`     // 0-10 numeric rating scale
	Measures []string `json:"measures"` // "name=value", e.g. "lumbar flexion=35deg", "ODI=42%"
	Text     string   `json:"text"`     // free-text note in the patient's words
}

// Request is a request for information from the insurer: which kinds of
// document it wants, for which dates, and by when.
type Request struct {
	Received string   `json:"received"` // YYYY-MM-DD the request arrived
	Due      string   `json:"due"`      // YYYY-MM-DD the answer is due
	Kinds    []string `json:"kinds"`    // document kinds asked for, e.g. "receipt", "lmn"
	On       []string `json:"on"`       // dates of service the request covers
	Note     string   `json:"note"`     // what the letter says
}

// Claim is the content of files/claim.json: every sample but the files'
// bytes, in the order Documents, Calls and Conditions return them.
type Claim struct {
	Documents  []Document  `json:"documents"`
	Calls      []Call      `json:"calls"`
	Conditions []Condition `json:"conditions"`
	Request    Request     `json:"request"`
}

// ClaimFile is the name, in files/, of the JSON form of Claim.
const ClaimFile = "claim.json"

//go:embed files/*.json files/*.pdf files/*.jpg files/*.png files/*.txt
var files embed.FS

// embedded reads claim.json and every document's bytes, once.
var embedded = sync.OnceValues(func() (*Claim, error) {
	b, err := files.ReadFile("files/" + ClaimFile)
	if err != nil {
		return nil, err
	}
	var c Claim
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", ClaimFile, err)
	}
	for i := range c.Documents {
		d := &c.Documents[i]
		if d.Data, err = files.ReadFile("files/" + d.FileName); err != nil {
			return nil, err
		}
	}
	return &c, nil
})

// load returns the embedded claim. The files are built into the program
// and checked by its tests: a failure here is a defect of the build.
func load() *Claim {
	c, err := embedded()
	if err != nil {
		panic("sample: the embedded samples are broken: " + err.Error())
	}
	return c
}

// Documents returns every sample document of the claim in date order: the
// referral and prescription (2026-02-20), the letter of medical necessity
// (2026-02-24), a receipt and a session note for each visit (2026-03-04 as a
// JPEG photo, 2026-03-11 as a PNG, 2026-03-18 as a PDF), and the explanation
// of benefits and denial letter (2026-04-10). The caller may change what it
// gets: every call returns copies.
func Documents() []Document {
	docs := slices.Clone(load().Documents)
	for i := range docs {
		docs[i].CPT = slices.Clone(docs[i].CPT)
		docs[i].Data = slices.Clone(docs[i].Data)
	}
	return docs
}

// Calls returns three realistic calls with the insurer about the claim:
// a benefit check, a request for the letter of medical necessity and a
// follow-up on the denial. The second has no reference number.
func Calls() []Call { return slices.Clone(load().Calls) }

// Conditions returns the patient's condition before treatment (2026-03-04),
// in progress (2026-03-11) and after (2026-03-18); pain improves 7 -> 4 -> 3.
func Conditions() []Condition {
	out := slices.Clone(load().Conditions)
	for i := range out {
		out[i].Measures = slices.Clone(out[i].Measures)
	}
	return out
}

// InsurerRequest returns the insurer's records request for the claim: the
// receipts for the three visits and the letter of medical necessity.
func InsurerRequest() Request {
	r := load().Request
	r.Kinds, r.On = slices.Clone(r.Kinds), slices.Clone(r.On)
	return r
}
