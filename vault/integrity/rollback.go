package integrity

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// Rollback evidence. Every write transaction increments the vault's
// generation, which lives in the sealed (authenticated) state. A copy of the
// whole file from an earlier day is still authentic, so it cannot be caught
// from inside the file: the last generation seen of each vault is kept
// outside it, in $XDG_STATE_HOME/vault/<vault-id>.json, and compared at every
// opening. The history's MAC chain value at that point is kept too: a file
// rolled back and then written to again reaches the old generation number,
// but not the old history.

// maxStateFile bounds the state file read.
const maxStateFile = 4096

// Seen is what the state file remembers of one vault.
type Seen struct {
	VaultID     string    `json:"vault_id"`     // hex vault ID
	Generation  uint64    `json:"generation"`   // the vault's generation when last closed
	HistoryLen  uint64    `json:"history_len"`  // its number of history entries then
	HistoryHead string    `json:"history_head"` // the history chain value after them (hex)
	Recorded    time.Time `json:"recorded"`     // when
}

// StateDir returns the folder of the rollback state files:
// $XDG_STATE_HOME/vault when XDG_STATE_HOME is an absolute path, else
// $HOME/.local/state/vault.
func StateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "vault"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", errors.New("cannot find the home folder for the rollback state file: set XDG_STATE_HOME or HOME")
		}
	}
	return filepath.Join(home, ".local", "state", "vault"), nil
}

// validVaultID reports whether id is a vault ID as v.ID() prints it: hex of
// store.VaultIDSize bytes. It is part of a file name.
func validVaultID(id string) bool {
	b, err := hex.DecodeString(id)
	return err == nil && len(b) == store.VaultIDSize && hex.EncodeToString(b) == id
}

// statePath returns the state file of a vault.
func statePath(dir, vaultID string) (string, error) {
	if !validVaultID(vaultID) {
		return "", fmt.Errorf("malformed vault ID %q", vaultID)
	}
	return filepath.Join(dir, vaultID+".json"), nil
}

// ParseSeen decodes a state file for the vault vaultID, checking its fields.
func ParseSeen(b []byte, vaultID string) (Seen, error) {
	var s Seen
	if len(b) > maxStateFile {
		return s, fmt.Errorf("the state file is %d bytes, more than %d", len(b), maxStateFile)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Seen{}, fmt.Errorf("the state file is not valid JSON: %w", err)
	}
	if s.VaultID != vaultID {
		return Seen{}, fmt.Errorf("the state file is about vault %q, not %q", s.VaultID, vaultID)
	}
	if s.HistoryHead != "" {
		h, err := hex.DecodeString(s.HistoryHead)
		if err != nil || len(h) != sha256.Size {
			return Seen{}, errors.New("the state file's history head is malformed")
		}
	}
	return s, nil
}

// Marshal encodes the state file.
func (s Seen) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// LoadSeen reads the state file of a vault; ok is false when there is none.
func LoadSeen(dir, vaultID string) (s Seen, ok bool, err error) {
	p, err := statePath(dir, vaultID)
	if err != nil {
		return s, false, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("read the rollback state file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil {
		return s, false, fmt.Errorf("read the rollback state file %s: %w", p, err)
	}
	if s, err = ParseSeen(b, vaultID); err != nil {
		return s, false, fmt.Errorf("%s: %w", p, err)
	}
	return s, true, nil
}

// SaveSeen writes the state file of a vault atomically (a temporary file in
// the same folder, synced, renamed over it, the folder synced), mode 0600 in
// a folder of mode 0700. Temporary files that an earlier process killed
// while writing the same state file left are removed first. vaultPath is the
// vault file the state describes, which the state file may never replace.
func SaveSeen(dir, vaultPath string, s Seen) error {
	p, err := statePath(dir, s.VaultID)
	if err != nil {
		return err
	}
	b, err := s.Marshal()
	if err != nil {
		return fmt.Errorf("write the rollback state file: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the rollback state folder: %w", err)
	}
	pattern := "." + s.VaultID + ".json.tmp-*"
	store.RemoveStaleTemps(p, pattern)
	tmp, err := store.CreateTempBeside(p, pattern)
	if err != nil {
		return fmt.Errorf("write the rollback state file: %w", err)
	}
	tmpName := tmp.Name()
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = store.Place(tmpName, p, vaultPath, true)
	}
	tmp.Close()
	if err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("write the rollback state file %s: %w", p, err)
	}
	return nil
}

// seenNow describes the vault as it is now.
func seenNow(v *vault.Vault) Seen {
	st := v.State()
	return Seen{VaultID: v.ID(), Generation: st.Generation, HistoryLen: st.HistoryLen, HistoryHead: st.HistoryHead, Recorded: v.Now().UTC()}
}

// RecordGeneration remembers the vault's current generation and history in
// its state file in dir. Call it after every command that opened the vault,
// before closing it (while the vault's lock is held, so that two processes
// record in the order they used the vault). When the state file already
// holds this generation and history (a command that changed nothing), it is
// left as it is: a read-only command costs one small read, not a rewrite and
// two syncs. Recorded is then when this generation was first recorded.
func RecordGeneration(dir string, v *vault.Vault) error {
	cur := seenNow(v)
	if seen, ok, err := LoadSeen(dir, cur.VaultID); err == nil && ok && sameState(seen, cur) {
		return nil
	}
	return SaveSeen(dir, v.Path(), cur)
}

// sameState reports whether two records of a vault say the same about it
// (whenever they were recorded).
func sameState(a, b Seen) bool {
	return a.VaultID == b.VaultID && a.Generation == b.Generation && a.HistoryLen == b.HistoryLen && a.HistoryHead == b.HistoryHead
}

// CheckRollback compares the vault with what its state file in dir
// remembers. It returns a one-line warning (without a "vault: warning: "
// prefix) when the generation went backwards, or when the history is not a
// continuation of the one seen (the file was replaced by another copy and
// then written to), and "" when all is well or the vault was never seen.
// A state file that cannot be read is an error; the caller should show it
// as a warning and carry on.
//
// In the common case, a vault with as many history entries as when it was
// last seen, it compares the chain value in the vault's state (sealed, so
// authentic) with the one seen, and reads no history entry. Only when the
// vault moved ahead does it recompute the chain over the entries seen, to
// check that the new history continues the old one.
func CheckRollback(dir string, v *vault.Vault) (string, error) {
	seen, ok, err := LoadSeen(dir, v.ID())
	if err != nil || !ok {
		return "", err
	}
	cur := seenNow(v)
	when := seen.Recorded.Format("2006-01-02 15:04 MST")
	if cur.Generation < seen.Generation {
		return fmt.Sprintf("this vault is at generation %d but generation %d was seen on %s: the file may have been replaced by an older copy, and changes made since then are not in it (repeated at every opening until this copy is accepted with 'vault verify --accept-rollback')",
			cur.Generation, seen.Generation, when), nil
	}
	if seen.HistoryHead == "" {
		return "", nil
	}
	var forked bool
	switch {
	case cur.HistoryLen < seen.HistoryLen:
		forked = true
	case cur.HistoryLen == seen.HistoryLen:
		forked = cur.HistoryHead != seen.HistoryHead
	default:
		head, err := chainAt(v, seen.HistoryLen)
		if err != nil {
			return fmt.Sprintf("the history could not be compared with the one seen on %s (%v): run 'vault verify'", when, err), nil
		}
		forked = head != seen.HistoryHead
	}
	if forked {
		return fmt.Sprintf("this vault's history (generation %d) does not continue the one seen at generation %d on %s: the file may have been replaced by another copy, and changes made in between are not in it (repeated at every opening until this copy is accepted with 'vault verify --accept-rollback')",
			cur.Generation, seen.Generation, when), nil
	}
	return "", nil
}

// chainAt returns the history chain value (hex) after the first n entries.
func chainAt(v *vault.Vault, n uint64) (string, error) {
	head := make([]byte, sha256.Size)
	if n == 0 {
		return hex.EncodeToString(head), nil
	}
	errStop := errors.New("stop")
	var i uint64
	err := v.Store().SafeView(func(st *store.Tx) error {
		return st.ForEachHistory(func(k, sealed []byte) error {
			if len(k) != 8 || binary.BigEndian.Uint64(k) != i {
				return fmt.Errorf("history entry %d is missing", i)
			}
			// A damaged entry would change the chain too: say so rather
			// than call it another copy's history.
			if _, err := crypto.OpenRecord(v.Keys().Records, store.BucketHistory, k, sealed); err != nil {
				return fmt.Errorf("history entry %d does not decrypt", i)
			}
			head = vault.ChainNext(v.Keys().Integrity, head, i, sealed)
			i++
			if i == n {
				return errStop
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errStop) {
		return "", err
	}
	if i < n {
		return "", fmt.Errorf("the history has %d entries, fewer than %d", i, n)
	}
	return hex.EncodeToString(head), nil
}
