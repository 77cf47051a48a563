package samplegen

import (
	"fmt"
	"time"
)

// The people and organisations below are invented. The NPI numbers have ten
// digits but a deliberately wrong check digit, so they can never belong to a
// real provider; the tax ID uses the prefix 00, which the IRS never issues;
// the telephone numbers are in the 555-01xx range reserved for fiction.

type person struct {
	name, dob, address, memberID, group, plan string
}

type provider struct {
	name, credentials, practice, address, phone, fax, npi, taxID, license, specialty string
}

var patient = person{
	name:     "Alex Rivera",
	dob:      "1988-07-14",
	address:  "27 Birch Lane, Portland, OR 97211",
	memberID: "CHP447100932",
	group:    "88120",
	plan:     "Cedar Health Plan PPO Choice",
}

var therapist = provider{
	name:        "Jordan Lee, LMT",
	credentials: "Licensed Massage Therapist",
	practice:    "Fernhill Therapeutic Massage",
	address:     "418 Fernhill Road, Suite 2, Portland, OR 97206",
	phone:       "(503) 555-0142",
	npi:         "1932507764",
	taxID:       "00-4817263",
	license:     "OR LMT 20417",
}

var physician = provider{
	name:        "Dr. Priya Natarajan, MD",
	credentials: "MD, Family Medicine",
	practice:    "Alder Grove Family Medicine",
	address:     "1200 Alder Grove Way, Suite 300, Portland, OR 97210",
	phone:       "(503) 555-0117",
	fax:         "(503) 555-0118",
	npi:         "1487203959",
	license:     "OR MD 31842",
	specialty:   "Family Medicine",
}

// insurer details.
const (
	insurerName       = "Cedar Health Plan"
	insurerAddress    = "PO Box 24410, Portland, OR 97208-4410"
	insurerPhone      = "1-800-555-0199"
	appealsAddress    = "Cedar Health Plan, Appeals and Grievances, PO Box 24460, Portland, OR 97208-4460"
	appealsFax        = "1-800-555-0177"
	claimNumber       = "CHP26-0325-77814"
	referralNumber    = "AGF-R-260220-14"
	insurerPolicyName = "Medical Policy MP-PM-014, Massage Therapy and Manual Therapy"
)

// diagnosis is an ICD-10-CM code with its description.
type diagnosis struct{ code, text string }

var diagnoses = []diagnosis{
	{"M54.50", "Low back pain, unspecified"},
	{"M62.830", "Muscle spasm of back"},
}

// line is one billed service on a superbill.
type line struct {
	cpt, modifier, desc string
	minutes, units      int
	unitCents           int
	pointer             string
}

func (l line) charge() int { return l.units * l.unitCents }

// code returns the CPT code with its modifier, e.g. "97140-59".
func (l line) code() string {
	if l.modifier == "" {
		return l.cpt
	}
	return l.cpt + "-" + l.modifier
}

// visit is one massage session with everything its receipt and note need.
type visit struct {
	date        string
	number      int
	start, end  string
	invoice     string
	payment     string // how it was paid
	paidAt      string // time of payment
	lines       []line
	pain        int // before treatment
	painAfter   int
	flexion     int // lumbar flexion, degrees
	extension   int
	sideR       int
	sideL       int
	odi         int // Oswestry Disability Index, percent
	sitting     int // minutes
	subjective  string
	objective   string
	assessment  string
	plan        string
	signedAt    string
	eobAllowed  []int // allowed cents per line
	eobDenied   bool
	eobCoinsPct int
}

// standardLines are the services billed at every visit: 30 minutes of
// massage (2 units) and 15 minutes of myofascial release (1 unit) on a
// separate region, hence modifier 59 on 97140.
func standardLines() []line {
	return []line{
		{cpt: "97124", desc: "Therapeutic massage, lumbar/thoracic paraspinals", minutes: 30, units: 2, unitCents: 5000, pointer: "A,B"},
		{cpt: "97140", modifier: "59", desc: "Manual therapy, myofascial release R QL/gluteus medius", minutes: 15, units: 1, unitCents: 4500, pointer: "A,B"},
	}
}

var visits = []visit{
	{
		date: "2026-03-04", number: 1, start: "09:00", end: "09:50",
		invoice: "FTM-1041", payment: "Visa ending 4417, auth 082341", paidAt: "09:52",
		lines: standardLines(),
		pain:  7, painAfter: 5, flexion: 35, extension: 10, sideR: 15, sideL: 20, odi: 42, sitting: 20,
		subjective: "Low back pain since moving house in early January 2026. Pain 7/10 at worst, 5/10 at rest, " +
			"aching across the lower back, worse on the right, stiff for about an hour each morning. " +
			"Sitting tolerance about 20 minutes; wakes twice a night when turning. Taking ibuprofen 400 mg twice a day. " +
			"No numbness, tingling or leg weakness. Referred by Dr. Priya Natarajan (prescription dated 2026-02-20).",
		objective: "Guarded, slow transfers. Palpation: hypertonicity and tenderness of the lumbar paraspinals L1-L5, " +
			"right worse than left; active trigger points in the right quadratus lumborum and right gluteus medius " +
			"reproducing the patient's pain.",
		assessment: "Findings consistent with M54.50 and M62.830. Tolerated treatment well; guarding decreased and flexion " +
			"improved to 45° after treatment, pain 5/10 on leaving. Goals (8 weeks): pain 3/10 or less, sitting " +
			"60 minutes, ODI below 20%, lumbar flexion 60°.",
		plan: "Continue once a week for 8 weeks as prescribed. Home program: moist heat 15 minutes, cat-camel and " +
			"knee-to-chest stretches twice a day. Next visit 2026-03-11.",
		signedAt:   "2026-03-04 17:40",
		eobAllowed: []int{8600, 3800}, eobCoinsPct: 20,
	},
	{
		date: "2026-03-11", number: 2, start: "09:00", end: "09:50",
		invoice: "FTM-1063", payment: "HSA debit card ending 9021, auth 511907", paidAt: "09:54",
		lines: standardLines(),
		pain:  4, painAfter: 3, flexion: 50, extension: 15, sideR: 20, sideL: 22, odi: 30, sitting: 40,
		subjective: "Pain 4/10 at worst this week (was 7/10), morning stiffness about 20 minutes. Sitting tolerance about " +
			"40 minutes. Sleeping through most nights. Ibuprofen once a day. Doing the stretches most days.",
		objective: "Paraspinal hypertonicity reduced, mostly right L3-L5. Right quadratus lumborum trigger point still " +
			"active but less tender; gluteus medius trigger point latent.",
		assessment: "Progressing toward goals: pain down 3 points since the first visit (clinically meaningful), ODI down " +
			"12 points, flexion up 15°. Sitting and ODI goals not yet met. Pain 3/10 after treatment.",
		plan: "Continue as prescribed, 1x/week. Add bridging and bird-dog exercises, 10 repetitions once a day. " +
			"Next visit 2026-03-18.",
		signedAt:   "2026-03-11 17:25",
		eobAllowed: []int{8600, 3800}, eobCoinsPct: 20,
	},
	{
		date: "2026-03-18", number: 3, start: "09:00", end: "09:50",
		invoice: "FTM-1088", payment: "Visa ending 4417, auth 604215", paidAt: "09:51",
		lines: standardLines(),
		pain:  3, painAfter: 2, flexion: 60, extension: 20, sideR: 25, sideL: 25, odi: 24, sitting: 50,
		subjective: "Pain 3/10 at worst, flares to 5/10 after lifting more than 10 kg (carried groceries on Saturday). " +
			"Sitting tolerance about 50 minutes. No ibuprofen for four days. Wants to return to running.",
		objective: "Mild hypertonicity right L4-L5 paraspinals; right quadratus lumborum trigger point reproduces pain " +
			"with lifting simulation.",
		assessment: "Pain goal met at rest; function not yet at goal: ODI 24% (goal below 20%), sitting 50 of 60 minutes, " +
			"pain still reaches 5/10 with lifting. Continued skilled treatment is needed to reach the functional goals " +
			"set in the plan of care.",
		plan: "Continue for the remaining 5 prescribed visits, then re-evaluate with Dr. Natarajan. Progress home " +
			"program with hip-hinge lifting practice. Next visit 2026-03-25. Progress report to be faxed to the " +
			"physician after visit 4.",
		signedAt:   "2026-03-18 17:35",
		eobAllowed: []int{0, 0}, eobDenied: true,
	},
}

// cents formats an amount in cents as a decimal string, e.g. 14500 -> "145.00".
func cents(c int) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// dollars formats an amount in cents with a dollar sign, e.g. "$145.00".
func dollars(c int) string { return "$" + cents(c) }

// total is the sum of a visit's charges in cents.
func (v visit) total() int {
	t := 0
	for _, l := range v.lines {
		t += l.charge()
	}
	return t
}

// longDate formats "2026-02-20" as "February 20, 2026".
func longDate(iso string) string {
	return mustDate(iso).Format("January 2, 2006")
}

// usDate formats "2026-02-20" as "02/20/2026".
func usDate(iso string) string {
	return mustDate(iso).Format("01/02/2006")
}

// addDays adds n days to an ISO date.
func addDays(iso string, n int) string {
	return mustDate(iso).AddDate(0, 0, n).Format(time.DateOnly)
}

// mustDate parses an ISO date from the fixed data above.
func mustDate(iso string) time.Time {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		panic("sample: bad date " + iso)
	}
	return t
}

// Calls returns three realistic calls with the insurer about the claim:
// a benefit check, a request for the letter of medical necessity and a
// follow-up on the denial. The second has no reference number.
func Calls() []Call {
	return []Call{
		{
			At:       "2026-03-02 10:15",
			Party:    insurerName + " Member Services",
			Rep:      "Dana M. (rep ID 40417)",
			Ref:      "CHP-CALL-260302-0917",
			Phone:    insurerPhone,
			Duration: "15m",
			Summary: "Benefit check for massage therapy by an out-of-network LMT. CPT 97124 and 97140 are covered as " +
				"physical medicine when prescribed for a diagnosed condition; plan pays 80% of the allowed amount " +
				"after the deductible, which is met for 2026. Limit 20 physical medicine visits per year; no prior " +
				"authorization needed for the first 12. Claims need an itemized superbill with CPT codes, ICD-10 " +
				"codes and the provider's NPI, plus a prescription; a letter of medical necessity should be on file.",
			Promised: "Written benefit summary mailed within 7-10 business days.",
			FollowUp: "Ask Dr. Natarajan's office to send the LMN; keep itemized superbills for every visit.",
		},
		{
			At:       "2026-03-20 16:40",
			Party:    insurerName + " Claims",
			Rep:      "Tom (no ID given)",
			Phone:    insurerPhone,
			Duration: "22m",
			Summary: "Asked whether the letter of medical necessity dated 2026-02-24 is on file before submitting the " +
				"first three visits. Rep could not find it and asked for it to be uploaded with the claim. Rep " +
				"did not give a reference number (the system was slow); call logged from my side.",
			Promised: "Claim reviewed within 30 days of receipt.",
			FollowUp: "Submit the three superbills and the LMN together through the member portal; keep the upload confirmation.",
		},
		{
			At:       "2026-04-14 14:30",
			Party:    insurerName + " Member Services",
			Rep:      "Renee K. (rep ID 38852)",
			Ref:      "CHP-CALL-260414-2231",
			Phone:    insurerPhone,
			Duration: "31m",
			Summary: "Called about the denial of the 2026-03-18 visit on claim " + claimNumber + " (remark CO-50, not " +
				"medically necessary). Rep said the reviewer had the superbills but not the LMN or the session " +
				"notes, and that a records request is being mailed. Visits on 2026-03-04 and 2026-03-11 were paid " +
				"($198.40 by check).",
			Promised: "Records request letter mailed this week; the claim is reopened for 45 days once records arrive.",
			FollowUp: "Send the receipts and the LMN by the due date on the request; if still denied, file an internal " +
				"appeal with the session notes before 2026-10-07.",
		},
	}
}

// Conditions returns the patient's condition before treatment (2026-03-04),
// in progress (2026-03-11) and after (2026-03-18); pain improves 7 -> 4 -> 3.
func Conditions() []Condition {
	phases := []string{"before", "progress", "after"}
	texts := []string{
		"Before the first massage. Lower back aches all day, worse on the right; can't sit through a meeting; " +
			"stiff for an hour every morning; ibuprofen twice a day.",
		"After two sessions. Stiffness gone within 20 minutes of getting up; can sit about 40 minutes; sleeping " +
			"through most nights; ibuprofen once a day.",
		"After three sessions. Mostly fine day to day and off ibuprofen, but lifting groceries still sets it off; " +
			"sitting about 50 minutes.",
	}
	out := make([]Condition, len(visits))
	for i, v := range visits {
		out[i] = Condition{
			Date:  v.date,
			Phase: phases[i],
			Pain:  v.pain,
			Measures: []string{
				fmt.Sprintf("lumbar flexion=%ddeg", v.flexion),
				fmt.Sprintf("lumbar extension=%ddeg", v.extension),
				fmt.Sprintf("ODI=%d%%", v.odi),
				fmt.Sprintf("sitting tolerance=%dmin", v.sitting),
			},
			Text: texts[i],
		}
	}
	return out
}

// InsurerRequest returns the insurer's records request for the claim: the
// receipts for the three visits and the letter of medical necessity.
func InsurerRequest() Request {
	on := make([]string, len(visits))
	for i, v := range visits {
		on[i] = v.date
	}
	return Request{
		Received: "2026-04-15",
		Due:      "2026-05-30",
		Kinds:    []string{"receipt", "lmn"},
		On:       on,
		Note: insurerName + " records request for claim " + claimNumber + ": please send itemized receipts for the " +
			"dates of service 2026-03-04, 2026-03-11 and 2026-03-18 and the letter of medical necessity " +
			"supporting massage therapy. Send only the requested records; the claim stays open until 2026-05-30.",
	}
}
