package vault

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBackupTarget(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 2, 3, 4, 5, 6, 0, time.Local)
	file := filepath.Join(dir, "b.db")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ out, want string }{
		{dir, filepath.Join(dir, "vault-2026-02-03-040506.db")},
		{dir + "/", filepath.Join(dir, "vault-2026-02-03-040506.db")},
		{file, file},
		{filepath.Join(dir, "new.db"), filepath.Join(dir, "new.db")},
		{filepath.Join(dir, "missing", "new.db"), filepath.Join(dir, "missing", "new.db")},
	} {
		if got := BackupTarget(tc.out, now); got != tc.want {
			t.Errorf("BackupTarget(%q) = %q, want %q", tc.out, got, tc.want)
		}
	}
}
