#!/usr/bin/env python3
"""test-tile-decode's check of one decode step planned twice, with the KV cache streamed and
resident (rec-cat --json of each tiles stream): both name the same cache tensors; every cache
byte the resident plan pins is one DRAM byte fewer (exactly, with --exact: the cache's readers
are on the vector unit, as llama's repeat_kv Expand is; an Attention reading the cache itself
reads K and V per head as a shared weight, Docs/tile.md); no group's lower bound exceeds its
cost. Exit 3 when a check fails.

Usage: kv_cache_check.py STREAMED.json RESIDENT.json [--exact]
"""
import sys

from tiles_json import backing_bytes, plan_records


def load(path):
    with open(path) as f:
        summary, groups, _ = plan_records(f)
    return summary, groups, backing_bytes(groups)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    (s, sg, sd), (r, rg, rd) = load(sys.argv[1]), load(sys.argv[2])
    exact = "--exact" in sys.argv[3:]
    failures = []
    if s.get("kvCache") != "streamed" or r.get("kvCache") != "resident":
        failures.append(f"modes {s.get('kvCache')!r} / {r.get('kvCache')!r}")
    cache = r.get("kvCacheBytes", 0)
    if cache <= 0 or s.get("kvCacheBytes") != cache:
        failures.append(f"cache bytes {s.get('kvCacheBytes')} / {cache}")
    pinned = r.get("kvResidentBytes", 0)
    read_on_chip = sum(g.get("residentBytes", 0) for g in rg)
    if pinned <= 0 or read_on_chip < pinned:
        failures.append(f"{pinned} bytes pinned, {read_on_chip} read from SRAM")
    saved = sd - rd
    if exact and abs(saved - pinned) > 1e-6 * pinned:
        failures.append(f"DRAM bytes differ by {saved}, the resident cache is {pinned}")
    if not exact and not 0 < saved <= pinned * (1 + 1e-9):
        failures.append(f"DRAM bytes differ by {saved}, not within (0, {pinned}]")
    if r["totalEnergyPj"] >= s["totalEnergyPj"]:
        failures.append(f"resident energy {r['totalEnergyPj']} not below streamed {s['totalEnergyPj']}")
    for g in sg + rg:
        if g["lowerBoundCycles"] > g["cycles"] * (1 + 1e-9) or g["lowerBoundEnergyPj"] > g["energyPj"] * (1 + 1e-9):
            failures.append(f"group {g['index']} {g['name']}: bound above cost")
    if failures:
        for f in failures:
            print(f"kv_cache_check: {f}", file=sys.stderr)
        return 3
    print(f"kv_cache_check: {len(rg)} groups, cache {cache:.0f} B, resident {pinned:.0f} B, DRAM {sd:.0f} -> {rd:.0f} B, "
          f"energy {s['totalEnergyPj'] / 1e6:.2f} -> {r['totalEnergyPj'] / 1e6:.2f} uJ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
