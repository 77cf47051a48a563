package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"vault/bench/scale/fill"
	"vault/crypto"
	"vault/vault"
)

// unlockResult is the split of `vault list` on a small vault with the
// default key derivation.
type unlockResult struct {
	items       int
	kdfIn       timings // crypto.DeriveKey in this process
	kdfFresh    timings // crypto.DeriveKey in a fresh process
	open        timings // vault.Open (read-only), KDF included
	openPaired  timings // each vault.Open minus a KDF run just before it
	openSteps   timings // the steps of vault.Open but the KDF, timed directly (openSteps)
	list        timings // v.List + claim names after Open (the first read: loads every record)
	close       timings
	cliList     timings // the binary's `vault list`, wall time
	cliHelp     timings // the binary's `vault --help`: process start and exit, no vault
	cliListMin  timings // the binary's `vault list` on the same small vault made with MinKDF
	kdfMinFresh timings // MinKDF in a fresh process
	cliErr      error
}

// measureUnlock builds a small vault (20 items in one claim) with the
// default KDF and measures where the time of `vault list` goes.
func measureUnlock(cfg *config) (*unlockResult, error) {
	dir := filepath.Join(cfg.dir, "unlock")
	path := filepath.Join(dir, "vault.db")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	pass := []byte("correct horse battery staple")
	res, err := fill.Build(path, pass, fill.Spec{Items: 20, Claims: 1, KDF: crypto.DefaultKDF(), Seed: 1})
	if err != nil {
		return nil, err
	}
	fx := &fixture{path: path, pass: pass, res: res}
	u := &unlockResult{items: res.Items}
	p := crypto.DefaultKDF()
	if u.kdfIn, err = kdfInProcess(cfg.reps, p); err != nil {
		return nil, err
	}
	if u.kdfFresh, err = kdfFresh(cfg.reps, p); err != nil {
		return nil, err
	}
	var v *vault.Vault
	var paired []time.Duration
	if u.open, err = measure(cfg.reps, func() (time.Duration, error) {
		kdf, err := kdfOnce(p)
		if err != nil {
			return 0, err
		}
		d, err := timed(func() error {
			var err error
			v, err = vault.Open(path, vault.Secret{Passphrase: pass}, vault.Options{ReadOnly: true})
			return err
		})
		if err == nil {
			err = v.Close()
		}
		paired = append(paired, d-kdf)
		return d, err
	}); err != nil {
		return nil, err
	}
	u.openPaired = timings{runs: paired, loadStart: u.open.loadStart, loadEnd: u.open.loadEnd}
	steps, err := newOpenSteps(path, pass, true)
	if err != nil {
		return nil, err
	}
	if u.openSteps, err = measure(cfg.reps, steps.run); err != nil {
		return nil, err
	}
	// List on a fresh handle each time (its first read decrypts every record).
	var listRuns, closeRuns []time.Duration
	for range cfg.reps {
		if v, err = vault.Open(path, vault.Secret{Passphrase: pass}, vault.Options{ReadOnly: true}); err != nil {
			return nil, err
		}
		d, err := timed(func() error { return runList(v, fx) })
		if err != nil {
			return nil, err
		}
		listRuns = append(listRuns, d)
		d, err = timed(v.Close)
		if err != nil {
			return nil, err
		}
		closeRuns = append(closeRuns, d)
	}
	u.list = timings{runs: listRuns, loadStart: loadavg(), loadEnd: loadavg()}
	u.close = timings{runs: closeRuns, loadStart: u.list.loadStart, loadEnd: u.list.loadEnd}
	if cfg.bin == "" {
		u.cliErr = cfg.binErr
		return u, nil
	}
	r, err := newCLIRunner(cfg.bin, path, pass, filepath.Join(dir, "cli"))
	if err != nil {
		return nil, err
	}
	if _, err := r.run("list"); err != nil { // warm-up; writes the rollback state file
		u.cliErr = err
		return u, nil
	}
	if u.cliList, err = measure(cfg.reps, func() (time.Duration, error) { return r.run("list") }); err != nil {
		u.cliErr = err
		return u, nil
	}
	if u.cliHelp, err = measure(cfg.reps, func() (time.Duration, error) { return r.run("--help") }); err != nil {
		u.cliErr = err
		return u, nil
	}
	// The same small vault with the weakest KDF: the binary's wall time
	// minus a fresh-process KDF that is small, so that the rest is not lost
	// in the noise of the default KDF's 200+ ms.
	minPath := filepath.Join(dir, "min", "vault.db")
	if err := os.MkdirAll(filepath.Dir(minPath), 0o700); err != nil {
		return nil, err
	}
	if _, err := fill.Build(minPath, pass, fill.Spec{Items: 20, Claims: 1, Seed: 1}); err != nil {
		return nil, err
	}
	if u.kdfMinFresh, err = kdfFresh(cfg.reps, crypto.MinKDF()); err != nil {
		return nil, err
	}
	rm, err := newCLIRunner(cfg.bin, minPath, pass, filepath.Join(dir, "min", "cli"))
	if err != nil {
		return nil, err
	}
	if _, err := rm.run("list"); err != nil {
		u.cliErr = err
		return u, nil
	}
	if u.cliListMin, err = measure(cfg.reps, func() (time.Duration, error) { return rm.run("list") }); err != nil {
		u.cliErr = err
	}
	return u, nil
}

// report writes the unlock section's table.
func (u *unlockResult) report(w io.Writer) {
	fmt.Fprintf(w, "### Unlock: `vault list` on a small vault (%d items, 1 claim), default KDF (Argon2id %d MiB, %d passes, %d lanes)\n\n",
		u.items, crypto.DefaultKDF().MemoryKiB/1024, crypto.DefaultKDF().Time, crypto.DefaultKDF().Lanes)
	fmt.Fprintln(w, "| part | median ms | min ms | load (1 min) |")
	fmt.Fprintln(w, "|---|--:|--:|---|")
	row := func(name string, t timings) {
		if len(t.runs) == 0 {
			return
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, ms(t.median()), ms(t.min()), t.load())
	}
	row("KDF alone, in this process (`crypto.DeriveKey`, heap already faulted in)", u.kdfIn)
	row("KDF alone, in a fresh process (incl. faulting in 64 MiB)", u.kdfFresh)
	row("`vault.Open` read-only (KDF included)", u.open)
	row("`vault.Open` minus a KDF run timed just before it (paired)", u.openPaired)
	row("the rest of `vault.Open` timed directly: bbolt open (flock, mmap), header, unwrap, HKDF, state, close", u.openSteps)
	row("`v.List` + claim names on a fresh handle (decrypts the records)", u.list)
	row("`v.Close`", u.close)
	fmt.Fprintf(w, "| **in-process total beyond KDF** (rest of open + list) | **%s** | | |\n",
		ms(u.openSteps.median()+u.list.median()))
	if u.cliErr != nil {
		fmt.Fprintf(w, "\nThe binary was not measured: %v\n\n", u.cliErr)
		return
	}
	row("binary `vault list`, wall time", u.cliList)
	row("binary `vault --help` (process start and exit, no vault)", u.cliHelp)
	fmt.Fprintf(w, "| binary `vault list` beyond KDF (wall − fresh-process KDF; the noise of two large figures) | %s | | |\n",
		ms(u.cliList.median()-u.kdfFresh.median()))
	if len(u.cliListMin.runs) > 0 {
		row(fmt.Sprintf("binary `vault list`, same items, vault made with MinKDF() (%d MiB, %d pass), wall time", crypto.MinKDF().MemoryKiB/1024, crypto.MinKDF().Time), u.cliListMin)
		row("MinKDF() alone in a fresh process", u.kdfMinFresh)
		fmt.Fprintf(w, "| **binary `vault list`: everything but the KDF** (MinKDF() vault wall − MinKDF() fresh) | **%s** | | |\n",
			ms(u.cliListMin.median()-u.kdfMinFresh.median()))
	}
	fmt.Fprintln(w)
}
