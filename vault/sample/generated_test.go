package sample_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"vault/testdata/gen/samplegen"
	"vault/vault/sample"
)

// TestEmbeddedFilesAreGenerated: files/ holds, byte for byte, what the
// generator (go run ./testdata/gen) writes, nothing more, and what the
// package returns is those files and claim.json's metadata.
func TestEmbeddedFilesAreGenerated(t *testing.T) {
	want, err := samplegen.Files()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("files")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := want[e.Name()]; !ok {
			t.Errorf("files/%s is not the generator's: remove it", e.Name())
		}
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join("files", name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("files/%s is missing or stale; run: go run ./testdata/gen", name)
		}
	}
	gen := samplegen.Documents()
	docs := sample.Documents()
	if len(docs) != len(gen) {
		t.Fatalf("%d documents embedded, the generator makes %d", len(docs), len(gen))
	}
	for i, d := range docs {
		g := gen[i]
		if d.FileName != g.FileName || d.Kind != g.Kind || d.Date != g.Date || d.Title != g.Title || d.Amount != g.Amount ||
			!slices.Equal(d.CPT, g.CPT) || d.ValidUntil != g.ValidUntil || !bytes.Equal(d.Data, g.Data) {
			t.Errorf("document %d (%s) differs from the generator's", i, g.FileName)
		}
	}
	if !slices.EqualFunc(sample.Calls(), samplegen.Calls(), func(a, b sample.Call) bool { return a == b }) {
		t.Error("the calls differ from the generator's")
	}
	if !slices.EqualFunc(sample.Conditions(), samplegen.Conditions(), func(a, b sample.Condition) bool {
		return a.Date == b.Date && a.Phase == b.Phase && a.Pain == b.Pain && a.Text == b.Text && slices.Equal(a.Measures, b.Measures)
	}) {
		t.Error("the condition notes differ from the generator's")
	}
	r, g := sample.InsurerRequest(), samplegen.InsurerRequest()
	if r.Received != g.Received || r.Due != g.Due || r.Note != g.Note || !slices.Equal(r.Kinds, g.Kinds) || !slices.Equal(r.On, g.On) {
		t.Error("the request differs from the generator's")
	}
}

// TestDocumentsAreCopies: a caller that changes what it got (the demo
// files documents under its own names) cannot change the next caller's.
func TestDocumentsAreCopies(t *testing.T) {
	d := sample.Documents()
	d[0].Data[0]++
	d[3].CPT[0] = "x"
	if again := sample.Documents(); again[0].Data[0] == d[0].Data[0] || again[3].CPT[0] == "x" {
		t.Fatal("Documents returned the same slices twice")
	}
}
