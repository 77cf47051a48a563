package check

import (
	"fmt"
	"strings"
)

// ICD10Case is a diagnosis code that is not billable, and why.
type ICD10Case struct {
	Code    string // as written, with the dot: "M54.5"
	Problem string // what is wrong with it
	Use     string // the billable codes to ask the prescriber for
}

// ICD10Cases returns the table of known non-billable codes that
// retired-icd10 looks for: codes retired when they were split into more
// specific ones, and category codes that lack a required character. Any
// injury code (chapter S) shorter than seven characters is reported too.
// docs/CHECKS.md reproduces this table; keep the two in step.
func ICD10Cases() []ICD10Case {
	return []ICD10Case{
		{"M54.5", "was deleted on 2021-10-01 (low back pain)", "M54.50 (unspecified), M54.51 (vertebrogenic) or M54.59 (other low back pain)"},
		{"M79.1", "was deleted on 2022-10-01 (myalgia)", "M79.10 (unspecified site), M79.11 (mastication muscle), M79.12 (auxiliary muscles, head and neck) or M79.18 (other site)"},
		{"M54.3", "is a category, not billable (sciatica)", "M54.30 (unspecified side), M54.31 (right) or M54.32 (left)"},
		{"M54.4", "is a category, not billable (lumbago with sciatica)", "M54.40 (unspecified side), M54.41 (right) or M54.42 (left)"},
		{"M62.83", "is a category, not billable (muscle spasm)", "M62.830 (back), M62.831 (calf) or M62.838 (other)"},
		{"M99.0", "is a category, not billable (segmental and somatic dysfunction)", "M99.00 to M99.09, by region (M99.03 lumbar)"},
		{"S13.4", "lacks its 7th character (sprain of ligaments of cervical spine)", "S13.4XXA (initial encounter), S13.4XXD (subsequent) or S13.4XXS (sequela)"},
		{"S16.1", "lacks its 7th character (strain of muscle, fascia and tendon at neck level)", "S16.1XXA (initial encounter), S16.1XXD (subsequent) or S16.1XXS (sequela)"},
		{"S33.5", "lacks its 7th character (sprain of ligaments of lumbar spine)", "S33.5XXA (initial encounter), S33.5XXD (subsequent) or S33.5XXS (sequela)"},
		{"S39.012", "lacks its 7th character (strain of muscle, fascia and tendon of lower back)", "S39.012A (initial encounter), S39.012D (subsequent) or S39.012S (sequela)"},
	}
}

// normICD10 folds a code for comparison: upper case, no dot, no spaces.
func normICD10(code string) string {
	return strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(code)), ".", "")
}

// checkRetiredICD10: a diagnosis code of the claim that is not billable: in
// the table of known cases, or an injury code (S) without its 7th character
// (warning).
func checkRetiredICD10(f *facts) []Finding {
	cases := ICD10Cases()
	var out []Finding
	for _, code := range f.claim.Diagnoses {
		n := normICD10(code)
		if n == "" {
			continue
		}
		fix := fmt.Sprintf("ask the prescriber for the current code, then correct the claim and the superbill (vault claim set %s --diagnosis CODE)", f.name())
		var msg string
		for _, c := range cases {
			if normICD10(c.Code) == n {
				msg = fmt.Sprintf("diagnosis %s %s: use %s; %s", code, c.Problem, c.Use, fix)
				break
			}
		}
		if msg == "" && n[0] == 'S' && len(n) < 7 {
			msg = fmt.Sprintf("diagnosis %s is an injury code without its 7th character: injury codes end in A (initial encounter), "+
				"D (subsequent) or S (sequela), padded with X (such as S13.4XXA); %s", code, fix)
		}
		if msg != "" {
			out = append(out, Finding{Severity: Warning, Message: msg, IDs: f.claimIDs()})
		}
	}
	return out
}
