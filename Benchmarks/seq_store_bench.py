#!/usr/bin/env python3
"""seq-encode store: one-user seven-day scan latency and append throughput as the store grows.

Ten weeks of synthetic events (same users every week) are appended a quarter-week at a time, so
days get more than one run, as with frequent appends. The store is copied after week 1 (1x);
after week 10 (10x) one-user seven-day scans (`--scan --user U --from T0 --to T1 -d`, the whole
process, as a user sees it) run against the 1x copy and the 10x store alternately, query by
query, so that load changes on this shared machine hit both sides alike; medians are reported.
Appends are timed the same way (an eleventh week into both), and while the store grows:
events per second, parse + sort + encode + fsync + commit.

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


def scan_once(args, store, week, user, empty=False):
    t0 = START_MS + week * 7 * DAY_MS
    if empty:  # a window before all data: process start + manifest, no run touched
        t0 = START_MS - 30 * DAY_MS
    cmd = [args.seq_encode, "--store", store, "--scan", "--user", user, "--from", str(t0), "--to", str(t0 + 7 * DAY_MS), "-d"]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    elapsed = time.perf_counter() - start
    assert empty or out.count(b"\n") >= 2, f"user {user}: no events scanned"
    return elapsed * 1000


def paired(args, a, b):
    """Median latency of a(user) and b(user), alternating per query."""
    ta, tb = [], []
    for u in args.probe:
        ta.append(a(u))
        tb.append(b(u))
    return statistics.median(ta), statistics.median(tb)


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
    small = os.path.join(args.work, "store-1x")
    for week in range(10):
        path = os.path.join(args.work, f"week{week}.tsv")
        gen(path, week, args)
        for part, n in split(path, 4):
            start = time.perf_counter()
            subprocess.run([args.seq_encode, "--store", store, part], check=True)
            appends.append((week, n / (time.perf_counter() - start)))
            os.remove(part)
        if week == 0:
            args.probe = users_of(path, args.queries, rng)
            shutil.copytree(store, small)
        if week == 9:
            newest = users_of(path, args.queries, rng)
        os.remove(path)
    latency = {}
    latency["first week"] = paired(args, lambda u: scan_once(args, small, 0, u), lambda u: scan_once(args, store, 0, u))
    args.probe = list(zip(args.probe, newest))
    latency["newest week"] = paired(args, lambda u: scan_once(args, small, 0, u[0]), lambda u: scan_once(args, store, 9, u[1]))
    args.probe = [u for u, _ in args.probe]
    latency["empty"] = paired(args, lambda u: scan_once(args, small, 0, u, True), lambda u: scan_once(args, store, 0, u, True))
    # Appends, paired the same way: each quarter of an eleventh week goes into the 1x copy and
    # into the 10x store back to back.
    path = os.path.join(args.work, "week10.tsv")
    gen(path, 10, args)
    paired_appends = []
    for part, n in split(path, 4):
        rates = []
        for target in (small, store):
            start = time.perf_counter()
            subprocess.run([args.seq_encode, "--store", target, part], check=True)
            rates.append(n / (time.perf_counter() - start))
        paired_appends.append(rates)
        os.remove(part)
    os.remove(path)
    verify = subprocess.run([args.seq_encode, "--store", store, "--verify"], check=True, capture_output=True, text=True).stdout.strip()
    runs = sum(len(files) for _, _, files in os.walk(store)) - 2
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs)
    first = statistics.median(r[0] for r in paired_appends)
    last = statistics.median(r[1] for r in paired_appends)
    print(f"\n### store: {args.events_per_week} events/week x 10 weeks, {args.users} users, appended in quarter-weeks\n")
    print(f"- {verify}; {runs} run files, {size / 1e6:.1f} MB")
    print("| measure | 1x (after week 1) | 10x (after week 10) | ratio |")
    print("|---|---:|---:|---:|")
    for name, label in (("first week", "one-user 7-day scan of week 1, median ms"),
                        ("newest week", "one-user 7-day scan of the newest week, median ms"),
                        ("empty", "scan of an empty window (process start + manifest), median ms")):
        one, ten = latency[name]
        print(f"| {label} | {one:.1f} | {ten:.1f} | {ten / one:.2f} |")
    print(f"| append of a quarter-week, events/s (median of 4, paired) | {first:,.0f} | {last:,.0f} | {last / first:.2f} |")
    during = [statistics.median(r for w, r in appends if w == k) for k in range(10)]
    print(f"\nappend events/s while growing, median per week: {', '.join(f'{r:,.0f}' for r in during)}")
    print(f"\nscan latency includes process start; {args.queries} random users per point")


if __name__ == "__main__":
    main()
