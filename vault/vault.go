// Package vault is the domain of the records vault: claims and the evidence
// filed under them (documents, calls, condition notes), insurer requests,
// exports, and the history of every change. It seals every record with
// package crypto before package store writes it, and keeps the vault's
// integrity state (a hash-chained, MACed history and a generation counter).
package vault

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"vault/crypto"
	"vault/store"
)

// Errors a user can meet when opening or creating a vault.
var (
	// ErrWrongSecret reports a passphrase or recovery code that does not
	// unlock the vault.
	ErrWrongSecret = errors.New("wrong passphrase or recovery code")
	// ErrNoRecoverySlot reports a vault that has no recovery code.
	ErrNoRecoverySlot = errors.New("this vault has no recovery code")
	// ErrTampered reports sealed data that fails authentication.
	ErrTampered = errors.New("the vault's data fails authentication (damaged or tampered with)")
)

// Secret is what unlocks a vault: a passphrase, or a recovery code.
type Secret struct {
	Passphrase   []byte // used when RecoveryCode is nil
	RecoveryCode []byte // as typed; normalized before use
}

// Options control how a vault is opened.
type Options struct {
	ReadOnly bool          // shared lock, no writes (list, show, get, export...)
	Timeout  time.Duration // how long to wait for another process; 0 = 2 s
	// Now returns the current time; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Store passes low-level options (such as an injected OpenFile) through.
	Store store.Options
	// AllowCostlyKDF derives a key slot whose Argon2id parameters are above
	// what init writes (crypto.MaxKDF, up to crypto.LimitKDF) or above the
	// memory free on this machine. Without it Open refuses those slots with
	// ErrCostlyKDF before deriving: a crafted header cannot make every open
	// take minutes and gigabytes before saying "wrong passphrase".
	AllowCostlyKDF bool
	// FreeMemory returns the bytes of memory free on this machine and
	// whether the system says; nil means what the kernel reports. Tests fix it.
	FreeMemory func() (bytes uint64, known bool)
}

// Vault is an unlocked vault.
type Vault struct {
	db     *store.DB
	header *store.Header
	master []byte
	keys   *crypto.Keys
	now    func() time.Time
	state  State
	cache  *recordCache // every record, decrypted on first use
}

// InitOptions are the choices made once, when a vault is created.
type InitOptions struct {
	KDF crypto.KDFParams // zero value means crypto.DefaultKDF
	Now func() time.Time
}

// Init creates a new vault at path, unlocked by passphrase, and returns its
// recovery code (the only time it is shown). It refuses to overwrite a file.
func Init(path string, passphrase []byte, o InitOptions) (string, error) {
	if len(passphrase) == 0 {
		return "", errors.New("the passphrase is empty")
	}
	kdf := o.KDF
	if kdf == (crypto.KDFParams{}) {
		kdf = crypto.DefaultKDF()
	}
	if err := kdf.Check(); err != nil {
		return "", err
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	master := crypto.NewMasterKey()
	defer clear(master)
	h := &store.Header{Version: store.FormatVersion, VaultID: crypto.RandomBytes(store.VaultIDSize)}
	code := crypto.NewRecoveryCode()
	codeBytes, err := crypto.NormalizeRecoveryCode([]byte(code))
	if err != nil {
		return "", err
	}
	defer clear(codeBytes)
	for _, s := range []struct {
		kind   uint8
		secret []byte
	}{{store.SlotPassphrase, passphrase}, {store.SlotRecovery, codeBytes}} {
		if err := setSlot(h, s.kind, s.secret, kdf, master); err != nil {
			return "", fmt.Errorf("create key slot: %w", err)
		}
	}
	hb, err := h.MarshalBinary()
	if err != nil {
		return "", fmt.Errorf("encode header: %w", err)
	}
	keys, err := crypto.DeriveKeys(master)
	if err != nil {
		return "", fmt.Errorf("derive keys: %w", err)
	}
	defer keys.Wipe()
	v := &Vault{header: h, keys: keys, now: now}
	err = store.Create(path, hb, func(tx *store.Tx) error {
		t := v.newTx(tx)
		t.log(HistoryEntry{Action: ActionInit})
		return t.commit()
	})
	if err != nil {
		return "", fmt.Errorf("create vault: %w", err)
	}
	return code, nil
}

// setSlot wraps master under secret into the header's slot of that kind,
// replacing the slot if it exists, with a fresh salt.
func setSlot(h *store.Header, kind uint8, secret []byte, kdf crypto.KDFParams, master []byte) error {
	s := store.KeySlot{Kind: kind, KDF: kdf, Salt: crypto.RandomBytes(crypto.SaltSize)}
	kek, err := crypto.DeriveKey(secret, s.Salt, kdf)
	if err != nil {
		return err
	}
	defer clear(kek)
	if s.Wrapped, err = crypto.WrapKey(kek, master, h.SlotAD(&s)); err != nil {
		return err
	}
	if old := h.Slot(kind); old != nil {
		*old = s
	} else {
		h.Slots = append(h.Slots, s)
	}
	return nil
}

// Open unlocks the vault at path. A wrong secret gives ErrWrongSecret and
// leaves the file untouched. Opened for writing, it reclaims the chunks of
// documents whose adding was interrupted.
func Open(path string, secret Secret, o Options) (*Vault, error) {
	return openWith(path, o, func(db *store.DB) (*Vault, error) { return unlock(db, secret, o) })
}

// openWith opens the file, unlocks it with unlockDB and, opened for
// writing, reclaims the chunks of interrupted adds: Open and KeyHolder.Open
// differ only in how they unlock.
func openWith(path string, o Options, unlockDB func(*store.DB) (*Vault, error)) (*Vault, error) {
	so := o.Store
	so.ReadOnly = o.ReadOnly
	if o.Timeout > 0 {
		so.Timeout = o.Timeout
	}
	db, err := store.Open(path, so)
	if err != nil {
		return nil, err
	}
	v, err := unlockDB(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	if !o.ReadOnly {
		if _, err := db.ReclaimOrphans(); err != nil {
			v.Close()
			return nil, err
		}
	}
	return v, nil
}

// readHeader returns the vault's parsed header and its sealed state.
func readHeader(db *store.DB) (*store.Header, []byte, error) {
	var hb, sealedState []byte
	if err := db.View(func(tx *store.Tx) error {
		hb, sealedState = tx.Header(), tx.State()
		return nil
	}); err != nil {
		return nil, nil, err
	}
	if hb == nil {
		return nil, nil, fmt.Errorf("%w: no header", store.ErrNotVault)
	}
	h, err := store.ParseHeader(hb)
	if err != nil {
		return nil, nil, err
	}
	return h, sealedState, nil
}

func unlock(db *store.DB, secret Secret, o Options) (*Vault, error) {
	h, sealedState, err := readHeader(db)
	if err != nil {
		return nil, err
	}
	kind, sec := store.SlotPassphrase, secret.Passphrase
	if secret.RecoveryCode != nil {
		kind = store.SlotRecovery
		if sec, err = crypto.NormalizeRecoveryCode(secret.RecoveryCode); err != nil {
			return nil, err
		}
		defer clear(sec)
	}
	slot := h.Slot(kind)
	if slot == nil {
		if kind == store.SlotRecovery {
			return nil, ErrNoRecoverySlot
		}
		return nil, fmt.Errorf("%w: no passphrase key slot", store.ErrDamagedHeader)
	}
	if err := checkSlotCost(slot.KDF, o); err != nil {
		return nil, err
	}
	kek, err := crypto.DeriveKey(sec, slot.Salt, slot.KDF)
	if err != nil {
		return nil, err
	}
	defer clear(kek)
	master, err := crypto.UnwrapKey(kek, slot.Wrapped, h.SlotAD(slot))
	if err != nil {
		return nil, ErrWrongSecret
	}
	return unlockWithMaster(db, h, sealedState, master, o)
}

// unlockWithMaster finishes an unlock once the master key is known: it
// derives the purpose keys and opens the sealed state (whose MAC proves
// the master key is this vault's). It owns master: on error it is wiped.
func unlockWithMaster(db *store.DB, h *store.Header, sealedState, master []byte, o Options) (*Vault, error) {
	keys, err := crypto.DeriveKeys(master)
	if err != nil {
		clear(master)
		return nil, err
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	v := &Vault{db: db, header: h, master: master, keys: keys, now: now}
	if sealedState == nil {
		v.wipe()
		return nil, fmt.Errorf("%w: the vault state is missing", ErrTampered)
	}
	if v.state, err = v.openState(sealedState); err != nil {
		v.wipe()
		return nil, err
	}
	return v, nil
}

// Close locks the vault: it wipes the keys it holds and releases the file.
func (v *Vault) Close() error {
	v.wipe()
	return v.db.Close()
}

// wipe overwrites the keys the vault holds.
func (v *Vault) wipe() {
	v.keys.Wipe()
	clear(v.master)
}

// ID returns the vault's random identifier (hex).
func (v *Vault) ID() string { return fmt.Sprintf("%x", v.header.VaultID) }

// Path returns the vault file's path.
func (v *Vault) Path() string { return v.db.Path() }

// Store returns the underlying store, for maintenance commands.
func (v *Vault) Store() *store.DB { return v.db }

// Keys returns the vault's purpose keys. They are wiped by Close.
func (v *Vault) Keys() *crypto.Keys { return v.keys }

// Now returns the vault's notion of the current time.
func (v *Vault) Now() time.Time { return v.now() }

// KDF returns the key derivation parameters of the passphrase slot.
func (v *Vault) KDF() crypto.KDFParams { return v.header.Slot(store.SlotPassphrase).KDF }

// ChangePassphrase rewraps the master key under a new passphrase in one
// transaction; no data is re-encrypted and the old passphrase stops working.
// The file is then compacted so that the old key slot is not left in a free
// page. Copies of the file made before the change still open with the old
// passphrase: the master key itself does not change.
// kdf zero keeps the current parameters.
func (v *Vault) ChangePassphrase(newPass []byte, kdf crypto.KDFParams) error {
	if len(newPass) == 0 {
		return errors.New("the new passphrase is empty")
	}
	if kdf == (crypto.KDFParams{}) {
		kdf = v.KDF()
	}
	h := *v.header
	h.Slots = append([]store.KeySlot(nil), v.header.Slots...)
	if err := setSlot(&h, store.SlotPassphrase, newPass, kdf, v.master); err != nil {
		return err
	}
	hb, err := h.MarshalBinary()
	if err != nil {
		return err
	}
	if err := v.Update(func(t *Tx) error {
		if cur := t.st.Header(); !bytes.Equal(cur, mustMarshal(v.header)) {
			return errors.New("the vault header changed while it was open")
		}
		if err := t.st.PutHeader(hb); err != nil {
			return err
		}
		t.log(HistoryEntry{Action: ActionPasswd})
		return nil
	}); err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	v.header = &h
	// The old slot now sits in a page bbolt freed but did not overwrite:
	// anyone with the old passphrase and a later copy of the file could
	// still unwrap the master key. Rewriting the file leaves it out.
	if _, err := v.db.Compact(); err != nil {
		return fmt.Errorf("the passphrase was changed, but the old key slot may remain in the file's free space until 'vault compact' succeeds: %w", err)
	}
	return nil
}

func mustMarshal(h *store.Header) []byte {
	b, _ := h.MarshalBinary()
	return b
}
