package vault

import (
	"strings"
	"testing"
)

func TestPassphraseWeakness(t *testing.T) {
	for _, tc := range []struct{ pass, want string }{
		{"short", "it has 5 characters, fewer than 12"},
		{"élève-élève", "it has 11 characters, fewer than 12"},
		{"passwordpassword", "easy to guess"},
		{"123456789012", "easy to guess"},
		{"qwertyuiopasdf", "easy to guess"},
		{"correct horse battery staple", ""},
		{"tangerine-volcano-7-quietly", ""},
	} {
		got := PassphraseWeakness([]byte(tc.pass))
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("PassphraseWeakness(%q) = %q, want %q", tc.pass, got, tc.want)
		}
	}
}
