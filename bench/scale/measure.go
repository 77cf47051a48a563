package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// timings are the durations of repeated runs of one measurement, with the
// load average when it started and ended.
type timings struct {
	runs      []time.Duration
	loadStart string
	loadEnd   string
}

// measure runs fn reps times, after an untimed garbage collection each time
// (so that one run's garbage is not collected in the next one's time, as in
// a fresh process). fn returns the part of its time that counts.
func measure(reps int, fn func() (time.Duration, error)) (timings, error) {
	t := timings{loadStart: loadavg()}
	for range reps {
		runtime.GC()
		d, err := fn()
		if err != nil {
			return t, err
		}
		t.runs = append(t.runs, d)
	}
	t.loadEnd = loadavg()
	return t, nil
}

// timed returns how long fn took.
func timed(fn func() error) (time.Duration, error) {
	start := time.Now()
	err := fn()
	return time.Since(start), err
}

// median is the middle run (the mean of the two middle ones for an even
// number of runs); 0 when there are none.
func (t timings) median() time.Duration {
	if len(t.runs) == 0 {
		return 0
	}
	s := slices.Clone(t.runs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// min is the fastest run.
func (t timings) min() time.Duration {
	if len(t.runs) == 0 {
		return 0
	}
	return slices.Min(t.runs)
}

// load is the 1-minute load average at the start and end, "0.52→0.61".
func (t timings) load() string { return t.loadStart + "→" + t.loadEnd }

// loadavg returns the 1-minute load average ("?" when it cannot be read).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// loadavgAll returns the three load averages.
func loadavgAll() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// ms formats a duration in milliseconds with one decimal (two below 10 ms).
func ms(d time.Duration) string {
	x := float64(d) / float64(time.Millisecond)
	if x < 10 && x > -10 {
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

// usPer formats d/n in microseconds.
func usPer(d time.Duration, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(d)/float64(time.Microsecond)/float64(n))
}

// mib formats bytes in MiB.
func mib(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }

// thousands writes n with commas between thousands.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
