#!/usr/bin/env python3
"""`schema-migrate apply` against fastavro's schema resolution, value for value.

A subject's version chain exercises every change Avro resolves (rename through sluice.id and
aliases, int→long, long→double, float→double, string→bytes, a new field with a default, a
field made nullable, a dropped field, a list). Seeded random rows of v1 are written twice:
as an Avro container file (fastavro, writer schema v1) and as a table stream (table_arrow.py,
stamped as v1 by `schema-migrate import`). fastavro reads the file with the reader schema of
every later version; `schema-migrate apply --to N` rewrites the stream. Every value must be
bit-equal (floats by bit pattern), and the output's fingerprint must be fastavro's.

usage: schema_apply_check.py --bin DIR --work DIR [--rows N] [--seed S]
"""
import argparse
import io
import json
import os
import random
import struct
import subprocess
import sys

import fastavro
import numpy as np
import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_arrow  # noqa: E402

V1 = {"type": "record", "name": "Event", "namespace": "shop", "fields": [
    {"name": "user", "type": "long", "sluice.id": 1, "sluice.role": "user"},
    {"name": "ts", "type": "long", "sluice.id": 2, "sluice.role": "time", "sluice.unit": "ms"},
    {"name": "sku", "type": "int", "sluice.id": 3, "sluice.role": "item"},
    {"name": "price", "type": "float", "sluice.id": 4},
    {"name": "qty", "type": "int", "sluice.id": 5},
    {"name": "title", "type": "string", "sluice.id": 6},
    {"name": "note", "type": ["null", "string"], "default": None, "sluice.id": 7},
    {"name": "tags", "type": {"type": "array", "items": "long"}, "sluice.id": 8},
    {"name": "legacy", "type": "double", "sluice.id": 9},
]}


def evolve(schema, change):
    s = json.loads(json.dumps(schema))
    change(s["fields"])
    return s


def v2_change(fields):                      # rename by id + alias, widen int→long and float→double
    f = fields[2]
    f["name"], f["aliases"], f["type"] = "item", ["sku"], "long"
    fields[3]["type"] = "double"


def v3_change(fields):                      # new field with a default, nullable qty, drop legacy
    fields[4]["type"] = ["null", "int"]
    fields[4]["default"] = None
    fields.pop(8)
    fields.append({"name": "country", "type": "string", "default": "unknown", "sluice.id": 10})
    fields.append({"name": "score", "type": "double", "default": 0.5, "sluice.id": 11})


def v4_change(fields):                      # long→double, string→bytes, a renamed user
    fields[1]["type"] = "double"
    fields[5]["type"] = "bytes"
    fields[0]["name"], fields[0]["aliases"] = "user_id", ["user"]


def versions():
    v2 = evolve(V1, v2_change)
    v3 = evolve(v2, v3_change)
    v4 = evolve(v3, v4_change)
    return [V1, v2, v3, v4]


def rows(n, seed):
    rng = random.Random(seed)
    words = ["α", "shoe", "", "日本", "x" * 40, "tab\tin", "quote\""]
    out = []
    for i in range(n):
        out.append({
            "user": rng.randrange(-2**63, 2**63), "ts": rng.randrange(0, 2**62), "sku": rng.randrange(-2**31, 2**31),
            "price": struct.unpack("<f", struct.pack("<f", rng.uniform(-1e6, 1e6)))[0],
            "qty": rng.randrange(-5, 100), "title": rng.choice(words) + str(i),
            "note": None if rng.random() < 0.3 else rng.choice(words),
            "tags": [rng.randrange(-2**40, 2**40) for _ in range(rng.randrange(0, 4))],
            "legacy": rng.uniform(-1, 1),
        })
    return out


ARROW = {"long": pa.int64(), "int": pa.int32(), "float": pa.float32(), "double": pa.float64(),
         "string": pa.string(), "bytes": pa.binary(), "boolean": pa.bool_()}


def arrow_type(t):
    if isinstance(t, list):
        return arrow_type([x for x in t if x != "null"][0])
    if isinstance(t, dict):
        return pa.list_(arrow_type(t["items"]))
    return ARROW[t]


def to_arrow(records, schema):
    cols = {}
    for f in schema["fields"]:
        vals = [r[f["name"]] for r in records]
        cols[f["name"]] = pa.array(vals, type=arrow_type(f["type"]))
    return pa.table(cols)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SLUICE_TEST_SEED", "5")))
    args = ap.parse_args()
    print(f"schema_apply_check.py: seed {args.seed} (SLUICE_TEST_SEED), {args.rows} rows")
    tool = os.path.join(args.bin, "schema-migrate")
    reg = os.path.join(args.work, "registry")
    subject = os.path.join(reg, "events")
    os.makedirs(subject, exist_ok=True)
    for name in os.listdir(subject):
        if name.endswith(".avsc"):
            os.remove(os.path.join(subject, name))
    with open(os.path.join(subject, "config.json"), "w") as f:
        json.dump({"compatibility": "NONE"}, f)
    chain = versions()
    for i, s in enumerate(chain, 1):
        with open(os.path.join(subject, f"v{i}.avsc"), "w") as f:
            json.dump(s, f, indent=1)

    data = rows(args.rows, args.seed)
    # The writer's side: an Avro container file for fastavro, a table stream for us.
    buf = io.BytesIO()
    fastavro.writer(buf, fastavro.parse_schema(V1), data)
    raw = os.path.join(args.work, "v1-raw.tbl")
    v1 = os.path.join(args.work, "v1.tbl")
    table_arrow.write_stream(to_arrow(data, V1), raw, batch_rows=4096)
    subprocess.run([tool, "import", "--input-format", "stream", "--registry", reg, "--subject", "events",
                    "--schema-version", "1", "-o", v1, raw], check=True)
    failures = 0
    for n in range(2, len(chain) + 1):
        reader = fastavro.parse_schema(chain[n - 1])
        expected = to_arrow(list(fastavro.reader(io.BytesIO(buf.getvalue()), reader_schema=reader)), chain[n - 1])
        out = os.path.join(args.work, f"v{n}.tbl")
        subprocess.run([tool, "apply", "--registry", reg, "--subject", "events", "--to", str(n), "-o", out, v1], check=True)
        got = table_arrow.read_stream(out)
        fp = fastavro.schema.fingerprint(fastavro.schema.to_parsing_canonical_form(reader), "CRC-64-AVRO")
        ours = got.schema.metadata[b"fingerprint"].decode()
        bad = [c for c in expected.column_names
               if c not in got.column_names or not table_arrow.same(got.column(c).combine_chunks(), expected.column(c).combine_chunks())]
        if got.column_names != expected.column_names or bad or ours != fp:
            failures += 1
            print(f"  v1→v{n}: FAIL columns {got.column_names} vs {expected.column_names}; differing {bad}; fingerprint {ours} vs fastavro {fp}")
        else:
            print(f"  v1→v{n}: {got.num_rows} rows x {got.num_columns} columns bit-equal to fastavro; fingerprint {ours}")
    if failures:
        print(f"schema_apply_check.py: {failures} of {len(chain) - 1} migrations differ from fastavro")
        return 1
    print(f"schema_apply_check.py: {len(chain) - 1}/{len(chain) - 1} migrations equal fastavro's resolution")
    return 0


if __name__ == "__main__":
    sys.exit(main())
