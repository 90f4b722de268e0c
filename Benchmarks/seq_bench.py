#!/usr/bin/env python3
"""seq-encode against pyarrow Parquet (and plain zstd) on event tables: sizes and decode speed.

Every codec sees the same events in the same order: sorted by (user, time), stably, which is
the order seq-encode stores and the order that favours Parquet's delta encoding most.

Sizes. Parquet gets a sweep, per column, of encoding (PLAIN, dictionary, DELTA_BINARY_PACKED,
BYTE_STREAM_SPLIT) x compression (none, snappy, zstd levels 1, 3, 9, 19), with pyarrow's other
writer defaults (row groups of 1 Mi rows) and store_schema=False (no Arrow schema in the footer);
above 1 Mi rows the smallest configuration is also written as one row group (dictionary page
limit raised to 64 MiB so the item dictionary does not fall back to PLAIN).
Column chunks are independent, so the smallest Parquet file is the per-column best of the sweep;
that combination is written as one file and its real size is the one compared. With
--candidates PRIOR.json (the 10M set) the sweep is skipped: the per-column winners of the smaller
set's full sweep are written as they are (zstd-19 runs at 1-16 MB/s, too slow for a full 10M
sweep); only the timestamp column's DELTA_BINARY_PACKED variants are swept (the time goal).

Decode. Both sides produce the whole decoded table in memory as int64 columns and are checked:
 * ours: `seq-encode --bench K --bench-stdin` encodes once, then per line on stdin runs one decode
   and prints its in-process seconds: allocate four full-length int64 arrays, decode every
   block (checksum verified) straight into its rows of those arrays. The output is
   compared with the input after the clock stops; its column sums are checked against numpy's.
 * Parquet: the file sits in a pyarrow buffer; each run is one of pq.read_table(use_threads=
   False), ParquetFile(...).read(use_threads=False) or .read_row_groups(all, use_threads=False),
   which allocate a fresh table (footer parse included); the fastest reader per configuration is
   kept. Outputs are compared with the input table once per configuration, outside the clock.
All sides run one after another in each round (the order reverses every round), one untimed
warm-up round first; single-threaded; medians of the rounds with min and max.

usage: seq_bench.py --seq-encode BIN [--action COL] [--candidates JSON]
                    [--runs N] [--json OUT] TABLE.tsv
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import zstandard

COLUMNS = ["user", "time", "item", "action"]
ENCODINGS = ["plain", "dict", "delta", "bss"]
COMPRESSIONS = ["none", "snappy", "zstd-1", "zstd-3", "zstd-9", "zstd-19"]
ENCODING_NAME = {"plain": "PLAIN", "dict": "dictionary", "delta": "DELTA_BINARY_PACKED", "bss": "BYTE_STREAM_SPLIT"}


def load(path, action):
    table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter="\t"),
                           read_options=pacsv.ReadOptions(use_threads=False))
    names = {n.split(":")[0]: n for n in table.column_names}
    pick = {"user": names["user_id"], "time": names["timestamp"], "item": names["item_id"], "action": names[action]}
    cols = {k: table.column(v).to_numpy().astype(np.int64) for k, v in pick.items()}
    order = np.lexsort((cols["time"], cols["user"]))  # lexsort is stable: ties keep input order
    return pa.table({k: pa.array(cols[k][order]) for k in COLUMNS})


def option_name(option):
    enc, comp = option
    return f"{enc}+{comp}" if comp != "none" else enc


def config_name(config, row_group_size=None):
    """A Parquet configuration {column: (encoding, compression)} in words."""
    names = {c: option_name(config[c]) for c in COLUMNS}
    rg = "; one row group" if row_group_size else ""
    if len(set(names.values())) == 1:
        return f"{names['user']} (every column){rg}"
    return ", ".join(f"{c} {names[c]}" for c in COLUMNS) + rg


def writer_options(config):
    """pq.write_table keyword arguments for {column: (encoding, compression)}."""
    cols = list(config)
    dictionary = [c for c in cols if config[c][0] == "dict"]
    encoding = {c: {"plain": "PLAIN", "delta": "DELTA_BINARY_PACKED", "bss": "BYTE_STREAM_SPLIT"}[config[c][0]]
                for c in cols if config[c][0] != "dict"}
    compression = {c: config[c][1].split("-")[0] for c in cols}
    level = {c: int(config[c][1].split("-")[1]) for c in cols if config[c][1].startswith("zstd-")}
    kw = {"use_dictionary": dictionary or False, "compression": compression, "store_schema": False}
    if encoding:
        kw["column_encoding"] = encoding
    if level:
        kw["compression_level"] = level
    return kw


def write_parquet(table, config, row_group_size=None):
    t0 = time.perf_counter()
    sink = pa.BufferOutputStream()
    extra = {}
    if row_group_size:  # a whole-table dictionary outgrows the 1 MiB default and would fall back to PLAIN
        extra = {"row_group_size": row_group_size, "dictionary_pagesize_limit": 64 << 20}
    pq.write_table(table.select(list(config)), sink, **extra, **writer_options(config))
    buf = sink.getvalue()
    seconds = time.perf_counter() - t0
    meta = pq.ParquetFile(pa.BufferReader(buf)).metadata
    per = {c: 0 for c in config}
    for g in range(meta.num_row_groups):
        for j, c in enumerate(config):
            per[c] += meta.row_group(g).column(j).total_compressed_size
    return buf, per, seconds


READERS = {
    "read_table": lambda buf: pq.read_table(pa.BufferReader(buf), use_threads=False),
    "ParquetFile.read": lambda buf: pq.ParquetFile(pa.BufferReader(buf)).read(use_threads=False),
    "read_row_groups": lambda buf: (lambda f: f.read_row_groups(range(f.num_row_groups), use_threads=False))(
        pq.ParquetFile(pa.BufferReader(buf))),
}


# pyarrow allocates from its mimalloc pool, which keeps freed pages: after the warm-up its output
# buffers cost no page faults. glibc malloc returns large blocks to the kernel on free, so every
# run of ours would fault in its 32 bytes/event of output afresh. These tunables make glibc keep
# freed memory too (heap only, never trimmed): the same footing. The "glibc defaults" side shows
# the difference.
KEEP_FREED = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736"


class Ours:
    """A `seq-encode --bench --bench-stdin` process: one decode per request, in-process seconds."""

    def __init__(self, args, path, flags, keep_freed=True):
        cmd = [args.seq_encode, "--bench", str(args.encode_runs), "--bench-stdin", "--action-column", args.action, *flags, path]
        env = dict(os.environ)
        if keep_freed:
            env["GLIBC_TUNABLES"] = KEEP_FREED
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{' '.join(cmd)} failed")
        self.info = json.loads(line)

    def __call__(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise RuntimeError("seq-encode --bench-stdin failed")


def stats(v):
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def zstd_columns(table, level):
    raw = {c: table.column(c).to_numpy().tobytes() for c in COLUMNS}
    cctx = zstandard.ZstdCompressor(level=level, threads=0)
    t0 = time.perf_counter()
    comp = {c: cctx.compress(raw[c]) for c in COLUMNS}
    return {c: len(comp[c]) for c in COLUMNS}, time.perf_counter() - t0


def run(path, args):
    table = load(path, args.action)
    n = table.num_rows
    raw_bytes = n * 8 * len(COLUMNS)
    out = {"path": path, "events": n, "pyarrow": pa.__version__, "zstandard": zstandard.__version__}

    # 1. Sizes: the per-column sweep. Each option is written for every column it is tried on at once.
    if args.prior is None:
        options = {c: [(e, z) for e in ENCODINGS for z in COMPRESSIONS] for c in COLUMNS}
    else:  # a larger set: only the timestamp column's DELTA_BINARY_PACKED variants (for the time goal)
        options = {c: [("delta", z) for z in COMPRESSIONS] if c == "time" else [] for c in COLUMNS}
    sweep = {}  # option -> {"bits": {col: bits}, "write_s": s, "cols": [...]}
    for option in sorted({o for c in COLUMNS for o in options[c]}):
        cols = [c for c in COLUMNS if option in options[c]]
        _, per, seconds = write_parquet(table, {c: option for c in cols})
        sweep[option] = {"bits": {c: per[c] * 8 / n for c in cols}, "write_s": seconds, "cols": cols}
    out["grid"] = "full" if args.prior is None else "candidates"
    out["sweep"] = [{"option": option_name(o), "bits": s["bits"], "write_s": s["write_s"]} for o, s in sweep.items()]

    # 2. Whole-file configurations, written for real (sizes and decode): the per-column best of the
    # sweep (the smallest file), the same without zstd-19, pyarrow's default, all-delta (the fastest
    # decoder) and the best single option for every column. On a larger set (--candidates) the
    # first two are the smaller set's winners, and the all-columns-one-option file is left out.
    configs = {}
    if args.prior is None:
        best = {c: min(options[c], key=lambda o: sweep[o]["bits"][c]) for c in COLUMNS}
        no19 = {c: min((o for o in options[c] if o[1] != "zstd-19"), key=lambda o: sweep[o]["bits"][c]) for c in COLUMNS}
        uniform = min((o for o in sweep if sweep[o]["cols"] == COLUMNS), key=lambda o: sum(sweep[o]["bits"].values()))
    else:
        best = {c: tuple(args.prior["best_options"][c]) for c in COLUMNS}
        no19 = {c: tuple(args.prior["no19_options"][c]) for c in COLUMNS}
        uniform = None
    out["best_options"] = {c: list(best[c]) for c in COLUMNS}
    out["no19_options"] = {c: list(no19[c]) for c in COLUMNS}
    configs["smallest"] = best
    configs["smallest without zstd-19"] = no19
    configs["pyarrow default"] = {c: ("dict", "snappy") for c in COLUMNS}
    configs["delta"] = {c: ("delta", "none") for c in COLUMNS}
    if uniform:
        configs["smallest single option"] = {c: uniform for c in COLUMNS}
    # pyarrow cuts row groups at 1 Mi rows; one row group for the whole table (with a dictionary
    # page limit that holds every item) gives the dictionary and zstd more context.
    row_groups = {}
    if n > 1024 * 1024:
        configs["smallest, one row group"] = best
        row_groups["smallest, one row group"] = n
    files = {}
    seen = {}
    for label, config in configs.items():
        key = (tuple(config[c] for c in COLUMNS), row_groups.get(label))
        if key in seen:
            files[seen[key]]["labels"].append(label)
            continue
        buf, per, seconds = write_parquet(table, config, row_groups.get(label))
        seen[key] = label
        files[label] = {"labels": [label], "config": config, "row_group_size": row_groups.get(label),
                        "buf": buf, "bits_per_event": buf.size * 8 / n,
                        "bits": {c: per[c] * 8 / n for c in COLUMNS}, "write_s": seconds}
    smallest = min(files.values(), key=lambda f: f["bits_per_event"])
    out["smallest"] = smallest["labels"][0]
    # The timestamp goal is against DELTA_BINARY_PACKED: its smallest variant (any compression).
    delta_time = min((o for o in sweep if o[0] == "delta" and "time" in sweep[o]["cols"]),
                     key=lambda o: sweep[o]["bits"]["time"], default=None)

    # 3. Plain zstd on the raw int64 column arrays, for reference.
    zstd_rows = []
    for level in ([3, 19] if n <= 2_000_000 else [3]):
        per, seconds = zstd_columns(table, level)
        zstd_rows.append({"codec": f"zstd-{level} columns", "bits_per_event": sum(per.values()) * 8 / n,
                          "bits": {c: per[c] * 8 / n for c in COLUMNS}, "write_s": seconds})

    # 4. Decode, interleaved. Check every Parquet configuration's output once, untimed.
    sums = {c: int(np.sum(table.column(c).to_numpy(), dtype=np.int64)) for c in COLUMNS}
    sides = {}
    for label, f in files.items():
        for reader, fn in READERS.items():
            back = fn(f["buf"])
            assert back.equals(table), f"parquet {label} via {reader} differs from the input"
            del back
            sides[(label, reader)] = (lambda fn=fn, buf=f["buf"]: fn(buf))
    ours = {}
    for name, flags, keep in (("seq-encode", [], True), ("seq-encode --fast-decode", ["--fast-decode"], True),
                              ("seq-encode, glibc malloc defaults", [], False)):
        o = Ours(args, path, flags, keep)
        assert o.info["events"] == n, f"seq-encode saw {o.info['events']} events, pyarrow {n}"
        assert o.info["sums"] == sums, f"seq-encode's decoded column sums {o.info['sums']} differ from numpy's {sums}"
        ours[name] = o
    names = list(ours) + list(sides)
    times = {k: [] for k in names}
    cpus = {k: [] for k in sides}
    for r in range(args.runs + 1):
        for k in (names if r % 2 == 0 else names[::-1]):
            if k in ours:
                seconds = ours[k]()
            else:
                c0 = time.process_time()
                t0 = time.perf_counter()
                sides[k]()
                seconds = time.perf_counter() - t0
                if r:
                    cpus[k].append(time.process_time() - c0)
            if r:  # round 0 is the warm-up
                times[k].append(seconds)
    for o in ours.values():
        o.close()
    for label, f in files.items():
        by_reader = {reader: stats(times[(label, reader)]) for reader in READERS}
        fastest = min(by_reader, key=lambda rd: by_reader[rd]["median"])
        f["decode"] = {"reader": fastest, "stats": by_reader[fastest], "walls": times[(label, fastest)],
                       "cpu": statistics.median(cpus[(label, fastest)]), "all_readers": by_reader}
        del f["buf"]
    for name, o in ours.items():
        o.info["decode"] = {"stats": stats(times[name]), "walls": times[name]}
    out.update({"files": files, "ours": {k: o.info for k, o in ours.items()}, "zstd": zstd_rows,
                "delta_time": {"option": option_name(delta_time), "bits": sweep[delta_time]["bits"]["time"]} if delta_time else None,
                "raw_bytes": raw_bytes, "runs": args.runs})
    # Comparable size: Parquet files within 10 % of the smallest one (all still larger than ours).
    comparable = [l for l, f in files.items() if f["bits_per_event"] <= smallest["bits_per_event"] * 1.10]
    out["comparable"] = comparable
    out["fastest_comparable"] = min(comparable, key=lambda l: files[l]["decode"]["stats"]["median"])
    return out


def markdown(res):
    n, files, ours = res["events"], res["files"], res["ours"]
    name = os.path.basename(res["path"])
    mb = res["raw_bytes"] / 1e6
    lines = [f"#### {name}: {n:,} events\n",
             "| codec (per column: encoding+compression) | bits/event | user | time | item | action | write or encode MB/s | decode ms, median (min–max) | decode MB/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def row(label, bits_total, bits, write_s, dec):
        b = bits
        dec_txt = "–" if dec is None else f"{dec['median'] * 1e3:.2f} ({dec['min'] * 1e3:.2f}–{dec['max'] * 1e3:.2f})"
        dec_mb = "–" if dec is None else f"{mb / dec['median']:.0f}"
        lines.append(f"| {label} | {bits_total:.2f} | {b['user']:.2f} | {b['time']:.2f} | {b['item']:.2f} | {b['action']:.2f} "
                     f"| {mb / write_s:.0f} | {dec_txt} | {dec_mb} |")

    for k, o in ours.items():
        row(f"**{k}**", o["bits_per_event"], o["bits"], o["encode_s"], o["decode"]["stats"])
    for label, f in sorted(files.items(), key=lambda kv: kv[1]["bits_per_event"]):
        row(f"Parquet {' / '.join(f['labels'])}: {config_name(f['config'], f.get('row_group_size'))}; read via {f['decode']['reader']}",
            f["bits_per_event"], f["bits"], f["write_s"], f["decode"]["stats"])
    for z in res["zstd"]:
        row(z["codec"], z["bits_per_event"], z["bits"], z["write_s"], None)
    lines.append("")
    lines.append("Parquet sweep, bits/event per column (each option written for every column it was tried on; "
                 "write MB/s of the whole write):\n")
    lines.append("| option | user | time | item | action | write MB/s |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for s in sorted(res["sweep"], key=lambda s: s["option"]):
        b = s["bits"]
        cells = " | ".join(f"{b[c]:.2f}" if c in b else "" for c in COLUMNS)
        mbs = len(b) * n * 8 / 1e6 / s["write_s"]
        lines.append(f"| {s['option']} | {cells} | {mbs:.0f} |")
    lines.append("")
    readers = "; ".join(f"{l}: " + ", ".join(f"{rd} {st['median'] * 1e3:.2f}" for rd, st in f["decode"]["all_readers"].items())
                        for l, f in files.items())
    lines.append(f"Parquet decode ms by reader (medians): {readers}.\n")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seq-encode", required=True)
    p.add_argument("--action", default="action")
    p.add_argument("--candidates", help="JSON output of a full sweep on a smaller set: use its winners, sweep no more")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--encode-runs", type=int, default=1)
    p.add_argument("--json")
    p.add_argument("table")
    args = p.parse_args()
    args.prior = None
    if args.candidates:
        with open(args.candidates) as f:
            args.prior = json.load(f)
    res = run(args.table, args)
    print(markdown(res))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1, default=list)


if __name__ == "__main__":
    main()
