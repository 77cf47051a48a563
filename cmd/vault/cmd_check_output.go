package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vault/vault"
	"vault/vault/check"
)

// checkWriteJSON prints v as indented JSON.
func checkWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

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
	return checkWriteJSON(w, checkJSON{Claim: claim.Name, AsOf: asOf, Findings: findings})
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
		fmt.Fprintf(&b, "%d %s, %d %s, %d %s", errs, checkPlural(errs, "error", "errors"),
			warns, checkPlural(warns, "warning", "warnings"), infos, checkPlural(infos, "info", "info"))
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

// statusAmountJSON is an amount as a string ("85.00"), nil for none.
func statusAmountJSON(c *vault.Cents) *string {
	if c == nil {
		return nil
	}
	s := c.String()
	return &s
}

// statusOf is a claim's status, draft when none is recorded.
func statusOf(c *vault.Claim) string {
	if c.Status == "" {
		return "draft"
	}
	return c.Status
}

func writeStatusJSON(w io.Writer, sums []check.Summary) error {
	out := make([]statusJSON, 0, len(sums))
	for _, s := range sums {
		out = append(out, statusJSON{
			Name: s.Claim.Name, Insurer: s.Claim.Insurer, Status: statusOf(s.Claim), NextDeadline: s.Next,
			Errors: s.Errors, Warnings: s.Warnings, Billed: statusAmountJSON(s.Claim.Billed), Paid: statusAmountJSON(s.Claim.Paid),
		})
	}
	return checkWriteJSON(w, out)
}

// writeStatusText prints aligned columns, one line per claim.
func writeStatusText(w io.Writer, sums []check.Summary, asOf vault.Date) error {
	if len(sums) == 0 {
		_, err := fmt.Fprintln(w, "no claims yet: create one with 'vault claim new NAME --insurer X'")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tINSURER\tSTATUS\tDOCS\tCALLS\tCONDITIONS\tBILLED\tPAID\tNEXT DEADLINE\tERRORS\tWARNINGS")
	for _, s := range sums {
		next := "-"
		if s.Next != nil {
			next = checkDeadlineText(s.Next, asOf)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%d\t%d\n",
			s.Claim.Name, statusCell(s.Claim.Insurer), statusOf(s.Claim), s.Documents, s.Calls, s.Conditions,
			statusAmount(s.Claim.Billed), statusAmount(s.Claim.Paid), next, s.Errors, s.Warnings)
	}
	return tw.Flush()
}

// statusAmount is an amount for a column, "-" for none.
func statusAmount(c *vault.Cents) string {
	if c == nil {
		return "-"
	}
	return c.String()
}

// statusCell keeps a free-text value on one line and out of the column
// separators.
func statusCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	return s
}
