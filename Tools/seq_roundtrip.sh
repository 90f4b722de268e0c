#!/usr/bin/env bash
# Round-trips one event table through seq-encode, bit-exact: table -> seq-blocks -> table,
# through an events stream, and through a store (append in two halves, scan back).
# Usage: Tools/seq_roundtrip.sh [--bin DIR] [--action COLUMN] [--unit s|ms] TABLE
set -euo pipefail
BIN=.build/debug action=action unit=s
while [[ $# -gt 1 ]]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --action) action=$2; shift 2 ;;
    --unit) unit=$2; shift 2 ;;
    *) echo "seq_roundtrip.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
table=$1
export PATH="$BIN:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "$table")
# The columns' positions in the header give the sort keys of the expected decode.
col() { head -1 "$table" | tr '\t' '\n' | grep -n "^$1\(:\|$\)" | cut -d: -f1; }
u=$(col user_id) t=$(col timestamp)
{ head -1 "$table"; tail -n +2 "$table" | sort -s -t $'\t' -k${u},${u}n -k${t},${t}n; } > "$work/want.tsv"

timeout 600 seq-encode --action-column "$action" "$table" > "$work/blocks.seq"
timeout 600 seq-encode -d "$work/blocks.seq" > "$work/got.tsv"
cmp "$work/got.tsv" "$work/want.tsv" || { echo "seq_roundtrip.sh: $name: decode differs from the sorted input"; exit 1; }

timeout 600 seq-encode -d --events "$work/blocks.seq" | timeout 600 seq-encode --input-format events | timeout 600 seq-encode -d > "$work/got2.tsv"
cmp "$work/got2.tsv" "$work/want.tsv" || { echo "seq_roundtrip.sh: $name: events-stream round trip differs"; exit 1; }

lines=$(($(wc -l < "$table") - 1)); half=$((lines / 2 + 1))
head -n "$half" "$table" > "$work/a.tsv"; { head -1 "$table"; tail -n +$((half + 1)) "$table"; } > "$work/b.tsv"
timeout 600 seq-encode --store "$work/st" --time-unit "$unit" --action-column "$action" "$work/a.tsv"
timeout 600 seq-encode --store "$work/st" --action-column "$action" "$work/b.tsv"
timeout 600 seq-encode --store "$work/st" --verify
timeout 600 seq-encode --store "$work/st" --scan -d > "$work/scan.tsv"
cmp <(tail -n +2 "$work/scan.tsv" | sort) <(tail -n +2 "$table" | sort) || { echo "seq_roundtrip.sh: $name: store scan differs"; exit 1; }
bytes=$(stat -c %s "$work/blocks.seq")
echo "seq_roundtrip.sh: $name: $lines events bit-exact through pipes, an events stream and the store ($bytes bytes encoded, $(awk -v b="$bytes" -v n="$lines" 'BEGIN { printf "%.2f", b * 8 / n }') bits/event with framing)"
