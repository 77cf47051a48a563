package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"vault/vault"
	"vault/vault/check"
)

// checkJSON is the output of `vault check --json`.
type checkJSON struct {
	Claim    string          `json:"claim"`
	AsOf     vault.Date      `json:"as_of"`
	Findings []check.Finding `json:"findings"`
}

func writeCheckJSON(w io.Writer, claim *vault.Claim, asOf vault.Date, findings []check.Finding) error {
	if findings == nil {
		findings = []check.Finding{}
	}
	return recWriteJSON(w, checkJSON{Claim: claim.Name, AsOf: asOf, Findings: findings})
}

// writeCheckText prints a summary line, then one line per finding, errors
// first: "error   lmn-expired: receipt 2026-03-11 (k3f9q2) is not covered ...".
func writeCheckText(w io.Writer, claim *vault.Claim, asOf vault.Date, findings []check.Finding, next *check.Deadline) error {
	errs, warns, infos := check.Count(findings)
	var b strings.Builder
	fmt.Fprintf(&b, "%s as of %s: ", claim.Name, asOf)
	if len(findings) == 0 {
		b.WriteString("no findings")
	} else {
		fmt.Fprintf(&b, "%s, %s, %s", recPlural(errs, "error", "errors"), recPlural(warns, "warning", "warnings"), recPlural(infos, "info", "info"))
	}
	if next != nil {
		fmt.Fprintf(&b, "; next deadline %s", checkDeadlineText(next, asOf))
	}
	b.WriteString("\n")
	for _, f := range findings {
		fmt.Fprintf(&b, "%-7s %s: %s\n", f.Severity, f.Check, f.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// checkDeadlineText is "2026-05-10 request", with "(overdue)" once it has passed.
func checkDeadlineText(d *check.Deadline, asOf vault.Date) string {
	s := string(d.Date) + " " + d.What
	if d.Date.Before(asOf) {
		s += " (overdue)"
	}
	return s
}

// statusJSON is one claim in `vault status --json`.
type statusJSON struct {
	Name         string          `json:"name"`
	Insurer      string          `json:"insurer"`
	Status       string          `json:"status"`
	NextDeadline *check.Deadline `json:"next_deadline"`
	Errors       int             `json:"errors"`
	Warnings     int             `json:"warnings"`
	Billed       *string         `json:"billed"`
	Paid         *string         `json:"paid"`
}

// statusOf is a claim's status, draft when none is recorded.
func statusOf(c *vault.Claim) string {
	if c.Status == "" {
		return vault.StatusDraft
	}
	return c.Status
}

func writeStatusJSON(w io.Writer, sums []check.Summary) error {
	out := make([]statusJSON, 0, len(sums))
	for _, s := range sums {
		out = append(out, statusJSON{
			Name: s.Claim.Name, Insurer: s.Claim.Insurer, Status: statusOf(s.Claim), NextDeadline: s.Next,
			Errors: s.Errors, Warnings: s.Warnings, Billed: recAmountString(s.Claim.Billed), Paid: recAmountString(s.Claim.Paid),
		})
	}
	return recWriteJSON(w, out)
}

// writeStatusText prints aligned columns, one line per claim; free text
// (the insurer) is kept on one line and out of the column separators, and
// an empty cell shows as "-".
func writeStatusText(w io.Writer, sums []check.Summary, asOf vault.Date) error {
	if len(sums) == 0 {
		_, err := fmt.Fprintln(w, "no claims yet: create one with 'vault claim new NAME --insurer X'")
		return err
	}
	tw := newTable(w)
	tw.Row("NAME", "INSURER", "STATUS", "DOCS", "CALLS", "CONDITIONS", "BILLED", "PAID", "NEXT DEADLINE", "ERRORS", "WARNINGS")
	for _, s := range sums {
		next := ""
		if s.Next != nil {
			next = checkDeadlineText(s.Next, asOf)
		}
		tw.Row(s.Claim.Name, strings.Join(strings.Fields(s.Claim.Insurer), " "), statusOf(s.Claim),
			strconv.Itoa(s.Documents), strconv.Itoa(s.Calls), strconv.Itoa(s.Conditions),
			recAmountCell(s.Claim.Billed), recAmountCell(s.Claim.Paid), next, strconv.Itoa(s.Errors), strconv.Itoa(s.Warnings))
	}
	return tw.Flush()
}
