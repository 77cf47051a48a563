package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress is shown only for slow exports: after this long, or at once for
// this much content.
const (
	progressDelay = time.Second
	progressBytes = 64 << 20
	progressEvery = 100 * time.Millisecond
	progressWidth = 30
)

// progressBar draws an export's progress on stderr when it is a terminal
// and the export is slow. It measures real time, not the env's clock
// (which tests fix).
type progressBar struct {
	w       io.Writer
	enabled bool
	clock   func() time.Time
	start   time.Time
	last    time.Time
	shown   bool
}

func newProgressBar(e *env) *progressBar {
	return &progressBar{w: e.stderr, enabled: e.stderrIsTerminal, clock: time.Now, start: time.Now()}
}

// update is export.Options.Progress.
func (p *progressBar) update(done, total int64) {
	if !p.enabled {
		return
	}
	now := p.clock()
	if !p.shown && now.Sub(p.start) < progressDelay && total < progressBytes {
		return
	}
	if p.shown && now.Sub(p.last) < progressEvery && done < total {
		return
	}
	p.shown, p.last = true, now
	fmt.Fprint(p.w, "\r"+progressLine(done, total))
}

// finish clears the bar's line.
func (p *progressBar) finish() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// progressLine renders "exporting [#########.....]  45%  12.3 / 27.0 MiB".
func progressLine(done, total int64) string {
	frac := 1.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	n := int(frac * progressWidth)
	bar := strings.Repeat("#", n) + strings.Repeat(".", progressWidth-n)
	const mib = 1 << 20
	return fmt.Sprintf("exporting [%s] %3d%%  %.1f / %.1f MiB", bar, int(frac*100), float64(done)/mib, float64(total)/mib)
}
