package webui

import (
	"fmt"
	"html/template"
	"strings"

	"vault/vault"
)

// chart is a pain-over-time chart, drawn by the server as SVG: the
// template escapes every label, and it reads without JavaScript.
type chart struct {
	Width, Height int
	Points        string // the polyline's points
	Dots          []chartDot
	YTicks        []chartTick
	XLabels       []chartTick
	Description   string // the chart in words, for screen readers
}

type chartDot struct {
	X, Y  int
	Label string
}

type chartTick struct {
	X, Y   int
	Label  string
	Anchor string // text-anchor: start, middle or end
}

// painChart draws the pain scores of condition notes in date order; nil
// when fewer than one note has a score.
func painChart(conds []*vault.Condition) *chart {
	var scored []*vault.Condition
	for _, c := range conds {
		if c.Pain != nil {
			scored = append(scored, c)
		}
	}
	if len(scored) == 0 {
		return nil
	}
	const w, h, left, right, top, bottom = 640, 240, 40, 20, 16, 40
	c := &chart{Width: w, Height: h}
	first, last := scored[0].Date.Time(), scored[len(scored)-1].Date.Time()
	span := last.Sub(first).Hours()
	x := func(d vault.Date) int {
		if span == 0 {
			return left + (w-left-right)/2
		}
		return left + int(d.Time().Sub(first).Hours()/span*float64(w-left-right))
	}
	y := func(p int) int { return top + (10-p)*(h-top-bottom)/10 }
	for p := 0; p <= 10; p += 2 {
		c.YTicks = append(c.YTicks, chartTick{X: left - 8, Y: y(p), Label: fmt.Sprint(p), Anchor: "end"})
	}
	var pts, words []string
	for _, s := range scored {
		px, py := x(s.Date), y(*s.Pain)
		pts = append(pts, fmt.Sprintf("%d,%d", px, py))
		label := fmt.Sprintf("%s (%s): pain %d/10", s.Date, s.Phase, *s.Pain)
		c.Dots = append(c.Dots, chartDot{X: px, Y: py, Label: label})
		words = append(words, label)
	}
	if span == 0 {
		c.XLabels = append(c.XLabels, chartTick{X: x(scored[0].Date), Y: h - bottom + 20, Label: string(scored[0].Date), Anchor: "middle"})
	} else {
		c.XLabels = append(c.XLabels,
			chartTick{X: x(scored[0].Date), Y: h - bottom + 20, Label: string(scored[0].Date), Anchor: "start"},
			chartTick{X: x(scored[len(scored)-1].Date), Y: h - bottom + 20, Label: string(scored[len(scored)-1].Date), Anchor: "end"})
	}
	c.Points = strings.Join(pts, " ")
	c.Description = "Pain over time: " + strings.Join(words, "; ")
	return c
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"money": func(c *vault.Cents) string {
		if c == nil {
			return "—"
		}
		return "$" + c.String()
	},
	"severityClass": func(s string) string {
		switch s {
		case "error", "warning", "info":
			return "sev-" + s
		}
		return "sev-info"
	},
	"sizeOf": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d bytes", n)
	},
	"neg": func(n int) int { return -n },
	"add": func(a, b int) int { return a + b },
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
}
