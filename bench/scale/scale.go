package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"vault/bench/scale/fill"
	"vault/crypto"
	"vault/store"
	"vault/vault"
	"vault/vault/integrity"
)

// cmdResult is one command at one vault size.
type cmdResult struct {
	name   string
	open   timings // the steps of vault.Open other than the KDF (openSteps)
	fresh  timings // the command on a freshly opened handle (its first read decrypts every record)
	warm   timings // the command again on a handle that has loaded every record
	cli    timings // the binary, wall time
	cliErr error
}

// scaleResult is everything measured on one vault size.
type scaleResult struct {
	items, claims, records int
	res                    *fill.Result
	fileSize               int64
	build                  time.Duration
	kdfIn, kdfFresh        timings          // MinKDF, the vault's own parameters
	open                   map[bool]timings // openSteps, by read-only
	load                   timings          // the first read on a fresh handle: every record decrypted
	rollbackSame           timings          // integrity.CheckRollback, nothing changed since last seen
	recordSame             timings          // integrity.RecordGeneration, nothing changed
	rollbackBehind         timings          // integrity.CheckRollback, one write since last seen
	recordBehind           timings          // integrity.RecordGeneration, one write since last seen
	history                uint64
	cmds                   []cmdResult
	diags                  []cmdResult // binary only, see diagnose
}

// measureScale builds a vault of n items and measures every command on it.
func measureScale(cfg *config, n int) (*scaleResult, error) {
	dir := filepath.Join(cfg.dir, fmt.Sprintf("scale-%d", n))
	path := filepath.Join(dir, "vault.db")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	pass := []byte("correct horse battery staple")
	logf("building a vault of %s items", thousands(n))
	res, err := fill.Build(path, pass, fill.Spec{Items: n, Seed: uint64(n)})
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	fx := newFixture(path, pass, res)
	s := &scaleResult{items: res.Items, claims: len(res.Claims), records: fx.records, res: res, fileSize: st.Size(), build: res.Elapsed, open: map[bool]timings{}}
	logf("built in %s (%s MiB); measuring", res.Elapsed.Round(time.Millisecond), mib(st.Size()))
	if s.kdfIn, err = kdfInProcess(cfg.reps, crypto.MinKDF()); err != nil {
		return nil, err
	}
	if s.kdfFresh, err = kdfFresh(cfg.reps, crypto.MinKDF()); err != nil {
		return nil, err
	}
	// A command's cost beyond the KDF is the rest of vault.Open (openSteps,
	// timed apart) plus the command on a freshly opened handle, whose first
	// read decrypts every record.
	for _, ro := range []bool{true, false} {
		o, err := newOpenSteps(path, pass, ro)
		if err != nil {
			return nil, err
		}
		t, err := measure(cfg.reps, o.run)
		if err != nil {
			return nil, err
		}
		s.open[ro] = t
	}
	fresh := func(readOnly bool, fn func(v *vault.Vault) error) (time.Duration, error) {
		v, err := vault.Open(path, vault.Secret{Passphrase: pass}, vault.Options{ReadOnly: readOnly})
		if err != nil {
			return 0, err
		}
		defer v.Close()
		return timed(func() error { return fn(v) })
	}
	if s.load, err = measure(cfg.reps, func() (time.Duration, error) {
		return fresh(true, func(v *vault.Vault) error { _, err := v.Claims(); return err })
	}); err != nil {
		return nil, err
	}
	if err := s.measureRollback(cfg, fx, dir); err != nil {
		return nil, err
	}
	var cli *cliRunner
	if cfg.bin != "" {
		if cli, err = newCLIRunner(cfg.bin, path, pass, filepath.Join(dir, "cli")); err != nil {
			return nil, err
		}
	}
	for _, c := range commands(fx) {
		logf("%s items: %s", thousands(n), c.name)
		r := cmdResult{name: c.name}
		r.open = s.open[c.readOnly]
		if r.fresh, err = measure(cfg.reps, func() (time.Duration, error) {
			return fresh(c.readOnly, func(v *vault.Vault) error { return c.run(v, fx) })
		}); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		if err := measureWarm(cfg, fx, c, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		if cfg.profileDir != "" {
			if err := profile(cfg, fx, c, n); err != nil {
				return nil, err
			}
		}
		switch {
		case cli == nil:
			r.cliErr = cfg.binErr
		default:
			if _, err := cli.run(c.cli...); err != nil { // warm-up; writes the rollback state
				r.cliErr = err
				break
			}
			r.cli, r.cliErr = measure(cfg.reps, func() (time.Duration, error) { return cli.run(c.cli...) })
		}
		s.cmds = append(s.cmds, r)
	}
	if cli != nil {
		s.diags = diagnose(cfg, cli, fx)
	}
	return s, nil
}

// diagnose runs variants of the binary's commands that tell where its time
// goes without changing its code: list of one claim (the same decryption of
// every record, 50 rows printed instead of all) and list and show with the
// garbage collector off (GOGC=off).
func diagnose(cfg *config, cli *cliRunner, fx *fixture) []cmdResult {
	var out []cmdResult
	for _, d := range []struct {
		name string
		env  []string
		args []string
	}{
		{"`vault list --claim NAME` (all records decrypted, one claim's rows printed)", nil, []string{"list", "--claim", fx.claim}},
		{"`vault list` with GOGC=off", []string{"GOGC=off"}, []string{"list"}},
		{"`vault show ID` with GOGC=off", []string{"GOGC=off"}, []string{"show", fx.showID}},
	} {
		r := cmdResult{name: d.name}
		if _, err := cli.runEnv(d.env, d.args...); err != nil {
			r.cliErr = err
		} else {
			r.cli, r.cliErr = measure(cfg.reps, func() (time.Duration, error) { return cli.runEnv(d.env, d.args...) })
		}
		out = append(out, r)
	}
	return out
}

// measureWarm times the command on a handle that has already loaded every
// record: the command's own logic.
func measureWarm(cfg *config, fx *fixture, c command, r *cmdResult) error {
	v, err := vault.Open(fx.path, vault.Secret{Passphrase: fx.pass}, vault.Options{ReadOnly: c.readOnly})
	if err != nil {
		return err
	}
	defer v.Close()
	if _, err := v.Claims(); err != nil {
		return err
	}
	r.warm, err = measure(cfg.reps, func() (time.Duration, error) { return timed(func() error { return c.run(v, fx) }) })
	return err
}

// measureRollback times what the CLI adds to every command that opens the
// vault (cmd/vault/cmd_maint_rollback.go): the rollback check against the
// state file at the start and the state file's update at the end. Each in
// its two cases: nothing changed since the vault was last seen (every
// command after a command of the same user), and one write happened since
// (another process wrote without this state file; the check then recomputes
// the history's MAC chain up to the entry seen, and the update rewrites the
// file).
func (s *scaleResult) measureRollback(cfg *config, fx *fixture, dir string) error {
	v, err := vault.Open(fx.path, vault.Secret{Passphrase: fx.pass}, vault.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer v.Close()
	s.history = v.State().HistoryLen
	stateDir := filepath.Join(dir, "rollback-state")
	behind, err := seenOneBehind(v)
	if err != nil {
		return err
	}
	check := func() (time.Duration, error) {
		return timed(func() error {
			w, err := integrity.CheckRollback(stateDir, v)
			if err == nil && w != "" {
				err = fmt.Errorf("rollback warning: %s", w)
			}
			return err
		})
	}
	record := func() (time.Duration, error) {
		return timed(func() error { return integrity.RecordGeneration(stateDir, v) })
	}
	setBehind := func(fn func() (time.Duration, error)) func() (time.Duration, error) {
		return func() (time.Duration, error) {
			if err := integrity.SaveSeen(stateDir, "", behind); err != nil {
				return 0, err
			}
			return fn()
		}
	}
	if err := integrity.RecordGeneration(stateDir, v); err != nil {
		return err
	}
	if s.rollbackSame, err = measure(cfg.reps, check); err != nil {
		return err
	}
	if s.recordSame, err = measure(cfg.reps, record); err != nil {
		return err
	}
	if s.rollbackBehind, err = measure(cfg.reps, setBehind(check)); err != nil {
		return err
	}
	s.recordBehind, err = measure(cfg.reps, setBehind(record))
	return err
}

// seenOneBehind is what the state file would hold had the vault last been
// seen one history entry ago: the chain value after the first n-1 entries.
func seenOneBehind(v *vault.Vault) (integrity.Seen, error) {
	st := v.State()
	head := make([]byte, sha256.Size)
	var i uint64
	err := v.Store().View(func(tx *store.Tx) error {
		return tx.ForEachHistory(func(_, sealed []byte) error {
			if i < st.HistoryLen-1 {
				head = vault.ChainNext(v.Keys().Integrity, head, i, sealed)
			}
			i++
			return nil
		})
	})
	return integrity.Seen{VaultID: v.ID(), Generation: st.Generation - 1, HistoryLen: st.HistoryLen - 1,
		HistoryHead: hex.EncodeToString(head), Recorded: time.Now().UTC()}, err
}

// profile runs the command under the CPU profiler for cfg.profileTime
// each: cold (open + command) in a loop into DIR/<n>-<command>.pprof, and
// warm (the command again on one loaded handle) into
// DIR/<n>-<command>-warm.pprof.
func profile(cfg *config, fx *fixture, c command, n int) error {
	if err := os.MkdirAll(cfg.profileDir, 0o755); err != nil {
		return err
	}
	open := func() (*vault.Vault, error) {
		return vault.Open(fx.path, vault.Secret{Passphrase: fx.pass}, vault.Options{ReadOnly: c.readOnly})
	}
	err := profileLoop(cfg, fmt.Sprintf("%d-%s.pprof", n, c.name), func() error {
		v, err := open()
		if err != nil {
			return err
		}
		defer v.Close()
		return c.run(v, fx)
	})
	if err != nil {
		return err
	}
	v, err := open()
	if err != nil {
		return err
	}
	defer v.Close()
	if _, err := v.Claims(); err != nil {
		return err
	}
	return profileLoop(cfg, fmt.Sprintf("%d-%s-warm.pprof", n, c.name), func() error { return c.run(v, fx) })
}

// profileLoop runs fn under the CPU profiler for cfg.profileTime, into
// the file name in cfg.profileDir.
func profileLoop(cfg *config, name string, fn func() error) error {
	f, err := os.Create(filepath.Join(cfg.profileDir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	for start := time.Now(); time.Since(start) < cfg.profileTime; {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

// cold is the command's cost beyond the KDF: the rest of the open plus the
// command on a fresh handle (medians).
func (c cmdResult) cold() time.Duration { return c.open.median() + c.fresh.median() }
