package vault

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// shortenReference is Shorten as first written (through []rune): the fast
// version must give the same result for every input.
func shortenReference(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max(n-3, 0)])) + "..."
}

// titleReference is TitleFromText as first written (every line split,
// mapped and cleaned).
func titleReference(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.Map(func(r rune) rune {
			if isControl(r) || IsBidiControl(r) {
				return ' '
			}
			return r
		}, strings.ToValidUTF8(line, ""))
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			t := shortenReference(line, 60)
			for n := 59; len(t) > maxShortText; n-- {
				t = shortenReference(line, n)
			}
			return t
		}
	}
	return ""
}

// TestShortenAndTitleMatchReference compares Shorten and TitleFromText with
// their straightforward versions on fixed and random text: ASCII, accents,
// CJK, emoji, invalid UTF-8, control characters, blank lines.
func TestShortenAndTitleMatchReference(t *testing.T) {
	pieces := []string{"", " ", "a", "Receipt", "é", "日本", "😀", "\xff", "\xe6\x97", "\t", "\n", "\r\n", "\x1b", "\u0085", "\x7f",
		"  ", "pain 4/10", "\u202e", "\u2066", strings.Repeat("x", 61), strings.Repeat("é", 70), strings.Repeat("😀", 80)}
	inputs := []string{"", "\n\n", "  \n x", "abc", strings.Repeat("a", 60), strings.Repeat("a", 61), strings.Repeat("日", 300),
		"first line\nsecond", "\x00\x01\n\tvisible  text\t", "bad \xff\xfe bytes " + strings.Repeat("z", 70)}
	rng := rand.New(rand.NewPCG(3, 5))
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		inputs = append(inputs, b.String())
	}
	for _, s := range inputs {
		for _, n := range []int{0, 1, 3, 4, 5, 40, 50, 60} {
			if got, want := Shorten(s, n), shortenReference(s, n); got != want {
				t.Fatalf("Shorten(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
		if got, want := TitleFromText(s), titleReference(s); got != want {
			t.Fatalf("TitleFromText(%q) = %q, want %q", s, got, want)
		}
	}
}
