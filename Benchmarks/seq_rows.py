#!/usr/bin/env python3
"""The seq area's benchmark rows: reads the JSON of seq_bench.py (per data set) and
seq_store_bench.py, writes out/bench/rows/seq.json through benchlib (headline rows + details).

usage: seq_rows.py --ml ML.json [--synthetic-1m S1.json] [--synthetic-10m S10.json] --store STORE.json
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import seq_bench  # noqa: E402
import seq_store_bench  # noqa: E402

AREA = "seq"


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def stats_ms(st):
    return f"{st['median'] * 1e3:.2f} ms ({st['min'] * 1e3:.2f}–{st['max'] * 1e3:.2f}, n={st['n']})"


def decode_row(res, label, which, reproduce, fastest_overall=False):
    """Our decode against the fastest-decoding Parquet file within 10 % of the smallest size, or
    (`fastest_overall`) against the fastest-decoding Parquet file of any size."""
    ours = res["ours"][which]
    if fastest_overall:
        cmp = min(res["files"].values(), key=lambda f: f["decode"]["stats"]["median"])
    else:
        cmp = res["files"][res["fastest_comparable"]]
    delta = next(f for f in res["files"].values() if "delta" in f["labels"])
    o, p = ours["decode"]["stats"], cmp["decode"]["stats"]
    against = ("the fastest-decoding Parquet file of any size" if fastest_overall
               else "the fastest Parquet within 10 % of the smallest size")
    row = {
        "area": AREA, "workload": f"{label}: decode the whole table to int64 columns, `{which}`, vs {against}",
        "peer": f"pyarrow Parquet {seq_bench.config_name(cmp['config'], cmp.get('row_group_size'))}, {cmp['decode']['reader']}",
        "peer_version": f"pyarrow {res['pyarrow']}", "metric": "time", "clock": "wall",
        "ours_stats": o, "peer_stats": p, "ours_cpu": None, "peer_cpu": cmp["decode"]["cpu"],
        "ratio": p["median"] / o["median"],
        "includes": ("both in-process, single thread, no file I/O or process start-up, interleaved rounds. Ours: "
                     "`seq-encode --bench-stdin` times allocating four full-length int64 arrays, decoding every block "
                     "(checksums verified) straight into its rows; glibc malloc keeps freed memory "
                     "(GLIBC_TUNABLES), as pyarrow's mimalloc pool does. Peer: "
                     f"`{cmp['decode']['reader']}(use_threads=False)` on the file in a pyarrow buffer: footer parse + "
                     "decode into a fresh int64 table. Outputs checked against the input (ours every run, column "
                     "sums compared with numpy; Parquet once per configuration and reader)."),
        "note": (f"peer file: {cmp['bits_per_event']:.2f} bits/event (ours {ours['bits_per_event']:.2f}); its fastest "
                 f"of read_table / ParquetFile.read / read_row_groups. All-DELTA_BINARY_PACKED uncompressed: "
                 f"{delta['bits_per_event']:.2f} bits/event, {stats_ms(delta['decode']['stats'])}."),
        "reproduce": reproduce, "goal": "≥ 2×", "goal_met": p["median"] / o["median"] >= 2,
    }
    return row


def size_rows(res, label, reproduce):
    ours = res["ours"]["seq-encode"]
    fast = res["ours"]["seq-encode --fast-decode"]
    small = res["files"][res["smallest"]]
    pv = f"pyarrow {res['pyarrow']}"
    how = ("per-column best of the full sweep (encoding × none/snappy/zstd 1, 3, 9, 19) on this set"
           if res.get("grid") == "full" else
           "per-column winners of the synthetic 1M sweep, written as they are (no full zstd-19 sweep at 10M)")
    rows = [benchlib.size_row(
        AREA, f"{label}: bits/event, seq-encode (default) vs the smallest Parquet", f"pyarrow Parquet {seq_bench.config_name(small['config'], small.get('row_group_size'))}",
        pv, ours["bits_per_event"], small["bits_per_event"], "bits/event", reproduce,
        note=f"Parquet: {how}; store_schema=False. `--fast-decode`: {fast['bits_per_event']:.2f} bits/event "
             f"({fast['bits_per_event'] / small['bits_per_event']:.2f}×).",
        goal="≤ 0.70×", goal_ratio=0.70)]
    dt = res["delta_time"]
    rows.append(benchlib.size_row(
        AREA, f"{label}: timestamp column, bits/event, vs Parquet DELTA_BINARY_PACKED", f"pyarrow Parquet time column {dt['option']}",
        pv, ours["bits"]["time"], dt["bits"], "bits/event", reproduce,
        note="peer: the smallest DELTA_BINARY_PACKED variant (uncompressed, snappy or zstd 1–19). "
             f"`--fast-decode`: {fast['bits']['time']:.2f}.",
        goal="≤ 0.50×", goal_ratio=0.50))
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ml", required=True)
    p.add_argument("--synthetic-1m")
    p.add_argument("--synthetic-10m")
    p.add_argument("--store", required=True)
    p.add_argument("--load", type=float, help="load average when the area started")
    args = p.parse_args()
    load = args.load if args.load is not None else benchlib.machine_load()
    quick = " (quick)" if benchlib.quick() else ""
    rows, details = [], []
    sets = [("MovieLens 100k", args.ml, "make bench-seq")]
    if args.synthetic_1m:
        sets.append(("synthetic 1M", args.synthetic_1m, None))
    if args.synthetic_10m:
        sets.append(("synthetic 10M", args.synthetic_10m, "make bench-seq"))
    details.append(
        "Method (Benchmarks/seq_bench.py): events sorted by (user, time) for every codec. Parquet sweep per column: "
        "PLAIN, dictionary, DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT × none, snappy, zstd 1/3/9/19 (pyarrow defaults "
        "otherwise, store_schema=False); the smallest Parquet file is the per-column best, written as one file. The "
        "full sweep runs on MovieLens 100k and synthetic 1M; synthetic 10M writes the 1M set's per-column winners "
        "(and its winners without zstd-19) as they are, plus pyarrow's default and all-delta, because zstd-19 runs at "
        "1–16 MB/s; there the winners are also written as one row group (pyarrow cuts at 1 Mi rows). Decode: both sides in-process, single thread, whole table into int64 columns, checked; medians "
        "of interleaved rounds after one warm-up round. Ours' time comes from `seq-encode --bench N --bench-stdin` "
        "(one decode per request line, timed inside the process). Write/encode MB/s are single runs, for orientation. "
        "Option names: plain = PLAIN, dict = dictionary, delta = DELTA_BINARY_PACKED, bss = BYTE_STREAM_SPLIT, "
        "then the compression (none when absent).\n")
    for label, path, reproduce in sets:
        with open(path) as f:
            res = json.load(f)
        details.append(seq_bench.markdown(res))
        if reproduce:
            rows += size_rows(res, label, reproduce)
            rows.append(decode_row(res, label, "seq-encode", reproduce))
            rows.append(decode_row(res, label, "seq-encode --fast-decode", reproduce))
            rows.append(decode_row(res, label, "seq-encode", reproduce, fastest_overall=True))
            g = res["ours"]["seq-encode, glibc malloc defaults"]["decode"]["stats"]
            details.append(f"{label}: ours with glibc malloc defaults (every run faults its output pages in afresh): "
                           f"{stats_ms(g)}.\n")
    with open(args.store) as f:
        st = json.load(f)
    details.append(seq_store_bench.markdown(st))
    s = st["scan"]
    one, ten = s["week 1x"], s["week 10x"]
    e1, e10 = s["empty 1x"]["wall"], s["empty 10x"]["wall"]
    multiple = min(one["wall"]["median"] / e1["median"], ten["wall"]["median"] / e10["median"])
    timing = {"10x": {"wall": ten["wall"], "cpu": ten["cpu"]}, "1x": {"wall": one["wall"], "cpu": one["cpu"]}}
    rows.append(benchlib.time_row(
        AREA, f"store grown 10× ({st['events_per_week']:,} events/week, 1 → 10 weeks): scan of all of week 1",
        "the same store at 1×", f"seq-encode {commit()}", timing, "10x", "1x", "make bench-seq-store",
        includes="whole process each (`seq-encode --store S --scan --from --to -d --events > /dev/null`), "
                 "so process start-up is in both; ratio = scan at 1× / scan at 10×",
        note=f"empty-window scan (start-up + manifest): {e1['median'] * 1e3:.1f} ms at 1×, {e10['median'] * 1e3:.1f} ms at 10×; "
             f"the week scan costs {multiple:.1f}× an empty scan"
             + ("" if multiple >= 10 else " — below the 10× the method needs: the store is too small (quick mode?)") + ".",
        goal="≥ 0.5× (≤ 2× slower)", goal_ratio=0.5))
    path = benchlib.write_rows(AREA, rows, load, "\n".join(details))
    print(f"wrote {len(rows)} rows to {path}{quick}")


if __name__ == "__main__":
    main()
