package bundle

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"time"
)

// Index is what index.html shows. Manifest.Files are the files the bundle
// holds besides index.html (with the hashes they will have); the public key
// is shown by its Fingerprint. PainChange is one sentence on the change in
// pain score that the condition notes show, or "" for none: the package
// that knows the clinical rules computes it (package export, with package
// check), so that the bundle and `vault check` say the same.
type Index struct {
	Manifest    *Manifest
	Calls       []Call
	Conditions  []Condition
	PainChange  string
	Fingerprint string
	// ReceiptsTotal is the sum of the receipts' amounts ("290.00"), or ""
	// when no receipt has one.
	ReceiptsTotal string
}

//go:embed index.html.tmpl
var indexSource string

// indexTemplate parses index.html.tmpl the first time a bundle is written,
// not when a command starts.
var indexTemplate = sync.OnceValues(func() (*template.Template, error) {
	return template.New("index").Funcs(template.FuncMap{
		"size":     HumanSize,
		"join":     strings.Join,
		"callTime": callTime,
		"anyFollowUp": func(calls []Call) bool {
			for _, c := range calls {
				if c.FollowUp != "" {
					return true
				}
			}
			return false
		},
		"stamp":        func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"minutes":      func(d time.Duration) string { return fmt.Sprintf("%d min", int64(d.Round(time.Minute)/time.Minute)) },
		"describe":     func(s *Selection) string { return DescribeSelection(s) },
		"docNumber":    docNumber,
		"base":         func(p string) string { return strings.TrimPrefix(p, DocumentsDir) },
		"measureNames": MeasureNames,
	}).Parse(indexSource)
})

// RenderIndex renders index.html: a self-contained page (inline CSS, no
// script, no external resource) that reads well on screen and on paper.
// Everything shown is HTML-escaped.
func RenderIndex(ix *Index) ([]byte, error) {
	c := *ix
	m := *ix.Manifest
	m.Format = Format
	c.Manifest = &m
	tmpl, err := indexTemplate()
	if err != nil {
		return nil, fmt.Errorf("parse index.html template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, &c); err != nil {
		return nil, fmt.Errorf("render index.html: %w", err)
	}
	return buf.Bytes(), nil
}

// DescribeSelection says in words what a selection asks for, e.g. "receipt
// or lmn dated 2026-03-04 or 2026-03-11, and items 3k9fq2ab, 7hx2m4cd".
func DescribeSelection(s *Selection) string {
	if s.IsZero() {
		return "the whole claim"
	}
	var parts []string
	crit := "any item"
	if len(s.Kinds) > 0 {
		crit = strings.Join(s.Kinds, " or ")
	}
	if d := DescribeDates(s.From, s.To, s.On); d != "" {
		crit += " " + d
	}
	if len(s.Kinds) > 0 || s.From != "" || s.To != "" || len(s.On) > 0 {
		parts = append(parts, crit)
	}
	if len(s.IDs) == 1 {
		parts = append(parts, "item "+s.IDs[0])
	} else if len(s.IDs) > 1 {
		parts = append(parts, "items "+strings.Join(s.IDs, ", "))
	}
	return strings.Join(parts, ", and ")
}

// DescribeDates says which dates a selection accepts: "dated 2026-03-04,
// 2026-03-11 or 2026-03-18", "from 2026-03-01 to 2026-03-31", both joined
// by "or", or "" for any date.
func DescribeDates(from, to string, on []string) string {
	var parts []string
	if len(on) > 0 {
		parts = append(parts, "dated "+orList(on))
	}
	switch {
	case from != "" && to != "":
		parts = append(parts, "from "+from+" to "+to)
	case from != "":
		parts = append(parts, "from "+from)
	case to != "":
		parts = append(parts, "up to "+to)
	}
	return strings.Join(parts, " or ")
}

// orList joins "a", "a or b", "a, b or c".
func orList(ss []string) string {
	if len(ss) <= 1 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " or " + ss[len(ss)-1]
}

// callTime formats when a call was, in the zone it was logged in:
// "2026-03-02 10:15 PST (UTC-08:00)", or "2026-03-02 10:15 UTC".
func callTime(t time.Time) string {
	day := t.Format("2006-01-02 15:04")
	name, off := t.Zone()
	if off == 0 && (name == "UTC" || name == "GMT" || name == "") {
		return day + " UTC"
	}
	utc := "UTC" + t.Format("-07:00")
	if name == "" || name[0] == '+' || name[0] == '-' {
		return day + " " + utc
	}
	return day + " " + name + " (" + utc + ")"
}

// HumanSize formats a byte count for people: "812 bytes", "196.3 KiB",
// "12.0 MiB", "1.50 GiB". index.html shows sizes with it.
func HumanSize(n int64) string {
	const k = 1024
	switch {
	case n < k:
		return fmt.Sprintf("%d bytes", n)
	case n < k*k:
		return fmt.Sprintf("%.1f KiB", float64(n)/k)
	case n < k*k*k:
		return fmt.Sprintf("%.1f MiB", float64(n)/(k*k))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(k*k*k))
}

// docNumber returns the number a document's file name starts with ("003"),
// or "" for the other files.
func docNumber(p string) string {
	name, ok := strings.CutPrefix(p, DocumentsDir)
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(name, "-")
	return strings.TrimLeft(n, "0")
}
