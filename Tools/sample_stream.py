#!/usr/bin/env python3
"""Write a sample stream (Formats/sample.capnp) with pycapnp, an independent Cap'n Proto writer.

Used by the pipeline tests and the substrate benchmark as the real peer that produces input:

    Tools/sample_stream.py --batches 3 --rows 4 > s.bin            # header, 3 rows, trailer
    Tools/sample_stream.py --batches 2 --rows 1200000 > big.bin    # frames larger than the read buffer
    Tools/sample_stream.py --no-trailer ...                        # a producer that died
    Tools/sample_stream.py --kind graph --frame-type GraphFrame    # a header naming another kind
    Tools/sample_stream.py --repeat --batches 1000 --rows 131072   # fast: one batch, written 1000 times

Batch k has ids k*rows .. k*rows+rows-1, values id*0.5 (as Float32) and label "batch k".
"""
import argparse
import os
import sys

import capnp  # pycapnp

HERE = os.path.dirname(os.path.abspath(__file__))
sample = capnp.load(os.path.join(HERE, "..", "Formats", "sample.capnp"))


def header(kind, frame_type):
    f = sample.SampleFrame.new_message()
    h = f.init("header")
    h.kind = kind
    h.schemaVersion = 1
    h.frameType = frame_type
    p = h.init("producer")
    p.tool = "sample_stream.py"
    p.version = "1"
    p.init("arguments", len(sys.argv) - 1)
    for i, a in enumerate(sys.argv[1:]):
        p.arguments[i] = a
    return f


def batch(k, rows):
    f = sample.SampleFrame.new_message()
    r = f.init("row")
    first = k * rows
    r.ids = list(range(first, first + rows))
    r.values = [i * 0.5 for i in range(first, first + rows)]
    r.label = "batch %d" % k
    return f


def trailer(count):
    f = sample.SampleFrame.new_message()
    f.init("trailer").recordCount = count
    return f


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=3)
    ap.add_argument("--rows", type=int, default=4)
    ap.add_argument("--kind", default="sample")
    ap.add_argument("--frame-type", default="SampleFrame", help="Header.frameType to announce")
    ap.add_argument("--no-trailer", action="store_true")
    ap.add_argument("--trailer-count", type=int, help="write this count instead of the true one")
    ap.add_argument("--packed", action="store_true")
    ap.add_argument("--repeat", action="store_true", help="write batch 0's bytes for every batch (fast)")
    a = ap.parse_args()
    out = sys.stdout.buffer

    def emit(msg):
        out.write(msg.to_bytes_packed() if a.packed else msg.to_bytes())

    emit(header(a.kind, a.frame_type))
    if a.repeat:
        one = batch(0, a.rows)
        data = one.to_bytes_packed() if a.packed else one.to_bytes()
        for _ in range(a.batches):
            out.write(data)
    else:
        for k in range(a.batches):
            emit(batch(k, a.rows))
    if not a.no_trailer:
        emit(trailer(a.batches if a.trailer_count is None else a.trailer_count))
    out.flush()


if __name__ == "__main__":
    main()
