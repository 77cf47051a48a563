package crypto

import (
	"encoding/base32"
	"errors"
	"strings"
)

// RecoveryCodeBytes is the entropy of a recovery code: 160 bits.
const RecoveryCodeBytes = 20

// recoveryAlphabet is Crockford's base32 alphabet (no I, L, O, U), upper case.
const recoveryAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// recoveryEncoding encodes recovery codes in recoveryAlphabet.
var recoveryEncoding = base32.NewEncoding(recoveryAlphabet).WithPadding(base32.NoPadding)

// ErrRecoveryCode reports text that is not a well-formed recovery code.
var ErrRecoveryCode = errors.New("not a recovery code: expected 32 letters and digits in groups of four")

// NewRecoveryCode returns a random recovery code, printed as eight groups of
// four characters separated by dashes (XXXX-XXXX-...).
func NewRecoveryCode() string {
	s := recoveryEncoding.EncodeToString(RandomBytes(RecoveryCodeBytes))
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// NormalizeRecoveryCode returns the canonical bytes of a recovery code typed
// by a person: case, spaces and dashes are ignored, and the look-alikes O, I
// and L are read as 0, 1 and 1 as Crockford's base32 prescribes. The result
// is the secret given to the key derivation.
func NormalizeRecoveryCode(typed []byte) ([]byte, error) {
	out := make([]byte, 0, 32)
	for _, c := range typed {
		switch {
		case c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		out = append(out, c)
	}
	if len(out) != 32 {
		clear(out)
		return nil, ErrRecoveryCode
	}
	// Check the alphabet byte by byte: encoding/base32 with NoPadding takes
	// a 0xFF byte for its padding character and stops decoding there
	// without an error.
	for _, c := range out {
		if strings.IndexByte(recoveryAlphabet, c) < 0 {
			clear(out)
			return nil, ErrRecoveryCode
		}
	}
	if _, err := recoveryEncoding.DecodeString(string(out)); err != nil {
		clear(out)
		return nil, ErrRecoveryCode
	}
	return out, nil
}
