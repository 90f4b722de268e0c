#!/usr/bin/env python3
"""Checks a store scan against the batches appended to it (the kill -9 test's oracle).

usage: seq_batches_check.py SCAN.tsv COMMITTED_LIST BATCH.tsv...
Every batch in COMMITTED_LIST (its append exited 0) must be in the scan whole; every other
batch must be there whole or not at all (an append killed after its commit point); and the
scan must hold nothing else. Lines compare as text (the header is skipped).
"""
import sys
from collections import Counter


def rows(path):
    with open(path) as f:
        return Counter(f.read().splitlines()[1:])


def main() -> int:
    scan_path, committed_path, *batches = sys.argv[1:]
    scan = rows(scan_path)
    committed = set(open(committed_path).read().split())
    left = scan.copy()
    present = 0
    for b in batches:
        want = rows(b)
        found = sum(min(n, scan[line]) for line, n in want.items())
        total = sum(want.values())
        if b in committed and found != total:
            print(f"seq_batches_check: committed batch {b}: {found} of {total} events in the store")
            return 1
        if 0 < found < total:
            print(f"seq_batches_check: batch {b} is partly in the store ({found} of {total} events)")
            return 1
        if found == total:
            left -= want
            present += 1
    extra = sum(left.values())
    if extra:
        print(f"seq_batches_check: {extra} events in the store belong to no batch")
        return 1
    print(f"seq_batches_check: {present} of {len(batches)} batches present whole "
          f"({len(committed)} known committed), nothing partial, nothing extra")
    return 0


if __name__ == "__main__":
    sys.exit(main())
