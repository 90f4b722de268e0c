#!/usr/bin/env python3
"""Table streams and Apache Arrow, through pycapnp (libcapnp) and pyarrow: the bridge the
Sluice tools use for Parquet/Arrow files, and the independent reader the tests check the
Swift writer with.

  table_arrow.py write SRC -o OUT.tbl [--batch-rows N]   Parquet, Feather/Arrow IPC or CSV → table stream
  table_arrow.py read IN.tbl [--parquet OUT]             table stream → Arrow (prints schema and rows)
  table_arrow.py equal IN.tbl REF [--rename a=b ...]      exit 1 unless IN's rows equal REF's exactly
                                                         (REF: Parquet/Feather/CSV or another table stream;
                                                         floats compared by bit pattern)

The Arrow arrays are built with pa.Array.from_buffers from the stream's buffers (validity,
offsets, values), so the layout the format promises is what this reader relies on.
"""
import argparse
import os
import sys

import capnp
import numpy as np
import pyarrow as pa

capnp.remove_import_hook()
FORMATS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Formats")
TABLE = capnp.load(os.path.join(FORMATS, "table.capnp"), imports=[FORMATS])

ARROW_OF = {"int32": pa.int32(), "int64": pa.int64(), "float32": pa.float32(), "float64": pa.float64(),
            "bool": pa.bool_(), "utf8": pa.string(), "bytes": pa.binary()}
NUMPY_OF = {"int32": np.int32, "int64": np.int64, "float32": np.float32, "float64": np.float64}


def value_type(t):
    for name, arrow in ARROW_OF.items():
        if t == arrow:
            return name
    if t == pa.large_string():
        return "utf8"
    if t == pa.large_binary():
        return "bytes"
    raise SystemExit(f"table_arrow.py: Arrow type {t} has no table column type")


def load_source(path):
    if path.endswith(".tbl"):
        return read_stream(path)
    if ".parquet" in path:
        import pyarrow.parquet as pq
        return pq.read_table(path)
    if path.endswith((".arrow", ".feather", ".ipc")):
        import pyarrow.feather as feather
        return feather.read_table(path)
    import pyarrow.csv as pcsv
    return pcsv.read_csv(path)


# ---- writing ---------------------------------------------------------------------------------

def write_stream(table, out, batch_rows, subject="", version=0):
    fields = []
    for f in table.schema:
        is_list = pa.types.is_list(f.type) or pa.types.is_large_list(f.type)
        inner = f.type.value_type if is_list else f.type
        fields.append((f.name, value_type(inner), is_list, f.nullable and table.column(f.name).null_count > 0))
    with open(out, "wb") as fh:
        head = TABLE.TableFrame.new_message()
        h = head.init("header")
        h.kind, h.schemaVersion, h.frameType = "table", 1, "TableFrame"
        h.producer.tool, h.producer.version = "table_arrow.py", pa.__version__
        head.write(fh)
        rec = TABLE.TableFrame.new_message()
        s = rec.init("rowSchema")
        s.subject, s.version = subject, version
        fl = s.init("fields", len(fields))
        for i, (name, vt, is_list, nullable) in enumerate(fields):
            fl[i].id, fl[i].name, fl[i].type, fl[i].isList, fl[i].nullable = i + 1, name, vt, is_list, nullable
        rec.write(fh)
        records = 1
        for start in range(0, table.num_rows, batch_rows):
            part = table.slice(start, batch_rows)
            msg = TABLE.TableFrame.new_message()
            b = msg.init("batch")
            b.rows = part.num_rows
            cols = b.init("columns", len(fields))
            for i, (name, vt, is_list, _) in enumerate(fields):
                arr = part.column(name).combine_chunks()
                fill_column(cols[i], arr, vt, is_list)
            msg.write(fh)
            records += 1
        tail = TABLE.TableFrame.new_message()
        tail.init("trailer").recordCount = records
        tail.write(fh)


def fill_column(col, arr, vt, is_list):
    if arr.null_count:
        valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        col.validity = np.packbits(valid, bitorder="little").tobytes()
        col.nullCount = arr.null_count
    if is_list:
        offsets = np.asarray(arr.offsets.to_numpy(), dtype=np.int64)
        offsets = offsets - offsets[0]
        col.offsets = [int(o) for o in offsets]
        arr = arr.flatten() if not arr.null_count else pa.concat_arrays(
            [arr.values.slice(arr.offsets[0].as_py(), int(offsets[-1]))])
    if vt in NUMPY_OF:
        values = arr.fill_null(0).to_numpy(zero_copy_only=False).astype(NUMPY_OF[vt])
        setattr(col, vt, values.tolist())
    elif vt == "bool":
        values = arr.fill_null(False).to_pylist()
        setattr(col, "bool", values)
    else:
        data = [v if v is not None else (b"" if vt == "bytes" else "") for v in arr.to_pylist()]
        raw = [d.encode() if isinstance(d, str) else bytes(d) for d in data]
        offs = np.concatenate([[0], np.cumsum([len(r) for r in raw])]).astype(np.int64)
        binary = col.init("text" if vt == "utf8" else "binary")
        binary.valueOffsets = [int(o) for o in offs]
        binary.data = b"".join(raw)


# ---- reading ---------------------------------------------------------------------------------

def read_stream(path):
    with open(path, "rb") as fh:
        frames = list(TABLE.TableFrame.read_multiple(fh, traversal_limit_in_words=1 << 40))
    kinds = [f.which() for f in frames]
    if not kinds or kinds[0] != "header" or kinds[-1] != "trailer":
        raise SystemExit(f"table_arrow.py: {path}: not a whole table stream ({kinds[:1]} ... {kinds[-1:]})")
    if frames[0].header.kind != "table":
        raise SystemExit(f"table_arrow.py: {path}: a {frames[0].header.kind} stream, not a table")
    schema = frames[1].rowSchema
    fields = [(f.name, str(f.type), f.isList, f.nullable) for f in schema.fields]
    columns = {name: [] for name, *_ in fields}
    for fr in frames[2:-1]:
        b = fr.batch
        for (name, vt, is_list, nullable), col in zip(fields, b.columns):
            columns[name].append(to_arrow(col, b.rows, vt, is_list))
    arrays = [pa.chunked_array(columns[n], type=pa.list_(ARROW_OF[vt]) if l else ARROW_OF[vt]) for n, vt, l, _ in fields]
    # The fingerprint as Avro tools print it: the CRC-64-AVRO value's little-endian bytes in hex.
    meta = {"subject": schema.subject, "version": str(schema.version), "fingerprint": schema.fingerprint.to_bytes(8, "little").hex()}
    return pa.table(arrays, names=[n for n, *_ in fields]).replace_schema_metadata(meta)


def to_arrow(col, rows, vt, is_list):
    validity = pa.py_buffer(bytes(col.validity)) if len(col.validity) else None
    nulls = col.nullCount if validity is not None else 0
    which = col.which()
    if which in ("text", "binary"):
        b = getattr(col, which)
        offsets = np.array(list(b.valueOffsets), dtype=np.int32)
        values = pa.Array.from_buffers(ARROW_OF[vt], len(offsets) - 1,
                                       [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(bytes(b.data))])
    elif which == "bool":
        bits = np.packbits(np.array(list(col.bool), dtype=bool), bitorder="little")
        values = pa.Array.from_buffers(pa.bool_(), len(col.bool), [None, pa.py_buffer(bits.tobytes())])
    else:
        v = np.array(list(getattr(col, which)), dtype=NUMPY_OF[vt])
        values = pa.Array.from_buffers(ARROW_OF[vt], len(v), [None, pa.py_buffer(v.tobytes())])
    if is_list:
        offsets = np.array(list(col.offsets), dtype=np.int32)
        return pa.Array.from_buffers(pa.list_(ARROW_OF[vt]), rows, [validity, pa.py_buffer(offsets.tobytes())],
                                     null_count=nulls, children=[values])
    if validity is None:
        return values
    return pa.Array.from_buffers(values.type, rows, [validity] + values.buffers()[1:], null_count=nulls)


# ---- comparing -------------------------------------------------------------------------------

def same(a, b):
    """Exact equality; floats by bit pattern (NaN payloads and signed zeros count)."""
    if a.type != b.type or len(a) != len(b):
        return False
    if not a.is_valid().equals(b.is_valid()):
        return False
    if pa.types.is_floating(a.type):
        width = np.int32 if a.type == pa.float32() else np.int64
        x = a.fill_null(0).to_numpy(zero_copy_only=False).view(width)
        y = b.fill_null(0).to_numpy(zero_copy_only=False).view(width)
        return bool(np.array_equal(x, y))
    return a.equals(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("source")
    w.add_argument("-o", "--output", required=True)
    w.add_argument("--batch-rows", type=int, default=65536)
    r = sub.add_parser("read")
    r.add_argument("stream")
    r.add_argument("--parquet")
    e = sub.add_parser("equal")
    e.add_argument("stream")
    e.add_argument("reference")
    e.add_argument("--rename", action="append", default=[], help="old=new: a reference column's name in the stream")
    args = ap.parse_args()
    if args.cmd == "write":
        table = load_source(args.source)
        tmp = args.output + ".tmp"
        write_stream(table, tmp, args.batch_rows)
        os.replace(tmp, args.output)
        print(f"table_arrow.py: wrote {table.num_rows} rows of {table.num_columns} columns to {args.output}")
        return 0
    if args.cmd == "read":
        table = read_stream(args.stream)
        print(table.schema)
        print(table.slice(0, 5).to_pydict())
        if args.parquet:
            import pyarrow.parquet as pq
            pq.write_table(table, args.parquet)
        return 0
    got = read_stream(args.stream)
    want = load_source(args.reference)
    renames = dict(x.split("=", 1) for x in args.rename)
    want = want.rename_columns([renames.get(n, n) for n in want.column_names])
    if got.column_names != want.column_names:
        print(f"table_arrow.py: columns differ: {got.column_names} vs {want.column_names}")
        return 1
    for name in got.column_names:
        a, b = got.column(name).combine_chunks(), want.column(name).combine_chunks()
        if not same(a, b):
            if a.type != b.type:
                print(f"table_arrow.py: column {name}: {a.type} vs {b.type}")
            else:
                diff = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                print(f"table_arrow.py: column {name} differs at row {diff}: {a[diff] if diff < len(a) else '-'} vs {b[diff] if diff < len(b) else '-'}")
            return 1
    print(f"table_arrow.py: {got.num_rows} rows x {got.num_columns} columns equal ({args.stream} vs {args.reference})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
