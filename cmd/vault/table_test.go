package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"vault/vault"
)

// tabwriterTable is how the CLI printed its tables before it had its own
// printer: text/tabwriter, padding 2, spaces, one cleaned cell per column.
// It is the reference a table must match.
func tabwriterTable(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = recCleanCell(c)
		}
		io.WriteString(tw, strings.Join(cells, "\t")+"\n")
	}
	return tw.Flush()
}

// TestTableMatchesTabwriter proves the table prints byte for byte what
// text/tabwriter printed for the same rows: users' scripts and the CLI's
// golden outputs rely on the columns.
func TestTableMatchesTabwriter(t *testing.T) {
	pieces := []string{"", "a", "receipt", "Dana R.", "2026-03-04", "héllo wörld", "日本語テキスト", "tab\there", "line\nbreak",
		"\x1b[31mred", "bad\xffutf8", "\u0085nel", "x\x7fy", "a  b", "  lead", "trail  ", strings.Repeat("w", 70)}
	rng := rand.New(rand.NewPCG(7, 11))
	tables := [][][]string{
		{{"ONLY"}},
		{{"ONE", "ROW"}},
		{{"A", "B", "C"}, {"", "", ""}, {"x", "", "z"}},
	}
	for range 200 {
		cols := 1 + rng.IntN(7)
		var rows [][]string
		for range 1 + rng.IntN(12) {
			row := make([]string, cols)
			for i := range row {
				row[i] = pieces[rng.IntN(len(pieces))] + pieces[rng.IntN(len(pieces))]
			}
			rows = append(rows, row)
		}
		tables = append(tables, rows)
	}
	for n, rows := range tables {
		var want, got bytes.Buffer
		if err := tabwriterTable(&want, rows); err != nil {
			t.Fatal(err)
		}
		tb := newTable(&got)
		for _, r := range rows {
			tb.Row(r...)
		}
		if err := tb.Flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("table %d %q:\ngot\n%s\nwant\n%s", n, rows, got.String(), want.String())
		}
	}
}

// TestTableEmpty: a table without rows prints nothing.
func TestTableEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := newTable(&b).Flush(); err != nil || b.Len() != 0 {
		t.Fatalf("empty table printed %q, %v", b.String(), err)
	}
}

// benchItems makes n items of every kind over 200 claims, as bench/scale's
// vaults hold them.
func benchItems(n int) ([]vault.Record, map[string]string) {
	names := map[string]string{}
	var items []vault.Record
	day := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		claim := fmt.Sprintf("c%05d", i%200)
		names[claim] = fmt.Sprintf("claim-%03d", i%200)
		at := day.Add(time.Duration(i) * 7 * time.Hour)
		id := fmt.Sprintf("%026d", i)
		switch i % 5 {
		case 0, 1, 2:
			amount := vault.Cents(8500 + i)
			items = append(items, &vault.Document{ID: id, Claim: claim, Kind: "receipt", Date: vault.DateOf(at),
				Title: fmt.Sprintf("Receipt %d for medical massage", i), FileName: fmt.Sprintf("receipt-%d.pdf", i), Amount: &amount, Added: at})
		case 3:
			items = append(items, &vault.Call{ID: id, Claim: claim, At: at, Rep: "Dana R.", Ref: fmt.Sprintf("C-%d", i),
				Summary: "Asked about the claim; they need the letter of medical necessity\nand the itemised receipts.", Added: at})
		default:
			pain := i % 11
			items = append(items, &vault.Condition{ID: id, Claim: claim, Date: vault.DateOf(at), Phase: "progress", Pain: &pain,
				Measures: []vault.Measure{{Name: "rom", Value: "120deg"}}, Text: "Lower back stiff in the morning.", Added: at})
		}
	}
	return items, names
}

// BenchmarkListPrint10k prints the table of `vault list` for 10,000 items
// (the sort and the decryption are vault's benchmarks).
func BenchmarkListPrint10k(b *testing.B) {
	items, names := benchItems(10000)
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := recPrintList(&out, items, names); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "bytes")
}
