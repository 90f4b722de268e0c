#!/usr/bin/env python3
"""bench-place: place-route at scale, and what pipelining buys in our cost model.

The work: real models (the ONNX light zoo: ResNet-50, DenseNet-121, Inception v1) through
`graph-opt -O3 | tile-plan --dim batch=1` on the mesh-8x8 preset and on the same chip grown to a
32x32 mesh (the preset's arch record with the mesh edited, DRAM channels unchanged), then
`place-route` on the tiles stream.

Rows:
  - time to place and route (whole process: start-up, reading the tiles stream, segmenting,
    refining, routing, budgeting, writing the placed stream), wall-clock median of interleaved
    runs; the "peer" is the goal of issue 13, 5 s (ratio = ours / 5 s, below 1 meets it);
  - maximum link load against the cut lower bound of the same transfers (ratio = achieved /
    bound; goal within 10%);
  - makespan in our cost model: auto (pipelined where it pays and fits) against layer by layer
    (ratio = ours / layer-by-layer, below 1 pipelining wins).

Stream (stream-dse 2.1.1), the peer issue 13 names, is not run: this tree has no importer of
Stream's hardware YAML into an arch stream (Tools/arch_import.py of issue 12 does not exist
here), so the two sides could not be given the same chip, and Stream needs Python >= 3.12
(present here only as pyenv 3.12.1, with no venv prepared). No Stream figure is claimed.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import benchlib  # noqa: E402

MODELS = ["resnet50", "densenet121", "inception_v1"]
QUICK_MODELS = ["resnet50"]
GOAL_SECONDS = 5.0


def sh(cmd, **kw):
    p = subprocess.run(cmd, shell=True, capture_output=True, timeout=kw.pop("timeout", 1800), **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({p.returncode}): {p.stderr.decode(errors='replace').strip()[:300]}")
    return p.stdout


def plan_record(binp, placed):
    for line in sh(f"{binp}/rec-cat --json {placed}").decode().splitlines():
        r = json.loads(line)
        if "plan" in r:
            return r["plan"]
    raise RuntimeError(f"{placed}: no plan record")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--light", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--markdown")
    a = ap.parse_args()
    b = a.bin
    os.makedirs(a.work, exist_ok=True)
    load = benchlib.machine_load()
    runs = 3 if benchlib.quick() else 7
    # The 32x32 chip: the preset's arch record, mesh grown.
    text = sh(f"{b}/tile-plan --arch mesh-8x8 --print-arch | timeout 60 capnp decode Formats/arch.capnp ArchFrame").decode()
    text = text.replace('name = "mesh-8x8"', 'name = "mesh-32x32"')
    text, n = re.subn(r"rows = 8, cols = 8", "rows = 32, cols = 32", text)
    assert n == 1, "the preset's mesh line changed"
    big = os.path.join(a.work, "mesh-32x32.arch")
    with open(big, "wb") as f:
        f.write(sh("timeout 60 capnp encode Formats/arch.capnp ArchFrame", input=text.encode()))
    rows, details = [], ["| model | mesh | groups | tiles | routes | place-route s | max link B/cycle | cut bound | auto makespan | layer-by-layer |",
                         "|---|---|---|---|---|---|---|---|---|---|"]
    for m in (QUICK_MODELS if benchlib.quick() else MODELS):
        onnx = os.path.join(a.light, f"light_{m}.onnx")
        graph = os.path.join(a.work, f"{m}.graph")
        sh(f"{b}/graph-opt -O3 {onnx} -o {graph}")
        for mesh, arch in [("8x8", "mesh-8x8"), ("32x32", big)]:
            tiles = os.path.join(a.work, f"{m}.{mesh}.tiles")
            placed = os.path.join(a.work, f"{m}.{mesh}.placed")
            layer = os.path.join(a.work, f"{m}.{mesh}.layer.placed")
            sh(f"{b}/tile-plan --arch {arch} --dim batch=1 --max-visits 20000 {graph} -o {tiles}")
            timing = benchlib.interleave({"ours": [f"{b}/place-route", tiles, "-o", placed]}, runs=runs)
            sh(f"{b}/place-route --mode layer {tiles} -o {layer}")
            p, pl = plan_record(b, placed), plan_record(b, layer)
            tile_count = 0
            groups = 0
            for line in sh(f"{b}/rec-cat --json {tiles}").decode().splitlines():
                r = json.loads(line)
                if "group" in r:
                    groups += 1
                    tile_count += int(r["group"].get("tileCount", 0))
            routes = int(sh(f"{b}/rec-cat --json {placed} | grep -c '^{{\"route\"'").decode().strip() or 0)
            workload = f"{m}, {mesh} mesh ({groups} groups, {tile_count} tiles, {routes} routes)"
            sec = timing["ours"]["wall"]["median"]
            reproduce = f"graph-opt -O3 light_{m}.onnx | tile-plan --arch {'mesh-8x8' if mesh == '8x8' else 'mesh-32x32.arch'} --dim batch=1 --max-visits 20000 | place-route"
            rows.append(benchlib.size_row("place", f"{workload}: seconds to place and route", "goal (issue 13)", "5 s",
                                          sec, GOAL_SECONDS, "s", reproduce, metric="seconds within the budget",
                                          note="whole process, wall-clock median of interleaved runs", goal="< 5 s", goal_ratio=1.0))
            rows.append(benchlib.size_row("place", f"{workload}: max link load", "cut lower bound", "same transfers",
                                          p["maxLinkBytesPerCycle"], p["cutBoundBytesPerCycle"], "B/cycle", reproduce,
                                          metric="link load", goal="within 10%", goal_ratio=1.10))
            rows.append(benchlib.size_row("place", f"{workload}: makespan, auto", "layer by layer", "our cost model",
                                          p["makespanCycles"], pl["makespanCycles"], "cycles", reproduce + " --mode auto vs --mode layer",
                                          metric="makespan", note="both in our cost model (tile-plan's costs scaled by mesh unroll)"))
            details.append(f"| {m} | {mesh} | {groups} | {tile_count} | {routes} | {benchlib.spread(timing['ours']['wall'])} | "
                           f"{p['maxLinkBytesPerCycle']:.2f} | {p['cutBoundBytesPerCycle']:.2f} | {p['makespanCycles']:.0f} | {pl['makespanCycles']:.0f} |")
    md = "\n".join(details) + "\n\nStream (stream-dse 2.1.1) not run: no importer of its hardware YAML into an arch stream exists here, so no common chip.\n"
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    print(md)
    return benchlib.finish("bench-place", "place", rows, load, md)


if __name__ == "__main__":
    sys.exit(main())
