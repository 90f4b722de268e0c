#!/usr/bin/env bash
# Substrate benchmark: how fast does a Sluice stream pass through rec-cat, against the pipe
# itself (cat, dd bs=1M) and against a libcapnp C++ reader, on the same bytes in one run.
#
# Usage: Benchmarks/substrate/bench.sh [--bin DIR] [--cache DIR] [--mb N] [--runs N]
#   --bin    release binaries (default .build/release)   --cache  data + peer binary (default .cache)
#   --mb     stream size in MiB per workload (default 1024) --runs   best of N (default 5)
# Prints GB/s per command and the ratios; rec-cat --head must copy every record (<all>).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.build/release CACHE=.cache MB=1024 RUNS=5
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;; --cache) CACHE=$2; shift 2 ;;
    --mb) MB=$2; shift 2 ;; --runs) RUNS=$2; shift 2 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$CACHE/bench-substrate"
DIR=$CACHE/bench-substrate
READER=$DIR/capnp_reader
if [[ ! -x $READER || Benchmarks/substrate/capnp_reader.c++ -nt $READER ]]; then
  g++ -O2 -std=c++17 Benchmarks/substrate/capnp_reader.c++ $(pkg-config --cflags --libs capnp) -o "$READER"
fi
RECCAT=$BIN/rec-cat
[[ -x $RECCAT ]] || { echo "bench.sh: no $RECCAT (make build)" >&2; exit 1; }

# best_seconds CMD: the fastest of $RUNS runs of a shell pipeline (stdout discarded inside CMD).
best_seconds() {
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    timeout 600 bash -o pipefail -c "$1" || { echo "bench.sh: failed: $1" >&2; exit 1; }
    t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v c="$best" 'BEGIN { d = b - a; if (c == "" || d < c) print d; else print c }')
  done
  echo "$best"
}

printf '%-12s %-44s %9s\n' workload command GB/s
for workload in large small; do
  if [[ $workload == large ]]; then rows=87381; else rows=100; fi   # ~1 MiB or ~1.2 KiB records
  frame=$((rows * 12 + 64))
  batches=$((MB * 1048576 / frame))
  data=$DIR/$workload-$MB.bin
  [[ -s $data ]] || timeout 600 python3 Tools/sample_stream.py --repeat --batches "$batches" --rows "$rows" > "$data"
  bytes=$(stat -c %s "$data")
  cat "$data" > /dev/null  # page cache
  declare -A gbps=()
  run() { # name, pipeline
    local s; s=$(best_seconds "$2")
    gbps[$1]=$(awk -v b="$bytes" -v s="$s" 'BEGIN { printf "%.2f", b / s / 1e9 }')
    printf '%-12s %-44s %9s\n' "$workload" "$1" "${gbps[$1]}"
  }
  run "cat | cat | cat"                  "cat $data | cat | cat > /dev/null"
  run "cat | dd bs=1M | cat"             "cat $data | dd bs=1M status=none | cat > /dev/null"
  run "cat | rec-cat --head all | cat"   "cat $data | $RECCAT --head 999999999999 | cat > /dev/null"
  run "cat | rec-cat --count"            "cat $data | $RECCAT --count > /dev/null"
  run "cat | capnp_reader (libcapnp)"    "cat $data | $READER 2 > /dev/null"
  # Check the pass-through output is the same stream before reporting.
  [[ $($RECCAT --head 999999999999 "$data" | $RECCAT --count) == "$batches" ]] || { echo "bench.sh: pass-through lost records" >&2; exit 1; }
  ratio() { awk -v a="${gbps[$1]}" -v b="${gbps[$2]}" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
  echo "  $workload: rec-cat --head vs cat: $(ratio "cat | rec-cat --head all | cat" "cat | cat | cat"), vs dd bs=1M: $(ratio "cat | rec-cat --head all | cat" "cat | dd bs=1M | cat"); rec-cat --count vs libcapnp reader: $(ratio "cat | rec-cat --count" "cat | capnp_reader (libcapnp)")"
  unset gbps
done
