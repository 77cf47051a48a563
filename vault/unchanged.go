package vault

import "errors"

// ErrNothingChanged marks an error after which the vault file holds what it
// held before the command: a transaction that failed and was rolled back.
// Test for it with errors.Is; a front end may then tell the user that
// nothing was changed, and only then.
var ErrNothingChanged = errors.New("nothing was changed")

// unchanged wraps an error of a step that left the vault as it was, without
// changing its message.
type unchanged struct{ err error }

func (u unchanged) Error() string        { return u.err.Error() }
func (u unchanged) Unwrap() error        { return u.err }
func (u unchanged) Is(target error) bool { return target == ErrNothingChanged }

// Unchanged marks err as an error after which the vault is as it was (see
// ErrNothingChanged). A nil err stays nil.
func Unchanged(err error) error {
	if err == nil {
		return nil
	}
	return unchanged{err}
}
