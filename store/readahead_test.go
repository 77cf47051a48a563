package store

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// raChunk is the size of a sealed 64 KiB chunk, as documents store them.
const raChunk = 65536 + 16

// raChunks is enough chunks (about 12.5 MiB) to cross the readahead window
// and several drop-behind steps.
const raChunks = 200

// raValue is the content of chunk i in the readahead tests: distinct per
// chunk and per position, so a page mapped back wrongly would show.
func raValue(i uint64) []byte {
	v := make([]byte, raChunk)
	for j := range v {
		v[j] = byte(i*7 + uint64(j)/4093)
	}
	return v
}

// newReadaheadStore returns the path of a store holding one blob of raChunks
// chunks, committed, and the blob's ID.
func newReadaheadStore(t *testing.T) (string, []byte) {
	t.Helper()
	path := newStore(t)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blob := fill(0x5a, BlobIDSize)
	w := db.NewBlobWriter(blob, 0)
	for i := range uint64(raChunks) {
		if err := w.Put(i, raValue(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return path, blob
}

// TestReadaheadKeepsValues: values read during a pass, in order or not, and
// read again after their pages were let go, are the stored bytes.
func TestReadaheadKeepsValues(t *testing.T) {
	path, blob := newReadaheadStore(t)
	db := openStore(t, path, Options{ReadOnly: true})
	check := func(tx *Tx, i uint64, when string) {
		t.Helper()
		if !bytes.Equal(tx.Chunk(blob, i), raValue(i)) {
			t.Fatalf("chunk %d differs %s", i, when)
		}
	}
	err := db.View(func(tx *Tx) error {
		ra := tx.Readahead()
		if ra.end == 0 {
			t.Fatal("a read-only transaction got an inactive Readahead")
		}
		for i := range uint64(raChunks) {
			c := tx.Chunk(blob, i)
			ra.Next(c)
			check(tx, i, "during an in-order pass")
		}
		for i := range uint64(raChunks) {
			check(tx, i, "after its pages were dropped")
		}
		// Backwards: every value starts a new run.
		for i := uint64(raChunks); i > 0; i-- {
			c := tx.Chunk(blob, i-1)
			ra.Next(c)
			check(tx, i-1, "during a backward pass")
		}
		ra.Next(nil)                      // nothing to advise
		ra.Next(raValue(1))               // a copy, outside the map: ignored
		ra.Next(tx.Chunk(blob, raChunks)) // missing: nil
		ra.Done()
		ra.Done() // twice is harmless
		ra.Next(tx.Chunk(blob, 0))
		for i := range uint64(raChunks) {
			check(tx, i, "after Done")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadaheadInactiveInWritableTx: a writable transaction may move the map,
// so it gets a Readahead that advises nothing.
func TestReadaheadInactiveInWritableTx(t *testing.T) {
	path, blob := newReadaheadStore(t)
	db := openStore(t, path, Options{})
	err := db.Update(func(tx *Tx) error {
		ra := tx.Readahead()
		if ra.end != 0 {
			t.Error("a writable transaction got an active Readahead")
		}
		ra.Next(tx.Chunk(blob, 0))
		ra.Done()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var zero Readahead // the zero value is inactive too
	zero.Next([]byte{1})
	zero.Done()
}

// TestWriteBehind: writes go through unchanged; the writeback of every
// writeBehindStep bytes written is started, from the file's offset at the
// start; other writers than a regular file are returned as they are.
func TestWriteBehind(t *testing.T) {
	var buf bytes.Buffer
	if WriteBehind(&buf) != io.Writer(&buf) {
		t.Error("a bytes.Buffer was wrapped")
	}
	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer pw.Close()
	if WriteBehind(pw) != io.Writer(pw) {
		t.Error("a pipe was wrapped")
	}

	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("head")); err != nil {
		t.Fatal(err)
	}
	w, ok := WriteBehind(f).(*writeBehind)
	if !ok {
		t.Fatal("a regular file was not wrapped")
	}
	type span struct{ off, n int64 }
	var started []span
	w.start = func(_ *os.File, off, n int64) { started = append(started, span{off, n}) }
	block := bytes.Repeat([]byte{0xab}, 3<<20)
	var want bytes.Buffer
	want.WriteString("head")
	for range 6 { // 18 MiB: two steps of 8 MiB or more
		if n, err := w.Write(block); n != len(block) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		want.Write(block)
	}
	if len(started) != 2 || started[0] != (span{4, 9 << 20}) || started[1] != (span{4 + 9<<20, 9 << 20}) {
		t.Fatalf("writeback started for %v", started)
	}
	got, err := os.ReadFile(f.Name())
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("the file does not hold what was written (%v)", err)
	}
}
