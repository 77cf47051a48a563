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

// isTempOf reports whether name is a file an export to dest leaves beside
// it while it runs: a temporary bundle (the destination's name after a dot,
// then ".tmp-" and 16 hex digits) or, with --force, the file being replaced,
// kept aside until the export is recorded (".old-" instead of ".tmp-").
// They are never named like the destination, so an export killed midway
// leaves no file that passes for the bundle. (File names need not be UTF-8:
// this compares bytes.)
func isTempOf(name, dest string) bool {
	rest, ok := strings.CutPrefix(name, "."+filepath.Base(dest))
	if !ok {
		return false
	}
	suffix, ok := strings.CutPrefix(rest, tmpTag)
	if !ok {
		suffix, ok = strings.CutPrefix(rest, oldTag)
	}
	if !ok || len(suffix) != 16 {
		return false
	}
	_, err := hex.DecodeString(suffix)
	return err == nil && strings.ToLower(suffix) == suffix
}

// What isTempOf looks for after the destination's name.
const (
	tmpTag = ".tmp-"
	oldTag = ".old-"
)

// besideName returns a new name beside dest for a file of an export to it:
// tag is tmpTag or oldTag.
func besideName(dest, tag string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+tag+hex.EncodeToString(b))
}

// removeStale removes the files that earlier exports to dest left when they
// were killed (a crash cannot run their clean-up): temporary bundles, and
// files that --force was replacing (the user asked to replace them). The
// vault is open for writing while exporting, so no other export of this
// vault can be using one. It returns the names removed.
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
		f, err := os.OpenFile(besideName(dest, tmpTag), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
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

// placement is a bundle put at its destination, not yet final: undo takes
// it back out (putting back the file it replaced), commit makes it final.
type placement struct {
	dest string
	// bundle is the bundle's file, to recognise it at dest. It is held
	// open until commit or undo, so that its inode cannot be reused by
	// another file meanwhile (which would fool os.SameFile).
	bundle *os.File
	info   os.FileInfo
	// backup is the file that --force replaced, kept aside until commit;
	// "" when none was replaced.
	backup string
}

// place puts the complete temporary bundle tmp at dest and syncs the folder
// so that the new name survives a crash. Without force it never replaces a
// file, even one that appeared meanwhile: it links (which fails when dest
// exists) and falls back to a checked rename where links are unsupported.
// With force an existing file is first kept aside under an ".old-" name (a
// second link, so that dest is never missing; a rename where links are
// unsupported), then the bundle is renamed over dest.
func place(tmp, dest string, force bool) (_ *placement, err error) {
	held, err := os.Open(tmp)
	if err != nil {
		return nil, fmt.Errorf("move the bundle to %s: %w", dest, err)
	}
	defer func() {
		if err != nil {
			held.Close()
		}
	}()
	st, err := held.Stat()
	if err != nil {
		return nil, fmt.Errorf("move the bundle to %s: %w", dest, err)
	}
	pl := &placement{dest: dest, bundle: held, info: st}
	if force {
		if err := pl.keepOld(); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, dest); err != nil {
			if pl.backup != "" && !pl.putBack() {
				return nil, fmt.Errorf("move the bundle to %s: %w (the file it was to replace is kept as %s)", dest, err, pl.backup)
			}
			return nil, fmt.Errorf("move the bundle to %s: %w", dest, err)
		}
	} else {
		err := os.Link(tmp, dest)
		switch {
		case err == nil:
			_ = os.Remove(tmp)
		case errors.Is(err, fs.ErrExist):
			return nil, fmt.Errorf("%w: %s: nothing was written (give --force to replace it)", ErrOutputExists, dest)
		case linkUnsupported(err):
			if _, err := os.Lstat(dest); err == nil {
				return nil, fmt.Errorf("%w: %s: nothing was written (give --force to replace it)", ErrOutputExists, dest)
			}
			if err := os.Rename(tmp, dest); err != nil {
				return nil, fmt.Errorf("move the bundle to %s: %w", dest, err)
			}
		default:
			return nil, fmt.Errorf("move the bundle to %s: %w", dest, err)
		}
	}
	syncDir(dest)
	return pl, nil
}

// keepOld keeps the file at dest aside, so that undo can put it back.
func (pl *placement) keepOld() error {
	st, err := os.Lstat(pl.dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("output file %s: %w", pl.dest, err)
	case st.IsDir():
		return fmt.Errorf("cannot write %s: it is a folder", pl.dest)
	}
	backup := besideName(pl.dest, oldTag)
	err = os.Link(pl.dest, backup)
	if linkUnsupported(err) {
		err = os.Rename(pl.dest, backup)
	}
	if err != nil {
		return fmt.Errorf("keep %s aside while it is replaced: %w", pl.dest, err)
	}
	pl.backup = backup
	return nil
}

// putBack moves the kept file back to dest, over whatever is there; when
// dest is still that very file (a second link) it only drops the backup. It
// reports whether the backup is gone.
func (pl *placement) putBack() bool {
	old, err := os.Lstat(pl.backup)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	if cur, err := os.Lstat(pl.dest); err == nil && os.SameFile(cur, old) {
		return os.Remove(pl.backup) == nil
	}
	return os.Rename(pl.backup, pl.dest) == nil
}

// undo takes the bundle back out of dest: it puts back the file --force
// replaced, or removes the bundle (only if dest is still the bundle).
func (pl *placement) undo() error {
	defer pl.bundle.Close()
	defer syncDir(pl.dest)
	if pl.backup != "" {
		if !pl.putBack() {
			return fmt.Errorf("the file it replaced is kept as %s: move it back to %s", pl.backup, pl.dest)
		}
		return nil
	}
	cur, err := os.Lstat(pl.dest)
	if err != nil || !os.SameFile(cur, pl.info) {
		return nil // not the bundle (any more): not ours to remove
	}
	return os.Remove(pl.dest)
}

// commit makes the placed bundle final: the file it replaced is dropped.
func (pl *placement) commit() {
	pl.bundle.Close()
	if pl.backup != "" {
		_ = os.Remove(pl.backup)
	}
}

// linkUnsupported reports whether a hard link failed because the file
// system does not do links (rather than because of the names).
func linkUnsupported(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EXDEV) ||
		errors.Is(err, syscall.EMLINK) || errors.Is(err, syscall.ENOSYS)
}

// syncDir syncs the folder of path, so that a name just made or removed in
// it survives a crash.
func syncDir(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
