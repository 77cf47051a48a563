package crypto

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// recoveryFormat is how a recovery code is printed: eight groups of four
// Crockford base32 characters (no I, L, O, U).
var recoveryFormat = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$`)

func TestNewRecoveryCode(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		code := NewRecoveryCode()
		if !recoveryFormat.MatchString(code) {
			t.Fatalf("recovery code %q is not eight dashed groups of four", code)
		}
		if seen[code] {
			t.Fatalf("recovery code %q repeated", code)
		}
		seen[code] = true
		norm, err := NormalizeRecoveryCode([]byte(code))
		if err != nil {
			t.Fatalf("%q: %v", code, err)
		}
		if string(norm) != strings.ReplaceAll(code, "-", "") {
			t.Fatalf("%q normalizes to %q", code, norm)
		}
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	const canon = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	const printed = "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ"
	for _, tc := range []struct {
		name  string
		typed string
		want  string
	}{
		{"as printed", printed, canon},
		{"without dashes", canon, canon},
		{"lower case", strings.ToLower(printed), canon},
		{"spaces instead of dashes", strings.ReplaceAll(printed, "-", " "), canon},
		{"tabs, CRLF and stray dashes", "0123\t4567--89AB CDEF\r\nGHJK MNPQ RSTV WXYZ\n", canon},
		{"O for zero", "O123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ", canon},
		{"o for zero", "o123-4567-89ab-cdef-ghjk-mnpq-rstv-wxyz", canon},
		{"I and L for one", "0I23-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ", canon},
		{"l for one", "0l23-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ", canon},
		{"i for one", "0i23-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ", canon},
	} {
		got, err := NormalizeRecoveryCode([]byte(tc.typed))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNormalizeRecoveryCodeRejects(t *testing.T) {
	for _, tc := range []struct{ name, typed string }{
		{"empty", ""},
		{"only dashes", "----"},
		{"one character short", "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXY"},
		{"one character long", "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ0"},
		{"a ninth group", "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ-0000"},
		{"U is not in the alphabet", "U123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ"},
		{"u is not in the alphabet", "u123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ"},
		{"punctuation", "0123.4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXY"},
		{"an underscore", "0123_4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXY"},
		{"non-ASCII letter", "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYÄ"},
		{"a high byte in place of a character", "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXY\xff"},
		{"a NUL in place of a character", "0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXY\x00"},
		{"a passphrase", "correct horse battery staple"},
	} {
		got, err := NormalizeRecoveryCode([]byte(tc.typed))
		if !errors.Is(err, ErrRecoveryCode) || got != nil {
			t.Errorf("%s: %q, %v; want ErrRecoveryCode", tc.name, got, err)
		}
	}
}
