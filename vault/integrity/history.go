package integrity

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"

	"vault/crypto"
	"vault/store"
	"vault/vault"
)

// checkHistory opens every history entry, recomputes the MAC chain and
// compares it with the sealed state, then replays the entries: each write
// logged the SHA-256 of the sealed record it stored and each removal the
// record it removed, so the replay must give exactly the records in the file.
func (w *verifier) checkHistory(st *store.Tx) error {
	state := w.v.State()
	head := make([]byte, sha256.Size)
	var n uint64
	broken := false // an entry is missing, undecryptable or malformed
	replay := map[string]string{}
	err := st.ForEachHistory(func(k, sealed []byte) error {
		w.rep.HistoryEntries++
		if len(k) != 8 {
			w.add("history", "an entry has a malformed key %x", k)
			broken = true
			return nil
		}
		seq := binary.BigEndian.Uint64(k)
		if seq != n {
			if seq > n {
				w.add(entrySubject(n), "is missing (the next entry present is %d)", seq)
			} else {
				w.add(entrySubject(seq), "is out of place")
			}
			broken = true
			n = seq
		}
		head = vault.ChainNext(w.keys.Integrity, head, seq, sealed)
		n = seq + 1
		pt, err := crypto.OpenRecord(w.keys.Records, store.BucketHistory, k, sealed)
		if err != nil {
			w.add(entrySubject(seq), "does not decrypt: it is damaged, was tampered with, or was moved here from another position")
			broken = true
			return nil
		}
		defer clear(pt)
		e, err := vault.DecodeHistoryEntry(pt)
		if err != nil {
			w.add(entrySubject(seq), "decrypts but does not parse (%v)", err)
			broken = true
			return nil
		}
		if e.Seq != seq {
			w.add(entrySubject(seq), "claims to be entry %d", e.Seq)
			broken = true
			return nil
		}
		if e.RecordID == "" {
			return nil
		}
		e.Before = nil // not needed; do not keep plaintext longer than the check
		w.lastEntry[e.RecordID] = e
		switch {
		case e.Action == vault.ActionRemove:
			delete(replay, e.RecordID)
		case e.RecordHash != "":
			replay[e.RecordID] = e.RecordHash
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case n != state.HistoryLen:
		w.add("vault state", "the history holds %d entries but the sealed state says %d: entries were added or removed, or the state was replaced by an older one", n, state.HistoryLen)
	case hex.EncodeToString(head) != state.HistoryHead:
		w.add("vault state", "the history's MAC chain does not match the sealed state: an entry was changed or replaced, or the state was replaced by an older one")
	}
	if broken {
		// Entries are missing or unreadable: the replay below would blame
		// records for what the history lost.
		return nil
	}
	w.compareReplay(replay)
	return nil
}

// compareReplay compares the records the history says exist (with the hash
// of the sealed value last written) with the records in the file.
func (w *verifier) compareReplay(replay map[string]string) {
	ids := make([]string, 0, len(replay)+len(w.sealed))
	for id := range replay {
		ids = append(ids, id)
	}
	for id := range w.sealed {
		if _, ok := replay[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		want, logged := replay[id]
		got, present := w.sealed[id]
		switch {
		case logged && !present:
			w.add(w.missingSubject(id), "is missing from the file: the history's last entry about it (%d) wrote it, and no removal followed", w.lastEntry[id].Seq)
		case !logged && present:
			if e, ok := w.lastEntry[id]; ok {
				w.add(w.presentSubject(id), "is in the file, but history entry %d removed it: an older copy of it was put back", e.Seq)
			} else {
				w.add(w.presentSubject(id), "is in the file but the history never wrote it: it was added behind the vault's back")
			}
		case want != got:
			if r, ok := w.records[id]; ok {
				w.add(w.subject(r), "is not the version the history last wrote (entry %d): it was rolled back to an older version or replaced", w.lastEntry[id].Seq)
			}
			// A record that does not decrypt is already reported.
		}
	}
}

// missingSubject names a record known only from the history.
func (w *verifier) missingSubject(id string) string {
	e := w.lastEntry[id]
	typ := string(e.RecordType)
	if typ == "" {
		typ = "record"
	}
	if e.RecordType == vault.TypeClaim || e.ClaimID == "" {
		return fmt.Sprintf("%s %s", typ, vault.PrintableID([]byte(id)))
	}
	return fmt.Sprintf("%s %s (claim %s)", typ, vault.PrintableID([]byte(id)), w.claimName(e.ClaimID))
}

func (w *verifier) presentSubject(id string) string {
	if r, ok := w.records[id]; ok {
		return w.subject(r)
	}
	return rawSubject([]byte(id))
}

func entrySubject(seq uint64) string { return fmt.Sprintf("history entry %d", seq) }
