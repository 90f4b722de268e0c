#!/usr/bin/env python3
"""Bad input for dq-check: seeded random mutations of a table stream and of a rules file, and
every truncation point of a small stream. Each run must end with exit status 0, 1 or 3 (a
mutation can leave a valid stream or rules file), never a signal or another status, never a
hang (a timeout fails), and a status 1 must print exactly one line on stderr.
Usage: dq_mutation_check.py --bin DIR --work DIR [--mutations N]   (SLUICE_TEST_SEED varies them)
"""
import argparse
import os
import random
import subprocess
import sys
from pathlib import Path


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mutations", type=int, default=200)
    a = ap.parse_args()
    seed = int(os.environ.get("SLUICE_TEST_SEED", "16"))
    rnd = random.Random(seed)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    dq = f"{a.bin}/dq-check"
    subprocess.run([f"{a.bin}/schema-migrate", "import", "-o", str(work / "ref.tbl"), "Tests/Golden/dq-check/_ref.tsv"], check=True)
    good = (work / "ref.tbl").read_bytes()
    rules = Path("Tests/Golden/dq-check/_rules.json").read_bytes()
    failures, runs = [], 0

    def check(tag, cmd):
        nonlocal runs
        runs += 1
        p = run(cmd)
        if p is None:
            failures.append(f"{tag}: hung (30 s)")
        elif p.returncode not in (0, 1, 3):
            failures.append(f"{tag}: exit {p.returncode}: {p.stderr.decode(errors='replace')[-300:]}")
        elif p.returncode == 1 and p.stderr.decode(errors="replace").count("\n") != 1:
            failures.append(f"{tag}: status 1 without exactly one stderr line: {p.stderr[-300:]!r}")

    bad = work / "bad.tbl"
    for cut in range(0, len(good), max(1, len(good) // 60)):
        bad.write_bytes(good[:cut])
        check(f"truncated at {cut}", [dq, "drift", "--stat", "js", str(work / "ref.tbl"), str(bad)])
    for k in range(a.mutations):
        data = bytearray(good)
        for _ in range(rnd.randint(1, 8)):
            i = rnd.randrange(len(data))
            data[i] = rnd.randrange(256) if rnd.random() < 0.7 else data[i] ^ (1 << rnd.randrange(8))
        bad.write_bytes(bytes(data))
        check(f"stream mutation {k}", [dq, "check", "--rules", "Tests/Golden/dq-check/_rules.json", "--now", "100000", str(bad)])
        check(f"stream mutation {k} (drift)", [dq, "drift", "--stat", "ks", str(work / "ref.tbl"), str(bad)])
        r = bytearray(rules)
        for _ in range(rnd.randint(1, 4)):
            r[rnd.randrange(len(r))] = rnd.choice(b'{}[]",:0123456789abcxyz- \n\x00\xff')
        (work / "bad.json").write_bytes(bytes(r))
        check(f"rules mutation {k}", [dq, "check", "--rules", str(work / "bad.json"), "--now", "100000", str(work / "ref.tbl")])
    for f in failures[:20]:
        print("dq_mutation_check:", f, file=sys.stderr)
    print(f"dq_mutation_check: {runs} runs (seed {seed}), {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
