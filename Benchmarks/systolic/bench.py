#!/usr/bin/env python3
"""bench-systolic: npu-sim --model scalesim against SCALE-Sim 3.0.0, layer by layer.

The work, the same on both sides: one layer (a SCALE-Sim topology file of one line) timed on one
systolic array described by one SCALE-Sim .cfg, for one dataflow; both sides report the layer's
compute cycles, stalls, utilization and SRAM/DRAM accesses.

  npu-sim   `npu-sim --model scalesim --topology T --scalesim-config C --dataflow D -o OUT`,
            timed as a whole process (start-up, parsing, the formulas or the memory replay,
            writing the sim stream to a file).
  SCALE-Sim `python Tools/scalesim_run.py --topology T --config C --dataflow D` in its own venv
            (make scalesim-venv), timed as a whole process: Python start-up, imports, and its
            run through its Python API with save_disk_space=True, its switch that skips the
            SRAM/DRAM trace CSVs (13-187 MB per layer here); it still writes its three small
            report CSVs. Its command-line entry (scale.py) ignores its own -s N flag and always
            writes the traces, so the API is its best idiom.

Layers: ResNet-18 layer1.0.conv1 (58x58 input, unpadded, 3x3x64 -> 64) and GEMM 256^3 on
issue 14's 32x32 array with 512/512/256 KB SRAMs (CALC mode, all three dataflows), and
layer1.0.conv1 with 64 KB SRAMs at 16 words per cycle (USER mode: it does not fit, so npu-sim
replays SCALE-Sim's memory system line by line). Each case first runs once per side to check
that both report the same compute cycles (a count row, goal: equal), then `runs` interleaved
timed rounds (at most 3; 1 for the USER case; quick: 1, WS CALC cases only).
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import benchlib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "Tests", "Data", "systolic")

CASES = [
    # (workload, topology, gemm, config, dataflows, quick dataflows, most timed runs)
    ("ResNet-18 layer1.0.conv1, 32x32, CALC", "resnet18.csv", False, os.path.join(DATA, "scalesim-32x32.cfg"), ["ws", "os", "is"], ["ws"], 3),
    ("GEMM 256^3, 32x32, CALC", "gemm256.csv", True, os.path.join(DATA, "scalesim-32x32.cfg"), ["ws", "os", "is"], ["ws"], 3),
    # SCALE-Sim needs minutes for this one: one timed run after the checked one.
    ("ResNet-18 layer1.0.conv1, 32x32, 64 KB SRAMs, 16 words/cycle", "resnet18.csv", False,
     os.path.join(HERE, "scalesim-32x32-user.cfg"), ["ws"], [], 1),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory of npu-sim and rec-cat")
    ap.add_argument("--scalesim-python", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    load = benchlib.machine_load()
    quick = benchlib.quick()
    runs = 1 if quick else a.runs
    version = "3.0.0"
    rows, details = [], ["| layer | dataflow | npu-sim s | SCALE-Sim s | ratio | compute cycles (both) | stalls ours / SCALE-Sim |", "|---|---|---|---|---|---|---|"]
    for workload, topo, gemm, config, dataflows, quick_dataflows, most_runs in CASES:
        for df in (quick_dataflows if quick else dataflows):
            topology = os.path.join(HERE, topo)
            out = os.path.join(a.work, f"{topo}.{df}.sim")
            ours = [os.path.join(a.bin, "npu-sim"), "--model", "scalesim", "--topology", topology, "--scalesim-config", config,
                    "--dataflow", df, "-o", out]
            peer = [a.scalesim_python, os.path.join(ROOT, "Tools", "scalesim_run.py"), "--topology", topology, "--config", config,
                    "--dataflow", df] + (["--gemm"] if gemm else [])
            # One checked run per side (also the warm-up): the same compute cycles, or no row.
            theirs = json.loads(subprocess.run(peer, check=True, capture_output=True, text=True, timeout=1800).stdout)["layers"][0]
            subprocess.run(ours, check=True, timeout=600)
            text = subprocess.run([os.path.join(a.bin, "rec-cat"), "--json", out], check=True, capture_output=True, text=True).stdout
            mine = benchlib.first_record(text, "systolic")
            peer_compute = theirs["compute_cycles"] - theirs["stall_cycles"]
            name = f"{workload}, {df.upper()}"
            rows.append(benchlib.size_row("systolic", f"{name}: compute cycles", "SCALE-Sim", version, mine["computeCycles"], peer_compute,
                                          "cycles", "make bench-systolic", metric="count", goal="equal", goal_ratio=1.0,
                                          note=f"stalls {mine['stallCycles']} vs {theirs['stall_cycles']}, with prefetch "
                                               f"{mine['cyclesWithPrefetch']} vs {theirs['total_cycles']} ({mine['stallModel']})"))
            timing = benchlib.interleave({"ours": ours, "peer": peer}, runs=min(runs, most_runs), warmup=0)
            row = benchlib.time_row("systolic", f"{name}: time per layer", "SCALE-Sim", version, timing, "ours", "peer",
                                    "make bench-systolic", includes="both: process start-up, parsing topology and config, writing results to a file",
                                    note="SCALE-Sim via its Python API with save_disk_space=True (no trace CSVs)", goal=">= 100x", goal_ratio=100)
            rows.append(row)
            details.append(f"| {workload} | {df} | {benchlib.spread(timing['ours']['wall'], fmt='.3f')} | {benchlib.spread(timing['peer']['wall'], fmt='.1f')} | "
                           f"{row['ratio']:.0f}x | {mine['computeCycles']} / {peer_compute} | {mine['stallCycles']} / {theirs['stall_cycles']} |")
            print(details[-1], flush=True)
    return benchlib.finish("bench-systolic", "systolic", rows, load, "\n".join(details) + "\n")


if __name__ == "__main__":
    sys.exit(main())
