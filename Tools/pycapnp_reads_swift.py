#!/usr/bin/env python3
"""pycapnp (a Cap'n Proto implementation nobody here wrote) reads messages built by the
Swift code capnpc-swift generated, and checks every value.

Usage: pycapnp_reads_swift.py FIXTURES_DIR INTEROP_DIR
The Swift side (CodegenTests.InteropFiles) writes everything.bin, everything.packed.bin,
multisegment.bin, stream.bin and our JSON of them into INTEROP_DIR with the values of Tests/CodegenTests/EverythingValues.swift.
"""
import base64
import json
import math
import os
import struct
import sys

import capnp

capnp.remove_import_hook()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def check_everything(e):
    check(e.boolField is True, "boolField")
    check((e.int8Field, e.int16Field, e.int32Field, e.int64Field) == (-8, -16, -32, -6400000000), "signed")
    check((e.uint8Field, e.uint16Field, e.uint32Field, e.uint64Field)
          == (200, 60000, 4000000000, 18000000000000000000), "unsigned")
    check(e.float32Field == 1.5 and e.float64Field == -2.25, "floats")
    check(e.textField == 'text "\u00e9"\n\tend', "textField")
    check(e.dataField == b"\x00\xff\x10\x41", "dataField")
    check(e.structField.int32Field == 7 and e.structField.textField == "nested", "structField")
    check(e.structField.uint64Default == 0 and e.structField.int32Default == -12345678, "nested defaults")
    check(e.enumField == "blueSky", "enumField")
    check(e.boolDefault is False and e.int8Default == 0 and e.int16Default == 1, "defaults 1")
    check((e.int32Default, e.int64Default, e.uint8Default, e.uint16Default) == (2, 3, 4, 5), "defaults 2")
    check((e.uint32Default, e.uint64Default, e.float32Default, e.float64Default) == (6, 7, 0, 8.5), "defaults 3")
    check(e.textDefault == "" and e.dataDefault == b"", "empty pointers")
    check(e.structDefault.x == 9 and e.enumDefault == "red" and e.nanDefault == 1, "defaults 4")
    check(len(e.voidList) == 3, "voidList")
    check(list(e.boolList) == [True, False, True, True, False, False, False, False, True], "boolList")
    check(list(e.int8List) == [-1, 2] and list(e.int16List) == [-300, 300], "int lists")
    check(list(e.int32List) == [-70000, 70000], "int32List")
    check(list(e.int64List) == [-2**63, 2**63 - 1], "int64List")
    check(list(e.uint8List) == [0, 255] and list(e.uint16List) == [65535], "uint lists")
    check(list(e.uint32List) == [2**32 - 1, 1] and list(e.uint64List) == [2**64 - 1], "uint lists 2")
    check(list(e.float32List) == [0.5, -1e10, math.inf], "float32List")
    f64 = list(e.float64List)
    check(f64[0] == 1e-300 and f64[1] == 0 and math.copysign(1, f64[1]) < 0 and math.isnan(f64[2]), "float64List")
    check(list(e.textList) == ["a", "", "c"] and list(e.dataList) == [b"\x01", b""], "text/data lists")
    check([(p.x, p.y, p.label) for p in e.structList] == [(1, 2, "p"), (3, 0, "")], "structList")
    check(list(e.enumList) == ["red", "unknown", "default"], "enumList")
    check([list(x) for x in e.listList] == [[1, 2], [], [3]], "listList")
    check([list(x) for x in e.textListList] == [["x"], ["y", "z"]], "textListList")
    check([[p.x for p in x] for x in e.structListList] == [[1], []], "structListList")
    check([[list(y) for y in x] for x in e.deepList] == [[[1], [2, 3]], []], "deepList")
    check(list(e.int32ListDefault) == [9] and list(e.textListDefault) == [], "list defaults")
    check(list(e.structListDefault) == [] and list(e.boolListDefault) == [False], "list defaults 2")
    check(e.level == "quiet" and (e.point.x, e.point.y, e.point.label) == (0.5, 0.25, "pt"), "level/point")
    check(e.which() == "word" and e.word == "union text", "union")
    check(e.choice.which() == "ints" and list(e.choice.ints) == [1, -1], "named union")
    check(e.outer.a == 1 and e.outer.inner.b == "inner b" and e.outer.inner.c == 2.5, "groups")
    check(e.inner.value == -5 and e.inner.kind == "beta" and e.innerDefault.value == 1, "nested struct")


def normalized(value):
    """pycapnp's to_dict() value in our JSON conventions: base64 Data, named non-finite floats."""
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def same(a, b, where):
    """Deep equality; floats also match when equal as Float32 (our JSON prints Float32 fields
    with the shortest spelling of the Float32, pycapnp widens them to double)."""
    if isinstance(a, dict) and isinstance(b, dict):
        check(sorted(a) == sorted(b), "%s: keys %s vs %s" % (where, sorted(a), sorted(b)))
        for k in a:
            same(a[k], b[k], where + "." + k)
    elif isinstance(a, list) and isinstance(b, list):
        check(len(a) == len(b), "%s: length %d vs %d" % (where, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, "%s[%d]" % (where, i))
    elif isinstance(a, float) or isinstance(b, float):
        f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
        check(isinstance(a, (int, float)) and isinstance(b, (int, float))
              and (a == b or f32(a) == f32(b)), "%s: %r vs %r" % (where, a, b))
    else:
        check(a == b and type(a) == type(b), "%s: %r vs %r" % (where, a, b))


def compare_json(schema, interop, name):
    with open(os.path.join(interop, name + ".bin"), "rb") as f:
        messages = list(schema.Everything.read_multiple(f))
    with open(os.path.join(interop, name + ".jsonl")) as f:
        lines = f.read().splitlines()
    check(len(lines) == len(messages), "%s.jsonl: %d lines for %d messages" % (name, len(lines), len(messages)))
    for i, (line, message) in enumerate(zip(lines, messages)):
        same(json.loads(line), normalized(message.to_dict()), "%s.jsonl line %d" % (name, i + 1))
    return len(lines)


def main(fixtures, interop):
    schema = capnp.load(os.path.join(fixtures, "everything.capnp"), imports=[fixtures])
    for name in ("everything.bin", "multisegment.bin"):
        with open(os.path.join(interop, name), "rb") as f:
            check_everything(schema.Everything.read(f))
    with open(os.path.join(interop, "everything.packed.bin"), "rb") as f:
        check_everything(schema.Everything.read_packed(f))
    with open(os.path.join(interop, "stream.bin"), "rb") as f:
        rows = list(schema.Everything.read_multiple(f))
    check(len(rows) == 100, "stream length %d" % len(rows))
    for i, e in enumerate(rows):
        check(e.int64Field == i * 1000000007 and e.textField == "row %d" % i, "row %d" % i)
        check(list(e.float64List) == [j / 4 for j in range(i % 7)], "row %d list" % i)
        if i % 3 == 0:
            check(e.which() == "number" and e.number == i, "row %d union" % i)
        else:
            check(e.which() == "nested" and e.nested.label == "n%d" % i, "row %d union" % i)
    n = compare_json(schema, interop, "everything") + compare_json(schema, interop, "stream")
    print("pycapnp_reads_swift: pycapnp %s read 4 files (103 messages, one packed) written by generated Swift: all values match;"
          " our JSON of %d messages equals pycapnp's to_dict()" % (getattr(capnp, "__version__", "?"), n))


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except AssertionError as e:
        print("pycapnp_reads_swift: mismatch in %s" % e, file=sys.stderr)
        sys.exit(1)
