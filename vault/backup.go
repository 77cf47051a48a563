package vault

import (
	"os"
	"path/filepath"
	"time"
)

// BackupFileLayout is the name a backup gets inside a folder:
// vault-YYYY-MM-DD-HHMMSS.db, in local time, so that backups sort by date.
const BackupFileLayout = "vault-2006-01-02-150405.db"

// BackupTarget returns the file a backup to out is written to: out itself,
// or, when out is an existing folder (a USB stick's mount point, a backups
// folder), a file named by BackupFileLayout at now inside it.
func BackupTarget(out string, now time.Time) string {
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return filepath.Join(out, now.Local().Format(BackupFileLayout))
	}
	return out
}
