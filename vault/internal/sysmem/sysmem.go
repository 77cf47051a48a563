// Package sysmem tells how much memory the machine has free, so that the
// vault can refuse a key derivation that would exhaust it before starting.
package sysmem

import (
	"bufio"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Available returns the memory the kernel estimates can be allocated without
// swapping (MemAvailable in /proc/meminfo), in bytes. known is false where
// the system does not say (any OS but Linux, or a kernel without the field).
func Available() (bytes uint64, known bool) {
	if runtime.GOOS != "linux" {
		return 0, false
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	return ParseMemAvailable(f)
}

// ParseMemAvailable reads the MemAvailable line of a /proc/meminfo listing
// ("MemAvailable:   123456 kB") and returns it in bytes.
func ParseMemAvailable(r io.Reader) (bytes uint64, known bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != "MemAvailable" {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, false
		}
		kib, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil || kib > 1<<54 {
			return 0, false
		}
		return kib << 10, true
	}
	return 0, false
}
