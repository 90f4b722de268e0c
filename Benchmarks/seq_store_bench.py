#!/usr/bin/env python3
"""seq-encode store: does a scan get slower as the store grows 10x? And appends?

One week of synthetic events (gen_events.py, cached) is appended ten times, shifted a week
each time, a quarter-week per append (so days get more than one run, as with frequent
appends). The store is copied after week 1 (1x) and grown to ten weeks (10x). Then, against the
1x copy and the 10x store alternately (benchlib.interleave: fresh processes, wall clock,
medians with min-max):

 * week scan: every event of week 1 (`--scan --from T0 --to T0+7d -d --events`, output to
   /dev/null) - the same events in both stores, so any difference is the store's size. The
   week is large enough that this scan costs at least 10x an empty scan (checked and printed);
   it is the headline.
 * empty scan: a window before all data - process start-up + manifest, no run read.
 * one-user seven-day scans (random users, query by query): latency as a user sees it, which
   is mostly process start-up.
 * appends: an eleventh week, quarter by quarter, into both stores back to back.

Every time includes process start-up (the tool as a user runs it); the empty scan is that floor.

usage: seq_store_bench.py --seq-encode BIN --work DIR [--cache DIR] [--events-per-week N]
                          [--users N] [--runs N] [--queries N] [--json OUT]
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.compute as pc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
START_MS = 1_704_067_200_000
TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tools")


def week_table(args):
    """One generated week, cached: the same events shifted by k weeks make week k."""
    path = os.path.join(args.cache, f"store-week-{args.events_per_week}-{args.users}.tsv")
    if not os.path.exists(path):
        os.makedirs(args.cache, exist_ok=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(TOOLS, "gen_events.py"), "--events", str(args.events_per_week),
                        "--users", str(args.users), "--days", "7", "--seed", "100", "--start-ms", str(START_MS),
                        "-o", path + ".tmp"], check=True, stderr=subprocess.DEVNULL)
        os.replace(path + ".tmp", path)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter="\t"))


def quarters(table, week, work):
    """Week `week` as four TSV files (row order kept: the generator writes time order)."""
    tcol = [n for n in table.column_names if n.startswith("timestamp")][0]
    shifted = table.set_column(table.column_names.index(tcol), tcol, pc.add(table.column(tcol), week * WEEK_MS))
    n = shifted.num_rows
    size = (n + 3) // 4
    out = []
    for i in range(4):
        part = shifted.slice(i * size, size)
        path = os.path.join(work, f"week{week}.{i}.tsv")
        with open(path, "wb") as f:
            f.write(("\t".join(part.column_names) + "\n").encode())
            pacsv.write_csv(part, f, write_options=pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none"))
        out.append((path, part.num_rows))
    return out


def scan_cmd(args, store, t0, t1, user=None):
    cmd = [args.seq_encode, "--store", store, "--scan", "--from", str(t0), "--to", str(t1), "-d", "--events"]
    if user is not None:
        cmd += ["--user", str(user)]
    return cmd


def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seq-encode", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--cache", default=os.path.join(".cache", "seq"))
    p.add_argument("--events-per-week", type=int, default=1_500_000)
    p.add_argument("--users", type=int, default=30_000)
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--queries", type=int, default=30)
    p.add_argument("--json")
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    store = os.path.join(args.work, "store")
    small = os.path.join(args.work, "store-1x")
    table = week_table(args)
    ucol = [n for n in table.column_names if n.startswith("user_id")][0]
    users = sorted(set(table.column(ucol).to_pylist()))
    rng = random.Random(7)
    growing = []
    t_build = time.perf_counter()
    for week in range(10):
        for path, n in quarters(table, week, args.work):
            growing.append((week, n / wall([args.seq_encode, "--store", store, path])))
            os.remove(path)
        if week == 0:
            shutil.copytree(store, small)
    build_s = time.perf_counter() - t_build

    # Week 1 holds the same events in both stores; the empty window lies before all data.
    w0, w1 = START_MS, START_MS + WEEK_MS
    e0, e1 = START_MS - 30 * DAY_MS, START_MS - 23 * DAY_MS
    sides = {"week 1x": scan_cmd(args, small, w0, w1), "week 10x": scan_cmd(args, store, w0, w1),
             "empty 1x": scan_cmd(args, small, e0, e1), "empty 10x": scan_cmd(args, store, e0, e1)}
    # Both stores must give week 1 back whole and alike (as text: event stream framing may differ).
    outs = [subprocess.run(sides[k][:-1], check=True, capture_output=True).stdout for k in ("week 1x", "week 10x")]
    tcol = [n for n in table.column_names if n.startswith("timestamp")][0]
    in_week = pc.sum(pc.less(table.column(tcol), w1).cast(pa.int64())).as_py()
    assert outs[0] == outs[1] and outs[0].count(b"\n") - 1 == in_week, "week 1 scans differ between the 1x and 10x stores"
    del outs
    timing = benchlib.interleave(sides, runs=args.runs, warmup=1)

    # One-user seven-day scans, random users, query by query against both stores.
    probe = rng.sample(users, min(args.queries, len(users)))
    one_user = {"1x": [], "10x": []}
    for u in probe:
        one_user["1x"].append(wall(scan_cmd(args, small, w0, w1, u)))
        one_user["10x"].append(wall(scan_cmd(args, store, w0, w1, u)))

    # Appends of an eleventh week, quarter by quarter, into both stores back to back.
    paired = []
    for path, n in quarters(table, 10, args.work):
        paired.append((n / wall([args.seq_encode, "--store", small, path]), n / wall([args.seq_encode, "--store", store, path])))
        os.remove(path)
    verify = subprocess.run([args.seq_encode, "--store", store, "--verify"], check=True, capture_output=True, text=True).stdout.strip()
    runs = sum(1 for _, _, fs in os.walk(store) for f in fs if f.endswith(".sqr"))
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs)

    result = {
        "events_per_week": table.num_rows, "users": len(users), "runs": args.runs, "queries": len(probe),
        "verify": verify, "run_files": runs, "bytes": size, "build_s": build_s,
        "scan": {k: {"wall": v["wall"], "cpu": v["cpu"], "walls": v["walls"]} for k, v in timing.items()},
        "one_user": {k: benchlib.stats(v) for k, v in one_user.items()},
        "append_eps": {"1x": statistics.median(a for a, _ in paired), "10x": statistics.median(b for _, b in paired)},
        "append_growing": [statistics.median(r for w, r in growing if w == k) for k in range(10)],
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print(markdown(result))


def markdown(r):
    s = r["scan"]
    ms = lambda st: f"{st['median'] * 1e3:.1f} ({st['min'] * 1e3:.1f}–{st['max'] * 1e3:.1f})"
    lines = [f"#### store: {r['events_per_week']:,} events/week × 10 weeks, {r['users']:,} users, appended a quarter-week at a time\n",
             f"- `--verify`: {r['verify']}; {r['run_files']} run files, {r['bytes'] / 1e6:.1f} MB; "
             f"building it (40 appends) took {r['build_s']:.0f} s",
             f"- week scan / empty scan: {s['week 1x']['wall']['median'] / s['empty 1x']['wall']['median']:.1f}× at 1x, "
             f"{s['week 10x']['wall']['median'] / s['empty 10x']['wall']['median']:.1f}× at 10x (goal of the method: ≥ 10×)\n",
             "| measure (whole process, wall ms: median (min–max)) | 1x (after week 1) | 10x (after week 10) | 10x / 1x |",
             "|---|---:|---:|---:|"]
    for label, a, b in (("scan of all of week 1 (`-d --events` to /dev/null)", s["week 1x"]["wall"], s["week 10x"]["wall"]),
                        ("scan of an empty window (process start-up + manifest)", s["empty 1x"]["wall"], s["empty 10x"]["wall"]),
                        (f"one-user 7-day scan ({r['queries']} random users)", r["one_user"]["1x"], r["one_user"]["10x"])):
        lines.append(f"| {label} | {ms(a)} | {ms(b)} | {b['median'] / a['median']:.2f} |")
    a1, a10 = r["append_eps"]["1x"], r["append_eps"]["10x"]
    lines.append(f"| append of a quarter-week, events/s (median of 4, paired) | {a1:,.0f} | {a10:,.0f} | {a10 / a1:.2f} |")
    lines.append("")
    lines.append("Append events/s while growing, median per week: " + ", ".join(f"{x:,.0f}" for x in r["append_growing"]) + ".\n")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
