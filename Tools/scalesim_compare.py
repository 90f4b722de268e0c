#!/usr/bin/env python3
"""`npu-sim --model scalesim` against SCALE-Sim 3.0.0 on the same topologies and configs.

make test-sim-scalesim runs it in the SCALE-Sim venv (make scalesim-venv). Every case is one
topology file × one config × one dataflow × one bandwidth (none = the config's CALC mode).
Checked per layer:
  - compute cycles, folds' SRAM reads/writes: equal (SCALE-Sim's "Total Cycles" less its stall
    cycles against ours, and its per-operand SRAM access counts); in CALC mode DRAM accesses
    equal too (the cases' operands fit their SRAMs);
  - with a limited DRAM bandwidth: total cycles (with and without the prefetch), stall cycles and
    DRAM accesses within --tolerance (relative; counts below 1% of the compute cycles compare
    absolutely against 1% of them).
Prints one line per layer and exits 3 when any check fails, 1 when a side cannot run.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ours(npu_sim, topology, config, dataflow, bandwidth):
    cmd = [npu_sim, "--model", "scalesim", "--topology", topology, "--scalesim-config", config, "--dataflow", dataflow]
    if bandwidth:
        cmd += ["--bandwidth", str(bandwidth)]
    sim = subprocess.run(cmd, check=True, capture_output=True, timeout=120).stdout
    rec_cat = os.path.join(os.path.dirname(npu_sim), "rec-cat")
    text = subprocess.run([rec_cat, "--json"], input=sim, check=True, capture_output=True, timeout=120).stdout
    return [json.loads(l)["systolic"] for l in text.decode().splitlines() if '"systolic"' in l]


def peer(python, topology, config, dataflow, bandwidth, gemm):
    cmd = [python, os.path.join(HERE, "scalesim_run.py"), "--topology", topology, "--config", config, "--dataflow", dataflow]
    if bandwidth:
        cmd += ["--bandwidth", str(bandwidth)]
    if gemm:
        cmd.append("--gemm")
    out = subprocess.run(cmd, check=True, capture_output=True, timeout=900).stdout
    return json.loads(out)["layers"]


def close(a, b, tolerance, scale):
    return abs(a - b) <= max(tolerance * max(abs(b), 1), 0.01 * scale)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npu-sim", required=True)
    parser.add_argument("--scalesim-python", required=True, help="the venv's python, with scalesim installed")
    parser.add_argument("--case", action="append", required=True,
                        help="TOPOLOGY:CONFIG:DATAFLOWS:BANDWIDTH[:gemm], e.g. t.csv:c.cfg:ws,os,is:4 (bandwidth 0 = CALC)")
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--json", help="write every compared figure here")
    args = parser.parse_args()
    failures, rows = 0, []
    for case in args.case:
        parts = case.split(":")
        topology, config, dataflows, bandwidth = parts[0], parts[1], parts[2].split(","), int(parts[3])
        gemm = len(parts) > 4 and parts[4] == "gemm"
        for df in dataflows:
            mine = ours(args.npu_sim, topology, config, df, bandwidth)
            theirs = peer(args.scalesim_python, topology, config, df, bandwidth, gemm)
            if len(mine) != len(theirs):
                print(f"FAIL {topology} {df}: {len(mine)} layers here, {len(theirs)} in SCALE-Sim")
                failures += 1
                continue
            for m, t in zip(mine, theirs):
                problems = []
                peer_compute = t["compute_cycles"] - t["stall_cycles"]
                if m["computeCycles"] != peer_compute:
                    problems.append(f"compute {m['computeCycles']} != {peer_compute}")
                for ours_key, peer_key in [("ifmapSramReads", "ifmap_sram_reads"), ("filterSramReads", "filter_sram_reads"),
                                           ("ofmapSramWrites", "ofmap_sram_writes")]:
                    if m[ours_key] != t[peer_key]:
                        problems.append(f"{ours_key} {m[ours_key]} != {t[peer_key]}")
                if abs(m["mappingEfficiency"] * 100 - t["mapping_efficiency"]) > 1e-6 or abs(m["computeUtilization"] * 100 - t["compute_util"]) > 1e-6:
                    problems.append("utilization differs")
                if m["stallModel"] == "none":
                    # CALC: distinct words read; equal to SCALE-Sim's while operands fit their SRAMs'
                    # active halves, as every layer of this test does.
                    for ours_key, peer_key in [("ifmapDramReads", "ifmap_dram_reads"), ("filterDramReads", "filter_dram_reads"),
                                               ("ofmapDramWrites", "ofmap_dram_writes")]:
                        if m[ours_key] != t[peer_key]:
                            problems.append(f"{ours_key} {m[ours_key]} != {t[peer_key]} (CALC)")
                if m["stallModel"] != "none":  # a USER-mode run (the option or the config)
                    if not close(m["cyclesWithPrefetch"], t["total_cycles"], args.tolerance, m["computeCycles"]):
                        problems.append(f"total with prefetch {m['cyclesWithPrefetch']} vs {t['total_cycles']}")
                    if not close(m["stallCycles"], t["stall_cycles"], args.tolerance, m["computeCycles"]):
                        problems.append(f"stalls {m['stallCycles']} vs {t['stall_cycles']}")
                    if not close(m["totalCycles"], t["compute_cycles"], args.tolerance, m["computeCycles"]):
                        problems.append(f"total {m['totalCycles']} vs {t['compute_cycles']}")
                    for ours_key, peer_key in [("ifmapDramReads", "ifmap_dram_reads"), ("filterDramReads", "filter_dram_reads"),
                                               ("ofmapDramWrites", "ofmap_dram_writes")]:
                        if not close(m[ours_key], t[peer_key], args.tolerance, 0):
                            problems.append(f"{ours_key} {m[ours_key]} vs {t[peer_key]}")
                status = "FAIL" if problems else "ok"
                failures += bool(problems)
                print(f"{status:4} {os.path.basename(topology)}:{m['name']} {df} bw={bandwidth or 'cfg'} {os.path.basename(config)}: "
                      f"compute {m['computeCycles']}/{peer_compute} stalls {m['stallCycles']}/{t['stall_cycles']} "
                      f"total {m['cyclesWithPrefetch']}/{t['total_cycles']} [{m['stallModel']}]"
                      + ("  " + "; ".join(problems) if problems else ""), flush=True)
                rows.append({"case": case, "dataflow": df, "ours": m, "scalesim": t, "problems": problems})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    print(f"{len(rows)} layer comparisons, {failures} failed")
    return 3 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
