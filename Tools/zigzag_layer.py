#!/usr/bin/env python3
"""Run ZigZag (zigzag-dse 3.9.1, in its own venv: make zigzag-venv) on one ONNX layer with one of
its bundled accelerators, and print what it chose as one JSON line: energy (pJ), latency
(cycles), the spatial and temporal mapping, and the seconds its search took.

    .cache/venv-zigzag/bin/python Tools/zigzag_layer.py LAYER.onnx tpu_like [--opt energy] [--engine loma]
        [--arch-json ARCH.json --layer NAME]

With --arch-json (the `arch` record of `tile-plan --arch A --print-arch | rec-cat --json`, whose
memories carry ZigZag's names) the line also holds `sluice_mapping`: ZigZag's choice in the form
`tile-plan --evaluate-mapping` reads, or `sluice_mapping_error` saying why it has none.
"""
import argparse
import contextlib
import io
import json
import logging
import os
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("onnx")
    ap.add_argument("accelerator", help="a bundled hardware name, e.g. tpu_like, eyeriss_like")
    ap.add_argument("--opt", default="energy", choices=["energy", "latency", "EDP"])
    ap.add_argument("--engine", default="loma", choices=["loma", "salsa"])
    ap.add_argument("--mapping", default="default", help="a bundled mapping name (default: default)")
    ap.add_argument("--arch-json", help="tile-plan's arch record as JSON: also export ZigZag's mapping for tile-plan")
    ap.add_argument("--layer", default="layer", help="the group name for the exported mapping")
    a = ap.parse_args()
    import zigzag
    from zigzag.api import get_hardware_performance_zigzag
    logging.disable(logging.CRITICAL)
    inputs = os.path.join(os.path.dirname(zigzag.__file__), "inputs")
    hardware = os.path.join(inputs, "hardware", a.accelerator + ".yaml")
    mapping = os.path.join(inputs, "mapping", a.mapping + ".yaml")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            energy, latency, cmes = get_hardware_performance_zigzag(
                a.onnx, hardware, mapping, opt=a.opt, temporal_mapping_search_engine=a.engine,
                dump_folder=out, loma_show_progress_bar=False)
        seconds = time.perf_counter() - t0
    cme = cmes[0][1][0][0] if isinstance(cmes[0][1], list) else cmes[0][0]
    result = {"energy_pj": float(energy), "latency_cycles": float(latency), "search_seconds": seconds}
    with contextlib.suppress(Exception):
        result["spatial"] = str(cme.spatial_mapping)
        result["temporal"] = str(cme.temporal_mapping)
        result["ideal_cycles"] = float(cme.ideal_cycle)
        result["mac_energy_pj"] = float(cme.mac_energy)
        result["memory_energy_pj"] = {str(k): [float(x) for x in v] for k, v in cme.mem_energy_breakdown.items()}
    if a.arch_json:
        try:
            result["sluice_mapping"] = convert(cme, json.load(open(a.arch_json)), a.layer)
        except ValueError as e:
            result["sluice_mapping_error"] = str(e)
    print(json.dumps(result))
    return 0


OPERANDS = {"W": "weight", "I": "input", "O": "output"}


def convert(cme, arch, layer):
    """ZigZag's mapping as tile-plan's: one loop order, every operand cut at its own levels.

    ZigZag gives, per operand, its loops level by level (innermost first) over that operand's
    memories; all operands share one loop order. tile-plan puts each loop at one memory level
    and lets each operand's tile reach up to a level below its next memory: every cut becomes a
    level boundary, at a level each operand that cuts there allows, levels rising with position.
    """
    memories = arch["coreTypes"][arch["mesh"]["coreType"]]["memories"]
    chains = {o: [i for i, m in enumerate(memories) if o in m["operands"]] for o in OPERANDS.values()}
    tm = cme.temporal_mapping.mapping_dic_origin
    loops_of = {OPERANDS[str(k)]: [[(str(d), int(round(float(n)))) for d, n in level] for level in v] for k, v in tm.items()}
    order = [loop for level in loops_of["weight"] for loop in level]
    cuts = {}   # position -> (lowest, highest) level allowed
    reach_at = {}
    for o, levels in loops_of.items():
        chain = chains[o]
        if len(levels) != len(chain):
            raise ValueError(f"{o}: ZigZag has {len(levels)} levels, the arch {len(chain)}")
        flat = [loop for level in levels for loop in level]
        if flat != order:
            raise ValueError(f"{o}: loop order differs from the weights'")
        position = 0
        for i, level in enumerate(levels[:-1]):
            position += len(level)
            lo, hi = cuts.get(position, (0, len(memories) - 1))
            cuts[position] = (max(lo, chain[i]), min(hi, chain[i + 1] - 1))
            reach_at[(o, i)] = position
    level_of_cut, previous = {}, -1
    for position in sorted(cuts):
        lo, hi = cuts[position]
        level = max(lo, previous + 1 if position > 0 else lo)
        if level > hi:
            raise ValueError(f"the cut after loop {position} needs a level in {lo}..{hi} above {previous}")
        level_of_cut[position] = level
        previous = level
    levels = [[] for _ in memories]
    start = 0
    for position in sorted(level_of_cut):
        levels[level_of_cut[position]] += [{"dim": d, "factor": n} for d, n in order[start:position]]
        start = position
    levels[-1] += [{"dim": d, "factor": n} for d, n in order[start:]]
    reach = {o: [level_of_cut[reach_at[(o, i)]] for i in range(len(chains[o]) - 1)] + [chains[o][-1]] for o in chains}
    spatial = []
    for array_dim, unrolls in cme.layer.spatial_mapping.data.items():
        for d, n in unrolls.items():
            if float(n) != int(float(n)):
                raise ValueError(f"uneven spatial unrolling {d} {n}")
            spatial.append({"arrayDim": str(array_dim), "dim": str(d), "factor": int(float(n))})
    return {"layer": layer, "spatial": spatial, "levels": levels, "reach": reach}


if __name__ == "__main__":
    sys.exit(main())
