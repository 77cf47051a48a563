// The benchmarks are a module of their own, so that `go test ./...` at the
// repository root does not build them and nothing in the product is
// exported for them alone; .ci/run vets and tests them (cd bench && go vet
// ./... && go test ./...).
module vault/bench

go 1.26.8

require (
	go.etcd.io/bbolt v1.5.0
	vault v0.0.0-00010101000000-000000000000
)

require (
	github.com/dlclark/regexp2 v1.12.0 // indirect
	github.com/fxamacker/cbor/v2 v2.9.0 // indirect
	github.com/gabriel-vasile/mimetype v1.4.16 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/trustelem/zxcvbn v1.0.1 // indirect
	github.com/x448/float16 v0.8.4 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace vault => ../
