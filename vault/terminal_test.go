package vault

import "testing"

func TestTerminalSafe(t *testing.T) {
	for _, c := range []struct {
		in   string
		safe bool
	}{
		{"", true}, {"plain text\n", true}, {"tab\there\r\n", true}, {"café, 東京, Ελλάδα", true},
		{"latin-1 caf\xe9", true},
		{"\x1b[2J", false}, {"\x1b]52;c;eA==\x07", false}, {"bell\x07", false}, {"nul\x00", false},
		{"del\x7f", false}, {"c1 \u009b2J", false}, {"raw c1 \x9b2J", false}, {"backspace\b", false},
	} {
		if got := TerminalSafe([]byte(c.in)); got != c.safe {
			t.Errorf("TerminalSafe(%q) = %v, want %v", c.in, got, c.safe)
		}
	}
}
