package main

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vault/crypto"
	"vault/vault"
	"vault/vault/bundle"
	"vault/vault/sample"
)

var expTestNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// expTestEnv is an env with the clock fixed and no terminal, whose
// environment is exactly vars (urfave/cli reads VAULT_PATH and
// VAULT_PASSPHRASE_FILE from the process, so they are set there).
func expTestEnv(t *testing.T, vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	for _, k := range []string{"VAULT_PATH", "VAULT_PASSPHRASE_FILE"} {
		t.Setenv(k, vars[k])
	}
	return &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv:  os.Getenv,
		now:     func() time.Time { return expTestNow },
		openTTY: func() (*os.File, error) { return nil, errors.New("no terminal") },
	}, &out, &errb
}

// expSampleDocs generates the sample documents once for all the tests: it
// takes most of a second (the images are drawn and encoded).
var expSampleDocs = sync.OnceValue(sample.Documents)

// expDemo builds a demo vault (cheap key derivation) in a new folder.
func expDemo(t *testing.T) *demo {
	t.Helper()
	d, err := buildDemo(t.TempDir(), crypto.MinKDF(), func() time.Time { return expTestNow }, expSampleDocs())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// expOtherVault creates an empty vault and returns its path, passphrase
// file and signing key fingerprint.
func expOtherVault(t *testing.T) (path, passFile, fingerprint string) {
	t.Helper()
	dir := t.TempDir()
	path, passFile = filepath.Join(dir, "other.db"), filepath.Join(dir, "pass")
	if err := os.WriteFile(passFile, []byte("other\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.Init(path, []byte("other"), vault.InitOptions{KDF: crypto.MinKDF()}); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte("other")}, vault.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	return path, passFile, bundle.Fingerprint(ed25519.NewKeyFromSeed(v.Keys().Signing).Public().(ed25519.PublicKey))
}

func TestDemoBuild(t *testing.T) {
	d := expDemo(t)
	if d.docs != 11 || d.calls != 3 || d.notes != 3 || d.claim.Status != "denied" || len(d.claim.StatusHistory) != 3 {
		t.Errorf("demo: %d docs, %d calls, %d notes, claim %+v", d.docs, d.calls, d.notes, d.claim)
	}
	// The request's bundle: the LMN and the three receipts, nothing missing.
	var paths []string
	for _, f := range d.result.Manifest.Files {
		paths = append(paths, f.Path)
	}
	want := []string{"index.html",
		"documents/001-lmn-2026-02-24-letter-of-medical-necessity-for-massage.pdf",
		"documents/002-receipt-2026-03-04-superbill-ftm-1041-fernhill-therapeutic.jpg",
		"documents/003-receipt-2026-03-11-superbill-ftm-1063-fernhill-therapeutic.png",
		"documents/004-receipt-2026-03-18-superbill-ftm-1088-fernhill-therapeutic.pdf"}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") || len(d.result.Manifest.Missing) != 0 {
		t.Errorf("bundle files:\n%s\nmissing %q", strings.Join(paths, "\n"), d.result.Manifest.Missing)
	}
	if !d.verified.OK() {
		t.Errorf("problems %q", d.verified.Problems)
	}
	for _, p := range []string{d.passFile, d.vaultPath, d.bundlePath} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v", p, err, st.Mode())
		}
	}
	var out bytes.Buffer
	e, _, _ := expTestEnv(t, nil)
	e.stdout = &out
	d.print(e)
	for _, s := range []string{d.vaultPath, demoPassphrase, d.recovery, d.bundlePath, "11 documents, 3 calls, 3 condition notes",
		"vault verify-bundle " + d.bundlePath, "--passphrase-file " + d.passFile} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the demo's output lacks %q:\n%s", s, out.String())
		}
	}
	// A second demo in the same folder is refused.
	if _, err := buildDemo(d.dir, crypto.MinKDF(), time.Now, expSampleDocs()); err == nil || !strings.Contains(err.Error(), "already holds a vault") {
		t.Errorf("second demo: %v", err)
	}
}

// zipEntries reads a zip's entries (name, method, data).
func zipEntries(t *testing.T, path string) []zipEntry {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []zipEntry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, zipEntry{f.Name, f.Method, b})
	}
	return out
}

type zipEntry struct {
	name   string
	method uint16
	data   []byte
}

func writeZipFile(t *testing.T, path string, es []zipEntry) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		// Stored, with the CRC-32 and sizes in the local header, as the
		// vault lays a bundle out (verify-bundle refuses data descriptors).
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.data),
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: uint64(len(e.data))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func entryIndex(es []zipEntry, name string) int {
	for i, e := range es {
		if e.name == name {
			return i
		}
	}
	return -1
}

// TestVerifyBundleCLI: verify-bundle needs no vault and no passphrase, and
// detects each kind of damage, one problem per line, exit status 1.
func TestVerifyBundleCLI(t *testing.T) {
	d := expDemo(t)
	lmn := "documents/001-lmn-2026-02-24-letter-of-medical-necessity-for-massage.pdf"
	// No vault at VAULT_PATH and no passphrase: it must not matter.
	vars := map[string]string{"VAULT_PATH": filepath.Join(t.TempDir(), "none.db")}

	e, out, errb := expTestEnv(t, vars)
	if code := run([]string{"vault", "verify-bundle", d.bundlePath}, e); code != 0 {
		t.Fatalf("a good bundle: exit %d\n%s%s", code, out, errb)
	}
	for _, s := range []string{d.bundlePath + ": OK", "claim back-2026, claim number CHP26-0325-77814 (Cedar Health Plan)",
		"answers request " + d.request.ID, "5 files, each present", "signed by key " + d.verified.Fingerprint(), "bundle SHA-256 " + d.verified.SHA256} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}

	tests := []struct {
		name   string
		change func(es []zipEntry) []zipEntry
		want   string
	}{
		{"changed byte", func(es []zipEntry) []zipEntry {
			es[entryIndex(es, lmn)].data[200] ^= 1
			return es
		}, "problem: " + lmn + ": SHA-256 "},
		{"removed file", func(es []zipEntry) []zipEntry {
			i := entryIndex(es, lmn)
			return append(es[:i], es[i+1:]...)
		}, "problem: " + lmn + " is listed in the manifest but missing from the zip\n"},
		{"added file", func(es []zipEntry) []zipEntry {
			return append(es, zipEntry{"documents/005-other.pdf", zip.Store, []byte("%PDF-1.4")})
		}, "problem: documents/005-other.pdf is in the zip but not listed in the manifest\n"},
		{"edited manifest", func(es []zipEntry) []zipEntry {
			i := entryIndex(es, bundle.ManifestName)
			es[i].data = bytes.Replace(es[i].data, []byte(`"due": "2026-05-30"`), []byte(`"due": "2026-06-30"`), 1)
			return es
		}, "problem: manifest.sig is not a valid signature of manifest.json"},
		{"bad signature", func(es []zipEntry) []zipEntry {
			es[entryIndex(es, bundle.SignatureName)].data[10] ^= 4
			return es
		}, "problem: manifest.sig is not a valid signature of manifest.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "tampered.zip")
			writeZipFile(t, p, tc.change(zipEntries(t, d.bundlePath)))
			e, out, errb := expTestEnv(t, vars)
			code := run([]string{"vault", "verify-bundle", p}, e)
			if code != 1 || !strings.Contains(out.String(), tc.want) || !strings.Contains(errb.String(), "vault: "+p+" failed verification: 1 problem\n") {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errb)
			}
			if strings.Contains(out.String(), ": OK") {
				t.Error("a damaged bundle is reported OK")
			}
		})
	}

	// Several problems: each on its own line.
	p := filepath.Join(t.TempDir(), "many.zip")
	es := zipEntries(t, d.bundlePath)
	es[entryIndex(es, lmn)].data[0] ^= 1
	es = append(es, zipEntry{"../evil.sh", zip.Store, []byte("x")})
	writeZipFile(t, p, es)
	e, out, errb = expTestEnv(t, vars)
	if code := run([]string{"vault", "verify-bundle", p}, e); code != 1 || strings.Count(out.String(), "problem: ") != 2 ||
		!strings.Contains(errb.String(), "2 problems") {
		t.Errorf("exit %d\n%s%s", code, out, errb)
	}

	// Not a zip; no file; no argument.
	notZip := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notZip, []byte("hello"), 0o600)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{notZip}, 1, "problem: not a readable zip archive"},
		{[]string{filepath.Join(t.TempDir(), "none.zip")}, 1, "vault: cannot read "},
		{nil, 2, "vault: verify-bundle needs the bundle: vault verify-bundle BUNDLE.zip"},
	} {
		e, out, errb := expTestEnv(t, vars)
		if code := run(append([]string{"vault", "verify-bundle"}, tc.args...), e); code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
			t.Errorf("%q: exit %d\n%s%s", tc.args, code, out, errb)
		}
	}
}

// TestVerifyBundleAgainstVault: with --vault on the command line it says
// whether that vault signed the bundle and exported it; VAULT_PATH alone
// does not open a vault.
func TestVerifyBundleAgainstVault(t *testing.T) {
	d := expDemo(t)
	vars := map[string]string{"VAULT_PATH": d.vaultPath, "VAULT_PASSPHRASE_FILE": d.passFile}
	elsewhere := map[string]string{"VAULT_PATH": filepath.Join(t.TempDir(), "none.db"), "VAULT_PASSPHRASE_FILE": d.passFile}
	e, out, errb := expTestEnv(t, elsewhere)
	if code := run([]string{"vault", "verify-bundle", d.bundlePath, "--vault", d.vaultPath}, e); code != 0 ||
		!strings.Contains(out.String(), "signed by this vault ("+d.vaultPath+")") ||
		!strings.Contains(out.String(), "in this vault's export history: export "+d.result.Export.ID+" of claim back-2026") {
		t.Errorf("exit %d\n%s%s", code, out, errb)
	}
	// VAULT_PATH alone does not open the vault (it is usually set).
	e, out, _ = expTestEnv(t, vars)
	if code := run([]string{"vault", "verify-bundle", d.bundlePath}, e); code != 0 || strings.Contains(out.String(), "this vault") {
		t.Errorf("without --vault: exit %d\n%s", code, out)
	}
	// --check-vault is gone: the way is --vault.
	e, _, errb = expTestEnv(t, vars)
	if code := run([]string{"vault", "verify-bundle", d.bundlePath, "--check-vault"}, e); code != 2 || !strings.Contains(errb.String(), "check-vault") {
		t.Errorf("--check-vault: exit %d\n%s", code, errb)
	}

	// Another vault: not signed by it, not in its history; named with --vault.
	otherPath, otherPass, otherFP := expOtherVault(t)
	e, out, errb = expTestEnv(t, vars)
	code := run([]string{"vault", "verify-bundle", d.bundlePath, "--vault", otherPath, "--passphrase-file", otherPass}, e)
	if code != 1 || !strings.Contains(out.String(), "problem: not signed by this vault: the vault's key is "+otherFP) ||
		!strings.Contains(out.String(), "problem: not in this vault's export history") {
		t.Errorf("another vault: exit %d\n%s%s", code, out, errb)
	}

	// A bundle re-signed by someone else with the vault's export ID.
	es := zipEntries(t, d.bundlePath)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	mi := entryIndex(es, bundle.ManifestName)
	m, err := bundle.ParseManifest(es[mi].data)
	if err != nil {
		t.Fatal(err)
	}
	m.PublicKey = bundle.EncodePublicKey(key.Public().(ed25519.PublicKey))
	es[mi].data, _ = m.Marshal()
	es[entryIndex(es, bundle.SignatureName)].data = ed25519.Sign(key, es[mi].data)
	p := filepath.Join(t.TempDir(), "resigned.zip")
	writeZipFile(t, p, es)
	e, out, errb = expTestEnv(t, elsewhere)
	code = run([]string{"vault", "verify-bundle", p, "--vault", d.vaultPath}, e)
	if code != 1 || !strings.Contains(out.String(), "problem: not signed by this vault") ||
		!strings.Contains(out.String(), "problem: export "+d.result.Export.ID+" is in this vault's history with another bundle SHA-256") {
		t.Errorf("re-signed: exit %d\n%s%s", code, out, errb)
	}
}

// expRunTyped runs a command line as run() does when it records the
// arguments as typed (typedArgsKey), and returns the command's error.
func expRunTyped(e *env, args []string) error {
	app := newApp(e)
	app.Metadata = map[string]any{typedArgsKey: args}
	rargs, err := reorderArgs(app, args)
	if err != nil {
		return err
	}
	return app.Run(rargs)
}

// TestVerifyBundleVaultTyped: --vault counts when it was typed, even when
// it names the vault VAULT_PATH names; VAULT_PATH alone never counts.
func TestVerifyBundleVaultTyped(t *testing.T) {
	d := expDemo(t)
	vars := map[string]string{"VAULT_PATH": d.vaultPath, "VAULT_PASSPHRASE_FILE": d.passFile}
	for _, tc := range []struct {
		name  string
		args  []string
		vault bool
	}{
		{"--vault equal to VAULT_PATH", []string{"vault", "verify-bundle", d.bundlePath, "--vault", d.vaultPath}, true},
		{"--vault=PATH before the command", []string{"vault", "--vault=" + d.vaultPath, "verify-bundle", d.bundlePath}, true},
		{"VAULT_PATH alone", []string{"vault", "verify-bundle", d.bundlePath}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out, errb := expTestEnv(t, vars)
			if err := expRunTyped(e, tc.args); err != nil {
				t.Fatalf("%v\n%s%s", err, out, errb)
			}
			if got := strings.Contains(out.String(), "signed by this vault ("+d.vaultPath+")"); got != tc.vault {
				t.Errorf("checked against the vault: %v, want %v\n%s", got, tc.vault, out)
			}
		})
	}
}

func TestFlagTyped(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"vault", "verify-bundle", "b.zip", "--vault", "v.db"}, true},
		{[]string{"vault", "--vault=v.db", "verify-bundle", "b.zip"}, true},
		{[]string{"vault", "-vault", "v.db", "verify-bundle", "b.zip"}, true},
		{[]string{"vault", "verify-bundle", "b.zip"}, false},
		{[]string{"vault", "verify-bundle", "--", "--vault"}, false},
		{[]string{"vault", "verify-bundle", "--passphrase-file", "--vault", "b.zip"}, false},
		{[]string{"vault", "verify-bundle", "--vaults", "b.zip"}, false},
		{[]string{"--vault"}, false}, // the program's name is not an argument
	}
	for _, tc := range tests {
		if got := flagTyped(tc.args, "vault"); got != tc.want {
			t.Errorf("flagTyped(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	p := &progressBar{w: &buf, enabled: true, clock: func() time.Time { return now }, start: now}
	p.update(10, 100) // fast and small: nothing yet
	if buf.Len() != 0 {
		t.Errorf("drawn at once: %q", buf.String())
	}
	now = now.Add(2 * time.Second) // slow: drawn
	p.update(50, 100)
	if !strings.Contains(buf.String(), "\rexporting [###############...............]  50%") {
		t.Errorf("bar %q", buf.String())
	}
	p.finish()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("not cleared: %q", buf.String())
	}
	// A large export is drawn at once; a disabled bar (stderr is not a
	// terminal) never.
	buf.Reset()
	p = &progressBar{w: &buf, enabled: true, clock: func() time.Time { return now }, start: now}
	p.update(1, progressBytes)
	if buf.Len() == 0 {
		t.Error("a large export shows no progress")
	}
	buf.Reset()
	p = &progressBar{w: &buf, enabled: false, clock: time.Now, start: now}
	p.update(1, progressBytes)
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("disabled bar drew %q", buf.String())
	}
}

// TestExpShortHash: a short or empty recorded hash is shown whole, never
// sliced past its end.
func TestExpShortHash(t *testing.T) {
	for h, want := range map[string]string{
		"": "", "abc": "abc", strings.Repeat("a", 16): strings.Repeat("a", 16),
		strings.Repeat("ab", 32): strings.Repeat("ab", 8) + "...",
	} {
		if got := expShortHash(h); got != want {
			t.Errorf("expShortHash(%q) = %q, want %q", h, got, want)
		}
	}
}
