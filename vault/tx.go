package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"vault/crypto"
	"vault/store"
)

// Action names a kind of change in the history.
type Action string

// History actions.
const (
	ActionInit   Action = "init"
	ActionPasswd Action = "passwd"
	ActionAdd    Action = "add"
	ActionEdit   Action = "edit"
	ActionStatus Action = "status"
	ActionRemove Action = "remove"
	ActionExport Action = "export"
	// ActionAcceptRollback records that the user accepted the file as it
	// is, though a later generation of it (or another history) was seen:
	// `vault verify --accept-rollback`.
	ActionAcceptRollback Action = "accept-rollback"
)

// HistoryEntry is one change, appended to the vault's hash-chained history.
type HistoryEntry struct {
	Seq        uint64    `json:"seq"`
	At         time.Time `json:"at"`
	Action     Action    `json:"action"`
	RecordID   string    `json:"record_id,omitempty"`
	RecordType Type      `json:"record_type,omitempty"`
	ClaimID    string    `json:"claim_id,omitempty"`
	Note       string    `json:"note,omitempty"`
	Before     []byte    `json:"before,omitempty"`      // the record's plaintext before the change (see BeforeRecord)
	RecordHash string    `json:"record_hash,omitempty"` // SHA-256 of the sealed record written
}

// State is the vault's integrity state, sealed in the meta bucket and
// rewritten by every write transaction.
type State struct {
	Generation  uint64    `json:"generation"`   // +1 for every write transaction
	HistoryLen  uint64    `json:"history_len"`  // number of history entries
	HistoryHead string    `json:"history_head"` // hex HMAC chain value after the last entry
	Updated     time.Time `json:"updated"`
}

// State returns the integrity state as of the last write.
func (v *Vault) State() State { return v.state }

var stateKey = []byte(store.StateKey)

func (v *Vault) openState(sealed []byte) (State, error) {
	var s State
	pt, err := crypto.OpenRecord(v.keys.Records, store.BucketMeta, stateKey, sealed)
	if err != nil {
		return s, fmt.Errorf("%w: vault state", ErrTampered)
	}
	if err := unmarshal(pt, &s); err != nil {
		return s, fmt.Errorf("%w: vault state: %v", ErrTampered, err)
	}
	return s, nil
}

// ChainNext returns the history chain value after an entry:
// HMAC-SHA-256(integrity key, prev || seq (8 bytes big-endian) || SHA-256(sealed entry)).
func ChainNext(integrityKey, prev []byte, seq uint64, sealedEntry []byte) []byte {
	m := hmac.New(sha256.New, integrityKey)
	m.Write(prev)
	m.Write(binary.BigEndian.AppendUint64(nil, seq))
	sum := sha256.Sum256(sealedEntry)
	m.Write(sum[:])
	return m.Sum(nil)
}

// Tx is a write transaction on the vault: records put and deleted in it, and
// the history entries that describe them, commit together or not at all.
type Tx struct {
	v       *Vault
	st      *store.Tx
	entries []HistoryEntry
	puts    map[string]Record
	dels    map[string]bool
	state   State
}

func (v *Vault) newTx(st *store.Tx) *Tx {
	return &Tx{v: v, st: st, puts: map[string]Record{}, dels: map[string]bool{}}
}

// Update runs fn in one write transaction. When fn returns an error, or the
// commit fails, nothing is written, and the error matches ErrNothingChanged.
func (v *Vault) Update(fn func(*Tx) error) error {
	var t *Tx
	err := v.db.Update(func(st *store.Tx) error {
		t = v.newTx(st)
		if err := fn(t); err != nil {
			return err
		}
		return t.commit()
	})
	if err != nil {
		// bbolt rolled the transaction back: the file holds what it held.
		return Unchanged(err)
	}
	v.state = t.state
	if v.cache != nil {
		for id := range t.dels {
			v.cache.delete(id)
		}
		for _, r := range t.puts {
			v.cache.put(r)
		}
	}
	return nil
}

// Store returns the transaction's store, for blob maintenance.
func (t *Tx) Store() *store.Tx { return t.st }

// Now returns the transaction's notion of the current time.
func (t *Tx) Now() time.Time { return t.v.now() }

// current returns the record as the transaction sees it, or nil.
func (t *Tx) current(id string) (Record, error) {
	if t.dels[id] {
		return nil, nil
	}
	if r, ok := t.puts[id]; ok {
		return r, nil
	}
	return t.v.readRecord(t.st, id)
}

// Get returns the record with the exact id as this transaction sees it.
func (t *Tx) Get(id string) (Record, error) {
	r, err := t.current(id)
	if err == nil && r == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return r, err
}

// Put seals and stores a record, and logs the change with what the record
// was before. Putting a document marks its blob as referenced.
func (t *Tx) Put(r Record, action Action, note string) error {
	id := r.RecordID()
	if id == "" {
		return errors.New("record has no ID")
	}
	before, err := t.current(id)
	if err != nil {
		return err
	}
	pt, err := encodeRecord(r)
	if err != nil {
		return err
	}
	sealed, err := crypto.SealRecord(t.v.keys.Records, store.BucketRecords, []byte(id), pt)
	clear(pt)
	if err != nil {
		return err
	}
	if err := t.st.PutRecord([]byte(id), sealed); err != nil {
		return fmt.Errorf("store record: %w", err)
	}
	if d, ok := r.(*Document); ok {
		if err := t.st.ClearPending(d.Blob); err != nil {
			return err
		}
	}
	e := HistoryEntry{Action: action, RecordID: id, RecordType: r.RecordType(), ClaimID: r.ClaimID(), Note: note}
	if before != nil {
		if e.Before, err = encodeRecord(before); err != nil {
			return err
		}
	}
	sum := sha256.Sum256(sealed)
	e.RecordHash = hex.EncodeToString(sum[:])
	t.log(e)
	delete(t.dels, id)
	t.puts[id] = r
	return nil
}

// Delete removes a record (and a document's chunks) and logs what it was.
func (t *Tx) Delete(id string, note string) error {
	r, err := t.current(id)
	if err != nil {
		return err
	}
	if r == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err := t.st.DeleteRecord([]byte(id)); err != nil {
		return fmt.Errorf("delete record: %w", err)
	}
	if d, ok := r.(*Document); ok {
		if err := t.st.DeleteBlob(d.Blob); err != nil {
			return fmt.Errorf("delete document chunks: %w", err)
		}
	}
	before, err := encodeRecord(r)
	if err != nil {
		return err
	}
	t.log(HistoryEntry{Action: ActionRemove, RecordID: id, RecordType: r.RecordType(), ClaimID: r.ClaimID(), Note: note, Before: before})
	delete(t.puts, id)
	t.dels[id] = true
	return nil
}

// log queues a history entry; commit numbers, seals and chains it.
func (t *Tx) log(e HistoryEntry) { t.entries = append(t.entries, e) }

// commit appends the queued history entries and writes the next state.
func (t *Tx) commit() error {
	s := t.v.state
	head, err := hex.DecodeString(s.HistoryHead)
	if err != nil {
		return fmt.Errorf("%w: history head", ErrTampered)
	}
	if s.HistoryLen == 0 {
		head = make([]byte, sha256.Size)
	}
	now := t.v.now().UTC()
	for _, e := range t.entries {
		e.Seq = s.HistoryLen
		e.At = now
		pt, err := marshal(e)
		if err != nil {
			return fmt.Errorf("encode history: %w", err)
		}
		key := store.SeqKey(e.Seq)
		sealed, err := crypto.SealRecord(t.v.keys.Records, store.BucketHistory, key, pt)
		clear(pt)
		if err != nil {
			return err
		}
		if err := t.st.AppendHistory(e.Seq, sealed); err != nil {
			return fmt.Errorf("append history: %w", err)
		}
		head = ChainNext(t.v.keys.Integrity, head, e.Seq, sealed)
		s.HistoryLen++
	}
	s.Generation++
	s.HistoryHead = hex.EncodeToString(head)
	s.Updated = now
	pt, err := marshal(s)
	if err != nil {
		return err
	}
	sealed, err := crypto.SealRecord(t.v.keys.Records, store.BucketMeta, stateKey, pt)
	if err != nil {
		return err
	}
	if err := t.st.PutState(sealed); err != nil {
		return fmt.Errorf("write vault state: %w", err)
	}
	t.state = s
	return nil
}

// History returns every history entry, oldest first, after checking the
// chain against the state. A broken chain is ErrTampered.
func (v *Vault) History() ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := v.db.View(func(st *store.Tx) error {
		head := make([]byte, sha256.Size)
		var n uint64
		err := st.ForEachHistory(func(k, sealed []byte) error {
			if len(k) != 8 || binary.BigEndian.Uint64(k) != n {
				return fmt.Errorf("%w: history entry %d is missing or out of place", ErrTampered, n)
			}
			pt, err := crypto.OpenRecord(v.keys.Records, store.BucketHistory, k, sealed)
			if err != nil {
				return fmt.Errorf("%w: history entry %d", ErrTampered, n)
			}
			var e HistoryEntry
			if err := unmarshal(pt, &e); err != nil || e.Seq != n {
				return fmt.Errorf("%w: history entry %d is malformed", ErrTampered, n)
			}
			head = ChainNext(v.keys.Integrity, head, n, sealed)
			out = append(out, e)
			n++
			return nil
		})
		if err != nil {
			return err
		}
		if n != v.state.HistoryLen || hex.EncodeToString(head) != v.state.HistoryHead {
			return fmt.Errorf("%w: the history does not match the vault state (%d entries, state says %d)", ErrTampered, n, v.state.HistoryLen)
		}
		return nil
	})
	return out, err
}

// AcceptRollback records in the history that the user accepted this copy of
// the vault file although a later one was seen; note says what was seen.
// The rollback check then compares later openings with this copy.
func (v *Vault) AcceptRollback(note string) error {
	return v.Update(func(t *Tx) error {
		t.log(HistoryEntry{Action: ActionAcceptRollback, Note: note})
		return nil
	})
}
