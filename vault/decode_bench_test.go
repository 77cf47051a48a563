package vault

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkDecodeRecords decodes the plaintexts of 1,000 records of every
// item type, as load does for each record (the decryption is crypto's
// benchmark): the largest share of an everyday command on a large vault.
func BenchmarkDecodeRecords(b *testing.B) {
	var plains [][]byte
	at := time.Date(2026, 3, 4, 10, 30, 0, 0, time.FixedZone("EST", -5*3600))
	for i := range 1000 {
		amount, pain := Cents(8500+i), i%11
		var r Record
		switch i % 3 {
		case 0:
			r = &Document{ID: fmt.Sprintf("d%07d", i), Claim: "c0000001", Kind: "receipt", Date: "2026-03-04", Title: "Receipt for massage",
				FileName: "receipt-0304.pdf", MediaType: "application/pdf", Size: 123456, SHA256: fmt.Sprintf("%064x", i),
				Amount: &amount, CPT: []CPTLine{{Code: "97124", Units: 2}}, Blob: make([]byte, 16), Chunks: 2, Added: at}
		case 1:
			r = &Call{ID: fmt.Sprintf("k%07d", i), Claim: "c0000001", At: at, Rep: "Dana R.", Ref: "C-88213",
				Summary: "Asked about the claim; they need the letter of medical necessity.", Promised: "callback in 5 days", Added: at}
		default:
			r = &Condition{ID: fmt.Sprintf("n%07d", i), Claim: "c0000001", Date: "2026-03-04", Phase: "before", Pain: &pain,
				Measures: []Measure{{Name: "rom", Value: "120deg"}, {Name: "odi", Value: "34"}}, Text: "Stiff in the morning.", Added: at}
		}
		p, err := encodeRecord(r)
		if err != nil {
			b.Fatal(err)
		}
		plains = append(plains, p)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range plains {
			if _, err := decodeRecord(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}
