#!/usr/bin/env python3
"""pycapnp (libcapnp) reads an events stream written by `seq-encode -d --events` and must see
exactly the rows of a TSV table, in order: the interop check of the events format.

usage: seq_pycapnp_check.py FORMATS_DIR EVENTS_STREAM TABLE.tsv
"""
import sys

import capnp

capnp.remove_import_hook()


def main() -> int:
    formats, stream, table = sys.argv[1:]
    schema = capnp.load(f"{formats}/events.capnp", imports=[formats])
    rows = []
    names = None
    records = 0
    with open(stream, "rb") as f:
        frames = list(schema.EventsFrame.read_multiple(f, traversal_limit_in_words=1 << 40))
    kinds = [fr.which() for fr in frames]
    assert kinds[0] == "header" and kinds[-1] == "trailer", f"envelope: {kinds[:2]} ... {kinds[-1:]}"
    assert frames[0].header.kind == "events", frames[0].header.kind
    for fr in frames[1:-1]:
        records += 1
        if fr.which() == "layout":
            names = [(c.name, str(c.role)) for c in fr.layout.columns]
        else:
            b = fr.batch
            extras = [list(getattr(e, e.which())) for e in b.extras]
            cols = {"user": list(b.user), "time": list(b.time), "item": list(b.item), "action": list(b.action)}
            for i in range(len(cols["user"])):
                row, k = [], 0
                for _, role in names:
                    if role in cols:
                        row.append(str(cols[role][i]))
                    else:
                        v = extras[k][i]
                        row.append(repr(float(v)) if role == "extraFloat" else str(v))
                        k += 1
                rows.append("\t".join(row))
    assert frames[-1].trailer.recordCount == records, "trailer count"
    with open(table) as f:
        header, *want = f.read().splitlines()
    assert header.split("\t") == [n for n, _ in names], f"header {header} vs schema {names}"
    if rows != want:
        bad = next(i for i, (a, b) in enumerate(zip(rows, want)) if a != b) if len(rows) == len(want) else "count"
        print(f"seq_pycapnp_check.py: rows differ (first at {bad}; {len(rows)} vs {len(want)})")
        return 1
    print(f"seq_pycapnp_check.py: pycapnp read {len(rows)} events in {records} records, equal to {table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
