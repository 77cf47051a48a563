package export

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrOutputExists reports a destination that exists when --force is not
// given.
var ErrOutputExists = errors.New("the output file already exists")

// checkDest returns the destination's absolute path after checking that a
// bundle can be written there: its folder exists, and it is not a folder
// itself, nor an existing file unless force.
func checkDest(dest string, force bool) (string, error) {
	if dest == "" {
		return "", errors.New("no output file: give -o OUT.zip")
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return "", fmt.Errorf("output file %s: %w", dest, err)
	}
	st, err := os.Stat(filepath.Dir(abs))
	if err != nil || !st.IsDir() {
		return "", fmt.Errorf("cannot write %s: the folder %s does not exist", dest, filepath.Dir(dest))
	}
	st, err = os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return abs, nil
	case err != nil:
		return "", fmt.Errorf("output file %s: %w", dest, err)
	case st.IsDir():
		return "", fmt.Errorf("cannot write %s: it is a folder", dest)
	case !force:
		return "", fmt.Errorf("%w: %s: nothing was written (give --force to replace it)", ErrOutputExists, dest)
	}
	return abs, nil
}

// isTempOf reports whether name is a temporary file of an export to dest:
// the destination's name after a dot, then ".tmp-" and 16 hex digits. They
// are never named like the destination, so an export killed midway leaves no
// file that passes for the bundle. (File names need not be UTF-8: this
// compares bytes.)
func isTempOf(name, dest string) bool {
	suffix, ok := strings.CutPrefix(name, "."+filepath.Base(dest)+".tmp-")
	if !ok || len(suffix) != 16 {
		return false
	}
	_, err := hex.DecodeString(suffix)
	return err == nil && strings.ToLower(suffix) == suffix
}

// tempName returns a new temporary file name beside dest.
func tempName(dest string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".tmp-"+hex.EncodeToString(b))
}

// removeStale removes the temporary files that earlier exports to dest left
// when they were killed (a crash cannot run their clean-up). The vault is
// open for writing while exporting, so no other export of this vault can be
// writing one. It returns the names removed.
func removeStale(dest string) []string {
	dir := filepath.Dir(dest)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && isTempOf(e.Name(), dest) {
			if os.Remove(filepath.Join(dir, e.Name())) == nil {
				out = append(out, e.Name())
			}
		}
	}
	return out
}

// createTemp creates a new, empty temporary file beside dest, readable by
// its owner only.
func createTemp(dest string) (*os.File, error) {
	for range 3 {
		f, err := os.OpenFile(tempName(dest), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create a temporary file beside %s: %w", dest, err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("create a temporary file beside %s: too many name collisions", dest)
}

// place moves the complete temporary file to dest. Without force it never
// replaces a file that appeared meanwhile: it links (which fails when dest
// exists) and falls back to a checked rename where links are unsupported.
// It syncs the folder so that the new name survives a crash.
func place(tmp, dest string, force bool) error {
	if force {
		if err := os.Rename(tmp, dest); err != nil {
			return fmt.Errorf("move the bundle to %s: %w", dest, err)
		}
	} else {
		err := os.Link(tmp, dest)
		switch {
		case err == nil:
			_ = os.Remove(tmp)
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("%w: %s: nothing was written (give --force to replace it)", ErrOutputExists, dest)
		case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.EXDEV),
			errors.Is(err, syscall.EMLINK), errors.Is(err, syscall.ENOSYS):
			if _, err := os.Lstat(dest); err == nil {
				return fmt.Errorf("%w: %s: nothing was written (give --force to replace it)", ErrOutputExists, dest)
			}
			if err := os.Rename(tmp, dest); err != nil {
				return fmt.Errorf("move the bundle to %s: %w", dest, err)
			}
		default:
			return fmt.Errorf("move the bundle to %s: %w", dest, err)
		}
	}
	if d, err := os.Open(filepath.Dir(dest)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
