package bundle

import (
	"bytes"
	"testing"
)

// FuzzManifest feeds arbitrary bytes to ParseManifest: it must not panic,
// and a manifest it accepts must survive Marshal and parse again the same.
func FuzzManifest(f *testing.F) {
	es := readZip(f, buildBundle(f, testKey(1)))
	f.Add(es[find(es, ManifestName)].data)
	f.Add([]byte(`{"format":"vault-bundle/1","claim":{"name":"x"},"request":null,"files":[{"path":"../x","size":-1}],"missing":["a"]}`))
	f.Add([]byte(`{"format":"vault-bundle/1","generated_at":"2026-05-01T10:00:00Z","request":{"id":"\u0000"}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed manifest: %v", err)
		}
		m2, err := ParseManifest(out)
		if err != nil {
			t.Fatalf("a marshalled manifest does not parse: %v\n%s", err, out)
		}
		out2, err := m2.Marshal()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not stable:\n%s\n%s", out, out2)
		}
	})
}

// FuzzVerify feeds arbitrary bytes to VerifyReaderAt as a bundle: it must
// not panic, and whatever it accepts must be signed and list index.html,
// with only safe names. The seeds are whole bundles of ~10 KB, so give
// -fuzzminimizetime=2s or the engine spends its time minimizing them.
func FuzzVerify(f *testing.F) {
	good := buildBundle(f, testKey(1))
	f.Add(good)
	es := readZip(f, good)
	f.Add(writeZip(f, append(es, entry{"../evil", 0, []byte("x")})))
	f.Add(writeZip(f, es[:2]))
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := VerifyReaderAt(bytes.NewReader(b), int64(len(b)))
		if !r.OK() {
			if len(r.Problems) == 0 || len(r.Problems) > maxProblems+1 {
				t.Fatalf("%d problems", len(r.Problems))
			}
			return
		}
		if r.Manifest == nil || !r.Signed {
			t.Fatal("accepted without a signed manifest")
		}
		index := false
		for _, file := range r.Manifest.Files {
			if err := CheckPath(file.Path); err != nil {
				t.Fatalf("accepted an unsafe path: %v", err)
			}
			index = index || file.Path == IndexName
		}
		if !index {
			t.Fatal("accepted without index.html")
		}
	})
}
