package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vault/crypto"
	"vault/vault"
)

// These tests run `vault check` and `vault status` on vaults whose records
// are stored directly, so that they do not depend on the commands that add
// records. The scripts check_*.txtar and status_*.txtar do the same through
// the command line.

const checkTestPass = "correct horse battery staple"

var checkTestNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// checkTestVault creates a vault holding the records and returns its path
// and the passphrase file.
func checkTestVault(t *testing.T, recs ...vault.Record) (path, passFile string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "vault.db")
	passFile = filepath.Join(dir, "pass")
	if err := os.WriteFile(passFile, []byte(checkTestPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return checkTestNow }
	if _, err := vault.Init(path, []byte(checkTestPass), vault.InitOptions{KDF: crypto.MinKDF(), Now: now}); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(path, vault.Secret{Passphrase: []byte(checkTestPass)}, vault.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	err = v.Update(func(tx *vault.Tx) error {
		for _, r := range recs {
			if err := tx.Put(r, vault.ActionAdd, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path, passFile
}

// runCheckCLI runs the vault command on a vault with the clock fixed.
func runCheckCLI(t *testing.T, path, passFile string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv:  func(string) string { return "" },
		now:     func() time.Time { return checkTestNow },
		openTTY: func() (*os.File, error) { return nil, os.ErrNotExist },
	}
	argv := append([]string{"vault", "--vault", path, "--passphrase-file", passFile}, args...)
	code = run(argv, e)
	return out.String(), errb.String(), code
}

func ctClaim(id, name, status string, history ...vault.StatusChange) *vault.Claim {
	c := &vault.Claim{ID: id, Name: name, Insurer: "Acme Health", Status: status, Diagnoses: []string{"M54.50"}}
	c.StatusHistory = append([]vault.StatusChange{{Status: "draft", Date: "2026-02-20"}}, history...)
	return c
}

func ctDoc(id, claim, kind, date string, amount int64) *vault.Document {
	d := &vault.Document{ID: id, Claim: claim, Kind: kind, Date: vault.Date(date), MediaType: "text/plain"}
	if amount >= 0 {
		c := vault.Cents(amount)
		d.Amount = &c
	}
	return d
}

func ctCond(id, claim, date, phase string, pain int) *vault.Condition {
	return &vault.Condition{ID: id, Claim: claim, Date: vault.Date(date), Phase: phase, Pain: &pain}
}

// readyClaim is a complete, submitted claim: no error, no warning.
func readyClaim() []vault.Record {
	return []vault.Record{
		ctClaim("cla00001", "back-2026", "submitted", vault.StatusChange{Status: "submitted", Date: "2026-03-25"}),
		ctDoc("lmn00001", "cla00001", "lmn", "2026-02-24", -1),
		ctDoc("rcp00001", "cla00001", "receipt", "2026-03-04", 9500),
		ctDoc("not00001", "cla00001", "clinical-note", "2026-03-04", -1),
		ctCond("cnd00001", "cla00001", "2026-03-04", "before", 7),
		ctCond("cnd00002", "cla00001", "2026-03-18", "after", 3),
	}
}

func TestCheckCommandReady(t *testing.T) {
	path, pass := checkTestVault(t, readyClaim()...)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCheckCLI(t, path, pass, "check", "--claim", "back-2026")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "back-2026 as of 2026-05-01: 0 errors, 0 warnings, 1 info" || len(lines) != 2 ||
		!strings.HasPrefix(lines[1], "info    no-before-after: pain 7/10 before") {
		t.Fatalf("output:\n%s", out)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("check changed the vault file")
	}
}

func TestCheckCommandErrors(t *testing.T) {
	recs := slices.Concat(readyClaim(), []vault.Record{
		ctDoc("rcp00002", "cla00001", "receipt", "2027-03-11", -1), // after the LMN expired, no note, no amount
	})
	path, pass := checkTestVault(t, recs...)
	out, errOut, code := runCheckCLI(t, path, pass, "check", "--claim", "back-2026")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if errOut != "vault: claim back-2026 has 1 error to fix (see above)\n" {
		t.Fatalf("stderr %q", errOut)
	}
	want := []string{
		"back-2026 as of 2026-05-01: 1 error, 2 warnings, 1 info",
		"error   lmn-expired: receipt 2027-03-11 (rcp00002) is not covered by a referral, prescription or LMN: LMN 2026-02-24 (lmn00001) was valid through 2027-02-23",
		"warning receipt-without-note: receipt 2027-03-11 (rcp00002) has no clinical note of that day: add the therapist's session note",
		"warning missing-amount: receipt 2027-03-11 (rcp00002) has no amount",
		"info    no-before-after: ",
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q\nwant prefix %q", i, lines[i], w)
		}
	}

	// --json: the same findings, and the same exit status.
	out, errOut, code = runCheckCLI(t, path, pass, "check", "--claim", "back-2026", "--json")
	if code != 1 || errOut != "vault: claim back-2026 has 1 error to fix\n" {
		t.Fatalf("--json: exit %d, want 1; stderr %q", code, errOut)
	}
	var got struct {
		Claim    string           `json:"claim"`
		AsOf     string           `json:"as_of"`
		Findings []map[string]any `json:"findings"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if got.Claim != "back-2026" || got.AsOf != "2026-05-01" || len(got.Findings) != 4 {
		t.Fatalf("--json: %+v", got)
	}
	f := got.Findings[0]
	if f["check"] != "lmn-expired" || f["severity"] != "error" || len(f) != 4 {
		t.Fatalf("--json first finding: %v", f)
	}
	if ids, _ := f["ids"].([]any); len(ids) != 2 || ids[0] != "rcp00002" || ids[1] != "lmn00001" {
		t.Fatalf("--json ids: %v", f["ids"])
	}
}

func TestCheckCommandAsOf(t *testing.T) {
	recs := readyClaim()
	recs[0] = ctClaim("cla00001", "back-2026", "draft") // not submitted: filing due 2027-03-04
	path, pass := checkTestVault(t, recs...)
	for _, tc := range []struct {
		asOf string
		code int
		want string
	}{
		{"2027-02-01", 0, "0 errors, 0 warnings, 1 info; next deadline 2027-03-04 filing"},
		{"2027-02-02", 0, "0 errors, 1 warning, 1 info; next deadline 2027-03-04 filing"},
		{"2027-03-05", 1, "1 error, 0 warnings, 1 info; next deadline 2027-03-04 filing (overdue)"},
	} {
		out, _, code := runCheckCLI(t, path, pass, "check", "--claim", "back-2026", "--as-of", tc.asOf)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("--as-of %s: exit %d\n%s", tc.asOf, code, out)
		}
	}
}

func TestCheckCommandBadInput(t *testing.T) {
	path, pass := checkTestVault(t, readyClaim()...)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check"}, 2, "vault: check needs --claim NAME (see 'vault claim list'), or a current claim ('vault use NAME')\n"},
		{[]string{"check", "back-2026"}, 2, "vault: check takes no arguments: give the claim with --claim NAME\n"},
		{[]string{"check", "--claim", "back-2026", "--as-of", "2026-13-01"}, 2, "vault: --as-of: bad date \"2026-13-01\": expected YYYY-MM-DD, MM/DD/YYYY or YYYY/MM/DD (or today, yesterday)\n"},
		{[]string{"check", "--claim", "bak-2026"}, 1, "vault: unknown claim \"bak-2026\" (did you mean back-2026?)\n"},
		{[]string{"status", "extra"}, 2, "vault: status takes no arguments"},
		{[]string{"status", "--as-of", "5/1/26"}, 2, "vault: --as-of: bad date"},
	} {
		out, errOut, code := runCheckCLI(t, path, pass, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
}

func TestStatusCommand(t *testing.T) {
	billed := vault.Cents(28500)
	paid := vault.Cents(0)
	// back-2026: a request due 2026-05-10. neck-2026: denied 2026-04-10,
	// appeal due 2026-10-07. hip-2026: not submitted, filing due 2027-03-04.
	// old-2025: closed, no deadline. arm-2026: no deadline either.
	back := readyClaim()
	back[0].(*vault.Claim).Billed, back[0].(*vault.Claim).Paid = &billed, &paid
	recs := slices.Concat(back, []vault.Record{
		&vault.Request{ID: "req00001", Claim: "cla00001", Received: "2026-04-01", Due: "2026-05-10"},
		ctClaim("cla00002", "neck-2026", "denied", vault.StatusChange{Status: "submitted", Date: "2026-03-01"}, vault.StatusChange{Status: "denied", Date: "2026-04-10"}),
		ctClaim("cla00003", "hip-2026", "draft"),
		ctDoc("rcp00031", "cla00003", "receipt", "2026-03-04", 9500),
		ctClaim("cla00004", "old-2025", "closed"),
		ctClaim("cla00005", "arm-2026", "submitted"),
	})
	path, pass := checkTestVault(t, recs...)
	out, errOut, code := runCheckCLI(t, path, pass, "status")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var names []string
	for _, l := range lines[1:] {
		names = append(names, strings.Fields(l)[0])
	}
	if want := []string{"back-2026", "neck-2026", "hip-2026", "arm-2026", "old-2025"}; !slices.Equal(names, want) {
		t.Fatalf("order %q, want %q\n%s", names, want, out)
	}
	if !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[1], "285.00") || !strings.Contains(lines[1], "2026-05-10 request") {
		t.Fatalf("output:\n%s", out)
	}

	out, _, code = runCheckCLI(t, path, pass, "status", "--json", "--as-of", "2026-05-11")
	if code != 0 {
		t.Fatalf("--json: exit %d", code)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if len(got) != 5 {
		t.Fatalf("--json: %d claims", len(got))
	}
	first, _ := json.Marshal(got[0])
	want := `{"billed":"285.00","errors":1,"insurer":"Acme Health","name":"back-2026","next_deadline":{"date":"2026-05-10","what":"request"},"paid":"0.00","status":"submitted","warnings":0}`
	if string(first) != want {
		t.Fatalf("--json first:\n got %s\nwant %s", first, want)
	}
	last, _ := json.Marshal(got[4])
	want = `{"billed":null,"errors":1,"insurer":"Acme Health","name":"old-2025","next_deadline":null,"paid":null,"status":"closed","warnings":1}`
	if string(last) != want {
		t.Fatalf("--json last:\n got %s\nwant %s", last, want)
	}
}

func TestStatusCommandEmpty(t *testing.T) {
	path, pass := checkTestVault(t)
	out, _, code := runCheckCLI(t, path, pass, "status")
	if code != 0 || out != "no claims yet: create one with 'vault claim new NAME --insurer X'\n" {
		t.Fatalf("exit %d, %q", code, out)
	}
	out, _, code = runCheckCLI(t, path, pass, "status", "--json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("--json: exit %d, %q", code, out)
	}
}
