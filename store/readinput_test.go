package store

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestReadInputSameBytes: reading through ReadInput gives the file's bytes
// from where the file stood, across several advice steps, whatever the
// size of the reads; a pipe and a non-file reader are returned as they are.
func TestReadInputSameBytes(t *testing.T) {
	data := make([]byte, 2*readInputStep+12345)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	path := filepath.Join(t.TempDir(), "doc")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, start := range []int64{0, 1, readInputStep + 7} {
		for _, bufSize := range []int{1 << 10, 256 << 10, 3 << 20} {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Seek(start, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			r := ReadInput(f)
			if _, ok := r.(*readInput); !ok {
				t.Fatalf("ReadInput of a regular file returned %T, want *readInput", r)
			}
			var got bytes.Buffer
			if _, err := io.CopyBuffer(&got, struct{ io.Reader }{r}, make([]byte, bufSize)); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if !bytes.Equal(got.Bytes(), data[start:]) {
				t.Fatalf("start %d, reads of %d: got %d bytes, not the file's %d from there", start, bufSize, got.Len(), len(data)-int(start))
			}
		}
	}
	// A type embedding *os.File (standard input with a no-op Close) is
	// read ahead too.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if r := ReadInput(struct{ *os.File }{f}); func() bool { _, ok := r.(*readInput); return !ok }() {
		t.Errorf("ReadInput of a type embedding *os.File returned %T, want *readInput", r)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if r := ReadInput(pr); r != io.Reader(pr) {
		t.Errorf("ReadInput of a pipe returned %T, want the pipe itself", r)
	}
	br := bytes.NewReader(data)
	if r := ReadInput(br); r != io.Reader(br) {
		t.Errorf("ReadInput of a bytes.Reader returned %T, want it as is", r)
	}
}
