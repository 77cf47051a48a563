// Command scale measures what a vault costs beyond its key derivation as it
// grows: the split of unlocking (Argon2id against everything else), the
// everyday commands (list, search, show, check, status, log-call) on vaults
// of 1,000 to 100,000 records, in-process and through the real binary, and
// the vault file's size against the plaintext it holds, before and after
// removing documents and compacting.
//
//	cd bench && go run ./scale > scale-$(date +%F).md
//
// It prints a Markdown report on stdout and its progress on stderr. See
// bench/scale/README.md for the flags and how to read the figures.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// config is what the flags chose.
type config struct {
	sizes       []int
	reps        int
	dir         string
	keep        bool
	repo        string
	bin         string // the vault binary; "" when it is not measured
	binErr      error  // why not
	only        map[string]bool
	docSets     []docSet
	profileDir  string
	profileTime time.Duration
}

func main() {
	if spec := os.Getenv(childEnv); spec != "" {
		if err := kdfChild(spec); err != nil {
			fmt.Fprintln(os.Stderr, "scale:", err)
			os.Exit(1)
		}
		return
	}
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func parseFlags() (*config, error) {
	sizes := flag.String("sizes", "1000,10000,100000", "vault sizes in items (documents, calls, condition notes), comma-separated")
	reps := flag.Int("reps", 15, "timed runs per figure (the tables show the median and the fastest)")
	dir := flag.String("dir", "", "work folder (default: a new folder in $TMPDIR, removed at the end)")
	keep := flag.Bool("keep", false, "keep the work folder (vaults, binary, state files)")
	repo := flag.String("repo", "..", "the repository whose ./cmd/vault is built (bench/ is a module inside it)")
	bin := flag.String("bin", "", "a prebuilt vault binary instead of building ./cmd/vault")
	noBin := flag.Bool("no-bin", false, "do not measure the binary")
	only := flag.String("only", "unlock,scale,size", "which parts to run")
	docs := flag.String("docs", "100x1,10x64", "document sets of the size part: COUNTxMIB, comma-separated")
	prof := flag.String("profile", "", "write CPU profiles of every in-process command (cold) to this folder")
	profTime := flag.Duration("profile-time", 3*time.Second, "how long each profile runs")
	flag.Parse()
	cfg := &config{reps: *reps, keep: *keep, repo: *repo, only: map[string]bool{}, profileDir: *prof, profileTime: *profTime}
	if cfg.reps < 1 {
		return nil, fmt.Errorf("-reps must be at least 1")
	}
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 10 {
			return nil, fmt.Errorf("bad -sizes entry %q: want a number of items, at least 10", f)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	for _, p := range strings.Split(*only, ",") {
		switch p = strings.TrimSpace(p); p {
		case "unlock", "scale", "size":
			cfg.only[p] = true
		default:
			return nil, fmt.Errorf("bad -only part %q: want unlock, scale or size", p)
		}
	}
	var err error
	if cfg.docSets, err = parseDocSets(*docs); err != nil {
		return nil, err
	}
	if *dir == "" {
		if cfg.dir, err = os.MkdirTemp("", "vault-scale-"); err != nil {
			return nil, err
		}
	} else {
		cfg.dir = *dir
		if err := os.MkdirAll(cfg.dir, 0o700); err != nil {
			return nil, err
		}
	}
	switch {
	case *noBin:
		cfg.binErr = fmt.Errorf("-no-bin")
	case *bin != "":
		cfg.bin = *bin
	default:
		if cfg.bin, cfg.binErr = buildBinary(cfg.repo, cfg.dir); cfg.binErr != nil {
			logf("the binary will not be measured: %v", cfg.binErr)
		}
	}
	return cfg, nil
}

func run(cfg *config) error {
	if !cfg.keep {
		defer os.RemoveAll(cfg.dir)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	writeHeader(w, cfg)
	if cfg.only["unlock"] {
		logf("unlock")
		u, err := measureUnlock(cfg)
		if err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		u.report(w)
		w.Flush()
	}
	if cfg.only["scale"] {
		var rs []*scaleResult
		for _, n := range cfg.sizes {
			r, err := measureScale(cfg, n)
			if err != nil {
				return fmt.Errorf("scale %d: %w", n, err)
			}
			rs = append(rs, r)
			if !cfg.keep {
				os.RemoveAll(r.dirOf(cfg)) // the 100,000-item vault is large
			}
		}
		reportScale(w, rs)
		w.Flush()
	}
	if cfg.only["size"] {
		fmt.Fprintln(w, "### Size: vault file against the plaintext it holds")
		fmt.Fprintln(w)
		var rs []*sizeResult
		for _, s := range cfg.docSets {
			logf("size: %d × %d MiB", s.count, s.mib)
			r, err := measureSize(cfg, s)
			if err != nil {
				return fmt.Errorf("size %dx%d: %w", s.count, s.mib, err)
			}
			rs = append(rs, r)
		}
		reportSizes(w, rs)
	}
	fmt.Fprintf(w, "Load average at the end: %s\n", loadavgAll())
	return nil
}

// writeHeader writes the machine, the date, the commit and the command.
func writeHeader(w *bufio.Writer, cfg *config) {
	fmt.Fprintf(w, "- date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- machine: %d CPUs (%s), %s, %s\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.Version())
	fmt.Fprintf(w, "- commit: %s\n", commit(cfg.repo))
	fmt.Fprintf(w, "- command: `cd bench && go run ./scale %s`\n", strings.Join(os.Args[1:], " "))
	fmt.Fprintf(w, "- load average at the start: %s\n", loadavgAll())
	fmt.Fprintf(w, "- runs per figure: %d (median, and the fastest); every in-process run after a `runtime.GC()`\n\n", cfg.reps)
}

// logf prints progress on stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[scale %s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "?"
	}
	var kb int64
	if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
}

// commit is the short commit of the repository, with a note when the
// measured code (anything but bench/scale itself) differs from it.
func commit(repo string) string {
	out, err := exec.Command("git", "-C", repo, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "? (not a git checkout)"
	}
	c := strings.TrimSpace(string(out))
	st, err := exec.Command("git", "-C", repo, "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/scale").Output()
	if err == nil && len(st) > 0 {
		c += " + uncommitted changes"
	}
	return c
}
