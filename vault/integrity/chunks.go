package integrity

import (
	"fmt"
	"sort"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// checkDocuments checks that every item belongs to a claim in the vault,
// that every document's chunks are all present, none beyond its last, each
// of the size the stream framing requires, and that no chunks are left that
// belong to no document.
func (w *verifier) checkDocuments(st *store.Tx) error {
	ids := make([]string, 0, len(w.records))
	for id := range w.records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	byBlob := map[string]*vault.Document{}
	for _, id := range ids {
		r := w.records[id]
		if r.RecordType() != vault.TypeClaim {
			if _, present := w.sealed[r.ClaimID()]; !present {
				w.add(w.subject(r), "belongs to claim %s, which is not in the vault", vault.PrintableID([]byte(r.ClaimID())))
			}
		}
		d, ok := r.(*vault.Document)
		if !ok {
			continue
		}
		w.rep.Documents++
		subj := w.subject(d)
		if len(d.Blob) != store.BlobIDSize {
			w.add(subj, "has a malformed blob ID of %d bytes", len(d.Blob))
			continue
		}
		if other, ok := byBlob[string(d.Blob)]; ok {
			w.add(subj, "shares its chunks with document %s", other.ID)
			continue
		}
		byBlob[string(d.Blob)] = d
		if st.IsPending(d.Blob) {
			w.add(subj, "its chunks are still marked as being written: the next writable opening would delete them")
		}
		w.checkChunks(st, d, subj)
	}
	orphans := map[string]int{}
	err := st.ForEachChunk(func(k, _ []byte) error {
		w.rep.Chunks++
		if len(k) != store.BlobIDSize+8 {
			w.add("chunks", "a chunk key of %d bytes is malformed (%x)", len(k), k)
			return nil
		}
		blob := k[:store.BlobIDSize]
		if _, ok := byBlob[string(blob)]; !ok && !st.IsPending(blob) {
			orphans[string(blob)]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.rep.Pending = len(st.PendingBlobs())
	blobs := make([]string, 0, len(orphans))
	for b := range orphans {
		blobs = append(blobs, b)
	}
	sort.Strings(blobs)
	for _, b := range blobs {
		n := uint64(orphans[b])
		verb := "belong"
		if n == 1 {
			verb = "belongs"
		}
		w.add(fmt.Sprintf("orphan chunks %x", b), "%s %s to no document (the leftovers of a removed document, or the chunks of a record that does not decrypt)", plural(n, "chunk"), verb)
	}
	return nil
}

// checkChunks checks one document's chunks: count and framing.
func (w *verifier) checkChunks(st *store.Tx, d *vault.Document, subj string) {
	want := crypto.ChunkCount(d.Size)
	if d.Size < 0 || d.Chunks != want {
		w.add(subj, "records %d chunks for %d bytes, but a document of that size has %d", d.Chunks, d.Size, want)
	}
	if d.Chunks == 0 {
		return
	}
	last := d.Chunks - 1
	lastSize := int64(-1) // unknown when the count disagrees with the size
	if d.Chunks == want && d.Size >= 0 {
		lastSize = d.Size - int64(last)*crypto.ChunkSize
	}
	var next, extra uint64
	var missing [][2]uint64
	_ = st.ForEachBlobChunk(d.Blob, func(i uint64, sealed []byte) error {
		if i >= d.Chunks {
			extra++
			return nil
		}
		if i > next {
			missing = append(missing, [2]uint64{next, i - 1})
		}
		next = i + 1
		n := int64(len(sealed))
		switch {
		case i < last && n != crypto.ChunkSize+crypto.ChunkOverhead:
			w.add(subj, "chunk %d of %d is %d bytes, its framing requires %d: it was truncated or replaced", i, d.Chunks, n, crypto.ChunkSize+crypto.ChunkOverhead)
		case i == last && lastSize >= 0 && n != lastSize+crypto.ChunkOverhead:
			w.add(subj, "last chunk %d is %d bytes, its framing requires %d: it was truncated or replaced", i, n, lastSize+crypto.ChunkOverhead)
		case i == last && (n < crypto.ChunkOverhead || n > crypto.ChunkSize+crypto.ChunkOverhead):
			w.add(subj, "last chunk %d is %d bytes, outside its framing's %d to %d", i, n, crypto.ChunkOverhead, crypto.ChunkSize+crypto.ChunkOverhead)
		}
		return nil
	})
	if next < d.Chunks {
		missing = append(missing, [2]uint64{next, d.Chunks - 1})
	}
	for _, m := range missing {
		if m[0] == m[1] {
			w.add(subj, "chunk %d of %d is missing", m[0], d.Chunks)
		} else {
			w.add(subj, "chunks %d to %d of %d are missing", m[0], m[1], d.Chunks)
		}
	}
	if extra > 0 {
		w.add(subj, "%s beyond its last one %s in the file: chunks were added behind the vault's back", plural(extra, "chunk"), isAre(extra))
	}
}

// plural returns "1 chunk", "2 chunks".
func plural(n uint64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func isAre(n uint64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
