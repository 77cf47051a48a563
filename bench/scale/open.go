package main

import (
	"errors"
	"time"

	"vault/crypto"
	"vault/store"
)

// openSteps times the steps of vault.Open (vault/vault.go) other than the
// key derivation, done with the same exported calls: open the bbolt file
// (lock, mmap), read the header and the sealed state, parse the header,
// unwrap the master key with a key-encryption key derived beforehand, derive
// the purpose keys (HKDF), open the state, reclaim orphans when writable,
// and close. Subtracting a KDF timed apart from a whole vault.Open leaves
// the noise of two large figures; this measures the small one directly.
type openSteps struct {
	path     string
	readOnly bool
	kek      []byte
}

// newOpenSteps derives the key-encryption key of the passphrase slot once.
func newOpenSteps(path string, pass []byte, readOnly bool) (*openSteps, error) {
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	var hb []byte
	err = db.View(func(tx *store.Tx) error { hb = tx.Header(); return nil })
	db.Close()
	if err != nil {
		return nil, err
	}
	h, err := store.ParseHeader(hb)
	if err != nil {
		return nil, err
	}
	slot := h.Slot(store.SlotPassphrase)
	if slot == nil {
		return nil, errors.New("no passphrase slot")
	}
	kek, err := crypto.DeriveKey(pass, slot.Salt, slot.KDF)
	if err != nil {
		return nil, err
	}
	return &openSteps{path: path, readOnly: readOnly, kek: kek}, nil
}

// run does the steps once and returns how long they took.
func (o *openSteps) run() (time.Duration, error) {
	return timed(func() error {
		db, err := store.Open(o.path, store.Options{ReadOnly: o.readOnly})
		if err != nil {
			return err
		}
		defer db.Close()
		var hb, sealedState []byte
		if err := db.View(func(tx *store.Tx) error {
			hb, sealedState = tx.Header(), tx.State()
			return nil
		}); err != nil {
			return err
		}
		h, err := store.ParseHeader(hb)
		if err != nil {
			return err
		}
		slot := h.Slot(store.SlotPassphrase)
		if err := slot.KDF.Check(); err != nil {
			return err
		}
		master, err := crypto.UnwrapKey(o.kek, slot.Wrapped, h.SlotAD(slot))
		if err != nil {
			return err
		}
		defer clear(master)
		keys, err := crypto.DeriveKeys(master)
		if err != nil {
			return err
		}
		defer keys.Wipe()
		pt, err := crypto.OpenRecord(keys.Records, store.BucketMeta, []byte(store.StateKey), sealedState)
		if err != nil {
			return err
		}
		clear(pt)
		if !o.readOnly {
			if _, err := db.ReclaimOrphans(); err != nil {
				return err
			}
		}
		return nil
	})
}
