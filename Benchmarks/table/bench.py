#!/usr/bin/env python3
"""schema-migrate apply against fastavro's schema-resolving read, and against rec-cat passing
the same stream through (make bench-table).

Workload: seeded events of Tools/schema_apply_check.py's v1 schema (longs, ints, a float, a
string, a nullable string, a list of longs, a double), migrated v1 → v4: a rename by id, two
renames by alias, int→long, float→double, long→double, string→bytes, two defaults, a field made
nullable and a drop.

- ours: `schema-migrate apply --to 4` reading the v1 table stream file, writing the v4 stream
  (to /dev/null); a fresh process each run, so its time includes process start-up.
- fastavro: `list(fastavro.reader(BytesIO(avro_bytes), reader_schema=v4))` in this process on
  the same rows as an uncompressed Avro container file already in memory (fastavro's fastest
  path: its C reader, no codec, no file I/O, no interpreter start-up); it materializes a dict
  per row, its native output.
- rec-cat: `rec-cat --head 2^40 v1.tbl` (binary pass-through of the whole stream to /dev/null), the issue's
  second yardstick: apply must keep at least half its throughput.
"""
import argparse
import io
import os
import sys

import fastavro

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tools"))
import benchlib  # noqa: E402
import schema_apply_check as chain  # noqa: E402
import table_arrow  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    load = benchlib.machine_load()
    n = 100_000 if benchlib.quick() else 1_000_000
    runs = 3 if benchlib.quick() else 7
    os.makedirs(args.work, exist_ok=True)
    reg = os.path.join(args.work, "registry")
    subject = os.path.join(reg, "events")
    os.makedirs(subject, exist_ok=True)
    versions = chain.versions()
    with open(os.path.join(subject, "config.json"), "w") as f:
        json.dump({"compatibility": "NONE"}, f)
    for i, s in enumerate(versions, 1):
        with open(os.path.join(subject, f"v{i}.avsc"), "w") as f:
            json.dump(s, f, indent=1)
    data = chain.rows(n, seed=1)
    buf = io.BytesIO()
    fastavro.writer(buf, fastavro.parse_schema(versions[0]), data, codec="null")
    avro_bytes = buf.getvalue()
    raw, v1 = os.path.join(args.work, "v1-raw.tbl"), os.path.join(args.work, "v1.tbl")
    table_arrow.write_stream(chain.to_arrow(data, versions[0]), raw, batch_rows=65536)
    del data
    tool = os.path.join(args.bin, "schema-migrate")
    subprocess.run([tool, "import", "--input-format", "stream", "--registry", reg, "--subject", "events",
                    "--schema-version", "1", "-o", v1, raw], check=True)
    reader = fastavro.parse_schema(versions[-1])
    rows_out = []

    def peer():
        rows_out.clear()
        rows_out.extend(fastavro.reader(io.BytesIO(avro_bytes), reader_schema=reader))

    apply = [tool, "apply", "--registry", reg, "--subject", "events", "--to", "4", v1]
    timing = benchlib.interleave({"apply": apply, "fastavro": peer, "rec-cat": [os.path.join(args.bin, "rec-cat"), "--head", str(1 << 40), v1]}, runs=runs)
    assert len(rows_out) == n
    stream_mb = os.path.getsize(v1) / 1e6
    reproduce = "make bench-table"
    workload = f"apply v1→v4, {n:,} events (9 columns, {stream_mb:.0f} MB stream)"
    rows = [
        benchlib.time_row("table", workload, "fastavro", fastavro.__version__, timing, "apply", "fastavro", reproduce,
                          includes="ours: process start, reading the stream file, writing the v4 stream; fastavro: decoding and resolving an in-memory Avro file into dicts, in-process",
                          note="same rows and the same reader schema; values checked equal by make test-table-apply",
                          goal="≥ 20×", goal_ratio=20.0),
        benchlib.time_row("table", workload, "rec-cat pass-through", "this build", timing, "apply", "rec-cat", reproduce,
                          includes="both: process start, reading the v1 stream file, writing a stream to /dev/null",
                          note="ratio = rec-cat time / apply time: the share of pass-through throughput apply keeps",
                          goal="≥ 0.5×", goal_ratio=0.5),
    ]
    for name in timing:
        st = timing[name]["wall"]
        print(f"  {name:9s} {benchlib.spread(st, 1e3, '.1f', '.0f')} ms  ({n / st['median'] / 1e6:.2f} M rows/s)")
    details = "\n".join(f"- {k}: {benchlib.spread(v['wall'], 1e3, '.1f', '.0f')} ms wall, CPU {v['cpu']['median'] * 1e3:.1f} ms"
                        for k, v in timing.items())
    return benchlib.finish("bench-table", "table", rows, load, "### table\n\n" + details + "\n")


if __name__ == "__main__":
    sys.exit(main())
