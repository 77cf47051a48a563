package vault

// DecodeRecord parses a record's plaintext (the opened value of the records
// bucket), for tools such as verify that open records one by one instead of
// through Records, which stops at the first bad record.
func DecodeRecord(b []byte) (Record, error) { return decodeRecord(b) }
