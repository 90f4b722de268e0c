#!/usr/bin/env python3
"""dq-check's detection test over Tools/dq_inject.py's seeded faults.

For every (source, fault, seed), and for all faults at once: the clean current sample passes every rule (exit 0, no
violation); the faulty copy fails (exit 3) with exactly the expected violation count per rule
and the injected rows as the examples (recall 100%, nothing else reported). For the shift
fault, `dq-check explain --segment-by cohort` must rank the injected (feature, cohort) first in
at least --need of the shift cases.
Usage: dq_detect_check.py --bin DIR --work DIR --movielens PARQUET [--seeds N] [--shift-cases 50 --need 45]
"""
import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FAULTS = ["swap_time", "duplicate", "nulls", "out_of_range", "broken_join"]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--movielens", required=True)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--shift-cases", type=int, default=50)
    ap.add_argument("--need", type=int, default=45)
    a = ap.parse_args()
    dq, sm = f"{a.bin}/dq-check", f"{a.bin}/schema-migrate"
    work = Path(a.work)
    failures = []

    def prepare(source, fault, seed):
        d = work / f"{source}-{fault}-{seed}"
        cmd = [sys.executable, "Tools/dq_inject.py", "--source", source, "--fault", fault, "--seed", str(seed), "--out", str(d)]
        if source == "movielens":
            cmd += ["--movielens", a.movielens]
        subprocess.run(cmd, check=True)
        for name in ("ref", "faulty") if fault == "shift" else ("ref", "cur", "faulty"):
            subprocess.run([sm, "import", "-o", str(d / f"{name}.tbl"), str(d / f"{name}.tsv")], check=True)
        return d, json.loads((d / "truth.json").read_text())

    def fault_case(source, fault, seed):
        d, truth = prepare(source, fault, seed)
        tag = f"{source} {fault} seed {seed}"
        out = []
        clean = run([dq, "check", "--json", "--rules", str(d / "rules.json"), str(d / "cur.tbl")])
        if clean.returncode != 0:
            bad = [l[:200] for l in clean.stdout.splitlines() if '"violations": 0' not in l]
            out.append(f"{tag}: the clean sample fails (exit {clean.returncode}): {clean.stderr.strip()} {bad}")
        p = run([dq, "check", "--json", "--rules", str(d / "rules.json"), str(d / "faulty.tbl")])
        if p.returncode != 3:
            return out + [f"{tag}: exit {p.returncode}, want 3: {p.stderr.strip()}"]
        found, cap = set(), json.loads((d / "rules.json").read_text())["examples"]
        for line in p.stdout.splitlines():
            r = json.loads(line)
            want = truth["expected"][str(r["index"])]
            if r["violations"] != want:
                out.append(f"{tag}: rule {r['index']} ({r['rule']}) found {r['violations']}, injected {want}")
            if len(r["examples"]) != min(cap, r["violations"]):
                out.append(f"{tag}: rule {r['index']}: {len(r['examples'])} examples for {r['violations']} violations")
            found |= {e["row"] for e in r["examples"] if e["row"] is not None}
        # Every injected row is reported (up to the examples cap of its rule).
        missing = set(sorted(truth["rows"])[:cap]) - found
        if missing:
            out.append(f"{tag}: injected rows not reported: {sorted(missing)[:10]}")
        return out

    def shift_case(k):
        source = "movielens" if k % 2 == 0 else "synthetic"
        d, truth = prepare(source, "shift", 100 + k)
        features = "rating,item_pop" + (",action,dwell" if source == "synthetic" else "")
        p = run([dq, "explain", "--segment-by", "cohort", "--columns", features, "--top", "3", str(d / "ref.tbl"), str(d / "faulty.tbl")])
        if p.returncode != 0:
            return [f"shift {source} seed {100 + k}: explain exit {p.returncode}: {p.stderr.strip()}"], False
        top = json.loads(p.stdout.splitlines()[0])
        hit = (top["feature"], top["segment"]) == (truth["feature"], truth["segment"])
        if not hit:
            print(f"dq_detect_check: shift {source} seed {100 + k}: first is {top['feature']} × {top['segment']}, "
                  f"injected {truth['feature']} × {truth['segment']}", file=sys.stderr)
        return [], hit

    # Two cases at a time: each is a chain of processes (injector, imports, dq-check).
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Each fault alone, then all of them in one copy.
        fault_jobs = [pool.submit(fault_case, s, f, seed) for s in ("movielens", "synthetic") for f in FAULTS + [",".join(FAULTS)]
                      for seed in range(1, a.seeds + 1)]
        shift_jobs = [pool.submit(shift_case, k) for k in range(a.shift_cases)]
        for j in fault_jobs:
            failures += j.result()
        firsts = 0
        for j in shift_jobs:
            f, hit = j.result()
            failures += f
            firsts += hit
    checked = len(fault_jobs)
    if firsts < a.need:
        failures.append(f"explain ranked the injected cause first in {firsts} of {a.shift_cases} cases, need {a.need}")
    for f in failures[:40]:
        print("dq_detect_check:", f, file=sys.stderr)
    print(f"dq_detect_check: {checked} fault cases (recall {'100%' if not any('not reported' in f or 'found' in f for f in failures) else 'below 100%'}), "
          f"explain first in {firsts}/{a.shift_cases}, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
