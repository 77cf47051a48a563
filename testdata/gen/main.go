// Command gen writes the vault's sample documents (package
// testdata/gen/samplegen) into vault/sample/files, which package vault/sample
// embeds, with claim.json and a README that lists them.
//
// Run it from the module root:
//
//	go run ./testdata/gen            # write the files
//	go run ./testdata/gen -check     # fail if the files on disk are stale
package main

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"vault/testdata/gen/samplegen"
)

func main() {
	out := flag.String("out", filepath.Join("vault", "sample", "files"), "directory to write the samples into")
	check := flag.Bool("check", false, "only check that the directory holds exactly what would be written")
	flag.Parse()

	files, err := samplegen.Files()
	if err != nil {
		fail(err)
	}
	names := slices.Sorted(maps.Keys(files))
	if *check {
		stale := 0
		for _, name := range names {
			got, err := os.ReadFile(filepath.Join(*out, name))
			if err != nil || !bytes.Equal(got, files[name]) {
				fmt.Fprintf(os.Stderr, "stale: %s\n", name)
				stale++
			}
		}
		if stale > 0 {
			fail(fmt.Errorf("%d file(s) out of date; run: go run ./testdata/gen", stale))
		}
		return
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(*out, name), files[name], 0o644); err != nil {
			fail(err)
		}
		fmt.Printf("%-32s %8d bytes\n", name, len(files[name]))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
