#!/usr/bin/env python3
"""Read a sample stream with pycapnp, using only Formats/, and check it (interop test layer 4).

    Tools/interop_read.py [--packed] FILE

Checks: the first frame is a header of kind "sample", every middle frame is a row whose columns
follow Tools/sample_stream.py's rule (ids k*rows+i, values id*0.5, label "batch k"), the last
frame is a trailer whose count equals the rows seen. Prints one summary line; exit 1 on any
mismatch.
"""
import os
import sys

import capnp  # pycapnp

HERE = os.path.dirname(os.path.abspath(__file__))
sample = capnp.load(os.path.join(HERE, "..", "Formats", "sample.capnp"))


def main():
    args = sys.argv[1:]
    packed = "--packed" in args
    path = [a for a in args if a != "--packed"][0]
    with open(path, "rb") as f:
        reader = sample.SampleFrame.read_multiple_packed if packed else sample.SampleFrame.read_multiple
        frames = list(reader(f, traversal_limit_in_words=1 << 30))
    if not frames or frames[0].which() != "header":
        sys.exit("interop: first frame is not a header")
    h = frames[0].header
    if h.kind != "sample" or h.schemaVersion != 1 or h.frameType != "SampleFrame":
        sys.exit("interop: unexpected header %s v%d %s" % (h.kind, h.schemaVersion, h.frameType))
    if frames[-1].which() != "trailer":
        sys.exit("interop: last frame is not a trailer")
    records = frames[1:-1]
    if frames[-1].trailer.recordCount != len(records):
        sys.exit("interop: trailer counts %d, %d records" % (frames[-1].trailer.recordCount, len(records)))
    rows = 0
    for k, f in enumerate(records):
        if f.which() != "row":
            sys.exit("interop: frame %d is %s, not row" % (k + 1, f.which()))
        r = f.row
        n = len(r.ids)
        if len(r.values) != n or r.label != "batch %d" % k:
            sys.exit("interop: batch %d: bad shape or label %r" % (k, r.label))
        for i in range(n):
            if r.ids[i] != k * n + i or r.values[i] != (k * n + i) * 0.5:
                sys.exit("interop: batch %d row %d: %d %f" % (k, i, r.ids[i], r.values[i]))
        rows += n
    print("ok: %s v%d from %s %s, %d records, %d rows" % (h.kind, h.schemaVersion, h.producer.tool,
                                                          list(h.producer.arguments), len(records), rows))


if __name__ == "__main__":
    main()
