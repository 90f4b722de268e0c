#!/usr/bin/env python3
"""Fused against --no-fuse plans of one graph (rec-cat --json of each tiles stream).

Checks: --no-fuse has one group per node (an Attention node: its stages); the fused plan covers
the same nodes, every fused group lists members whose nodes are its nodes, its intermediates are
on no edge, and no edge joins a group to itself; the fused total of the objective is no worse
than --no-fuse (fusion is taken only where it wins); at least --min-fused groups are fused.
Exit status 3 when a check fails, 1 on unreadable input.
"""
import argparse
import sys

from tiles_json import plan_records


def load(path):
    with open(path) as f:
        summary, groups, edges = plan_records(f)
    if summary is None:
        raise ValueError(f"{path}: no graph record")
    return summary, groups, edges


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("fused")
    ap.add_argument("unfused")
    ap.add_argument("--min-fused", type=int, default=1)
    a = ap.parse_args()
    try:
        fs, fg, fe = load(a.fused)
        us, ug, _ = load(a.unfused)
    except (OSError, ValueError) as e:
        print(f"fusion_check: {e}", file=sys.stderr)
        return 1
    problems = []
    if any(len(g.get("nodes", [])) != 1 or g.get("fusion") for g in ug):
        problems.append("--no-fuse has a group of several nodes or a fused group")
    fused_nodes = sorted(n for g in fg for n in g.get("nodes", []))
    if sorted(set(n for g in ug for n in g["nodes"])) != sorted(set(fused_nodes)):
        problems.append("the fused plan covers other nodes than --no-fuse")
    fused = [g for g in fg if g.get("fusion")]
    for g in fused:
        members = g.get("members", [])
        if len(members) < 2 and g["fusion"] != "attention":
            problems.append(f"group {g['index']} '{g['name']}': fused with {len(members)} members")
        if sorted(set(n for m in members for n in m["nodes"])) != sorted(g["nodes"]):
            problems.append(f"group {g['index']} '{g['name']}': members' nodes are not the group's")
        if not (g.get("lowerBound", 0) <= g.get("objectiveValue", 0) * (1 + 1e-9)):
            problems.append(f"group {g['index']} '{g['name']}': bound above the objective")
        if g.get("footprintBytes", 0) <= 0 or g.get("intermediateBytes", 0) <= 0:
            problems.append(f"group {g['index']} '{g['name']}': no footprint or intermediate bytes")
    if any(e["from"] == e["to"] for e in fe):
        problems.append("an edge joins a group to itself")
    key = {"latency": "totalCycles", "energy": "totalEnergyPj"}.get(fs["objective"])
    if key and fs[key] > us[key] * (1 + 1e-9):
        problems.append(f"fused {key} {fs[key]:.6g} above --no-fuse {us[key]:.6g}")
    if len(fused) < a.min_fused:
        problems.append(f"{len(fused)} fused groups, expected at least {a.min_fused}")
    kinds = {}
    for g in fused:
        kinds[g["fusion"]] = kinds.get(g["fusion"], 0) + 1
    name = fs.get("name", "")
    if problems:
        for p in problems:
            print(f"fusion_check: {name}: {p}", file=sys.stderr)
        return 3
    print(f"fusion_check: {name}: {len(fg)} groups fused / {len(ug)} not ({', '.join(f'{k} x{v}' for k, v in sorted(kinds.items()))}); "
          f"cycles {fs['totalCycles']:.0f} / {us['totalCycles']:.0f}, energy {fs['totalEnergyPj'] / 1e6:.1f} / {us['totalEnergyPj'] / 1e6:.1f} uJ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
