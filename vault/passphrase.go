package vault

import (
	"fmt"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// MinPassphraseLength is the length under which a new passphrase is called
// short (in characters).
const MinPassphraseLength = 12

// minPassphraseScore is the zxcvbn score (0-4) under which a new passphrase
// is called weak: 3 is "safely unguessable" against an offline attack with
// a slow hash, which is what an attacker holding a copy of the vault file
// mounts.
const minPassphraseScore = 3

// PassphraseWeakness says why a new passphrase is weak ("" when it is not):
// shorter than MinPassphraseLength characters, or guessable by zxcvbn's
// estimate (dictionary words, names, dates, keyboard patterns, and the words
// in hints, such as the patient's name). Front ends warn and ask to confirm;
// the vault does not refuse a passphrase its owner chose.
func PassphraseWeakness(pass []byte, hints ...string) string {
	n := utf8.RuneCount(pass)
	if n < MinPassphraseLength {
		return fmt.Sprintf("it has %d characters, fewer than %d", n, MinPassphraseLength)
	}
	r := zxcvbn.PasswordStrength(string(pass), hints)
	if r.Score < minPassphraseScore {
		return fmt.Sprintf("it is easy to guess (strength %d of 4): add unrelated words", r.Score)
	}
	return ""
}
