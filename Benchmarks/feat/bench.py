#!/usr/bin/env python3
"""feat-etl against polars (one thread, POLARS_MAX_THREADS=1), and sluice.tensors.read against
np.load (make bench-feat).

- hash: N random int64 ids → xxh64(seed 0) mod 2^20 as int64 ids. ours: `feat-etl transform`
  reading the table stream file and writing the tensors stream to /dev/null, a fresh process
  each run (its time includes process start-up, the stream read and the frame writes). polars:
  `df.select(pl.col("id").hash(seed=0) % 2^20)` in this process on a DataFrame already in
  memory (its fastest path: no I/O, no start-up; its own 64-bit hash, not xxh64, over the same
  ids, materializing the same number of ids).
- bucketize: N float64 values against 100 sorted edges → int64 bucket ids (searchsorted,
  side='right'). ours as above. polars: `pl.Series(edges).search_sorted(df["x"], side="right")`
  in memory.
- sequence: N events of U users (rows of a user together, in time order), each row's previous
  L=16 item ids as a dense [N, 16] int64 tensor. ours: `transform` with an item hash (the ids
  the sequence takes) and the sequence, as above. polars: the same 16 shifted columns per user
  (`pl.col("id").shift(k).over("user")`, k = 16..1, nulls filled with 0) in memory. Same values
  and size; polars' rows are right-aligned (padding first), ours left-aligned (padding last).
  The issue's goal is a throughput: at least 1e8 events/s.
- read: the MovieLens tensors stream of make demo-feat's spec. ours: `sluice.tensors.read` of
  the file (every array a numpy view of the mapping). peer: `np.load` of an uncompressed .npz
  holding the same arrays, every array loaded. Both in this process, the page cache warm.
"""
import argparse
import os
import subprocess
import sys

os.environ.setdefault("POLARS_MAX_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(REPO, "Tools"))
sys.path.insert(0, os.path.join(REPO, "python"))
import benchlib  # noqa: E402
import table_arrow  # noqa: E402
import sluice  # noqa: E402

BUCKETS = 1 << 20
L = 16


def spec(path, features):
    import json
    with open(path, "w") as fh:
        json.dump({"features": features}, fh)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tensors", required=True, help="a tensors stream to read (make demo-feat's)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    assert pl.thread_pool_size() == 1, "polars must run single-threaded here"
    load = benchlib.machine_load()
    quick = benchlib.quick()
    n = 1_000_000 if quick else 10_000_000
    runs = 3 if quick else 9
    feat = os.path.join(args.bin, "feat-etl")
    rng = np.random.default_rng(7)
    ids = rng.integers(-2**63, 2**63 - 1, size=n, dtype=np.int64)
    x = rng.normal(50, 20, size=n)
    edges = np.sort(rng.normal(50, 20, size=100))
    users = np.sort(rng.integers(0, n // 50, size=n))
    items = rng.integers(0, 50_000, size=n, dtype=np.int64)
    # One table stream per workload holding only the columns it reads (polars reads only those too).
    w = args.work
    src = {"hash": os.path.join(w, "ids.tbl"), "bucketize": os.path.join(w, "x.tbl"), "sequence": os.path.join(w, "events.tbl")}
    table_arrow.write_stream(pa.table({"id": ids}), src["hash"], 65536)
    table_arrow.write_stream(pa.table({"x": x}), src["bucketize"], 65536)
    table_arrow.write_stream(pa.table({"user": users, "item": items}), src["sequence"], 65536)
    s_hash = spec(os.path.join(w, "hash.json"), [{"name": "h", "transform": "hash", "column": "id", "buckets": BUCKETS}])
    s_bucket = spec(os.path.join(w, "bucket.json"), [{"name": "b", "transform": "bucketize", "column": "x", "edges": edges.tolist()}])
    s_seq = spec(os.path.join(w, "seq.json"), [{"name": "i", "transform": "hash", "column": "item", "buckets": BUCKETS},
                                               {"name": "s", "transform": "sequence", "of": "i", "user": "user", "length": L}])
    df = pl.DataFrame({"id": ids, "x": x, "user": users, "item": items})
    pl_edges = pl.Series(edges)

    def ours(s, workload):
        return [feat, "transform", "--spec", s, "-o", "/dev/null", src[workload]]

    def polars_hash():
        return df.select(pl.col("id").hash(seed=0) % BUCKETS)

    def polars_bucket():
        return pl_edges.search_sorted(df["x"], side="right")

    def polars_seq():
        return df.select([pl.col("item").shift(k).over("user").fill_null(0).alias(f"s{k}") for k in range(L, 0, -1)])

    # sanity: ours equals numpy's bucketize on the same values (one run, outside the timing)
    out = os.path.join(w, "bucket.tensors")
    subprocess.run([feat, "transform", "--spec", s_bucket, "-o", out, src["bucketize"]], check=True)
    got = np.concatenate([b["b"] for b in sluice.tensors.read(out)])
    assert np.array_equal(got, np.searchsorted(edges, x, side="right")), "bucketize differs from numpy"
    assert np.array_equal(polars_bucket().to_numpy(), got), "polars' search_sorted differs"
    os.remove(out)

    timing = {}
    for name, o, p in [("hash", s_hash, polars_hash), ("bucketize", s_bucket, polars_bucket), ("sequence", s_seq, polars_seq)]:
        timing[name] = benchlib.interleave({"feat-etl": ours(o, name), "polars": p}, runs=runs)

    # read: the tensors stream vs np.load of an .npz of the same arrays
    batches = sluice.tensors.read(args.tensors)
    arrays = {}
    for b in batches:
        for k, a in b.dense.items():
            arrays[f"{b.index}/{k}"] = a
        if b.jagged is not None:
            for k in ("values", "lengths", "offsets"):
                arrays[f"{b.index}/jagged.{k}"] = getattr(b.jagged, k)
    npz = os.path.join(w, "same-arrays.npz")
    np.savez(npz, **arrays)
    count = len(arrays)

    def read_ours():
        bs = sluice.tensors.read(args.tensors)
        return sum(len(b.dense) + (3 if b.jagged is not None else 0) for b in bs)

    def read_np():
        with np.load(npz) as z:
            return len([z[k] for k in z.files])

    assert read_ours() == read_np() == count
    timing["read"] = benchlib.interleave({"sluice": read_ours, "np.load": read_np}, runs=runs)

    reproduce = "make bench-feat"
    proc = "process start-up, reading the table stream file, writing the tensors stream to /dev/null"
    mem = "in memory: the kernel only"
    rows = [
        benchlib.time_row("feat", f"hash {n:,} int64 ids (xxh64 mod 2^20)", "polars (1 thread)", pl.__version__, timing["hash"],
                          "feat-etl", "polars", reproduce, includes=f"ours: {proc}; polars: {mem}",
                          note="polars hashes with its own 64-bit hash; both write one int64 id per row",
                          goal="≥ 1× polars", goal_ratio=1.0),
        benchlib.time_row("feat", f"bucketize {n:,} float64 by 100 edges", "polars (1 thread)", pl.__version__, timing["bucketize"],
                          "feat-etl", "polars", reproduce, includes=f"ours: {proc}; polars: {mem}",
                          note="searchsorted(side='right') both; outputs checked equal", goal="≥ 2× polars", goal_ratio=2.0),
        benchlib.time_row("feat", f"sequence: last {L} ids of {n:,} events, dense [rows, {L}]", "polars (1 thread)", pl.__version__,
                          timing["sequence"], "feat-etl", "polars", reproduce, includes=f"ours: {proc}, and hashing the item ids; polars: {mem}",
                          note=f"ours {n / timing['sequence']['feat-etl']['wall']['median'] / 1e6:.1f} M events/s (goal ≥ 100 M/s); polars' rows right-aligned, ours left-aligned"),
        benchlib.time_row("feat", f"read a tensors stream from Python ({count} arrays, MovieLens)", "np.load (.npz)", np.__version__,
                          timing["read"], "sluice", "np.load", reproduce, includes="both in this process, warm page cache",
                          note="sluice: numpy views of the mapped stream; np.load: every array of an uncompressed .npz read",
                          goal="within 2× (ratio ≥ 0.5)", goal_ratio=0.5),
    ]
    for name, t in timing.items():
        for side, v in t.items():
            print(f"  {name:10s} {side:9s} {benchlib.spread(v['wall'], 1e3, '.1f', '.0f')} ms")
    details = "\n".join(f"- {name} / {side}: {benchlib.spread(v['wall'], 1e3, '.1f', '.0f')} ms wall, CPU {v['cpu']['median'] * 1e3:.1f} ms"
                        for name, t in timing.items() for side, v in t.items())
    return benchlib.finish("bench-feat", "feat", rows, load, "### feat\n\n" + details + "\n")


if __name__ == "__main__":
    sys.exit(main())
