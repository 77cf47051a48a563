package bundle

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"
)

// Call is a logged phone call as a bundle shows it.
type Call struct {
	ID       string
	At       time.Time // with the time zone it was logged in
	Party    string
	Rep      string
	Ref      string
	Phone    string
	Duration time.Duration
	Summary  string
	Promised string
	FollowUp string // YYYY-MM-DD or ""
}

// Measure is one named measurement of a condition note.
type Measure struct {
	Name  string
	Value string
}

// Condition is a condition note as a bundle shows it.
type Condition struct {
	ID       string
	Date     string
	Phase    string // before, progress, after
	Pain     *int   // 0-10
	Measures []Measure
	Text     string
}

// CallsCSV renders calls.csv: a header row, then one row per call with the
// columns id, at (RFC 3339 with its offset), party, rep, ref, phone,
// duration_minutes, summary, promised, follow_up. UTF-8, CRLF line ends
// (RFC 4180); text that a spreadsheet would run as a formula is neutralised.
func CallsCSV(calls []Call) []byte {
	rows := [][]string{{"id", "at", "party", "rep", "ref", "phone", "duration_minutes", "summary", "promised", "follow_up"}}
	for _, c := range calls {
		dur := ""
		if c.Duration > 0 {
			dur = strconv.FormatInt(int64(c.Duration.Round(time.Minute)/time.Minute), 10)
		}
		rows = append(rows, []string{c.ID, c.At.Format(time.RFC3339), cell(c.Party), cell(c.Rep), cell(c.Ref),
			cell(c.Phone), dur, cell(c.Summary), cell(c.Promised), c.FollowUp})
	}
	return encodeCSV(rows)
}

// ConditionsCSV renders conditions.csv: a header row, then one row per note
// with the columns id, date, phase, pain, one column per measure name (in
// order of first appearance, so that before and after line up), and text.
func ConditionsCSV(notes []Condition) []byte {
	names := MeasureNames(notes)
	header := append([]string{"id", "date", "phase", "pain"}, cells(names)...)
	rows := [][]string{append(header, "text")}
	for _, n := range notes {
		pain := ""
		if n.Pain != nil {
			pain = strconv.Itoa(*n.Pain)
		}
		row := []string{n.ID, n.Date, cell(n.Phase), pain}
		for _, name := range names {
			row = append(row, cell(n.Measure(name)))
		}
		rows = append(rows, append(row, cell(n.Text)))
	}
	return encodeCSV(rows)
}

// MeasureNames returns the distinct measure names of the notes in order of
// first appearance.
func MeasureNames(notes []Condition) []string {
	var names []string
	seen := map[string]bool{}
	for _, n := range notes {
		for _, m := range n.Measures {
			if !seen[m.Name] {
				seen[m.Name] = true
				names = append(names, m.Name)
			}
		}
	}
	return names
}

// Measure returns the value of the named measure, or "".
func (c Condition) Measure(name string) string {
	for _, m := range c.Measures {
		if m.Name == name {
			return m.Value
		}
	}
	return ""
}

func encodeCSV(rows [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.WriteAll(rows) // writes to memory: cannot fail
	return buf.Bytes()
}

// cell neutralises text that a spreadsheet would take for a formula
// (starting with = + - @, a tab or a carriage return) by putting a single
// quote in front, as OWASP recommends for CSV files.
func cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func cells(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = cell(s)
	}
	return out
}
