package main

import (
	"strings"
	"testing"
)

// fakePrompter answers from a script and records what was said.
func fakePrompter(answers []string, yes []bool) (prompter, *[]string) {
	var said []string
	return prompter{
		secret: func(p string) ([]byte, error) {
			said = append(said, p)
			if len(answers) == 0 {
				return nil, nil
			}
			a := answers[0]
			answers = answers[1:]
			return []byte(a), nil
		},
		yes: func(q string) (bool, error) {
			said = append(said, q)
			if len(yes) == 0 {
				return false, nil
			}
			y := yes[0]
			yes = yes[1:]
			return y, nil
		},
		say: func(l string) { said = append(said, l) },
	}, &said
}

func TestAskSecret(t *testing.T) {
	const strong = "correct horse battery staple"
	for _, tc := range []struct {
		name    string
		confirm bool
		answers []string
		yes     []bool
		want    string // "" when it must fail
		says    string // a line that must have been said
	}{
		{"first try", true, []string{strong, strong}, nil, strong, ""},
		{"mismatch then match", true, []string{strong, "typo", strong, strong}, nil, strong, "The two passphrases differ: try again."},
		{"three mismatches", true, []string{strong, "a", strong, "b", strong, "c"}, nil, "", "The two passphrases differ"},
		{"empty then given", false, []string{"", strong}, nil, strong, "The passphrase is empty."},
		{"short, kept", true, []string{"short", "short"}, []bool{true}, "short", "This passphrase is weak: it has 5 characters, fewer than 12."},
		{"weak, refused, then strong", true, []string{"passwordpassword", "passwordpassword", strong, strong}, []bool{false}, strong, "easy to guess"},
		{"no weakness check for an existing one", false, []string{"short"}, nil, "short", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, said := fakePrompter(tc.answers, tc.yes)
			got, err := askSecret(p, "New passphrase: ", tc.confirm)
			if tc.want == "" {
				if err == nil || err.Error() != "no passphrase after 3 tries: nothing was changed" {
					t.Errorf("askSecret = %q, %v; want the 3-tries error", got, err)
				}
			} else if err != nil || string(got) != tc.want {
				t.Errorf("askSecret = %q, %v; want %q", got, err, tc.want)
			}
			if tc.says != "" && !strings.Contains(strings.Join(*said, "\n"), tc.says) {
				t.Errorf("said %q; want %q", *said, tc.says)
			}
			if tc.name == "no weakness check for an existing one" && len(*said) != 1 {
				t.Errorf("said %q: an existing passphrase is not judged", *said)
			}
		})
	}
}
