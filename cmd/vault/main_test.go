package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this binary as the "vault" command. In tests
// only, VAULT_TEST_NOW (RFC 3339) fixes the clock so that output is stable.
func TestMain(m *testing.M) {
	if os.Getenv("VAULT_TEST_HARDEN_CHILD") != "" {
		hardenChild()
	}
	testscript.Main(m, map[string]func(){
		"vault": func() {
			e := newEnv()
			if s := os.Getenv("VAULT_TEST_NOW"); s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					panic("bad VAULT_TEST_NOW: " + err.Error())
				}
				e.now = func() time.Time { return t }
			}
			os.Exit(runBuffered(os.Args, e))
		},
	})
}

// TestScripts runs the CLI scripts in testdata/script. Each starts with a
// passphrase file at $WORK/pass (VAULT_PASSPHRASE_FILE), a second one at
// $WORK/pass2, and VAULT_PATH=$WORK/vault.db; a script creates its vault with
// `exec vault init --kdf-memory 8 --kdf-time 1` to keep the key derivation cheap.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			work := env.WorkDir
			if err := os.WriteFile(filepath.Join(work, "pass"), []byte("correct horse battery staple\n"), 0o600); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(work, "pass2"), []byte("a new passphrase\n"), 0o600); err != nil {
				return err
			}
			env.Setenv("VAULT_PATH", filepath.Join(work, "vault.db"))
			env.Setenv("VAULT_PASSPHRASE_FILE", filepath.Join(work, "pass"))
			env.Setenv("HOME", work)
			env.Setenv("XDG_DATA_HOME", filepath.Join(work, ".local", "share"))
			env.Setenv("XDG_STATE_HOME", filepath.Join(work, ".local", "state"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"filemode":  cmdFileMode,
			"mkdoc":     cmdMkdoc,
			"tamperpdf": cmdTamperPDF,
		},
	})
}

// cmdFileMode checks a file's permission bits: filemode 0600 FILE.
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode MODE FILE")
	}
	st, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	got := st.Mode().Perm()
	want := args[0]
	if (want == got.String() || want == "0"+strconvOctal(uint32(got))) == neg {
		ts.Fatalf("%s has mode %#o", args[1], got)
	}
}

func strconvOctal(m uint32) string {
	const digits = "01234567"
	s := ""
	for i := 0; i < 3; i++ {
		s = string(digits[m&7]) + s
		m >>= 3
	}
	return s
}
