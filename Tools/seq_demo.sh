#!/usr/bin/env bash
# The MovieLens pipeline: encode, show what it costs per event, decode and check bit-exact,
# keep it in a store and read one user's week back.
# Usage: Tools/seq_demo.sh [--bin DIR] ML-100K.inter
set -euo pipefail
BIN=.build/release
if [[ ${1:-} == --bin ]]; then BIN=$2; shift 2; fi
ml=$1
export PATH="$BIN:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== seq-encode --action-column rating $ml > ml.seq"
seq-encode --action-column rating "$ml" > "$work/ml.seq"
raw=$(stat -c %s "$ml") enc=$(stat -c %s "$work/ml.seq") n=$(($(wc -l < "$ml") - 1))
echo "   $n events: $raw bytes of TSV -> $enc bytes ($(awk -v b="$enc" -v n="$n" 'BEGIN { printf "%.1f", b * 8 / n }') bits/event)"
echo "== seq-encode --bench 3 (in-memory sizes per column and speeds)"
seq-encode --bench 3 --action-column rating "$ml"
echo "== seq-encode -d ml.seq: equal to the input sorted by user, then time?"
{ head -1 "$ml"; tail -n +2 "$ml" | sort -s -t $'\t' -k1,1n -k4,4n; } > "$work/want.tsv"
seq-encode -d "$work/ml.seq" | cmp - "$work/want.tsv" && echo "   yes, bit-exact"
echo "== rec-cat --check ml.seq"
rec-cat --check "$work/ml.seq"
echo "== seq-encode --store ml-store --time-unit s (append), then a one-user week"
seq-encode --input-format seq-blocks --store "$work/ml-store" --time-unit s "$work/ml.seq"
seq-encode --store "$work/ml-store" --verify
seq-encode --store "$work/ml-store" --scan --user 196 --from 881250000 --to $((881250000 + 7 * 86400)) -d | head -5
