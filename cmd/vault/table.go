package main

import (
	"bufio"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// tablePadding is the number of spaces between two columns.
const tablePadding = 2

// table prints rows of cells in aligned columns, for every table the CLI
// prints (listings, a claim's or an item's fields, status): the output of
// text/tabwriter with padding 2, spaces and cells counted in runes, which
// the CLI used before and its users' scripts rely on
// (TestTableMatchesTabwriter). tabwriter does its bookkeeping cell by cell
// and costs about 2 µs a row; a table keeps the cleaned cells, measures each
// column once and writes every row with one pass of padding.
type table struct {
	w      io.Writer
	cols   int      // cells a row; set by the first row
	cells  []string // row after row, cols cells each, cleaned
	runes  []int    // the length in runes of each cell
	widths []int    // the widest cell of each column, in runes
}

// newTable returns a table that writes to w when flushed.
func newTable(w io.Writer) *table { return &table{w: w} }

// Grow makes room for n more rows of cols cells.
func (t *table) Grow(n, cols int) {
	t.cells = slices.Grow(t.cells, n*cols)
	t.runes = slices.Grow(t.runes, n*cols)
}

// Row adds one row; every row has as many cells as the first. A cell is
// cleaned by recCleanCell (one line, no control characters, "-" when empty).
func (t *table) Row(cols ...string) {
	if t.cols == 0 {
		t.cols = len(cols)
		t.widths = make([]int, len(cols))
	}
	for i := range t.cols {
		c := "-"
		if i < len(cols) {
			c = recCleanCell(cols[i])
		}
		n := utf8.RuneCountInString(c)
		t.widths[i] = max(t.widths[i], n)
		t.cells = append(t.cells, c)
		t.runes = append(t.runes, n)
	}
}

// Flush writes the rows: every cell but a row's last padded to its column's
// width plus tablePadding, the last as it is.
func (t *table) Flush() error {
	if t.cols == 0 {
		return nil
	}
	bw, ok := t.w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(t.w, 64<<10)
	}
	spaces := strings.Repeat(" ", tablePadding+maxOf(t.widths[:t.cols-1]))
	for row := 0; row < len(t.cells); row += t.cols {
		for i, c := range t.cells[row : row+t.cols] {
			bw.WriteString(c)
			if i == t.cols-1 {
				break
			}
			bw.WriteString(spaces[:t.widths[i]-t.runes[row+i]+tablePadding])
		}
		bw.WriteByte('\n')
	}
	t.cells, t.runes = t.cells[:0], t.runes[:0]
	return bw.Flush()
}

// maxOf returns the largest of ns, or 0.
func maxOf(ns []int) int {
	m := 0
	for _, n := range ns {
		m = max(m, n)
	}
	return m
}
