package sysmem

import (
	"runtime"
	"strings"
	"testing"
)

func TestParseMemAvailable(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     uint64
		known    bool
	}{
		{"linux 6", "MemTotal:       24683520 kB\nMemFree:        23779132 kB\nMemAvailable:   24170820 kB\nBuffers:            4936 kB\n", 24170820 << 10, true},
		{"first line", "MemAvailable: 1 kB\n", 1024, true},
		{"old kernel without the field", "MemTotal:       24683520 kB\nMemFree:        23779132 kB\n", 0, false},
		{"no unit", "MemAvailable: 1024\n", 0, false},
		{"other unit", "MemAvailable: 1024 MB\n", 0, false},
		{"not a number", "MemAvailable: lots kB\n", 0, false},
		{"negative", "MemAvailable: -5 kB\n", 0, false},
		{"overflows bytes", "MemAvailable: 18446744073709551615 kB\n", 0, false},
		{"prefix of another name", "MemAvailableX: 5 kB\n", 0, false},
		{"empty", "", 0, false},
	} {
		got, known := ParseMemAvailable(strings.NewReader(tc.in))
		if got != tc.want || known != tc.known {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, got, known, tc.want, tc.known)
		}
	}
}

// TestAvailableOnLinux: the machine running the tests reports some memory
// free, and less than 1 PiB.
func TestAvailableOnLinux(t *testing.T) {
	n, known := Available()
	if runtime.GOOS != "linux" {
		if known {
			t.Fatalf("known = true on %s", runtime.GOOS)
		}
		return
	}
	if !known || n == 0 || n > 1<<50 {
		t.Fatalf("Available() = %d, %v", n, known)
	}
}
