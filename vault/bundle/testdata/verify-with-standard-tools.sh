#!/bin/sh
# Verify an unzipped vault bundle with standard tools only: sha256sum,
# jq, base64 and OpenSSL 3. docs/BUNDLE.md explains each step.
#
#   unzip -d bundle bundle.zip && sh verify-with-standard-tools.sh bundle
#
# Exit status 0 when every check holds.
set -eu
dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$dir"

# 1. Every file listed in manifest.json has its SHA-256.
jq -r '.files[] | "\(.sha256)  \(.path)"' manifest.json | sha256sum --check --strict --quiet
echo "files: every listed file has its SHA-256"

# 2. No file is unlisted (and none is missing).
jq -r '.files[].path, "manifest.json", "manifest.sig"' manifest.json | LC_ALL=C sort > "$work/listed"
find . -type f | sed 's|^\./||' | LC_ALL=C sort > "$work/present"
diff "$work/listed" "$work/present"
echo "files: nothing unlisted"

# 3. manifest.sig is the Ed25519 signature of manifest.json by the key in
#    its public_key field (base64 of the raw 32-byte key). OpenSSL wants the
#    key as SubjectPublicKeyInfo: a fixed 12-byte DER prefix, then the key.
jq -r .public_key manifest.json | base64 -d > "$work/key.raw"
test "$(wc -c < "$work/key.raw")" -eq 32
{ printf '\060\052\060\005\006\003\053\145\160\003\041\000'; cat "$work/key.raw"; } > "$work/key.der"
openssl pkey -pubin -inform DER -in "$work/key.der" -out "$work/key.pem"
openssl pkeyutl -verify -pubin -inkey "$work/key.pem" -rawin -in manifest.json -sigfile manifest.sig

# 4. The key's fingerprint, as index.html shows it.
echo "fingerprint: $(sha256sum < "$work/key.raw" | cut -c1-16 | sed 's/..../& /g; s/ $//')"
