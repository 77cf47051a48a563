package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vault/vault"
)

// TestBackupToFAT backs up into the root folder of a FAT file system (a USB
// stick), which has no hard links: the copy must be placed by the checked
// rename instead. It needs root, mkfs.vfat and a kernel that mounts vfat;
// without them it skips (in CI, a missing mkfs.vfat fails: .ci/run installs
// dosfstools).
func TestBackupToFAT(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to loop-mount a vfat image")
	}
	mkfs, err := exec.LookPath("mkfs.vfat")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("mkfs.vfat is missing: install dosfstools")
		}
		t.Skip("mkfs.vfat is missing: apt-get install dosfstools")
	}
	fs, _ := os.ReadFile("/proc/filesystems")
	if !strings.Contains(string(fs), "vfat") {
		if err := exec.Command("modprobe", "vfat").Run(); err != nil {
			t.Skip("this kernel does not mount vfat")
		}
	}
	dir := t.TempDir()
	img, mnt := filepath.Join(dir, "stick.img"), filepath.Join(dir, "stick")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 32<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mkfs, img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.vfat: %v: %s", err, out)
	}
	if out, err := exec.Command("mount", "-o", "loop,umask=077", img, mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot loop-mount the vfat image here: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", mnt).Run() })
	if err := os.Link(img, filepath.Join(mnt, "probe")); err == nil {
		t.Fatal("this FAT file system has hard links: the test proves nothing")
	}

	path, passFile := recTestVault(t, func(v *vault.Vault) error {
		_, err := v.NewClaim(vault.Claim{Name: "back-2026", Insurer: "Acme Health"})
		return err
	})
	stdout, stderr, code := recRunCLI(t, path, passFile, false, "backup", mnt)
	want := filepath.Join(mnt, recTestNow.Local().Format(vault.BackupFileLayout))
	if code != 0 || !strings.Contains(stdout, " to "+want+" (") {
		t.Fatalf("backup to FAT: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, stderr, code := recRunCLI(t, want, passFile, false, "verify"); code != 0 {
		t.Fatalf("verify the FAT backup: exit %d: %s", code, stderr)
	}
	// A second backup in the same second is refused, not written over.
	if _, stderr, code := recRunCLI(t, path, passFile, false, "backup", mnt); code == 0 || !strings.Contains(stderr, "already exists: nothing was written") {
		t.Fatalf("second backup: exit %d, %q", code, stderr)
	}
	left, _ := os.ReadDir(mnt)
	if len(left) != 1 {
		t.Errorf("the stick holds %d files, want only the backup", len(left))
	}
}
