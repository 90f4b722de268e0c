#!/usr/bin/env bash
# Capnp runtime vs libcapnp: builds both sides, then Benchmarks/capnp/bench.py runs them alternately
# (build+frame, read+sum, pipe stream, pack, unpack+read over N records of record.capnp), compares
# checksums and writes the rows (area `capnp`) through Benchmarks/benchlib.py.
# Usage: Benchmarks/capnp/run.sh [records] [runs]   (make bench-capnp; defaults: 200000 21, quick 20000 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${CAPNP_BENCH_DIR:-.cache/capnp-bench}
# The release build command (the Makefile's SWIFT_RELEASE, so the build plan matches `make build`).
SWIFT_RELEASE=${SWIFT_RELEASE:-swift build -c release --static-swift-stdlib}
SCRATCH=${CAPNP_BENCH_SCRATCH:-.build}
mkdir -p "$DIR"

# libcapnp side: generated C++ for the same schema; -O3 (the Swift side is built with -O).
if [[ ! -x $DIR/bench-cpp || Benchmarks/capnp/bench.cpp -nt $DIR/bench-cpp || Benchmarks/capnp/record.capnp -nt $DIR/bench-cpp
      || Benchmarks/capnp/run.sh -nt $DIR/bench-cpp ]]; then
  cp Benchmarks/capnp/record.capnp "$DIR/"
  (cd "$DIR" && timeout 60 capnp compile -oc++ record.capnp)
  g++ -O3 -DNDEBUG -std=c++17 -I"$DIR" -o "$DIR/bench-cpp" Benchmarks/capnp/bench.cpp "$DIR/record.capnp.c++" \
    $(pkg-config --cflags --libs capnp) -lpthread
fi

# Swift side: release build of the benchmark executable.
$SWIFT_RELEASE --scratch-path "$SCRATCH" --product capnp-bench >/dev/null

args=(--swift "$SCRATCH/release/capnp-bench" --cpp "$DIR/bench-cpp")
[[ $# -ge 1 ]] && args+=(--records "$1")
[[ $# -ge 2 ]] && args+=(--runs "$2")
exec python3 Benchmarks/capnp/bench.py "${args[@]}"
