package samplegen

import (
	"fmt"
	"math"
	"strings"
)

// footerText marks every generated page as fictional.
const footerText = "SAMPLE \u2014 fictional data generated for vault tests; not a real medical record."

var insurerGreen = rgb{0.05, 0.38, 0.25}

// pdfDate turns "2026-02-20" and "09:30" into a PDF date in Pacific time.
func pdfDate(iso, hhmm string) string {
	zone := "-08'00'"
	if iso >= "2026-03-08" && iso < "2026-11-01" {
		zone = "-07'00'"
	}
	return "D:" + strings.ReplaceAll(iso, "-", "") + strings.ReplaceAll(hhmm, ":", "") + "00" + zone
}

// physicianHead draws Dr. Natarajan's letterhead.
func physicianHead(l *layout) {
	l.lineTextColor(fontBold, 16, navy, physician.practice)
	l.lineText(fontRegular, 9.5, "Priya Natarajan, MD \u00b7 Family Medicine \u00b7 NPI "+physician.npi+" \u00b7 License "+physician.license)
	l.lineText(fontRegular, 9.5, physician.address)
	l.lineText(fontRegular, 9.5, "Tel "+physician.phone+" \u00b7 Fax "+physician.fax)
	l.gap(2)
	l.rule(1.2, navy)
	l.gap(6)
}

// insurerHead draws Cedar Health Plan's letterhead.
func insurerHead(l *layout, docTitle string) {
	y := l.y
	l.lineTextColor(fontBold, 18, insurerGreen, insurerName)
	l.lineText(fontRegular, 9.5, insurerAddress)
	l.lineText(fontRegular, 9.5, "Member Services "+insurerPhone+" (TTY 711) \u00b7 Mon-Fri 8 a.m.-6 p.m. PT")
	w := textWidth(fontBold, 11, docTitle)
	l.page.text(l.right-w, y, fontBold, 11, insurerGreen, docTitle)
	l.gap(2)
	l.rule(1.5, insurerGreen)
	l.gap(6)
}

// therapistHead draws the massage practice's letterhead.
func therapistHead(l *layout) {
	l.lineTextColor(fontBold, 16, navy, therapist.practice)
	l.lineText(fontRegular, 9.5, therapist.name+" \u00b7 "+therapist.credentials)
	l.lineText(fontRegular, 9.5, therapist.address+" \u00b7 Tel "+therapist.phone)
	l.gap(2)
	l.rule(1.2, navy)
	l.gap(6)
}

// patientBlock lists who the letter is about.
func patientBlock(l *layout, extra ...[2]string) {
	l.field(92, 10, "Patient:", patient.name)
	l.field(92, 10, "Date of birth:", usDate(patient.dob))
	l.field(92, 10, "Member ID:", patient.memberID+" (group "+patient.group+", "+patient.plan+")")
	for _, e := range extra {
		l.field(92, 10, e[0], e[1])
	}
	l.gap(6)
}

// diagnosisText lists the diagnoses, e.g. "M54.50 Low back pain, unspecified; ...".
func diagnosisText() string {
	parts := make([]string, len(diagnoses))
	for i, d := range diagnoses {
		parts[i] = d.code + " " + d.text
	}
	return strings.Join(parts, "; ")
}

func physicianSignature(l *layout, signedOn string) {
	l.signature("Priya Natarajan",
		"Priya Natarajan, MD \u2014 Family Medicine",
		"NPI "+physician.npi+" \u00b7 Oregon license "+physician.license,
		"Electronically signed "+longDate(signedOn))
}

// referralPDF is the physician's referral to massage therapy.
func referralPDF() Document {
	const date = "2026-02-20"
	until := addDays(date, 90)
	doc := &pdfDoc{title: "Referral for massage therapy", author: physician.name, subject: "Referral " + referralNumber, created: pdfDate(date, "09:30")}
	l := newLayout(doc, footerText)
	physicianHead(l)
	l.pair(fontRegular, 10, longDate(date), fontBold, "Referral no. "+referralNumber)
	l.gap(8)
	l.lineText(fontRegular, 10, "To: "+therapist.name+", "+therapist.practice)
	l.lineText(fontRegular, 10, "      "+therapist.address)
	l.gap(8)
	l.lineText(fontBold, 12, "REFERRAL FOR MASSAGE THERAPY")
	l.gap(4)
	patientBlock(l,
		[2]string{"Diagnosis:", diagnosisText()},
		[2]string{"Referred for:", "Therapeutic massage (CPT 97124) and manual therapy / myofascial release (CPT 97140)"},
		[2]string{"Visits:", "8 (once a week for 8 weeks)"},
		[2]string{"Valid:", longDate(date) + " through " + longDate(until)},
	)
	l.para(fontRegular, 10, "Dear Jordan Lee,")
	l.para(fontRegular, 10, "I am referring my patient Alex Rivera for evaluation and treatment with therapeutic massage and "+
		"manual therapy. Alex has had low back pain with paraspinal muscle spasm since moving house in early January 2026. "+
		"Symptoms have persisted for six weeks despite NSAIDs and a home stretching program. Pain is 7/10 at worst, sitting "+
		"tolerance is about 20 minutes, and the Oswestry Disability Index today is 42%. There are no red-flag signs, the "+
		"neurological examination is normal, and imaging is not indicated at this time.")
	l.para(fontRegular, 10, "Please treat the lumbar and lower thoracic paraspinals, both quadratus lumborum muscles and the "+
		"gluteal muscles, once a week for 8 weeks, as set out in the enclosed prescription. Please fax a progress note to "+
		"my office at "+physician.fax+" after the fourth visit and a summary at discharge.")
	l.para(fontRegular, 10, "Thank you for seeing Alex. Please call me with any questions.")
	l.gap(4)
	physicianSignature(l, date)
	l.gap(10)
	l.lineText(fontRegular, 9, "Enclosure: prescription for massage therapy dated "+longDate(date)+".")
	l.lineText(fontRegular, 9, "cc: Alex Rivera; "+insurerName+", member "+patient.memberID+".")
	l.finish()
	return Document{
		FileName:   "referral-" + date + ".pdf",
		Kind:       "referral",
		Date:       date,
		Title:      "Referral to massage therapy from Dr. Priya Natarajan",
		ValidUntil: until,
		Data:       doc.bytes(),
	}
}

// prescriptionPDF is the physician's order for massage therapy.
func prescriptionPDF() Document {
	const date = "2026-02-20"
	until := addDays(date, 90)
	doc := &pdfDoc{title: "Prescription for massage therapy", author: physician.name, subject: "Therapy order for " + patient.name, created: pdfDate(date, "09:35")}
	l := newLayout(doc, footerText)
	physicianHead(l)
	l.lineText(fontBold, 13, "PRESCRIPTION / ORDER FOR MASSAGE THERAPY")
	l.gap(4)
	patientBlock(l,
		[2]string{"Address:", patient.address},
		[2]string{"Date written:", longDate(date)},
	)
	l.heading(11, "Diagnosis (ICD-10-CM)")
	l.bullets(10, []string{
		diagnoses[0].code + " \u2014 " + diagnoses[0].text + " (primary)",
		diagnoses[1].code + " \u2014 " + diagnoses[1].text,
	})
	l.page.text(l.left, l.y-18, fontBold, 30, navy, "Rx")
	l.left += 44
	l.heading(11, "Treatment ordered")
	l.bullets(10, []string{
		"Therapeutic massage, CPT 97124 (effleurage, petrissage, tapotement): 2 units (30 minutes) per visit.",
		"Manual therapy, CPT 97140 (myofascial release and trigger point release, distinct region): 1 unit (15 minutes) per visit.",
	})
	l.left -= 44
	l.heading(11, "Body areas")
	l.para(fontRegular, 10, "Lumbar and lower thoracic paraspinals (T10-L5), bilateral quadratus lumborum, bilateral gluteus medius.")
	l.heading(11, "Frequency and duration")
	l.para(fontRegular, 10, "Once a week (1x/week) for 8 weeks: 8 visits of 45 minutes, starting on or after "+longDate("2026-02-23")+
		". Re-evaluate with the prescriber after the 8th visit.")
	l.heading(11, "Goals")
	l.bullets(10, []string{
		"Reduce pain from 7/10 to 3/10 or less on the numeric rating scale.",
		"Sitting tolerance of 60 minutes; Oswestry Disability Index below 20% (42% today).",
		"Lumbar flexion of 60\u00b0 or more (35\u00b0 today).",
	})
	l.field(130, 10, "Provider:", "Licensed massage therapist \u2014 referred to "+therapist.name+", "+therapist.practice)
	l.field(130, 10, "Valid through:", longDate(until)+" \u00b7 Refills: none")
	l.gap(4)
	physicianSignature(l, date)
	l.finish()
	return Document{
		FileName:   "prescription-" + date + ".pdf",
		Kind:       "prescription",
		Date:       date,
		Title:      "Prescription for massage therapy (97124, 97140), 1x/week for 8 weeks",
		ValidUntil: until,
		Data:       doc.bytes(),
	}
}

// lmnPDF is the letter of medical necessity.
func lmnPDF() Document {
	const date = "2026-02-24"
	until := addDays(date, 365)
	doc := &pdfDoc{title: "Letter of medical necessity: massage therapy", author: physician.name, subject: "LMN for " + patient.name, created: pdfDate(date, "14:10")}
	l := newLayout(doc, footerText)
	l.continued = "Letter of medical necessity \u2014 " + patient.name + ", DOB " + usDate(patient.dob) + " \u2014 " + longDate(date) + " (continued)"
	physicianHead(l)
	l.lineText(fontRegular, 10, longDate(date))
	l.gap(6)
	l.lineText(fontRegular, 10, "To: "+insurerName+", Utilization Review, and the plan's FSA/HSA administrator")
	l.lineText(fontRegular, 10, "      "+insurerAddress)
	l.gap(8)
	l.lineText(fontBold, 13, "LETTER OF MEDICAL NECESSITY")
	l.gap(4)
	patientBlock(l,
		[2]string{"Address:", patient.address},
	)

	l.heading(11, "1. Diagnosis")
	l.bullets(10, []string{
		"M54.50 \u2014 Low back pain, unspecified (onset early January 2026).",
		"M62.830 \u2014 Muscle spasm of back.",
	})
	l.heading(11, "2. History and findings")
	l.para(fontRegular, 10, "Alex Rivera has had low back pain with paraspinal muscle spasm for seven weeks, which began while "+
		"moving house. Six weeks of NSAIDs and a home stretching program have not resolved it. On examination on "+
		"February 20, 2026: pain 7/10 at worst, lumbar flexion 35\u00b0, palpable spasm of the lumbar paraspinals and "+
		"right quadratus lumborum, sitting tolerance about 20 minutes, Oswestry Disability Index 42% (moderate "+
		"disability). Neurological examination is normal; no red flags.")
	l.heading(11, "3. Recommended treatment")
	l.bullets(10, []string{
		"Therapeutic massage, CPT 97124: 30 minutes (2 units) per visit to the lumbar and lower thoracic paraspinals.",
		"Manual therapy (myofascial and trigger point release), CPT 97140: 15 minutes (1 unit) per visit to the right quadratus lumborum and gluteus medius.",
		"Provided by a licensed massage therapist: " + therapist.name + ", " + therapist.practice + ", NPI " + therapist.npi + ".",
	})
	l.heading(11, "4. Frequency and duration")
	l.para(fontRegular, 10, "Once a week for 8 weeks (8 visits), then re-evaluation by me. If the goals below are not met, "+
		"up to two visits a month may continue for the rest of the 12-month period of this letter.")
	l.heading(11, "5. Goals and how progress will be measured")
	l.bullets(10, []string{
		"Pain 3/10 or less on the 0-10 numeric rating scale (a 2-point change is clinically meaningful).",
		"Oswestry Disability Index below 20%; sitting tolerance of 60 minutes.",
		"Lumbar flexion of 60\u00b0 or more; return to work duties without NSAIDs.",
		"The therapist records pain, range of motion in degrees and minutes per CPT code at every visit.",
	})
	l.heading(11, "6. Statement of medical necessity")
	l.para(fontRegular, 10, "In my professional opinion this treatment is medically necessary to treat the diagnosed "+
		"conditions above. It is prescribed to relieve muscle spasm, reduce pain and restore function, and it is "+
		"expected to reduce the need for medication and avoid escalation of care. It is not for general health, "+
		"relaxation or cosmetic purposes, and the patient would not be receiving it but for these conditions.")
	l.heading(11, "7. Period covered")
	l.para(fontRegular, 10, "This letter covers treatment from "+longDate(date)+" through "+longDate(until)+
		" (12 months), or until the treatment changes, whichever comes first.")
	l.para(fontRegular, 10, "Please contact my office at "+physician.phone+" with any questions.")
	physicianSignature(l, date)
	l.finish()
	return Document{
		FileName:   "lmn-" + date + ".pdf",
		Kind:       "lmn",
		Date:       date,
		Title:      "Letter of medical necessity for massage therapy (M54.50, M62.830)",
		ValidUntil: until,
		Data:       doc.bytes(),
	}
}

// eobLine is one processed service on the EOB.
type eobLine struct {
	date, code                               string
	units                                    int
	billed, allowed, notCovered, coins, paid int
	remark                                   string
}

// eobLines computes the EOB from the visits: allowed amounts, the amount
// above the allowed amount (out of network, not covered), 20% coinsurance
// and the plan's payment; denied visits are not covered at all.
func eobLines() []eobLine {
	var out []eobLine
	for _, v := range visits {
		for i, ln := range v.lines {
			e := eobLine{date: v.date, code: ln.code(), units: ln.units, billed: ln.charge()}
			if v.eobDenied {
				e.notCovered = e.billed
				e.remark = "CO-50"
			} else {
				e.allowed = v.eobAllowed[i]
				e.notCovered = e.billed - e.allowed
				e.coins = e.allowed * v.eobCoinsPct / 100
				e.paid = e.allowed - e.coins
				e.remark = "PR-2, N1"
			}
			out = append(out, e)
		}
	}
	return out
}

// eobPDF is the insurer's explanation of benefits for the three visits.
func eobPDF() Document {
	const date = "2026-04-10"
	doc := &pdfDoc{title: "Explanation of benefits, claim " + claimNumber, author: insurerName, subject: "EOB for " + patient.name, created: pdfDate(date, "06:00")}
	l := newLayout(doc, footerText)
	insurerHead(l, "EXPLANATION OF BENEFITS")
	l.lineTextColor(fontBold, 12, insurerGreen, "THIS IS NOT A BILL")
	l.gap(4)
	l.field(120, 9.5, "Member:", patient.name+", "+patient.address)
	l.field(120, 9.5, "Member ID / group:", patient.memberID+" / "+patient.group+" ("+patient.plan+")")
	l.field(120, 9.5, "Patient:", patient.name+" (self), DOB "+usDate(patient.dob))
	l.field(120, 9.5, "Claim number:", claimNumber)
	l.field(120, 9.5, "Provider:", therapist.name+", "+therapist.practice+", NPI "+therapist.npi+" (out of network)")
	l.field(120, 9.5, "Claim received:", longDate("2026-03-25"))
	l.field(120, 9.5, "Processed:", longDate(date))
	l.gap(8)

	cols := []column{
		{x: 0, w: 56}, {x: 60, w: 52}, {x: 114, w: 24, right: true},
		{x: 142, w: 48, right: true}, {x: 194, w: 48, right: true}, {x: 246, w: 52, right: true},
		{x: 302, w: 52, right: true}, {x: 358, w: 50, right: true}, {x: 416, w: 68},
	}
	l.row(cols, fontBold, 8.5, true, "Date of service", "Service (CPT)", "Units", "Billed", "Allowed", "Not covered", "Coinsurance", "Plan paid", "Remark")
	l.gap(2)
	var tb, ta, tn, tc, tp int
	for _, e := range eobLines() {
		l.row(cols, fontRegular, 8.5, false, usDate(e.date), e.code, fmt.Sprint(e.units),
			cents(e.billed), cents(e.allowed), cents(e.notCovered), cents(e.coins), cents(e.paid), e.remark)
		tb += e.billed
		ta += e.allowed
		tn += e.notCovered
		tc += e.coins
		tp += e.paid
	}
	l.rule(0.6, black)
	l.row(cols, fontBold, 8.5, false, "Claim total", "", "", cents(tb), cents(ta), cents(tn), cents(tc), cents(tp), "")
	l.gap(10)

	l.lineText(fontBold, 11, "Summary")
	l.field(220, 9.5, "Total billed by the provider:", dollars(tb))
	l.field(220, 9.5, "Plan paid:", dollars(tp)+" to the member, check no. 00418832 mailed "+longDate(date))
	l.field(220, 9.5, "Your share (not covered + coinsurance):", dollars(tn+tc))
	l.field(220, 9.5, "Deductible 2026:", "$500.00 of $500.00 met")
	l.field(220, 9.5, "Out-of-pocket maximum 2026:", "$1,186.40 of $4,000.00 met")
	l.field(220, 9.5, "Physical medicine visits used:", "3 of 20 in 2026")
	l.gap(8)
	l.lineText(fontBold, 11, "Remark codes")
	l.bullets(9.5, []string{
		"PR-2: Coinsurance amount. Your plan pays 80% of the allowed amount after the deductible; you pay 20%.",
		"N1: The provider is out of network. Charges above the allowed amount are not covered and are your responsibility.",
		"CO-50: These services are not covered because they were not deemed medically necessary by the plan. See the letter dated " +
			longDate(date) + ". You may appeal within 180 days.",
	})
	l.para(fontRegular, 9.5, "The provider's records show you paid for these visits in full, so our payment was sent to you. "+
		"Keep this statement with your receipts. Questions? Call Member Services at "+insurerPhone+" and quote the claim number.")
	l.finish()
	return Document{
		FileName: "eob-" + date + ".pdf",
		Kind:     "eob",
		Date:     date,
		Title:    "Explanation of benefits, claim " + claimNumber + " (visits 2026-03-04, 03-11, 03-18)",
		Data:     doc.bytes(),
	}
}

// denialPDF is the insurer's adverse benefit determination for the third visit.
func denialPDF() Document {
	const date = "2026-04-10"
	denied := visits[2]
	appealBy := addDays(date, 180)
	doc := &pdfDoc{title: "Notice of adverse benefit determination, claim " + claimNumber, author: insurerName, subject: "Denial for " + patient.name, created: pdfDate(date, "06:05")}
	l := newLayout(doc, footerText)
	l.continued = insurerName + " \u2014 claim " + claimNumber + " \u2014 " + longDate(date) + " (continued)"
	insurerHead(l, "NOTICE OF DENIAL")
	l.lineText(fontRegular, 9.5, longDate(date))
	l.gap(6)
	l.lineText(fontRegular, 9.5, patient.name)
	for _, s := range strings.SplitN(patient.address, ", ", 2) {
		l.lineText(fontRegular, 9.5, s)
	}
	l.gap(8)
	l.lineText(fontBold, 12, "Notice of adverse benefit determination")
	l.gap(4)
	var codes []string
	for _, ln := range denied.lines {
		codes = append(codes, fmt.Sprintf("%s x%d", ln.code(), ln.units))
	}
	l.field(120, 9.5, "Claim number:", claimNumber)
	l.field(120, 9.5, "Patient / member ID:", patient.name+" / "+patient.memberID)
	l.field(120, 9.5, "Provider:", therapist.name+", NPI "+therapist.npi)
	l.field(120, 9.5, "Date of service:", longDate(denied.date))
	l.field(120, 9.5, "Services:", strings.Join(codes, ", ")+" (therapeutic massage, manual therapy)")
	l.field(120, 9.5, "Amount billed:", dollars(denied.total()))
	l.field(120, 9.5, "Decision:", "Denied \u2014 not medically necessary (remark code CO-50)")
	l.gap(8)
	l.para(fontRegular, 9.5, "Dear Alex Rivera,")
	l.para(fontRegular, 9.5, "We reviewed the claim for the services above and have denied payment for the visit on "+
		longDate(denied.date)+" because it was not medically necessary under your plan. The visits on March 4 and "+
		"March 11, 2026 were paid; see your Explanation of Benefits dated "+longDate(date)+".")
	l.heading(10.5, "Why we made this decision")
	l.para(fontRegular, 9.5, "Our reviewer, a registered nurse, applied "+insurerPolicyName+". The policy covers massage and "+
		"manual therapy when a documented functional deficit is improving measurably toward goals in a written plan of "+
		"care. The records we received for this date were the itemized bill only; there was no letter of medical "+
		"necessity or treatment note showing pain, range of motion or function for this visit, so we could not confirm "+
		"that continued treatment met the policy criteria. You may ask for a free copy of the policy and of all "+
		"documents we used by calling Member Services.")
	l.heading(10.5, "Your right to appeal")
	l.bullets(9.5, []string{
		"You or someone you name may file an internal appeal within 180 days of receiving this letter. If you received it on " +
			longDate(date) + ", the last day is " + longDate(appealBy) + ".",
		"Send a letter saying why you disagree, with the claim number, and any records that support your case: the " +
			"letter of medical necessity, the prescription, treatment notes with baseline and progress measures (pain " +
			"0-10, range of motion, Oswestry score) and minutes per CPT code, and the itemized receipt.",
		"Mail: " + appealsAddress + ". Fax: " + appealsFax + ".",
		"For services you have already received, we will decide within 60 days of receiving your appeal.",
		"If we uphold the denial you may ask for an external review by an independent review organization within 4 months of our final decision.",
	})
	l.para(fontRegular, 9.5, "If you have questions, call Member Services at "+insurerPhone+" (TTY 711). Help in other languages is free.")
	l.need(68)
	l.lineText(fontRegular, 9.5, "Sincerely,")
	l.signature("Marcus Bell", "Marcus Bell, RN \u2014 Utilization Review", insurerName+", Appeals and Grievances")
	l.finish()
	return Document{
		FileName: "denial-" + date + ".pdf",
		Kind:     "denial",
		Date:     date,
		Title:    "Denial of the 2026-03-18 visit: not medically necessary (appeal by " + appealBy + ")",
		Data:     doc.bytes(),
	}
}

// receiptPDF is the itemized superbill for a visit as the practice's PDF.
func receiptPDF(v visit) Document {
	doc := &pdfDoc{title: "Superbill " + v.invoice, author: therapist.practice, subject: "Itemized receipt for " + patient.name, created: pdfDate(v.date, v.paidAt)}
	l := newLayout(doc, footerText)
	therapistHead(l)
	l.pair(fontBold, 13, "SUPERBILL / ITEMIZED RECEIPT", fontRegular, "Invoice "+v.invoice)
	l.pair(fontRegular, 10, "Date issued: "+longDate(v.date), fontRegular, "Visit "+fmt.Sprint(v.number)+" of 8")
	l.gap(8)

	top := l.y
	half := l.width() / 2
	l.lineText(fontBold, 10, "Patient")
	l.lineText(fontRegular, 9.5, patient.name)
	l.lineText(fontRegular, 9.5, "DOB "+usDate(patient.dob))
	l.lineText(fontRegular, 9.5, patient.address)
	l.lineText(fontRegular, 9.5, "Insurer: "+insurerName)
	l.lineText(fontRegular, 9.5, "Member ID "+patient.memberID+", group "+patient.group)
	bottom := l.y
	l.y = top
	l.left += half
	l.lineText(fontBold, 10, "Provider")
	l.lineText(fontRegular, 9.5, therapist.name)
	l.lineText(fontRegular, 9.5, "NPI "+therapist.npi+" \u00b7 Tax ID (EIN) "+therapist.taxID)
	l.lineText(fontRegular, 9.5, "License "+therapist.license)
	l.lineText(fontRegular, 9.5, "Referring: "+physician.name)
	l.lineText(fontRegular, 9.5, "Referring NPI "+physician.npi)
	l.left -= half
	l.y = min(bottom, l.y)
	l.gap(6)
	l.field(130, 9.5, "Date of service:", v.date+" ("+v.start+"-"+v.end+")")
	l.field(130, 9.5, "Place of service:", "11 \u2014 Office, "+therapist.address)
	l.field(130, 9.5, "Diagnosis (ICD-10):", "A. "+diagnoses[0].code+" "+diagnoses[0].text+"    B. "+diagnoses[1].code+" "+diagnoses[1].text)
	l.field(130, 9.5, "Prior authorization:", "Not required (first 12 visits) \u00b7 Referral "+referralNumber)
	l.gap(8)

	cols := []column{
		{x: 0, w: 56}, {x: 60, w: 34}, {x: 96, w: 26}, {x: 124, w: 180}, {x: 306, w: 26, right: true},
		{x: 338, w: 28, right: true}, {x: 378, w: 34}, {x: 412, w: 72, right: true},
	}
	l.row(cols, fontBold, 8.5, true, "Date", "CPT", "Mod", "Description", "Min", "Units", "Dx ptr", "Charge")
	l.gap(2)
	for _, ln := range v.lines {
		l.row(cols, fontRegular, 8.5, false, v.date, ln.cpt, ln.modifier, ln.desc,
			fmt.Sprint(ln.minutes), fmt.Sprint(ln.units), ln.pointer, dollars(ln.charge()))
	}
	l.rule(0.6, black)
	tot := []column{{x: 250, w: 150}, {x: 412, w: 72, right: true}}
	l.row(tot, fontRegular, 9.5, false, "Total charges", dollars(v.total()))
	l.row(tot, fontRegular, 9.5, false, "Amount paid", dollars(v.total()))
	l.row(tot, fontBold, 9.5, false, "Balance due", dollars(0))
	l.gap(6)
	l.field(130, 9.5, "Payment:", v.payment+", "+usDate(v.date)+" "+v.paidAt)
	l.field(130, 9.5, "Timed minutes:", "45 (97124: 30 min = 2 units; 97140: 15 min = 1 unit; 8-minute rule)")
	l.gap(10)
	l.para(fontRegular, 9, "I certify that the services listed were medically indicated, were provided by me on the date shown, and "+
		"that the patient has paid the amount shown in full. Submit this superbill to your insurer or FSA/HSA administrator "+
		"for reimbursement; keep it with your records.")
	l.signature("Jordan Lee", therapist.name+" \u2014 "+therapist.practice, "Signed "+longDate(v.date))

	// A red rubber-stamp "PAID", turned 12 degrees, left of the totals.
	a := 12 * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	x, y := l.right-190, l.y-40
	l.page.strokeRect(x, y, 150, 58, 2.5, cos, sin, stampRed)
	tx := func(dx, dy float64) (float64, float64) { return x + dx*cos - dy*sin, y + dx*sin + dy*cos }
	px, py := tx(23, 22)
	l.page.rotatedText(px, py, cos, sin, fontBold, 34, stampRed, "PAID")
	px, py = tx(30, 8)
	l.page.rotatedText(px, py, cos, sin, fontBold, 10, stampRed, strings.ToUpper(mustDate(v.date).Format("Jan 02 2006")))
	l.finish()

	return receiptDoc(v, "pdf", doc.bytes())
}

// receiptDoc wraps receipt bytes with the metadata for a visit.
func receiptDoc(v visit, ext string, data []byte) Document {
	var cpt []string
	for _, ln := range v.lines {
		cpt = append(cpt, fmt.Sprintf("%s:%d", ln.cpt, ln.units))
	}
	return Document{
		FileName: "receipt-" + v.date + "." + ext,
		Kind:     "receipt",
		Date:     v.date,
		Title:    fmt.Sprintf("Superbill %s, %s, massage visit %d", v.invoice, therapist.practice, v.number),
		Amount:   cents(v.total()),
		CPT:      cpt,
		Data:     data,
	}
}
