// Package sample generates the vault's realistic sample documents: the
// paperwork of one fictional reimbursement claim ("back-2026") for massage
// therapy for low back pain (ICD-10 M54.50) and muscle spasm (M62.830).
//
// The set has a referral, a prescription, a letter of medical necessity, an
// explanation of benefits and a denial letter as PDFs; itemized superbills
// for three visits as a JPEG photo, a PNG image and a PDF; and a SOAP note
// for each visit as plain text. Calls, Conditions and InsurerRequest give the
// matching call log, condition notes and records request.
//
// Everything is made by code in this package, deterministically: every call
// returns the same bytes, with no clock and no randomness. All people,
// organisations and numbers are invented; NPI numbers have ten digits but an
// invalid check digit, so they cannot belong to a real provider.
package sample

// Document is one generated sample file and the metadata a user would file it under.
type Document struct {
	FileName   string   // e.g. "referral-2026-02-20.pdf"
	Kind       string   // one of: referral, prescription, lmn, authorization, receipt, clinical-note, eob, denial, appeal, policy, correspondence, other
	Date       string   // YYYY-MM-DD (date of service for receipts and clinical notes, date written for others)
	Title      string   // short human title
	Amount     string   // receipts only, decimal e.g. "95.00", else ""
	CPT        []string // receipts only, "code:units" e.g. "97124:2"
	ValidUntil string   // referral/prescription/lmn only, YYYY-MM-DD or ""
	Data       []byte   // the file's bytes
}

// Documents returns every sample document of the claim in date order: the
// referral and prescription (2026-02-20), the letter of medical necessity
// (2026-02-24), a receipt and a session note for each visit (2026-03-04 as a
// JPEG photo, 2026-03-11 as a PNG, 2026-03-18 as a PDF), and the explanation
// of benefits and denial letter (2026-04-10).
func Documents() []Document {
	return []Document{
		referralPDF(),
		prescriptionPDF(),
		lmnPDF(),
		receiptJPEG(visits[0]),
		noteText(visits[0]),
		receiptPNG(visits[1]),
		noteText(visits[1]),
		receiptPDF(visits[2]),
		noteText(visits[2]),
		eobPDF(),
		denialPDF(),
	}
}
