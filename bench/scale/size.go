package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// docSet is N documents of M MiB each.
type docSet struct{ count, mib int }

// parseDocSets reads "100x1,10x64".
func parseDocSets(s string) ([]docSet, error) {
	var out []docSet
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		a, b, ok := strings.Cut(f, "x")
		n, err1 := strconv.Atoi(a)
		m, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || n < 2 || m < 1 {
			return nil, fmt.Errorf("bad document set %q: want COUNTxMIB such as 100x1 (at least 2 documents)", f)
		}
		out = append(out, docSet{n, m})
	}
	return out, nil
}

// sizeResult is the vault file's size through one document set's life.
type sizeResult struct {
	set                   docSet
	plainAll, plainKept   int64
	empty                 int64        // the new vault
	added                 int64        // after adding every document
	removed               int64        // after removing every other one
	compacted             int64        // after compact
	facts                 [3]boltFacts // after adding, removing, compacting
	defaultAlloc          int64        // for comparison: compacted with bbolt's default AllocSize (see compactDefaultAlloc)
	addTime, compactTime  time.Duration
	loadStart, loadFinish string
}

// measureSize adds the documents as `vault add` does (WriteBlob, then one
// transaction putting the record), removes every other one as `vault rm`
// does (one transaction each), compacts, and stats the file at each step.
func measureSize(cfg *config, set docSet) (*sizeResult, error) {
	dir := filepath.Join(cfg.dir, fmt.Sprintf("size-%dx%d", set.count, set.mib))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "vault.db")
	pass := []byte("correct horse battery staple")
	r := &sizeResult{set: set, loadStart: loadavg()}
	if _, err := vault.Init(path, pass, vault.InitOptions{KDF: crypto.MinKDF()}); err != nil {
		return nil, err
	}
	stat := func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			return -1
		}
		return st.Size()
	}
	r.empty = stat()
	v, err := vault.Open(path, vault.Secret{Passphrase: pass}, vault.Options{})
	if err != nil {
		return nil, err
	}
	defer func() { v.Close() }()
	claim, err := v.NewClaim(vault.Claim{Name: "size", Insurer: "Acme Health"})
	if err != nil {
		return nil, err
	}
	rnd := rand.NewChaCha8([32]byte{byte(set.count), byte(set.mib)})
	data := make([]byte, set.mib<<20)
	var ids []string
	start := time.Now()
	for i := range set.count {
		_, _ = rnd.Read(data) // incompressible, like a scan or a video
		blob, err := v.WriteBlob(bytes.NewReader(data), vault.BlobOptions{})
		if err != nil {
			return nil, err
		}
		id, err := v.NewID()
		if err != nil {
			return nil, err
		}
		d := &vault.Document{ID: id, Claim: claim.ID, Kind: vault.KindOther, Date: vault.DateOf(v.Now()),
			FileName: fmt.Sprintf("doc-%03d.bin", i), MediaType: "application/octet-stream",
			Size: blob.Size, SHA256: blob.SHA256, Blob: blob.ID, Chunks: blob.Chunks, Added: v.Now().UTC()}
		if err := v.Update(func(t *vault.Tx) error { return t.Put(d, vault.ActionAdd, "other "+d.FileName) }); err != nil {
			return nil, err
		}
		ids = append(ids, id)
		r.plainAll += blob.Size
	}
	r.addTime = time.Since(start)
	r.added = stat()
	if r.facts[0], err = factsOf(v); err != nil {
		return nil, err
	}
	for i, id := range ids {
		if i%2 == 1 {
			if err := v.Update(func(t *vault.Tx) error { return t.Delete(id, "removed") }); err != nil {
				return nil, err
			}
			continue
		}
		r.plainKept += int64(set.mib << 20)
	}
	r.removed = stat()
	if r.facts[1], err = factsOf(v); err != nil {
		return nil, err
	}
	start = time.Now()
	if _, err := v.Store().Compact(); err != nil {
		return nil, err
	}
	r.compactTime = time.Since(start)
	r.compacted = stat()
	if r.facts[2], err = factsOf(v); err != nil {
		return nil, err
	}
	if r.defaultAlloc, err = compactDefaultAlloc(v, filepath.Join(dir, "default-alloc.db")); err != nil {
		return nil, err
	}
	r.loadFinish = loadavg()
	return r, nil
}

// boltFacts say where a vault file's bytes are.
type boltFacts struct {
	used       int64 // up to the last page in use (bbolt's high-water mark); the rest of the file is preallocated
	free       int64 // free pages below it (removed data not yet reused)
	chunkAlloc int64 // pages holding document chunks
	chunkInuse int64 // bytes of those pages holding data (keys, sealed chunks, page and element headers)
	chunks     int
}

// factsOf reads the file's page use through bbolt.
func factsOf(v *vault.Vault) (boltFacts, error) {
	var f boltFacts
	db := v.Store().Bolt()
	err := db.View(func(tx *bolt.Tx) error {
		f.used = tx.Size()
		st := tx.Bucket([]byte(store.BucketChunks)).Stats()
		f.chunkAlloc, f.chunkInuse, f.chunks = int64(st.LeafAlloc+st.BranchAlloc), int64(st.LeafInuse+st.BranchInuse), st.KeyN
		return nil
	})
	s := db.Stats()
	f.free = int64(s.FreePageN+s.PendingPageN) * int64(db.Info().PageSize)
	return f, err
}

// compactDefaultAlloc compacts the vault's file as store.Compact does
// (bolt.Compact, 32 MiB transactions) into path, but with bbolt's default
// AllocSize (16 MiB: how far bbolt grows a file beyond what it needs), as
// store.Compact did before it set 1 MiB, and returns the size of the result.
// It shows what that setting gains; the vault itself is not changed.
func compactDefaultAlloc(v *vault.Vault, path string) (int64, error) {
	dst, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return 0, err
	}
	defer os.Remove(path)
	dst.AllocSize = 16 << 20 // bbolt's default (common.DefaultAllocSize)
	err = bolt.Compact(dst, v.Store().Bolt(), 32<<20)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// reportSizes writes the size table, then where the bytes are.
func reportSizes(w io.Writer, rs []*sizeResult) {
	fmt.Fprintln(w, "| documents | step | plaintext MiB | vault file MiB | file ÷ plaintext | load (1 min) |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|---|")
	for _, r := range rs {
		name := fmt.Sprintf("%d × %d MiB", r.set.count, r.set.mib)
		fmt.Fprintf(w, "| %s | new vault (`vault.Init`) | 0 | %s | - | |\n", name, mib(r.empty))
		fmt.Fprintf(w, "| %s | all added (%s s) | %s | %s | %.3f | %s |\n", name, secs(r.addTime), mib(r.plainAll), mib(r.added),
			float64(r.added)/float64(r.plainAll), r.loadStart)
		fmt.Fprintf(w, "| %s | every other one removed, no compact | %s | %s | %.3f | |\n", name, mib(r.plainKept), mib(r.removed),
			float64(r.removed)/float64(r.plainKept))
		fmt.Fprintf(w, "| %s | **compacted** (%s s) | %s | **%s** | **%.3f** | %s |\n", name, secs(r.compactTime), mib(r.plainKept), mib(r.compacted),
			float64(r.compacted)/float64(r.plainKept), r.loadFinish)
		fmt.Fprintf(w, "| %s | for comparison: compacted with bbolt's default 16 MiB allocation step (store.Compact before 61f69a4) | %s | %s | %.3f | |\n",
			name, mib(r.plainKept), mib(r.defaultAlloc), float64(r.defaultAlloc)/float64(r.plainKept))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Where the bytes are (bbolt's own accounting, 4 KiB pages): *used* is the file up to its last page in use, the rest")
	fmt.Fprintln(w, "of the file is preallocated by bbolt's growth; *free* are free pages below that; *chunk pages* hold the sealed")
	fmt.Fprintln(w, "64 KiB chunks, *chunk bytes* is what of those pages holds data.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| documents | step | file MiB | used MiB | preallocated MiB | free MiB | chunks | chunk pages MiB | chunk bytes MiB | chunk pages ÷ plaintext |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rs {
		name := fmt.Sprintf("%d × %d MiB", r.set.count, r.set.mib)
		for i, step := range []struct {
			name        string
			file, plain int64
		}{{"all added", r.added, r.plainAll}, {"half removed", r.removed, r.plainKept}, {"compacted", r.compacted, r.plainKept}} {
			f := r.facts[i]
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %s | %s | %.4f |\n", name, step.name, mib(step.file), mib(f.used),
				mib(step.file-f.used), mib(f.free), f.chunks, mib(f.chunkAlloc), mib(f.chunkInuse), float64(f.chunkAlloc)/float64(step.plain))
		}
	}
	fmt.Fprintln(w)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }
