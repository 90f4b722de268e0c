#!/usr/bin/env bash
# Capnp runtime vs libcapnp, side by side in one run: build+frame, read+sum, pipe stream, pack,
# unpack+read over N records of Benchmarks/capnp/bench.capnp. Prints seconds (best of REPS) and
# the ratio Swift/libcapnp as throughput (higher = Swift faster). Checksums must agree.
# Usage: Benchmarks/capnp/run.sh [records] [repetitions]   (make bench-capnp)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-200000}
REPS=${2:-5}
DIR=${CAPNP_BENCH_DIR:-.cache/capnp-bench}
SWIFT=${SWIFT:-swift}
SCRATCH=${CAPNP_BENCH_SCRATCH:-.build}
mkdir -p "$DIR"

# libcapnp side: generated C++ for the same schema, -O2.
if [[ ! -x $DIR/bench-cpp || Benchmarks/capnp/bench.cpp -nt $DIR/bench-cpp || Benchmarks/capnp/bench.capnp -nt $DIR/bench-cpp ]]; then
  cp Benchmarks/capnp/bench.capnp "$DIR/"
  (cd "$DIR" && timeout 60 capnp compile -oc++ bench.capnp)
  g++ -O2 -std=c++17 -I"$DIR" -o "$DIR/bench-cpp" Benchmarks/capnp/bench.cpp "$DIR/bench.capnp.c++" -lcapnp -lkj -lpthread
fi

# Swift side: release build of the benchmark executable.
$SWIFT build -c release --scratch-path "$SCRATCH" --product capnp-bench >/dev/null
SWIFT_BIN="$SCRATCH/release/capnp-bench"

"$DIR/bench-cpp" "$N" "$REPS" > "$DIR/cpp.tsv"
"$SWIFT_BIN" "$N" "$REPS" > "$DIR/swift.tsv"

echo "Capnp runtime vs libcapnp $(capnp --version | awk '{print $NF}'): $N records of $(awk -F'\t' 'NR==1{printf "%d", $4/'"$N"'}' "$DIR/cpp.tsv") bytes framed, best of $REPS"
paste "$DIR/swift.tsv" "$DIR/cpp.tsv" | awk -F'\t' -v n="$N" '
  BEGIN { printf "%-13s %12s %12s %14s %8s\n", "phase", "Swift CPU s", "libcapnp s", "Swift Mrec/s", "ratio"; bad = 0 }
  {
    if ($3 != $7) { bad = 1; printf "checksum mismatch in %s: %s vs %s\n", $1, $3, $7 }
    printf "%-13s %12.4f %12.4f %14.2f %7.2fx\n", $1, $2, $6, n / $2 / 1e6, $6 / $2
  }
  END { exit bad }'
