package vault

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// LastItem is the word that names the item filed last, where a command
// takes an ID: `vault show last`.
const LastItem = "last"

// ResolveItem finds the record a command names by arg: LastItem (the
// document, call or condition note filed last under the claim claimID, or
// in the whole vault when claimID is ""), the name of a claim, or an ID or
// its prefix (as Resolve). A claim's name and an ID prefix that both match
// are refused as ambiguous rather than guessed.
func (v *Vault) ResolveItem(arg, claimID string) (Record, error) {
	if strings.EqualFold(strings.TrimSpace(arg), LastItem) {
		return v.LastFiled(claimID)
	}
	claims, err := v.Claims()
	if err != nil {
		return nil, err
	}
	var byName *Claim
	for _, c := range claims {
		if c.Name == arg {
			byName = c
		}
	}
	r, err := v.Resolve(arg, nil)
	switch {
	case byName == nil:
		return r, err
	case err == nil && r.RecordID() != byName.ID:
		return nil, fmt.Errorf("%s is both the name of claim %s and the start of the ID %s: give the whole ID", Quote(arg), byName.ID, r.RecordID())
	}
	return byName, nil
}

// ErrNothingFiled is returned by LastFiled when there is no item to name.
var ErrNothingFiled = errors.New("nothing is filed yet")

// LastFiled returns the document, call or condition note added last under
// the claim claimID (the whole vault when ""); ties go to the greater ID.
func (v *Vault) LastFiled(claimID string) (Record, error) {
	items, err := v.Items(claimID)
	if err != nil {
		return nil, err
	}
	var last Record
	var lastAt time.Time
	for _, r := range items {
		at, ok := filedAt(r)
		if !ok {
			continue
		}
		if last == nil || at.After(lastAt) || at.Equal(lastAt) && r.RecordID() > last.RecordID() {
			last, lastAt = r, at
		}
	}
	if last == nil {
		if claimID != "" {
			name := claimID
			if r, err := v.Record(claimID); err == nil {
				if c, ok := r.(*Claim); ok {
					name = c.Name
				}
			}
			return nil, fmt.Errorf("%w under claim %s: 'last' names the item filed last", ErrNothingFiled, name)
		}
		return nil, fmt.Errorf("%w: 'last' names the item filed last", ErrNothingFiled)
	}
	return last, nil
}

// filedAt returns when an item was filed; false for records that are not
// items a user files (claims, requests, exports).
func filedAt(r Record) (time.Time, bool) {
	switch r := r.(type) {
	case *Document:
		return r.Added, true
	case *Call:
		return r.Added, true
	case *Condition:
		return r.Added, true
	}
	return time.Time{}, false
}
