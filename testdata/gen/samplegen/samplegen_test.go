package samplegen

import (
	"regexp"
	"testing"
)

func TestPDFString(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:        `(plain)`,
		`a (b) c`:      `(a \(b\) c)`,
		`back\slash`:   `(back\\slash)`,
		"35\u00b0":     `(35\260)`,
		"a \u2014 b":   `(a \227 b)`,
		"snow \u2603":  `(snow ?)`,
		"tab\there":    `(tab?here)`,
		"((nested))\\": `(\(\(nested\)\)\\)`,
	} {
		if got := pdfString(in); got != want {
			t.Errorf("pdfString(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestEOBArithmetic checks the EOB's columns add up.
func TestEOBArithmetic(t *testing.T) {
	var billed, paid int
	for _, e := range eobLines() {
		if e.allowed+e.notCovered != e.billed || e.coins+e.paid != e.allowed {
			t.Errorf("%s %s: billed %d allowed %d not covered %d coinsurance %d paid %d", e.date, e.code, e.billed, e.allowed, e.notCovered, e.coins, e.paid)
		}
		billed += e.billed
		paid += e.paid
	}
	if billed != 43500 || paid != 19840 {
		t.Errorf("billed %d paid %d", billed, paid)
	}
}

// TestNPIFictional checks the NPIs have ten digits and a wrong Luhn check
// digit (prefix 80840), so no real provider can have them.
func TestNPIFictional(t *testing.T) {
	for _, npi := range []string{therapist.npi, physician.npi} {
		if !regexp.MustCompile(`^\d{10}$`).MatchString(npi) {
			t.Errorf("NPI %q is not 10 digits", npi)
		}
		s := "80840" + npi
		sum := 0
		for i := len(s) - 1; i >= 0; i-- {
			d := int(s[i] - '0')
			if (len(s)-1-i)%2 == 1 {
				d *= 2
				if d > 9 {
					d -= 9
				}
			}
			sum += d
		}
		if sum%10 == 0 {
			t.Errorf("NPI %s has a valid check digit; it could be real", npi)
		}
	}
}
