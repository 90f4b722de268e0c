#!/usr/bin/env python3
"""Entropy floors for the time column of an event table, as seq-encode codes it.

seq-encode codes a timestamp delta as a symbol (sign, bit length) with a Huffman code plus the
bits below the leading one stored raw. This prints, in bits per event, what that costs at best
with a code of order 0 (one table), and what context modelling could save: the symbol coded
under the previous delta's symbol (order 1) or the previous two (order 2), under a
session-break flag (previous gap over 30 minutes), and with the top two mantissa bits moved
into the symbol. Deltas are taken over rows sorted by (user, time), as in a block.

    python3 Tools/seq_delta_entropy.py .cache/seq/synthetic-1m.tsv
"""
import argparse

import numpy as np


def entropy(x):
    _, c = np.unique(x, return_counts=True)
    p = c / c.sum()
    return float(-(p * np.log2(p)).sum())


def conditional(x, ctx):
    """H(x | ctx) = H(x, ctx) - H(ctx); symbols are < 1000."""
    return entropy(ctx.astype(np.int64) * 1000 + x) - entropy(ctx)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("table", help="TSV with a header; user in column 0")
    ap.add_argument("--time-column", type=int, default=3, help="0-based index of the time column (default 3)")
    a = ap.parse_args()
    d = np.loadtxt(a.table, skiprows=1, dtype=np.int64, usecols=(0, a.time_column))
    u, t = d[:, 0], d[:, 1]
    o = np.lexsort((t, u))
    u, t = u[o], t[o]
    delta = np.diff(t, prepend=0)
    first = np.r_[True, u[1:] != u[:-1]]
    mag = np.abs(delta).astype(np.uint64)
    length = np.zeros(len(delta), np.int64)
    nz = mag > 0
    # Exact bit lengths (no float rounding): count shifts until zero.
    m = mag.copy()
    while nz.any():
        length[nz] += 1
        m[nz] >>= np.uint64(1)
        nz = m > 0
    sym = np.where(delta < 0, 65 + length, length)
    mant = np.maximum(length - 1, 0)
    prev = np.r_[0, sym[:-1]]
    prev2 = np.r_[0, 0, sym[:-2]]
    brk = (np.r_[0, delta[:-1]] > 1_800_000) | np.r_[True, first[:-1]]
    top2 = np.where(length >= 3, (mag >> np.maximum(length - 3, 0).astype(np.uint64)) & np.uint64(3), 0).astype(np.int64)
    fine = sym * 4 + top2
    rest = np.maximum(length - 3, 0).mean()
    e = mant.mean()
    w = ~first
    print(f"{a.table}: {len(delta)} events, {int(w.sum())} deltas within a user")
    rows = [
        ("order 0 (one Huffman table)", entropy(sym) + e),
        ("order 1 (table by previous symbol)", conditional(sym, prev) + e),
        ("order 2 (table by previous two symbols)", conditional(sym, prev * 200 + prev2) + e),
        ("session-break context (previous gap > 30 min)", conditional(sym, brk) + e),
        ("order 0, two mantissa bits in the symbol", entropy(fine) + rest),
        ("order 1, two mantissa bits in the symbol", conditional(fine, prev) + rest),
        ("order 0, within-user deltas only", entropy(sym[w]) + mant[w].mean()),
        ("order 1, within-user deltas only", conditional(sym[w], prev[w]) + mant[w].mean()),
    ]
    print(f"  raw bits below the leading one: {e:.3f} bits/event (no context can shrink these)")
    for name, bits in rows:
        print(f"  {name}: {bits:.3f} bits/event")


if __name__ == "__main__":
    main()
