#!/usr/bin/env python3
"""Rewrap long text lines of mdoc pages in place (macro lines untouched): one sentence per
line, then at word boundaries under 80 bytes, as mandoc -Tlint's style check asks.
Usage: Tools/man_wrap.py Man/*.[1-9]"""
import re
import sys

def wrap(line):
    if line.startswith(".") or len(line.encode()) <= 80:
        return [line]
    parts = re.split(r"(?<=[.!?]) (?=[A-Z(])", line)
    out = []
    for p in parts:
        while len(p.encode()) > 80:
            cut = p.rfind(" ", 0, 80)
            if cut <= 0:
                break
            out.append(p[:cut])
            p = p[cut + 1:]
        out.append(p)
    return out

for path in sys.argv[1:]:
    lines = open(path).read().split("\n")
    new = [w for l in lines for w in wrap(l)]
    open(path, "w").write("\n".join(new))
