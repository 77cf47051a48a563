package vault

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
)

// Document kinds.
const (
	KindReferral      = "referral"
	KindPrescription  = "prescription"
	KindLMN           = "lmn"
	KindAuthorization = "authorization"
	KindReceipt       = "receipt"
	KindClinicalNote  = "clinical-note"
	KindEOB           = "eob"
	KindDenial        = "denial"
	KindAppeal        = "appeal"
	KindPolicy        = "policy"
	KindCorrespond    = "correspondence"
	KindOther         = "other"
	// KindCall and KindCondition are the item kinds of calls and condition
	// notes, so that filters treat every item alike.
	KindCall      = "call"
	KindCondition = "condition"
)

// documentKinds, itemKinds and plans are never changed: callers get copies.
var (
	documentKinds = []string{
		KindReferral, KindPrescription, KindLMN, KindAuthorization, KindReceipt, KindClinicalNote,
		KindEOB, KindDenial, KindAppeal, KindPolicy, KindCorrespond, KindOther,
	}
	itemKinds = append(slices.Clone(documentKinds), KindCall, KindCondition)
	plans     = []string{"commercial", "medicare", "medicare-advantage", "medicaid", "fsa", "hsa", "auto", "workers-comp", "other"}
)

// DocumentKinds returns the kinds of document, in the order help text
// lists them.
func DocumentKinds() []string { return slices.Clone(documentKinds) }

// ItemKinds returns every kind an item can have: the document kinds, call
// and condition.
func ItemKinds() []string { return slices.Clone(itemKinds) }

// Plans returns the plan types a claim can have.
func Plans() []string { return slices.Clone(plans) }

// Claim statuses, in the order a claim usually goes through them.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusPending   = "pending"
	StatusApproved  = "approved"
	StatusPaid      = "paid"
	StatusDenied    = "denied"
	StatusAppealed  = "appealed"
	StatusClosed    = "closed"
)

// Statuses are the statuses a claim can have.
var Statuses = []string{StatusDraft, StatusSubmitted, StatusPending, StatusApproved, StatusPaid, StatusDenied, StatusAppealed, StatusClosed}

// Parties are who a call can be with.
var Parties = []string{"insurer", "provider", "physician", "employer", "other"}

// Condition note phases.
const (
	PhaseBefore   = "before"
	PhaseAfter    = "after"
	PhaseProgress = "progress"
)

// Phases are the phases of a condition note.
var Phases = []string{PhaseBefore, PhaseAfter, PhaseProgress}

// validKinds lists which document kinds carry which optional fields.
var (
	kindsWithValidUntil = []string{KindReferral, KindPrescription, KindLMN, KindAuthorization}
	kindsWithAmount     = []string{KindReceipt}
)

// HasValidUntil reports whether documents of this kind carry a valid-until
// date (referral, prescription, lmn, authorization).
func HasValidUntil(kind string) bool { return slices.Contains(kindsWithValidUntil, kind) }

// HasAmount reports whether documents of this kind carry an amount and CPT
// codes (receipts).
func HasAmount(kind string) bool { return slices.Contains(kindsWithAmount, kind) }

// oneOf checks that s (folded to lower case) is one of allowed; otherwise
// the error names what was wrong, suggests the nearest and lists the choices.
func oneOf(what, s string, allowed []string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if slices.Contains(allowed, t) {
		return t, nil
	}
	msg := fmt.Sprintf("unknown %s %s", what, Quote(s))
	if near := Nearest(t, allowed, 1); len(near) > 0 {
		return "", fmt.Errorf("%s (did you mean %s?)", msg, near[0])
	}
	if near := longestCommonPrefix(t, allowed, 4); near != "" {
		return "", fmt.Errorf("%s (did you mean %s?)", msg, near)
	}
	return "", fmt.Errorf("%s: use one of %s", msg, strings.Join(allowed, ", "))
}

// longestCommonPrefix returns the candidate sharing the longest prefix with
// s, when that prefix has at least min bytes ("insurance" -> "insurer").
func longestCommonPrefix(s string, candidates []string, min int) string {
	best, bestLen := "", min-1
	for _, c := range candidates {
		n := 0
		for n < len(s) && n < len(c) && s[n] == c[n] {
			n++
		}
		if n > bestLen {
			best, bestLen = c, n
		}
	}
	return best
}

// ParseKind checks a document kind: `unknown kind "reciept" (did you mean
// receipt?)`; a word people use for a kind gets that kind suggested
// (`unknown kind "superbill" (did you mean receipt?)`).
func ParseKind(s string) (string, error) { return parseKindOf(s, documentKinds) }

// ParseItemKind checks an item kind: a document kind, call or condition.
func ParseItemKind(s string) (string, error) { return parseKindOf(s, itemKinds) }

// kindSynonyms maps the words patients, clinics and insurers use for a paper
// to the vault's kind of it. The user still chooses: a synonym is suggested,
// never taken silently, so that the kind on file is the one they meant.
var kindSynonyms = map[string]string{
	"note": KindClinicalNote, "notes": KindClinicalNote, "session-note": KindClinicalNote, "session-notes": KindClinicalNote,
	"therapy-note": KindClinicalNote, "treatment-note": KindClinicalNote, "progress-note": KindClinicalNote,
	"soap-note": KindClinicalNote, "soap": KindClinicalNote, "visit-note": KindClinicalNote, "chart": KindClinicalNote,
	"bill": KindReceipt, "invoice": KindReceipt, "superbill": KindReceipt, "super-bill": KindReceipt,
	"statement": KindReceipt, "itemized-receipt": KindReceipt, "payment": KindReceipt,
	"letter": KindLMN, "doctor-letter": KindLMN, "doctors-letter": KindLMN, "prescription-letter": KindLMN,
	"medical-necessity": KindLMN, "necessity-letter": KindLMN, "letter-of-medical-necessity": KindLMN,
	"rx": KindPrescription, "script": KindPrescription, "order": KindPrescription,
	"referral-letter": KindReferral, "ref": KindReferral,
	"prior-auth": KindAuthorization, "preauthorization": KindAuthorization, "pre-authorization": KindAuthorization,
	"auth": KindAuthorization, "approval": KindAuthorization,
	"explanation-of-benefits": KindEOB, "benefits-statement": KindEOB,
	"denial-letter": KindDenial, "rejection": KindDenial, "appeal-letter": KindAppeal, "grievance": KindAppeal,
	"plan-document": KindPolicy, "sbc": KindPolicy, "summary-of-benefits": KindPolicy, "coverage": KindPolicy,
	"email": KindCorrespond, "mail": KindCorrespond, "correspondance": KindCorrespond,
}

// parseKindOf checks a kind against allowed, suggesting the kind a synonym
// stands for before the nearest spelling.
func parseKindOf(s string, allowed []string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.NewReplacer(" ", "-", "_", "-").Replace(t)
	if k, ok := kindSynonyms[t]; ok && !slices.Contains(allowed, t) {
		return "", fmt.Errorf("unknown kind %s (did you mean %s?)", Quote(s), k)
	}
	return oneOf("kind", s, allowed)
}

// ParsePlan checks a plan type.
func ParsePlan(s string) (string, error) { return oneOf("plan", s, plans) }

// ParseStatus checks a claim status.
func ParseStatus(s string) (string, error) { return oneOf("status", s, Statuses) }

// ParseParty checks who a call was with.
func ParseParty(s string) (string, error) { return oneOf("party", s, Parties) }

// ParsePhase checks a condition note's phase.
func ParsePhase(s string) (string, error) { return oneOf("phase", s, Phases) }

// maxQuoted bounds how much of a user's input an error message repeats.
const maxQuoted = 40

// Quote returns s quoted for an error message (control characters
// escaped), cut to its first 40 characters: an error names what was wrong
// without echoing a pasted document back.
func Quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted && len(s) <= 4*maxQuoted {
		return strconv.Quote(s)
	}
	r := []rune(strings.ToValidUTF8(s, "\uFFFD"))
	if len(r) > maxQuoted {
		r = r[:maxQuoted]
	}
	return strconv.Quote(string(r)) + fmt.Sprintf("... (%d bytes)", len(s))
}

// maxClaimName bounds a claim name's length.
const maxClaimName = 64

// CheckClaimName checks a claim name: lowercase letters, digits and dashes,
// starting with a letter or digit.
func CheckClaimName(name string) error {
	if name == "" {
		return errors.New("the claim name is empty: choose a name such as back-2026")
	}
	if len(name) > maxClaimName {
		return fmt.Errorf("claim name %s is too long: at most %d characters", Quote(name), maxClaimName)
	}
	for i, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0
		if !ok {
			return fmt.Errorf("bad claim name %s: use lowercase letters, digits and dashes, such as back-2026", Quote(name))
		}
	}
	return nil
}

// ParseICD10 checks an ICD-10 diagnosis code and returns it in its usual
// form (upper case, with the dot): a letter, a digit, a digit or letter,
// then optionally a dot and up to four more letters or digits. "m545" and
// "M54.5" both give "M54.5".
func ParseICD10(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	bad := fmt.Errorf("bad ICD-10 code %s: expected a letter, a digit, a digit or letter, then optionally a dot and up to 4 more (such as M54.50)", Quote(s))
	cat, ext, dotted := strings.Cut(t, ".")
	if !dotted && len(cat) > 3 {
		cat, ext = t[:3], t[3:]
	}
	if len(cat) != 3 || !isUpper(cat[0]) || !isDigit(cat[1]) || !(isDigit(cat[2]) || isUpper(cat[2])) {
		return "", bad
	}
	if dotted && ext == "" || len(ext) > 4 {
		return "", bad
	}
	for i := 0; i < len(ext); i++ {
		if !isDigit(ext[i]) && !isUpper(ext[i]) {
			return "", bad
		}
	}
	if ext == "" {
		return cat, nil
	}
	return cat + "." + ext, nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ParseCPT reads a CPT code with optional units, "97124:2" (units default
// to 1). A CPT code is five characters: five digits, or four digits and a
// letter (category II and III codes).
func ParseCPT(s string) (CPTLine, error) {
	code, units, hasUnits := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), ":")
	bad := fmt.Errorf("bad CPT code %s: expected CODE or CODE:UNITS, such as 97124:2", Quote(s))
	if len(code) != 5 {
		return CPTLine{}, bad
	}
	for i := 0; i < 4; i++ {
		if !isDigit(code[i]) {
			return CPTLine{}, bad
		}
	}
	if !isDigit(code[4]) && !isUpper(code[4]) {
		return CPTLine{}, bad
	}
	n := 1
	if hasUnits {
		var err error
		n, err = strconv.Atoi(units)
		if err != nil || n < 1 || n > 99 {
			return CPTLine{}, fmt.Errorf("bad CPT units in %s: expected a whole number from 1 to 99", Quote(s))
		}
	}
	return CPTLine{Code: code, Units: n}, nil
}

// ParsePain reads a pain score on the 0-10 numeric scale.
func ParsePain(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 10 {
		return 0, fmt.Errorf("bad pain score %s: expected a whole number from 0 to 10", Quote(s))
	}
	return n, nil
}

// ParseMeasure reads a named measure, "neck rotation=45deg". Its errors
// never repeat the input: a measure is part of a condition note.
func ParseMeasure(s string) (Measure, error) {
	name, value, ok := strings.Cut(s, "=")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	const want = `expected NAME=VALUE, such as "ODI=42%"`
	switch {
	case !ok:
		return Measure{}, errors.New(`bad measure: no "=" between the name and the value: ` + want)
	case name == "":
		return Measure{}, errors.New(`bad measure: the name before "=" is empty: ` + want)
	case value == "":
		return Measure{}, errors.New(`bad measure: the value after "=" is empty: ` + want)
	}
	return Measure{Name: name, Value: value}, nil
}

// checkDate checks a stored date field: empty (when allowed) or YYYY-MM-DD.
func checkDate(field string, d Date, required bool) error {
	if d == "" {
		if required {
			return fmt.Errorf("%s is missing: expected YYYY-MM-DD", field)
		}
		return nil
	}
	if d.Time().IsZero() || len(d) != len(DateLayout) {
		return fmt.Errorf("bad %s %s: expected YYYY-MM-DD", field, Quote(string(d)))
	}
	if !d.Valid() {
		return fmt.Errorf("%s %s is out of range: give a year from %d to %d", field, Quote(string(d)), MinYear, MaxYear)
	}
	return nil
}

// checkAmount checks a stored amount: not negative, not absurd.
func checkAmount(field string, c *Cents) error {
	if c != nil && (*c < 0 || *c > maxCents) {
		return fmt.Errorf("bad %s %s: expected an amount from 0.00 to %s", field, c, Cents(maxCents))
	}
	return nil
}

// Validate checks a record's fields before it is stored: kinds, dates,
// codes, ranges, and free text (valid UTF-8, within its length, no control
// characters; line breaks and tabs only in notes and summaries). Add, log,
// edit and claim set call it; so can other writers. A refused field comes
// as a *FieldError naming it.
func Validate(r Record) error {
	switch r := r.(type) {
	case *Claim:
		return validateClaim(r)
	case *Document:
		return validateDocument(r)
	case *Call:
		return validateCall(r)
	case *Condition:
		return validateCondition(r)
	case *Request:
		return checkTexts(noteText("note", "the note", r.Note))
	}
	return nil
}

// validateClaim checks every field of a claim, in its stored form (see
// normalizeClaim): each error is a *FieldError.
func validateClaim(c *Claim) error {
	if err := CheckClaimName(c.Name); err != nil {
		return fieldError("name", err)
	}
	if strings.TrimSpace(c.Insurer) == "" {
		return fieldError("insurer", fmt.Errorf("claim %s needs an insurer: give --insurer NAME", c.Name))
	}
	if err := checkTexts(
		oneLineText("insurer", "insurer", c.Insurer), oneLineText("patient", "patient", c.Patient),
		oneLineText("member_id", "member ID", c.MemberID), oneLineText("group", "group", c.Group),
		oneLineText("claim_number", "claim number", c.ClaimNumber), oneLineText("provider", "provider", c.Provider),
		oneLineText("npi", "NPI", c.NPI), oneLineText("license", "license", c.License),
		oneLineText("referrer", "referrer", c.Referrer),
	); err != nil {
		return err
	}
	if c.Plan != "" {
		if err := inUsualForm(c.Plan, ParsePlan); err != nil {
			return fieldError("plan", err)
		}
	}
	if c.NPI != "" {
		if err := CheckNPI(c.NPI); err != nil {
			return fieldError("npi", err)
		}
	}
	for _, d := range c.Diagnoses {
		if err := inUsualForm(d, ParseICD10); err != nil {
			return fieldError("diagnoses", err)
		}
	}
	for _, a := range []struct {
		field, label string
		c            *Cents
	}{{"billed", "billed amount", c.Billed}, {"paid", "paid amount", c.Paid}} {
		if err := checkAmount(a.label, a.c); err != nil {
			return fieldError(a.field, err)
		}
	}
	if c.Visits != nil && (*c.Visits < 0 || *c.Visits > 1000) {
		return fieldError("visits", fmt.Errorf("bad number of visits %d: expected 0 to 1000", *c.Visits))
	}
	if c.FilingLimitDays != nil && (*c.FilingLimitDays < 1 || *c.FilingLimitDays > 3650) {
		return fieldError("filing_limit_days", fmt.Errorf("bad filing limit %d days: expected 1 to 3650", *c.FilingLimitDays))
	}
	if err := checkDate("date of birth", c.PatientDOB, false); err != nil {
		return fieldError("patient_dob", err)
	}
	if err := checkDate("appeal-by date", c.AppealBy, false); err != nil {
		return fieldError("appeal_by", err)
	}
	if err := inUsualForm(c.Status, ParseStatus); err != nil {
		return fieldError("status", err)
	}
	if len(c.StatusHistory) == 0 {
		return fieldError("status_history", fmt.Errorf("claim %s has no status history", c.Name))
	}
	for _, s := range c.StatusHistory {
		if err := inUsualForm(s.Status, ParseStatus); err != nil {
			return fieldError("status_history", err)
		}
		if err := checkDate("status date", s.Date, true); err != nil {
			return fieldError("status_history", err)
		}
	}
	if last := c.StatusHistory[len(c.StatusHistory)-1].Status; c.Status != last {
		return fieldError("status", fmt.Errorf("claim %s has status %s but its status history ends with %s", c.Name, c.Status, last))
	}
	return nil
}

// inUsualForm checks s with parse and that s is already in the form parse
// returns (as normalizeClaim leaves it): "M54.5", not "m545".
func inUsualForm(s string, parse func(string) (string, error)) error {
	got, err := parse(s)
	if err != nil {
		return err
	}
	if got != s {
		return fmt.Errorf("%s is not in its usual form %q", Quote(s), got)
	}
	return nil
}

// CheckNPI checks the form of a National Provider Identifier: ten digits.
// The Luhn check digit is not enforced (invented numbers in examples and
// test data deliberately fail it).
func CheckNPI(npi string) error {
	if len(npi) != 10 || strings.Trim(npi, "0123456789") != "" {
		return fmt.Errorf("bad NPI %s: expected the provider's 10-digit National Provider Identifier", Quote(npi))
	}
	return nil
}

// validateDocument checks a document's metadata in its stored form (see
// normalizeItem): the file name must be a base name.
func validateDocument(d *Document) error {
	if _, err := ParseKind(d.Kind); err != nil {
		return err
	}
	if err := checkDate("date", d.Date, true); err != nil {
		return err
	}
	if err := checkFileName(d.FileName); err != nil {
		return err
	}
	if err := checkTexts(oneLineText("title", "title", d.Title)); err != nil {
		return err
	}
	if !HasAmount(d.Kind) && (d.Amount != nil || len(d.CPT) > 0) {
		return fmt.Errorf("an amount and CPT codes belong to receipts, not to a %s: drop --amount and --cpt or use --kind receipt", d.Kind)
	}
	if err := checkAmount("amount", d.Amount); err != nil {
		return err
	}
	for _, l := range d.CPT {
		if _, err := ParseCPT(fmt.Sprintf("%s:%d", l.Code, l.Units)); err != nil {
			return err
		}
	}
	if d.ValidUntil != "" && !HasValidUntil(d.Kind) {
		return fmt.Errorf("a valid-until date belongs to a referral, prescription, lmn or authorization, not to a %s", d.Kind)
	}
	if err := checkDate("valid-until date", d.ValidUntil, false); err != nil {
		return err
	}
	if d.ValidUntil != "" && d.ValidUntil.Before(d.Date) {
		return fmt.Errorf("the valid-until date %s is before the document's date %s", d.ValidUntil, d.Date)
	}
	return nil
}

func validateCall(c *Call) error {
	if c.At.IsZero() {
		return errors.New("the call has no time")
	}
	if y := c.At.Year(); y < MinYear || y > MaxYear {
		return fmt.Errorf("the call's time %s is out of range: give a year from %d to %d", c.At.Format("2006-01-02 15:04"), MinYear, MaxYear)
	}
	if c.Party != "" {
		if _, err := ParseParty(c.Party); err != nil {
			return err
		}
	}
	if strings.TrimSpace(c.Rep) == "" {
		return errors.New("the call has no representative: give --rep NAME (ask for their name or ID)")
	}
	if strings.TrimSpace(c.Summary) == "" {
		return errors.New("the call has no summary: give --summary \"what was said\"")
	}
	if err := checkTexts(
		oneLineText("rep", "representative", c.Rep), oneLineText("ref", "reference", c.Ref),
		oneLineText("phone", "phone", c.Phone),
		noteText("summary", "summary", c.Summary), noteText("promised", "promised", c.Promised),
	); err != nil {
		return err
	}
	if c.Duration < 0 || c.Duration > 24*60*60*1e9 {
		return fmt.Errorf("bad call duration %s: expected up to 24h", c.Duration)
	}
	return checkDate("follow-up date", c.FollowUp, false)
}

func validateCondition(c *Condition) error {
	if _, err := ParsePhase(c.Phase); err != nil {
		return err
	}
	if err := checkDate("date", c.Date, true); err != nil {
		return err
	}
	if c.Pain != nil && (*c.Pain < 0 || *c.Pain > 10) {
		return fmt.Errorf("bad pain score %d: expected a whole number from 0 to 10", *c.Pain)
	}
	for _, m := range c.Measures {
		if strings.TrimSpace(m.Name) == "" || strings.TrimSpace(m.Value) == "" {
			return errors.New("a measure needs a name and a value: NAME=VALUE")
		}
		if err := checkTexts(oneLineText("measures", "measure", m.Name+"="+m.Value)); err != nil {
			return err
		}
	}
	return checkTexts(noteText("text", "text", c.Text))
}

// officeTypes are zip-based formats whose marker may lie beyond the first
// bytes that detection sees; a zip named like one of them is taken for it.
var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".epub": "application/epub+zip",
}

// detectType returns the media type of a document from its first bytes,
// taking a zip named .docx (and the like) for what its name says.
func detectType(head []byte, fileName string) *mimetype.MIME {
	mt := mimetype.Detect(head)
	if mt.Is("application/zip") {
		if t, ok := officeTypes[strings.ToLower(filepath.Ext(fileName))]; ok {
			if m := mimetype.Lookup(t); m != nil {
				return m
			}
		}
	}
	return mt
}

// extAliases are extensions that name the same type as the detector's.
var extAliases = map[string]string{
	".jpeg": ".jpg", ".jpe": ".jpg", ".jfif": ".jpg", ".tif": ".tiff", ".htm": ".html",
	".heif": ".heic", ".mpeg": ".mpg", ".oga": ".ogg",
}

// binaryExts are extensions of formats that are never plain text.
var binaryExts = map[string]bool{
	".pdf": true, ".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".tif": true, ".tiff": true,
	".heic": true, ".webp": true, ".bmp": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true,
	".ppt": true, ".pptx": true, ".odt": true, ".ods": true, ".zip": true, ".exe": true, ".gz": true,
	".tar": true, ".7z": true, ".rar": true, ".mp3": true, ".mp4": true, ".mov": true,
}

// extensionWarning returns a warning when a file name's extension
// disagrees with the detected type, or "".
func extensionWarning(fileName string, mt *mimetype.MIME) string {
	ext := strings.ToLower(filepath.Ext(fileName))
	if ext == "" || mt.Is("application/octet-stream") {
		return ""
	}
	if a, ok := extAliases[ext]; ok {
		ext = a
	}
	textual := false
	for m := mt; m != nil; m = m.Parent() {
		if m.Extension() == ext {
			return ""
		}
		textual = textual || m.Is("text/plain")
	}
	if textual && !binaryExts[ext] {
		return ""
	}
	return fmt.Sprintf("%s: the name ends in %s but the content is %s", filepath.Base(fileName), ext, describeType(mt))
}

// describeType names a type for people: "a PDF (application/pdf)".
func describeType(mt *mimetype.MIME) string {
	if e := mt.Extension(); e != "" {
		return fmt.Sprintf("%s (%s)", strings.ToUpper(strings.TrimPrefix(e, ".")), shortType(mt.String()))
	}
	return shortType(mt.String())
}

// shortType drops parameters from a media type: "text/plain".
func shortType(t string) string {
	base, _, _ := strings.Cut(t, ";")
	return strings.TrimSpace(base)
}

// IsText reports whether a media type is text (text/*), whose content
// search reads and get may print to a terminal.
func IsText(mediaType string) bool { return strings.HasPrefix(shortType(mediaType), "text/") }
