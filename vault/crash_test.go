package vault_test

// Crash and memory tests of adding a large document. A child process (this
// test binary re-executed with VAULT_CRASH_HELPER set, running only
// TestCrashHelperProcess) opens the vault and adds a document; the parent
// kills it with SIGKILL at spread-out moments and checks what the next
// opening finds. VAULT_LONG_TESTS=1 makes the runs long (1 GiB, 50 kills).

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"vault/store"
	"vault/vault"
)

const crashHelperEnv = "VAULT_CRASH_HELPER"

// crashLong reports whether the long runs were asked for.
func crashLong() bool { return os.Getenv("VAULT_LONG_TESTS") == "1" }

// crashGen yields n deterministic pseudo-random bytes from a seed.
type crashGen struct {
	r *rand.ChaCha8
	n int64
}

func newCrashGen(seed uint64, n int64) *crashGen {
	var s [32]byte
	binary.BigEndian.PutUint64(s[:], seed)
	return &crashGen{r: rand.NewChaCha8(s), n: n}
}

func (g *crashGen) Read(p []byte) (int, error) {
	if g.n == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.n {
		p = p[:g.n]
	}
	g.r.Read(p)
	g.n -= int64(len(p))
	return len(p), nil
}

// crashChild is a running helper process.
type crashChild struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *bytes.Buffer
	start  time.Time
}

// crashStartHelper starts this test binary as a helper in mode for the
// vault at path, with extra environment variables.
func crashStartHelper(t *testing.T, mode, path string, env []string) *crashChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashHelperEnv+"="+mode, "VAULT_CRASH_PATH="+path, "VAULT_CRASH_PASS="+corePass)
	cmd.Env = append(cmd.Env, env...)
	c := &crashChild{cmd: cmd, lines: make(chan string, 16), stderr: new(bytes.Buffer)}
	cmd.Stderr = c.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	c.start = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return c
}

// waitLine returns the helper's next line of output ("" when it ended).
func (c *crashChild) waitLine(t *testing.T, timeout time.Duration) string {
	t.Helper()
	select {
	case l := <-c.lines:
		return l
	case <-time.After(timeout):
		t.Fatalf("no word from the helper in %v; stderr:\n%s", timeout, c.stderr.String())
		return ""
	}
}

// TestCrashHelperProcess is not a test: it is the child's code, run only
// when the parent sets VAULT_CRASH_HELPER.
func TestCrashHelperProcess(t *testing.T) {
	mode := os.Getenv(crashHelperEnv)
	if mode == "" {
		t.Skip("helper process for the crash tests")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	v, err := vault.Open(os.Getenv("VAULT_CRASH_PATH"), vault.Secret{Passphrase: []byte(os.Getenv("VAULT_CRASH_PASS"))}, vault.Options{})
	if err != nil {
		fail(err)
	}
	switch mode {
	case "hold": // keep the vault open until stdin closes
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
	case "add": // add one document, from a file or a generator
		fmt.Println("opened")
		var r io.Reader
		if f := os.Getenv("VAULT_CRASH_FILE"); f != "" {
			file, err := os.Open(f)
			if err != nil {
				fail(err)
			}
			defer file.Close()
			r = file
		} else {
			seed, _ := strconv.ParseUint(os.Getenv("VAULT_CRASH_SEED"), 10, 64)
			size, _ := strconv.ParseInt(os.Getenv("VAULT_CRASH_SIZE"), 10, 64)
			r = newCrashGen(seed, size)
		}
		blob, err := v.WriteBlob(r, vault.BlobOptions{})
		if err != nil {
			fail(err)
		}
		fmt.Println("written")
		d := &vault.Document{ID: os.Getenv("VAULT_CRASH_DOC"), Claim: os.Getenv("VAULT_CRASH_CLAIM"), Kind: "imaging",
			Date: "2026-04-20", Title: "MRI", FileName: "mri.dcm", MediaType: "application/dicom",
			Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks, Added: coreNow}
		if err := v.Update(func(tx *vault.Tx) error { return tx.Put(d, vault.ActionAdd, "") }); err != nil {
			fail(err)
		}
		fmt.Println("done")
	default:
		fail(fmt.Errorf("unknown mode %q", mode))
	}
	if err := v.Close(); err != nil {
		fail(err)
	}
	os.Exit(0)
}

// crashCheck opens the vault for writing (which reclaims orphans) and
// checks it: no pending blob, no chunk outside a referenced document, every
// document's chunks all there, the keeper intact, the history whole, and the
// crash document either absent or whole. A whole crash document is removed
// again so the next round starts alike. It reports whether it was there.
func crashCheck(t *testing.T, path, docID, wantSHA string, size int64, keeper *coreSample) bool {
	t.Helper()
	v := coreOpen(t, path, corePass)
	defer v.Close()
	recs, err := v.Records()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*vault.Document{}
	for _, r := range recs {
		if d, ok := r.(*vault.Document); ok {
			docs[string(d.Blob)] = d
		}
	}
	err = v.Store().View(func(tx *store.Tx) error {
		if p := tx.PendingBlobs(); len(p) != 0 {
			return fmt.Errorf("%d pending blobs after a writable open", len(p))
		}
		counts := map[string]uint64{}
		err := tx.ForEachChunk(func(k, _ []byte) error {
			if len(k) != store.BlobIDSize+8 {
				return fmt.Errorf("chunk key %x is malformed", k)
			}
			d, ok := docs[string(k[:store.BlobIDSize])]
			if !ok {
				return fmt.Errorf("orphan chunk %x left behind", k)
			}
			if binary.BigEndian.Uint64(k[store.BlobIDSize:]) >= d.Chunks {
				return fmt.Errorf("chunk %x beyond document %s's %d chunks", k, d.ID, d.Chunks)
			}
			counts[string(d.Blob)]++
			return nil
		})
		if err != nil {
			return err
		}
		for blob, d := range docs {
			if counts[blob] != d.Chunks {
				return fmt.Errorf("document %s has %d of its %d chunks", d.ID, counts[blob], d.Chunks)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	coreCheckSample(t, v, keeper)
	if _, err := v.History(); err != nil {
		t.Fatal(err)
	}
	r, err := v.Record(docID)
	if errors.Is(err, vault.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	d := r.(*vault.Document)
	h := sha256.New()
	if err := v.ReadDocument(d, h); err != nil {
		t.Fatalf("the crash document is there but does not read: %v", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA || d.Size != size {
		t.Fatalf("the crash document is there but not whole: %d bytes, SHA-256 %s", d.Size, got)
	}
	if err := v.Update(func(tx *vault.Tx) error { return tx.Delete(docID, "next round") }); err != nil {
		t.Fatal(err)
	}
	return true
}

func crashSHA(seed uint64, size int64) string {
	h := sha256.New()
	io.Copy(h, newCrashGen(seed, size))
	return hex.EncodeToString(h.Sum(nil))
}

// TestCrashAddLargeFile kills a child adding a large document at spread-out
// moments (during start-up, sealing, batch commits, the final Put, closing).
// After each kill the vault opens, the document is whole or absent, and the
// orphaned chunks are gone.
func TestCrashAddLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	size, kills := int64(64<<20), 5
	if crashLong() {
		size, kills = 1<<30, 50
	}
	path, _ := coreInit(t)
	v := coreOpen(t, path, corePass)
	keeper := coreFill(t, v, 150_000)
	v.Close()
	const seed = 42
	wantSHA := crashSHA(seed, size)
	env := func(docID string) []string {
		return []string{"VAULT_CRASH_SEED=" + strconv.Itoa(seed), "VAULT_CRASH_SIZE=" + strconv.FormatInt(size, 10),
			"VAULT_CRASH_DOC=" + docID, "VAULT_CRASH_CLAIM=" + keeper.claim.ID}
	}

	// A full run first: it must succeed, and it times the add.
	c := crashStartHelper(t, "add", path, env("crash000"))
	if l := c.waitLine(t, time.Minute); l != "opened" {
		t.Fatalf("helper: %q\n%s", l, c.stderr)
	}
	opened := time.Now()
	for _, want := range []string{"written", "done"} {
		if l := c.waitLine(t, 10*time.Minute); l != want {
			t.Fatalf("helper said %q, want %q\n%s", l, want, c.stderr)
		}
	}
	addTime := time.Since(opened)
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s", err, c.stderr)
	}
	if !crashCheck(t, path, "crash000", wantSHA, size, keeper) {
		t.Fatal("the uninterrupted add left no document")
	}
	st, _ := os.Stat(path)
	t.Logf("uninterrupted add of %d MiB: %v; vault file %d MiB", size>>20, addTime.Round(time.Millisecond), st.Size()>>20)

	// Kill points: one during start-up (opening, Argon2id, reclaiming); a
	// few right after the blob is written (racing the Put that makes the
	// document visible); a few after the Put (during Close); the rest spread
	// over the add (sealing and batch commits).
	nWritten, nDone := max(1, kills/8), max(1, kills/10)
	nAdd := kills - 1 - nWritten - nDone
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var whole, absent int
	for k := range kills {
		docID := fmt.Sprintf("crash%03d", k+1)
		c := crashStartHelper(t, "add", path, env(docID))
		var delay time.Duration
		var phase string
		waitFor := func(want string) {
			for {
				l := c.waitLine(t, 10*time.Minute)
				if l == want {
					return
				}
				if l == "" {
					t.Fatalf("helper ended before %q: %v\n%s", want, c.cmd.Wait(), c.stderr)
				}
			}
		}
		switch {
		case k == 0:
			phase = "start-up"
			delay = time.Duration(rng.Int64N(int64(20 * time.Millisecond)))
		case k <= nAdd:
			phase = "adding"
			waitFor("opened")
			delay = time.Duration((float64(k-1) + rng.Float64()) / float64(nAdd) * float64(addTime))
		case k <= nAdd+nWritten:
			phase = "after the blob, racing the Put"
			waitFor("written")
			delay = time.Duration(rng.Int64N(int64(time.Millisecond)))
		default:
			phase = "after the Put"
			waitFor("done")
			delay = time.Duration(rng.Int64N(int64(2 * time.Millisecond)))
		}
		time.Sleep(delay)
		c.cmd.Process.Signal(syscall.SIGKILL)
		c.cmd.Wait()
		var said []string
		for l := range c.lines {
			said = append(said, l)
		}
		present := crashCheck(t, path, docID, wantSHA, size, keeper)
		if present {
			whole++
		} else {
			absent++
		}
		// Two outcomes are certain; the others may go either way.
		if phase == "start-up" && present || phase == "after the Put" && !present {
			t.Fatalf("kill %d (%s): document present = %v", k+1, phase, present)
		}
		st, _ := os.Stat(path)
		t.Logf("kill %2d, %v %s (helper had said %v): document %s; vault file %d MiB", k+1, delay.Round(time.Millisecond), phase, said,
			map[bool]string{true: "whole", false: "absent"}[present], st.Size()>>20)
	}
	t.Logf("%d kills: document whole %d times, absent %d times", kills, whole, absent)
}

// TestCrashMemoryLargeAdd: adding a large file keeps the adding process's
// peak RSS under 150 MiB (the batches bound memory; it must not grow with
// the file).
func TestCrashMemoryLargeAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("memory test skipped in -short mode")
	}
	size := int64(256 << 20)
	if crashLong() {
		size = 1 << 30
	}
	const limit = 150 << 20
	dir := t.TempDir()
	file := dir + "/large.bin"
	f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), newCrashGen(7, size)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	wantSHA := hex.EncodeToString(h.Sum(nil))

	path, _ := coreInit(t)
	v := coreOpen(t, path, corePass)
	keeper := coreFill(t, v)
	v.Close()
	c := crashStartHelper(t, "add", path, []string{"VAULT_CRASH_FILE=" + file, "VAULT_CRASH_DOC=large001", "VAULT_CRASH_CLAIM=" + keeper.claim.ID})
	if l := c.waitLine(t, time.Minute); l != "opened" {
		t.Fatalf("helper: %q\n%s", l, c.stderr)
	}
	opened := time.Now()
	if l := c.waitLine(t, 10*time.Minute); l != "written" {
		t.Fatalf("helper: %q\n%s", l, c.stderr)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s", err, c.stderr)
	}
	elapsed := time.Since(opened)
	ru, ok := c.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no rusage on this platform")
	}
	peak := ru.Maxrss * 1024 // Linux reports KiB
	t.Logf("added %d MiB in %v (%.0f MiB/s); helper peak RSS %.1f MiB, user %v, sys %v", size>>20, elapsed.Round(time.Millisecond),
		float64(size)/(1<<20)/elapsed.Seconds(), float64(peak)/(1<<20),
		time.Duration(ru.Utime.Nano()).Round(time.Millisecond), time.Duration(ru.Stime.Nano()).Round(time.Millisecond))
	if peak >= limit && !raceEnabled {
		t.Errorf("peak RSS %.1f MiB, want under %d MiB", float64(peak)/(1<<20), limit>>20)
	}
	if !crashCheck(t, path, "large001", wantSHA, size, keeper) {
		t.Fatal("the document is missing")
	}
}
