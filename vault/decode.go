package vault

// DecodeRecord parses a record's plaintext (the opened value of the records
// bucket), for tools such as verify that open records one by one instead of
// through Records, which stops at the first bad record.
func DecodeRecord(b []byte) (Record, error) { return decodeRecord(b) }

// EncodeRecord returns the plaintext that is sealed for a record: its type,
// a 0x00 byte and its fields in CBOR (docs/FORMAT.md).
func EncodeRecord(r Record) ([]byte, error) { return encodeRecord(r) }

// DecodeHistoryEntry parses a history entry's plaintext (the opened value of
// the history bucket).
func DecodeHistoryEntry(b []byte) (HistoryEntry, error) {
	var e HistoryEntry
	err := unmarshal(b, &e)
	return e, err
}

// DecodeState parses the vault state's plaintext (the opened value of
// meta/state).
func DecodeState(b []byte) (State, error) {
	var s State
	err := unmarshal(b, &s)
	return s, err
}
