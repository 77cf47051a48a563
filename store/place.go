package store

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

// Writing a file so that it is never seen half-written: create a temporary
// file beside the destination (CreateTempBeside), write and sync it, then
// move it into place (Place). A process killed midway leaves only the
// temporary file, which RemoveStaleTemps removes at the next write to the
// same destination.

// tempRandLen is the number of random hex digits in a temporary file's name.
const tempRandLen = 16

// CreateTempBeside creates a new, empty file, mode 0600, in dst's folder,
// named by pattern with its last "*" replaced by 16 random lowercase hex
// digits (appended when pattern has no "*"). pattern is a file name, not a
// path. The file holds a shared lock while the returned *os.File stays open
// (where the system has flock(2)), so that RemoveStaleTemps leaves it alone
// while it is being written; a process that dies loses the lock with it.
// Another process opening the file for reading (bbolt read-only) is not
// hindered; one opening it for writing with an exclusive lock (bbolt) must
// wait until it is closed.
func CreateTempBeside(dst, pattern string) (*os.File, error) {
	if strings.ContainsRune(pattern, os.PathSeparator) || strings.ContainsRune(pattern, '/') {
		return nil, fmt.Errorf("create a temporary file beside %s: the pattern %q is not a file name", dst, pattern)
	}
	dir := filepath.Dir(dst)
	for range 3 {
		name := filepath.Join(dir, tempName(pattern))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create a temporary file in %s: %w", dir, unwrapPath(err))
		}
		if err := lockShared(f); err != nil {
			f.Close()
			os.Remove(name)
			return nil, fmt.Errorf("lock the temporary file %s: %w", name, err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("create a temporary file in %s: too many name collisions", dir)
}

// tempName fills pattern's last "*" with random hex digits.
func tempName(pattern string) string {
	b := make([]byte, tempRandLen/2)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	r := hex.EncodeToString(b)
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		return pattern[:i] + r + pattern[i+1:]
	}
	return pattern + r
}

// IsTempName reports whether name (a file name, not a path) is one that
// CreateTempBeside could have given for pattern: the pattern's last "*"
// stands for exactly 16 lowercase hex digits. File names need not be
// UTF-8: this compares bytes.
func IsTempName(name, pattern string) bool {
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	if len(name) != len(prefix)+tempRandLen+len(suffix) || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
		return false
	}
	for _, c := range []byte(name[len(prefix) : len(prefix)+tempRandLen]) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// RemoveStaleTemps removes the temporary files named by pattern (see
// IsTempName) in dst's folder that no process is writing: those left by a
// process killed before it could remove them. A file still open by the
// CreateTempBeside that made it is locked, and left alone; only regular
// files are considered. It returns the names removed. A folder that cannot
// be read is not an error: there is then nothing it could remove.
func RemoveStaleTemps(dst, pattern string) []string {
	dir := filepath.Dir(dst)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTempName(e.Name(), pattern) {
			continue
		}
		if removeIfUnlocked(filepath.Join(dir, e.Name())) {
			removed = append(removed, e.Name())
		}
	}
	return removed
}

// removeIfUnlocked removes path if an exclusive lock on it can be taken
// without waiting, and the path still names the file locked.
func removeIfUnlocked(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if !tryLockExclusive(f) {
		return false
	}
	if same, err := sameFile(f, path); err != nil || !same {
		return false
	}
	return os.Remove(path) == nil
}

// Place moves tmp, a complete and synced file in dst's folder (from
// CreateTempBeside), to dst, then syncs the folder so that the new name
// survives a crash.
//
// Without force it never replaces anything at dst, not even a file that
// appeared after the caller last looked: it hard-links tmp to dst (link(2)
// fails when dst exists) and removes tmp; only on a file system without
// hard links does it fall back to a rename after checking that dst does not
// exist. An existing dst gives an error wrapping ErrExists and naming dst.
// With force it renames tmp over dst, replacing it in one step.
//
// On success tmp is gone. On error tmp is left for the caller to remove, and
// dst is unchanged, except when only the folder's sync (or tmp's removal
// after the link) failed: the error then says that dst was written.
//
// vaultPath names the vault file the command has open ("" when it has
// none): a dst that is that file, by any path or link, or one of its own
// temporary files, is refused with a *VaultTargetError before anything moves
// (see RefuseVault).
func Place(tmp, dst, vaultPath string, force bool) error {
	if err := RefuseVault(dst, vaultPath); err != nil {
		return err
	}
	if force {
		if err := os.Rename(tmp, dst); err != nil {
			return fmt.Errorf("move the finished file to %s: %w", dst, unwrapPath(err))
		}
	} else if err := link(tmp, dst); err != nil {
		return err
	}
	if err := SyncDir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("wrote %s, but it may not survive a crash: %w", dst, err)
	}
	return nil
}

// VaultTargetError is the refusal to write a file over the vault itself.
// Path is the output as the user gave it.
type VaultTargetError struct{ Path string }

func (e *VaultTargetError) Error() string {
	return e.Path + " is the vault itself: choose another file"
}

// RefuseVault returns a *VaultTargetError when writing dst could replace the
// vault file at vaultPath or a file the vault is made through: dst is the
// vault itself under any name (the same path, another path to it, a
// symbolic link to it, a hard link of it: compared by device and inode),
// resolves to the vault's path when the vault is not there, or is one of
// the temporary files beside the vault that init and compact write and then
// move over it. Every command that writes a file calls it (Place does) before
// it writes, so that --force can never replace the vault. vaultPath "" (no
// vault open) refuses nothing.
func RefuseVault(dst, vaultPath string) error {
	if vaultPath == "" {
		return nil
	}
	refuse := &VaultTargetError{Path: dst}
	vst, verr := os.Stat(vaultPath)
	if dst, err := os.Stat(dst); err == nil && verr == nil && os.SameFile(dst, vst) {
		return refuse
	}
	// The same name once links are resolved, even when one of the two files
	// does not exist (yet).
	vReal := resolvePath(vaultPath)
	dReal := resolvePath(dst)
	if vReal == dReal {
		return refuse
	}
	// The vault's own temporary files, in the vault's folder.
	if filepath.Dir(vReal) == filepath.Dir(dReal) {
		name := filepath.Base(dReal)
		if strings.HasPrefix(name, initTempPrefix) || IsTempName(name, tempPattern(vReal, compactKind)) {
			return refuse
		}
	}
	return nil
}

// resolvePath makes p absolute and resolves the symbolic links of its folder
// and, when it exists, of p itself.
func resolvePath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	dir, base := filepath.Split(abs)
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(r, base)
	}
	return abs
}

// link places tmp at dst without replacing an existing dst.
func link(tmp, dst string) error {
	err := os.Link(tmp, dst)
	switch {
	case err == nil:
		if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("wrote %s, but could not remove the temporary file %s: %w", dst, tmp, unwrapPath(err))
		}
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w", dst, ErrExists)
	case !noHardLinks(err):
		return fmt.Errorf("move the finished file to %s: %w", dst, unwrapPath(err))
	}
	// No hard links here: a rename, after checking. (A file appearing in
	// between would be replaced; no portable call closes that gap.)
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s: %w", dst, ErrExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check %s: %w", dst, unwrapPath(err))
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("move the finished file to %s: %w", dst, unwrapPath(err))
	}
	return nil
}

// noHardLinks reports whether a link(2) error means the file system does
// not support hard links (rather than a real failure).
func noHardLinks(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP) ||
		errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.EMLINK) || errors.Is(err, syscall.ENOSYS)
}

// unwrapPath drops the path an os error carries when the message names the
// file itself already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
