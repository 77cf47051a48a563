// Package current keeps the current claim of each vault file: the claim a
// user chose with `vault use NAME`, so that commands taking a claim need not
// be told it every time. It is per-user state outside the vault, in the
// state folder ($XDG_STATE_HOME/vault), and holds only the claim's random ID
// keyed by the vault file's absolute path: no name or other text the user
// typed, so nothing of the vault's content is written unencrypted.
package current

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// fileName is the state file inside the state folder.
const fileName = "current-claims.json"

// Store reads and writes the current claims kept in one state folder.
type Store struct {
	dir string
}

// New returns the store kept in dir (created 0700 on the first write): the
// state folder, integrity.StateDir, which the rollback check shares.
func New(dir string) *Store { return &Store{dir: dir} }

// key names a vault file in the state: its absolute, cleaned path.
func key(vaultPath string) (string, error) {
	p, err := filepath.Abs(vaultPath)
	if err != nil {
		return "", fmt.Errorf("the vault's path: %w", err)
	}
	return p, nil
}

// Get returns the ID of the current claim of the vault file at vaultPath,
// or "" when none is set.
func (s *Store) Get(vaultPath string) (string, error) {
	k, err := key(vaultPath)
	if err != nil {
		return "", err
	}
	m, err := s.read()
	if err != nil {
		return "", err
	}
	return m[k], nil
}

// Set makes claimID the current claim of the vault file at vaultPath; ""
// clears it.
func (s *Store) Set(vaultPath, claimID string) error {
	k, err := key(vaultPath)
	if err != nil {
		return err
	}
	m, err := s.read()
	if err != nil {
		return err
	}
	if claimID == "" {
		delete(m, k)
	} else {
		m[k] = claimID
	}
	return s.write(m)
}

func (s *Store) read() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(filepath.Join(s.dir, fileName))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the current claim: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("the current-claim file %s is damaged (%v): remove it, then choose the claim again with 'vault use NAME'", filepath.Join(s.dir, fileName), err)
	}
	return m, nil
}

// write replaces the state file atomically: a temporary file beside it,
// synced, renamed over it.
func (s *Store) write(m map[string]string) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("create the state folder: %w", err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, "."+fileName+".*")
	if err != nil {
		return fmt.Errorf("write the current claim: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(s.dir, fileName))
	}
	if err != nil {
		return fmt.Errorf("write the current claim: %w: it is as before", err)
	}
	return nil
}
