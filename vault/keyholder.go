package vault

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"vault/store"
)

// ErrLocked reports a KeyHolder whose keys were dropped by Lock.
var ErrLocked = errors.New("the vault is locked")

// KeyHolder keeps one vault's master key after a single unlock, so that a
// long-running front end (the web app) can open the vault for each request
// without deriving the key again and without holding the file open between
// requests. It never hands the key out: Open is the only way to use it.
// Lock wipes it. A KeyHolder is safe for concurrent use.
type KeyHolder struct {
	mu      sync.Mutex
	vaultID []byte
	master  []byte
}

// Unlock derives the master key of the vault at path from secret (a
// passphrase or a recovery code) and returns a KeyHolder for it. It opens
// the file read-only for the unlock and closes it before returning.
func Unlock(path string, secret Secret, o Options) (*KeyHolder, error) {
	o.ReadOnly = true
	v, err := Open(path, secret, o)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	return &KeyHolder{vaultID: bytes.Clone(v.header.VaultID), master: bytes.Clone(v.master)}, nil
}

// Open opens the vault at path with the held key: as vault.Open does with a
// secret, but without the key derivation. The file must be the vault the
// key was unlocked from (same vault ID), else it refuses; a file whose
// state does not authenticate under the key gives ErrTampered. The caller
// closes the returned Vault; that wipes the Vault's own copy of the key,
// not the KeyHolder's.
func (k *KeyHolder) Open(path string, o Options) (*Vault, error) {
	k.mu.Lock()
	if k.master == nil {
		k.mu.Unlock()
		return nil, ErrLocked
	}
	master := bytes.Clone(k.master)
	id := k.vaultID
	k.mu.Unlock()
	v, err := openWith(path, o, func(db *store.DB) (*Vault, error) {
		h, sealedState, err := readHeader(db)
		if err == nil && !bytes.Equal(h.VaultID, id) {
			err = fmt.Errorf("%s is no longer the vault that was unlocked (another vault file is in its place): lock and unlock again", path)
		}
		if err != nil {
			clear(master)
			return nil, err
		}
		return unlockWithMaster(db, h, sealedState, master, o) // wipes master on error
	})
	if err != nil {
		clear(master) // when the file did not open; a second clear is harmless
		return nil, err
	}
	return v, nil
}

// Lock wipes the held key; every later Open gives ErrLocked.
func (k *KeyHolder) Lock() {
	k.mu.Lock()
	defer k.mu.Unlock()
	clear(k.master)
	k.master = nil
}

// Locked reports whether Lock was called.
func (k *KeyHolder) Locked() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.master == nil
}
