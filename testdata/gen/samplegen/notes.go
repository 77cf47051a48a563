package samplegen

import (
	"fmt"
	"strings"
)

// wrapText breaks s into lines of at most width characters, each prefixed
// by indent.
func wrapText(s string, width int, indent string) string {
	var b strings.Builder
	cur := indent
	for _, w := range strings.Fields(s) {
		if len([]rune(cur))+1+len([]rune(w)) > width && strings.TrimSpace(cur) != "" {
			b.WriteString(cur + "\n")
			cur = indent
		}
		if strings.TrimSpace(cur) != "" {
			cur += " "
		}
		cur += w
	}
	if strings.TrimSpace(cur) != "" {
		b.WriteString(cur + "\n")
	}
	return b.String()
}

// noteText is the therapist's SOAP note for a visit, as plain UTF-8 text.
func noteText(v visit) Document {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("SOAP NOTE \u2014 THERAPEUTIC MASSAGE AND MANUAL THERAPY\n")
	w("%s \u00b7 %s \u00b7 Tel %s\n", therapist.practice, therapist.address, therapist.phone)
	w("%s\n\n", strings.Repeat("=", 72))
	w("Patient:          %s    DOB %s    Member ID %s\n", patient.name, patient.dob, patient.memberID)
	w("Date of service:  %s    %s\u2013%s    Visit %d of 8    Place of service 11 (office)\n", v.date, v.start, v.end, v.number)
	w("Therapist:        %s    NPI %s    License %s\n", therapist.name, therapist.npi, therapist.license)
	w("Referred by:      %s    NPI %s    Rx dated 2026-02-20\n", physician.name, physician.npi)
	w("Diagnosis:        %s %s\n", diagnoses[0].code, diagnoses[0].text)
	w("                  %s %s\n\n", diagnoses[1].code, diagnoses[1].text)

	w("S \u2014 SUBJECTIVE\n")
	w("%s", wrapText(v.subjective, 74, "  "))
	w("  Pain (0-10 numeric rating scale): %d/10 before treatment.\n\n", v.pain)

	w("O \u2014 OBJECTIVE\n")
	w("%s", wrapText(v.objective, 74, "  "))
	w("  Lumbar active range of motion (degrees):\n")
	w("    Flexion %d°    Extension %d°    Side bend R %d°    Side bend L %d°\n", v.flexion, v.extension, v.sideR, v.sideL)
	w("  Oswestry Disability Index: %d%%    Sitting tolerance: %d minutes\n\n", v.odi, v.sitting)

	w("TREATMENT \u2014 minutes per CPT code (timed codes, 8-minute rule)\n")
	total := 0
	for _, ln := range v.lines {
		unit := "units"
		if ln.units == 1 {
			unit = "unit"
		}
		w("  %-9s %-56s %2d min  %d %s\n", ln.code(), ln.desc, ln.minutes, ln.units, unit)
		total += ln.minutes
	}
	w("  Total timed minutes: %d. Techniques: effleurage, petrissage, myofascial release,\n", total)
	w("  ischemic compression of trigger points; patient prone and side-lying.\n")
	w("  Pain after treatment: %d/10.\n\n", v.painAfter)

	w("A \u2014 ASSESSMENT\n")
	w("%s\n", wrapText(v.assessment, 74, "  "))

	w("P \u2014 PLAN\n")
	w("%s\n", wrapText(v.plan, 74, "  "))

	w("Electronically signed: %s, %s\n", therapist.name, v.signedAt)
	w("\n%s\n", "SAMPLE \u2014 fictional data generated for vault tests; not a real medical record.")

	return Document{
		FileName: "session-note-" + v.date + ".txt",
		Kind:     "clinical-note",
		Date:     v.date,
		Title:    fmt.Sprintf("SOAP note, massage visit %d (pain %d/10)", v.number, v.pain),
		Data:     []byte(b.String()),
	}
}
