#!/usr/bin/env python3
"""dq-check profile against whylogs profiling the same columns (make bench-profile).

Workloads (every column of each table is profiled by both sides):
- synthetic events, 1M and 10M rows (Tools/gen_events.py, the seq bench's files): user_id,
  item_id, action (int64) and timestamp (int64 ms);
- MovieLens 100k (recbole's ml-100k.inter) tiled 10× to 1M rows, each copy's user ids offset
  so the copies are different users: user_id, item_id (int64), rating (float64), timestamp (int64 s).

- ours: `dq-check profile -o /dev/null TABLE` as a fresh process (and with --threads 2 for the
  two-thread row): process start, reading the
  table stream file, the profile (moments, log histogram, KLL k=200, HLL p=12, exact/Misra-Gries
  frequent items per column) and writing the profile stream; one thread.
- whylogs: `why.log(df)` in this process on a pandas DataFrame already in memory (its best idiom:
  no parsing, no file I/O, no interpreter start-up); its default schema profiles counts, types,
  KLL distribution, HLL cardinality and frequent items per column; one thread.
Sides run interleaved (benchlib); rows say each ratio, goal ≥ 10×.
"""
import argparse
import os
import sys

os.environ.setdefault("WHYLOGS_NO_ANALYTICS", "True")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import whylogs as why  # noqa: E402
from importlib import metadata  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tools"))
import benchlib  # noqa: E402
import table_arrow  # noqa: E402


def read_atomic_tsv(path, rows=None):
    """A RecBole atomic file (`name:type` headers) as a frame of int64/float64 columns."""
    df = pd.read_csv(path, sep="\t", nrows=rows)
    df.columns = [c.split(":")[0] for c in df.columns]
    return df


def synthetic(path, rows):
    df = read_atomic_tsv(path, rows)
    return pd.DataFrame({"user_id": df["user_id"].astype(np.int64), "item_id": df["item_id"].astype(np.int64),
                         "action": df["action"].astype(np.int64), "timestamp": df["timestamp"].astype(np.int64)})


def movielens(path, copies):
    df = read_atomic_tsv(path)
    parts = []
    for c in range(copies):
        parts.append(pd.DataFrame({"user_id": df["user_id"].astype(np.int64) + 10_000 * c, "item_id": df["item_id"].astype(np.int64),
                                   "rating": df["rating"].astype(np.float64), "timestamp": df["timestamp"].astype(np.int64)}))
    return pd.concat(parts, ignore_index=True)


def stream_for(df, path):
    if not os.path.exists(path):
        table_arrow.write_stream(pa.Table.from_pandas(df, preserve_index=False), path + ".tmp", batch_rows=65536)
        os.replace(path + ".tmp", path)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--synthetic-1m", required=True)
    ap.add_argument("--synthetic-10m")
    ap.add_argument("--movielens", required=True)
    args = ap.parse_args()
    load = benchlib.machine_load()
    quick = benchlib.quick()
    os.makedirs(args.work, exist_ok=True)
    tool = os.path.join(args.bin, "dq-check")
    cases = []
    if quick:
        cases.append(("synthetic events", 100_000, lambda: synthetic(args.synthetic_1m, 100_000)))
        cases.append(("MovieLens 100k", 100_000, lambda: movielens(args.movielens, 1)))
    else:
        cases.append(("synthetic events", 1_000_000, lambda: synthetic(args.synthetic_1m, 1_000_000)))
        cases.append(("MovieLens 100k ×10", 1_000_000, lambda: movielens(args.movielens, 10)))
        if args.synthetic_10m:
            cases.append(("synthetic events", 10_000_000, lambda: synthetic(args.synthetic_10m, 10_000_000)))
    rows, details = [], []
    version = metadata.version("whylogs")
    for name, n, load_frame in cases:
        df = load_frame()
        n = len(df)  # the generator makes about the rows asked for
        tag = name.lower().replace(" ", "-").replace("×", "x")
        stream = stream_for(df, os.path.join(args.work, f"{tag}-{n}.tbl"))
        results = []

        def peer():
            results.clear()
            results.append(why.log(df))

        runs = 3 if quick or n >= 10_000_000 else 5
        ours = [tool, "profile", "-o", "/dev/null", stream]
        ours2 = [tool, "profile", "--threads", "2", "-o", "/dev/null", stream]
        timing = benchlib.interleave({"dq-check": ours, "dq-check-2t": ours2, "whylogs": peer}, runs=runs)
        view = results[0].view()
        assert sorted(view.get_columns()) == sorted(df.columns), view.get_columns()
        cols = ", ".join(df.columns)
        rows.append(benchlib.time_row(
            "profile", f"profile {n:,} rows × {len(df.columns)} columns, {name} ({cols})", "whylogs", version, timing,
            "dq-check", "whylogs", "make bench-profile",
            includes="ours: process start, reading the table stream file, profiling, writing the profile stream; "
                     "whylogs: why.log on an in-memory pandas DataFrame, in-process",
            note="both sides one thread; each profiles every column: counts, KLL quantiles, HLL distinct count, frequent items "
                 "(ours also moments and a log histogram)",
            goal="≥ 10×", goal_ratio=10.0))
        rows.append(benchlib.time_row(
            "profile", f"profile {n:,} rows × {len(df.columns)} columns, {name}, two threads", "whylogs", version, timing,
            "dq-check-2t", "whylogs", "make bench-profile",
            includes="ours: as above with --threads 2 (columns profiled side by side); whylogs: as above, one thread",
            note="the two-thread figure: same profile as one thread (tested), columns dealt to the threads"))
        for side, t in timing.items():
            st = t["wall"]
            print(f"  {name} {n:,}: {side:8s} {benchlib.spread(st, 1e3, '.0f')} ms ({n / st['median'] / 1e6:.2f} M rows/s)")
            details.append(f"- {name}, {n:,} rows, {side}: {benchlib.spread(st, 1e3, '.0f')} ms wall, CPU {t['cpu']['median'] * 1e3:.0f} ms")
        del df, results
    return benchlib.finish("bench-profile", "profile", rows, load, "### profile\n\n" + "\n".join(details) + "\n")


if __name__ == "__main__":
    sys.exit(main())
