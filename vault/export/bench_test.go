package export

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"vault/vault"
	"vault/vault/bundle"
)

// BenchmarkExport exports a claim holding one large incompressible document
// (BENCH_EXPORT_MIB, default 64) and verifies the bundle. It reports the
// throughput and the peak heap in use while writing, which shows that
// memory does not grow with the document (streamed, not buffered).
//
//	go test ./vault/export -run '^$' -bench Export -benchtime 3x
func BenchmarkExport(b *testing.B) {
	mib := 64
	if s := os.Getenv("BENCH_EXPORT_MIB"); s != "" {
		mib, _ = strconv.Atoi(s)
	}
	v := newVault(b)
	claim, err := v.NewClaim(vault.Claim{Name: "big", Insurer: "X"})
	if err != nil {
		b.Fatal(err)
	}
	size := int64(mib) << 20
	if _, _, err := v.AddDocuments(claim, []vault.NewDocument{{Kind: "other", Date: "2026-01-01", FileName: "scan.bin",
		Open: func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(rand.Reader, size)), nil }}},
		vault.AddOptions{AnyType: true}); err != nil {
		b.Fatal(err)
	}
	plan, err := Prepare(v, claim, nil, Selection{})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "big.zip")
	var peak uint64
	var next int64
	sample := func(done, total int64) {
		if done < next {
			return
		}
		next = done + 4<<20
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next = 0
		if _, err := Write(context.Background(), v, plan, Options{Output: out, Force: true, Progress: sample}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	r, err := bundle.Verify(out)
	if err != nil || !r.OK() {
		b.Fatalf("verify: %v %v", err, r)
	}
}
