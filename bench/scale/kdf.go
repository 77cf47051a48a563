package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"vault/crypto"
)

// childEnv names the environment variable that makes this program measure
// one key derivation in a fresh process and exit (see kdfChild).
const childEnv = "VAULT_SCALE_KDF_CHILD"

// kdfInProcess measures crypto.DeriveKey with p in this process. After the
// first run Go reuses the heap the earlier runs faulted in, so this is the
// derivation's CPU time without the cost of new memory.
func kdfInProcess(reps int, p crypto.KDFParams) (timings, error) {
	return measure(reps, func() (time.Duration, error) { return kdfOnce(p) })
}

// kdfOnce times one crypto.DeriveKey with p.
func kdfOnce(p crypto.KDFParams) (time.Duration, error) {
	salt := crypto.RandomBytes(crypto.SaltSize)
	var key []byte
	d, err := timed(func() error {
		var err error
		key, err = crypto.DeriveKey([]byte("correct horse battery staple"), salt, p)
		return err
	})
	clear(key)
	return d, err
}

// kdfFresh measures one crypto.DeriveKey with p in each of reps new
// processes (this program run again): what a vault command pays, including
// the page faults of the memory Argon2id allocates.
func kdfFresh(reps int, p crypto.KDFParams) (timings, error) {
	self, err := os.Executable()
	if err != nil {
		return timings{}, err
	}
	return measure(reps, func() (time.Duration, error) {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d,%d", childEnv, p.MemoryKiB, p.Time, p.Lanes))
		out, err := cmd.Output()
		if err != nil {
			return 0, fmt.Errorf("KDF child: %w", err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
		return time.Duration(ns), err
	})
}

// kdfChild is the child's side of kdfFresh: it derives one key with the
// parameters "memoryKiB,time,lanes" and prints the nanoseconds it took.
func kdfChild(spec string) error {
	var p crypto.KDFParams
	var lanes uint32
	if _, err := fmt.Sscanf(spec, "%d,%d,%d", &p.MemoryKiB, &p.Time, &lanes); err != nil {
		return fmt.Errorf("bad %s=%q: %w", childEnv, spec, err)
	}
	p.Lanes = uint8(lanes)
	salt := crypto.RandomBytes(crypto.SaltSize)
	start := time.Now()
	key, err := crypto.DeriveKey([]byte("correct horse battery staple"), salt, p)
	d := time.Since(start)
	clear(key)
	if err != nil {
		return err
	}
	fmt.Println(d.Nanoseconds())
	return nil
}
