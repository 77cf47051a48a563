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

	"vault/store"
)

// ErrOutputExists reports a destination that exists when --force is not
// given.
var ErrOutputExists = errors.New("the output file already exists")

// checkDest returns the destination's absolute path after checking that a
// bundle can be written there: its folder exists, and it is not a folder
// itself, nor an existing file unless force, nor the vault at vaultPath.
func checkDest(dest, vaultPath string, force bool) (string, error) {
	if dest == "" {
		return "", errors.New("no output file: give -o OUT.zip")
	}
	if err := store.RefuseVault(dest, vaultPath); err != nil {
		return "", err
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

// The files an export to dest leaves beside it while it runs, named by
// these store.CreateTempBeside patterns (the "*" stands for 16 random hex
// digits): the temporary bundle, and with --force the file being replaced,
// kept aside until the export is recorded. They are never named like the
// destination, so an export killed midway leaves no file that passes for
// the bundle.
func tmpPattern(dest string) string { return "." + filepath.Base(dest) + ".tmp-*" }
func oldPattern(dest string) string { return "." + filepath.Base(dest) + ".old-*" }

// removeStale removes the files that earlier exports to dest left when they
// were killed (a crash cannot run their clean-up): temporary bundles no
// process is writing (store.RemoveStaleTemps), and files that --force was
// replacing (the user asked to replace them). It returns the names removed.
func removeStale(dest string) []string {
	return append(store.RemoveStaleTemps(dest, tmpPattern(dest)), store.RemoveStaleTemps(dest, oldPattern(dest))...)
}

// createTemp creates the temporary bundle beside dest: new, empty, readable
// by its owner only, and locked against removeStale while it is open.
func createTemp(dest string) (*os.File, error) {
	return store.CreateTempBeside(dest, tmpPattern(dest))
}

// placement is a bundle put at its destination, not yet final: undo takes
// it back out (putting back the file it replaced), commit makes it final.
type placement struct {
	dest string
	// bundle is the bundle's file, still open: it keeps the inode from
	// being reused by another file before commit or undo (which would fool
	// os.SameFile), and the temporary file's lock while it has its name.
	bundle *os.File
	info   os.FileInfo
	// backup is the file that --force replaced, kept aside until commit;
	// "" when none was replaced.
	backup string
}

// place puts the complete, synced temporary bundle f at dest with
// store.Place: without force it never replaces a file, even one that
// appeared meanwhile. With force an existing file is first kept aside under
// an oldPattern name (a second link, so that dest is never missing; a
// rename where links fail), then the bundle is renamed over dest. f stays
// open until commit or undo; on error the caller closes it and removes it.
func place(f *os.File, dest, vaultPath string, force bool) (*placement, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("move the bundle to %s: %w", dest, err)
	}
	pl := &placement{dest: dest, bundle: f, info: st}
	if force {
		if err := pl.keepOld(); err != nil {
			return nil, err
		}
	}
	if err := store.Place(f.Name(), dest, vaultPath, force); err != nil {
		// Place may fail after the bundle took dest's name (the folder's
		// sync failed): take it back out all the same.
		if uerr := pl.takeBack(); uerr != nil {
			return nil, fmt.Errorf("%w (and %v)", err, uerr)
		}
		if errors.Is(err, store.ErrExists) {
			return nil, fmt.Errorf("%w: %s: nothing was written (give --force to replace it)", ErrOutputExists, dest)
		}
		return nil, err
	}
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
	backup := besideName(oldPattern(pl.dest), pl.dest)
	if err := os.Link(pl.dest, backup); err != nil {
		// No hard links here: move it aside instead (dest is then
		// missing until the bundle takes its place).
		if err := os.Rename(pl.dest, backup); err != nil {
			return fmt.Errorf("keep %s aside while it is replaced: %w", pl.dest, err)
		}
	}
	pl.backup = backup
	return nil
}

// besideName fills pattern's "*" with 16 random hex digits, in dest's folder.
func besideName(pattern, dest string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return filepath.Join(filepath.Dir(dest), strings.Replace(pattern, "*", hex.EncodeToString(b), 1))
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

// undo takes the bundle back out of dest (takeBack) and closes it.
func (pl *placement) undo() error {
	defer pl.bundle.Close()
	return pl.takeBack()
}

// takeBack takes the bundle back out of dest: it puts back the file --force
// replaced, or removes the bundle (only if dest is still the bundle).
func (pl *placement) takeBack() error {
	defer store.SyncDir(filepath.Dir(pl.dest))
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
