#!/usr/bin/env python3
"""seq-encode store: one-user seven-day scan latency and append throughput as the store grows.

Ten weeks of synthetic events (same users every week) are appended a quarter-week at a time, so
days get more than one run, as with frequent appends. After week 1 (1x) and week 10 (10x) the
benchmark times one-user seven-day scans (`--scan --user U --from T0 --to T1 -d`, the whole
process, as a user sees it) for random active users, and reports the median. Every append is
timed too: events per second, parse + sort + encode + fsync + commit.

usage: seq_store_bench.py --seq-encode BIN --work DIR [--events-per-week N] [--users N] [--queries N]
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

DAY_MS = 86_400_000
START_MS = 1_704_067_200_000


def gen(path, week, args):
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "Tools", "gen_events.py"),
                    "--events", str(args.events_per_week), "--users", str(args.users), "--days", "7",
                    "--seed", str(100 + week), "--start-ms", str(START_MS + week * 7 * DAY_MS), "-o", path],
                   check=True, stderr=subprocess.DEVNULL)


def split(path, parts):
    with open(path) as f:
        header, *rows = f.read().splitlines(True)
    size = (len(rows) + parts - 1) // parts
    out = []
    for i in range(parts):
        p = f"{path}.{i}"
        with open(p, "w") as f:
            f.write(header)
            f.writelines(rows[i * size:(i + 1) * size])
        out.append((p, len(rows[i * size:(i + 1) * size])))
    return out


def users_of(path, n, rng):
    with open(path) as f:
        next(f)
        users = sorted({line.split("\t", 1)[0] for line in f})
    return rng.sample(users, min(n, len(users)))


def scan_latency(args, store, week, users, empty=False):
    t0 = START_MS + week * 7 * DAY_MS
    if empty:  # a window before all data: process start + manifest, no run touched
        t0 = START_MS - 30 * DAY_MS
    times = []
    for u in users:
        cmd = [args.seq_encode, "--store", store, "--scan", "--user", u, "--from", str(t0), "--to", str(t0 + 7 * DAY_MS), "-d"]
        start = time.perf_counter()
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
        times.append(time.perf_counter() - start)
        assert empty or out.count(b"\n") >= 2, f"user {u}: no events scanned"
    return statistics.median(times) * 1000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seq-encode", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--events-per-week", type=int, default=500_000)
    p.add_argument("--users", type=int, default=20_000)
    p.add_argument("--queries", type=int, default=40)
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    store = os.path.join(args.work, "store")
    rng = random.Random(7)
    appends = []
    latency = {}
    for week in range(10):
        path = os.path.join(args.work, f"week{week}.tsv")
        gen(path, week, args)
        for part, n in split(path, 4):
            start = time.perf_counter()
            subprocess.run([args.seq_encode, "--store", store, part], check=True)
            appends.append((week, n / (time.perf_counter() - start)))
            os.remove(part)
        if week == 0:
            probe = users_of(path, args.queries, rng)
            latency["1x"] = scan_latency(args, store, 0, probe)
            latency["1x, empty"] = scan_latency(args, store, 0, probe, empty=True)
        if week == 9:
            latency["10x, first week"] = scan_latency(args, store, 0, probe)
            latency["10x, last week"] = scan_latency(args, store, 9, users_of(path, args.queries, rng))
            latency["10x, empty"] = scan_latency(args, store, 0, probe, empty=True)
        os.remove(path)
    verify = subprocess.run([args.seq_encode, "--store", store, "--verify"], check=True, capture_output=True, text=True).stdout.strip()
    runs = sum(len(files) for _, _, files in os.walk(store)) - 2
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs)
    first = statistics.median(r for w, r in appends if w == 0)
    last = statistics.median(r for w, r in appends if w == 9)
    print(f"\n### store: {args.events_per_week} events/week x 10 weeks, {args.users} users, appended in quarter-weeks\n")
    print(f"- {verify}; {runs} run files, {size / 1e6:.1f} MB")
    print("| measure | 1x (week 1) | 10x (week 10) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| one-user 7-day scan, median ms (first week) | {latency['1x']:.1f} | {latency['10x, first week']:.1f} | "
          f"{latency['10x, first week'] / latency['1x']:.2f} |")
    print(f"| one-user 7-day scan, median ms (newest week) | {latency['1x']:.1f} | {latency['10x, last week']:.1f} | "
          f"{latency['10x, last week'] / latency['1x']:.2f} |")
    print(f"| the same scan of an empty window (process start + manifest), median ms | {latency['1x, empty']:.1f} | "
          f"{latency['10x, empty']:.1f} | {latency['10x, empty'] / latency['1x, empty']:.2f} |")
    print(f"| append, events/s (median of the week's appends) | {first:,.0f} | {last:,.0f} | {last / first:.2f} |")
    print(f"\nscan latency includes process start; {args.queries} random users per point")


if __name__ == "__main__":
    main()
