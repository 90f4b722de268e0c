#!/usr/bin/env python3
"""Capnp runtime (Swift, Benchmarks/CapnpBench) vs libcapnp (Benchmarks/capnp/bench.cpp), phase by phase.

Usage: Benchmarks/capnp/bench.py --swift BIN --cpp BIN [--records N] [--runs N]   (make bench-capnp)

Each process builds N records, then runs the five phases twice: the first repetition is untimed (it
touches the reused output arrays and warms caches and the allocator), the second is timed phase by
phase with the wall clock (and CPU time beside it) and printed with a checksum. The two binaries run
alternately (Swift, libcapnp, libcapnp, Swift, ...), one process per run, after one untimed process
each; the headline per phase is the wall-clock median over the runs with min and max. Checksums of
both sides must agree in every run. Rows go through Benchmarks/benchlib.py (area `capnp`).
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib  # noqa: E402

AREA = "capnp"
PHASES = ["build+frame", "read+sum", "pipe stream", "pack", "unpack+read"]
WORKLOAD = {
    "build+frame": "build + frame {n} records into one buffer",
    "read+sum": "open {n} frames in place + sum every field",
    "pipe stream": "{n} frames through a pipe(2), reader sums ids",
    "pack": "pack {n} frames",
    "unpack+read": "unpack {n} packed frames + read ids",
}
PEER_IDIOM = {
    "build+frame": "MallocMessageBuilder on a reused zeroed 1024-word first segment + writeMessage into a reused "
                   "ArrayOutputStream; ours: MessageBuilder.reset() (1024-word first segment) + Framing.append "
                   "into a reused array",
    "read+sum": "FlatArrayMessageReader per frame (on the stack); ours: Framing.decode into one reused Message",
    "pipe stream": "writer thread (64 KiB writes) + InputStreamMessageReader over a BufferedInputStreamWrapper "
                   "with a 64 KiB buffer and a reused scratch segment; ours: the same writer + StreamReader "
                   "(64 KiB chunks; copies each frame into a block of its own, one allocation per message)",
    "pack": "writePackedMessage straight into a reused ArrayOutputStream; ours: Packing.packFrame into a reused "
            "array",
    "unpack+read": "PackedMessageReader over an ArrayInputStream with a reused scratch segment; ours: "
                   "StreamReader(packed:) over ArrayByteSource (64 KiB chunks copied out of the array; one "
                   "allocation per message)",
}


def run_once(cmd: list) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"bench-capnp: {' '.join(cmd)} failed ({out.returncode}): {out.stderr.strip()}")
    result = {}
    for line in out.stdout.splitlines():
        name, wall, cpu, check, nbytes = line.split("\t")
        result[name] = (float(wall), float(cpu), check, int(nbytes))
    if list(result) != PHASES:
        raise SystemExit(f"bench-capnp: {cmd[0]} printed phases {list(result)}")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--swift", required=True)
    ap.add_argument("--cpp", required=True)
    ap.add_argument("--records", type=int, default=20_000 if benchlib.quick() else 200_000)
    ap.add_argument("--runs", type=int, default=5 if benchlib.quick() else 21)
    a = ap.parse_args()
    load = benchlib.machine_load()
    n = a.records
    sides = {"swift": [a.swift, str(n), "2"], "libcapnp": [a.cpp, str(n), "2"]}
    version = subprocess.run(["pkg-config", "--modversion", "capnp"], capture_output=True, text=True).stdout.strip()

    for name in sides:  # untimed warm-up process each (page cache, CPU frequency)
        run_once(sides[name])
    samples = {name: [] for name in sides}
    for r in range(a.runs):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name in order:
            samples[name].append(run_once(sides[name]))
        ours, peer = samples["swift"][-1], samples["libcapnp"][-1]
        for phase in PHASES:
            if ours[phase][2] != peer[phase][2] or ours[phase][3] != peer[phase][3]:
                raise SystemExit(f"bench-capnp: {phase}: checksum differs: Swift {ours[phase][2:]}, libcapnp {peer[phase][2:]}")

    framed = samples["swift"][0]["build+frame"][3]
    packed = samples["swift"][0]["pack"][3]
    nk = f"{n // 1000}k" if n % 1000 == 0 else str(n)
    rows = []
    print(f"Capnp runtime vs libcapnp {version}: {n} records of {framed // n} bytes framed ({packed // n} packed); "
          f"wall-clock median of {a.runs} interleaved runs (min-max), one timed repetition per process")
    print(f"{'phase':<13} {'Swift ms':>22} {'libcapnp ms':>22} {'Swift Mrec/s':>13} {'libcapnp/Swift':>15}")
    for phase in PHASES:
        timing = {}
        for name in sides:
            walls = [s[phase][0] for s in samples[name]]
            cpus = [s[phase][1] for s in samples[name]]
            timing[name] = {"wall": benchlib.stats(walls), "cpu": benchlib.stats(cpus)}
        row = benchlib.time_row(
            AREA, WORKLOAD[phase].format(n=nk), "libcapnp", version, timing, "swift", "libcapnp",
            reproduce="make bench-capnp",
            includes="Both: in-process wall time of this phase alone, one timed repetition per process after an "
                     "untimed one (no process start-up, no data generation); g++ -O3 -DNDEBUG vs swift -c release.",
            note=f"libcapnp: {PEER_IDIOM[phase]}. Checksums equal in every run.")
        rows.append(row)
        o, p = timing["swift"]["wall"], timing["libcapnp"]["wall"]
        print(f"{phase:<13} {benchlib.spread(o, 1e3, '8.2f', '6.2f', '-')} {benchlib.spread(p, 1e3, '8.2f', '6.2f', '-')} "
              f"{n / o['median'] / 1e6:13.2f} {row['ratio']:14.2f}x")

    lines = [f"Cap'n Proto runtime vs libcapnp {version}, {n} records of `Benchmarks/capnp/record.capnp` (scalars, a "
             f"15-byte text, a `List(Float32)` of 64, a nested struct: {framed // n} bytes framed, {packed // n} packed). "
             f"Each process (`capnp-bench`, `bench-cpp`) runs all five phases twice and reports the second "
             f"repetition; the two run alternately, {a.runs} processes each. Ratio = libcapnp median / Swift median.",
             "",
             "| phase | Swift wall ms (min–max) | libcapnp wall ms (min–max) | Swift CPU ms | libcapnp CPU ms | ratio |",
             "|---|---:|---:|---:|---:|---:|"]
    for phase, row in zip(PHASES, rows):
        o, p = row["ours_stats"], row["peer_stats"]
        lines.append(f"| {phase} | {benchlib.spread(o, 1e3)} | {benchlib.spread(p, 1e3)} | "
                     f"{row['ours_cpu'] * 1e3:.2f} | {row['peer_cpu'] * 1e3:.2f} | {row['ratio']:.2f}× |")
    return benchlib.finish("bench-capnp", AREA, rows, load, "\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
