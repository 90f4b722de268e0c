#!/usr/bin/env python3
"""dq-check profile's sketches against Apache DataSketches on the same data (make test-profile-sketches).

Seeded columns (a log-normal float, a Zipf integer with ~30k distinct values, a high-cardinality
integer, a string id) are written as a table stream (pyarrow → Tools/table_arrow.py), profiled
by `dq-check profile --format json`, and also by datasketches' kll_doubles_sketch(k=200) and
hll_sketch(lg_k=12). Checks:

- quantiles: for each reported q, the exact rank of our estimate (numpy, over the sorted data)
  is within datasketches' own normalized rank error for k=200 (as_pmf=True, 99% confidence,
  the bound Docs/profile.md states) of q; datasketches' estimate is checked the same way, and
  the two estimates' exact ranks are within twice the bound of each other;
- distinct counts: ours within 3 standard errors (3·1.04/√4096) of the exact count, and inside
  the interval datasketches' HLL gives at 3 standard deviations widened by the same margin;
- merge: the same data profiled in three shards and merged by `dq-check merge` passes the same checks,
  and its row and null counts equal the whole's exactly.
Exit 1 with one line per failure; prints a table of the errors seen.
"""
import argparse
import json
import math
import os
import subprocess
import sys

import datasketches as ds
import numpy as np
import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_arrow  # noqa: E402

K, LG_K = 200, 12


def data(n, seed):
    rng = np.random.default_rng(seed)
    latency = rng.lognormal(3.0, 1.2, n)
    item = (rng.zipf(1.3, n) % 30_000).astype(np.int64)
    ts = rng.integers(0, 1 << 40, n, dtype=np.int64)
    users = rng.integers(0, 50_000, n)
    user = pa.array([f"u{u:06d}" for u in users], pa.string())
    null = rng.random(n) < 0.05
    latency_arr = pa.array(latency, pa.float64(), mask=null)
    return pa.table({"latency": latency_arr, "item": pa.array(item), "ts": pa.array(ts), "user": user}), {
        "latency": latency[~null], "item": item, "ts": ts, "user": np.array([f"u{u:06d}" for u in users])}


def dq(bin_dir, *args):
    r = subprocess.run([os.path.join(bin_dir, "dq-check"), *args], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"profile-sketch-check: dq-check {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def check(label, summary, values, failures, rows_out):
    eps = ds.kll_doubles_sketch.get_normalized_rank_error(K, True)
    by_column = {c["column"]: c for c in summary["columns"] if c["segment"] == ""}
    for name, vals in values.items():
        c = by_column[name]
        numeric = vals.dtype.kind in "if"
        if numeric:
            srt = np.sort(vals.astype(np.float64))
            kll = ds.kll_doubles_sketch(K)
            kll.update(srt[np.random.default_rng(1).permutation(len(srt))])
            worst_ours = worst_ds = 0.0
            for key, ours in c["quantiles"]["quantiles"].items():
                q = int(key[1:]) / 100
                # Our value's exact rank range (ties: any rank between the first and last copy).
                lo, hi = np.searchsorted(srt, ours, "left") / len(srt), np.searchsorted(srt, ours, "right") / len(srt)
                err = 0.0 if lo <= q <= hi else min(abs(q - lo), abs(q - hi))
                theirs = kll.get_quantile(q)
                tlo, thi = np.searchsorted(srt, theirs, "left") / len(srt), np.searchsorted(srt, theirs, "right") / len(srt)
                terr = 0.0 if tlo <= q <= thi else min(abs(q - tlo), abs(q - thi))
                worst_ours, worst_ds = max(worst_ours, err), max(worst_ds, terr)
                if err > eps:
                    failures.append(f"{label} {name} q={q}: our {ours} has rank {lo:.5f}..{hi:.5f}, over the bound {eps:.5f}")
                if abs((lo + hi) / 2 - (tlo + thi) / 2) > 2 * eps + (hi - lo) + (thi - tlo):
                    failures.append(f"{label} {name} q={q}: ours {ours} and datasketches' {theirs} ranks differ over 2ε")
            rows_out.append((label, name, "quantile rank error (max over p1..p99)", worst_ours, worst_ds, eps))
        exact = len(np.unique(vals))
        hll = ds.hll_sketch(LG_K)
        for v in (vals.tolist()):
            hll.update(v)
        ours = c["distinct"]
        rse = 1.04 / math.sqrt(1 << LG_K)
        rel = abs(ours - exact) / exact
        margin = 3 * rse * exact
        if rel > 3 * rse:
            failures.append(f"{label} {name}: distinct {ours} vs exact {exact} ({rel:.4f} over 3σ = {3 * rse:.4f})")
        if not (hll.get_lower_bound(3) - margin <= ours <= hll.get_upper_bound(3) + margin):
            failures.append(f"{label} {name}: distinct {ours} outside datasketches' interval [{hll.get_lower_bound(3):.0f}, {hll.get_upper_bound(3):.0f}] ± {margin:.0f}")
        rows_out.append((label, name, f"distinct relative error (exact {exact})", rel, abs(hll.get_estimate() - exact) / exact, 3 * rse))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SLUICE_TEST_SEED", "7")))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    table, values = data(args.rows, args.seed)
    whole = os.path.join(args.work, "whole.tbl")
    table_arrow.write_stream(table, whole, batch_rows=65536)
    failures, rows = [], []
    check("whole", json.loads(dq(args.bin, "profile", "--format", "json", whole)), values, failures, rows)
    cuts = [0, args.rows // 5, args.rows // 2, args.rows]
    parts = []
    for i, (a, b) in enumerate(zip(cuts, cuts[1:])):
        shard = os.path.join(args.work, f"shard{i}.tbl")
        table_arrow.write_stream(table.slice(a, b - a), shard, batch_rows=65536)
        parts.append(os.path.join(args.work, f"shard{i}.prof"))
        dq(args.bin, "profile", "-o", parts[-1], shard)
    merged = json.loads(dq(args.bin, "merge", "--format", "json", parts[2], parts[0], parts[1]))
    whole_json = json.loads(dq(args.bin, "profile", "--format", "json", whole))
    for a, b in zip(merged["columns"], whole_json["columns"]):
        for key in ("rows", "nulls", "count", "min", "max"):
            if a.get(key) != b.get(key):
                failures.append(f"merged {a['column']}: {key} {a.get(key)} vs the whole's {b.get(key)}")
    check("merged", merged, values, failures, rows)
    print(f"{'profile':8} {'column':8} {'measure':48} {'ours':>9} {'datasketches':>12} {'bound':>8}")
    for label, col, what, ours, theirs, bound in rows:
        print(f"{label:8} {col:8} {what:48} {ours:9.5f} {theirs:12.5f} {bound:8.5f}")
    for f in failures:
        print("profile-sketch-check: " + f)
    if failures:
        return 1
    print(f"profile-sketch-check: {args.rows} rows (seed {args.seed}), whole and merged shards: quantiles and distinct counts within the stated bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
