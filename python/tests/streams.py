"""Test streams made by the real writers: the Swift tools (debug build) and pycapnp.

Every generator writes into a work directory and returns paths; conftest.py caches them per
session. Nothing here reads streams with the package under test.
"""
import os
import random
import struct
import subprocess
import sys

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOLS = os.path.join(REPO, "Tools")
FORMATS = os.path.join(REPO, "Formats")
sys.path.insert(0, TOOLS)


def find_bin():
    """The Sluice binaries: $SLUICE_BIN, else the repository's debug build."""
    return os.environ.get("SLUICE_BIN") or os.path.join(REPO, ".build", "debug")


def run(args, stdin=None, stdout=None):
    subprocess.run(args, stdin=stdin, stdout=stdout, check=True, timeout=120)


def all_types_table(rows=3000, seed=17):
    """A pyarrow table with every value type, as scalars and lists, with nulls, NaN, -0.0,
    empty strings and empty lists."""
    import pyarrow as pa
    rng = random.Random(seed)

    def maybe(v, p=0.15):
        return None if rng.random() < p else v

    def text():
        return "".join(rng.choice("aßé€𝄞 xyz") for _ in range(rng.randrange(0, 6)))

    floats = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1.5, -2.25e-300]
    cols = {
        "i32": pa.array([maybe(rng.randrange(-2**31, 2**31)) for _ in range(rows)], pa.int32()),
        "i64": pa.array([rng.randrange(-2**63, 2**63) for _ in range(rows)], pa.int64()),
        "f32": pa.array([maybe(rng.choice(floats + [rng.random()])) for _ in range(rows)], pa.float32()),
        "f64": pa.array([rng.choice(floats + [rng.random()]) for _ in range(rows)], pa.float64()),
        "flag": pa.array([maybe(rng.random() < 0.5) for _ in range(rows)], pa.bool_()),
        "name": pa.array([maybe(text()) for _ in range(rows)], pa.string()),
        "blob": pa.array([maybe(bytes(rng.randrange(256) for _ in range(rng.randrange(4)))) for _ in range(rows)], pa.binary()),
        "tags": pa.array([maybe([rng.randrange(-9, 9) for _ in range(rng.randrange(4))]) for _ in range(rows)],
                         pa.list_(pa.int64())),
        "scores": pa.array([[rng.random() for _ in range(rng.randrange(3))] for _ in range(rows)],
                           pa.list_(pa.float32())),
        "bits": pa.array([maybe([rng.random() < 0.5 for _ in range(rng.randrange(5))]) for _ in range(rows)],
                         pa.list_(pa.bool_())),
        "words": pa.array([maybe([text() for _ in range(rng.randrange(3))]) for _ in range(rows)],
                          pa.list_(pa.string())),
    }
    return pa.table(cols)


def make_all(work, bin_dir):
    """Generate every test stream into `work`; returns {name: path}."""
    import table_arrow
    os.makedirs(work, exist_ok=True)
    out = {}
    sm, se = os.path.join(bin_dir, "schema-migrate"), os.path.join(bin_dir, "seq-encode")

    # Every column type, written by pycapnp (table_arrow.py), then rewritten by the Swift
    # writer (schema-migrate import of a table stream), three batches each.
    py_tbl = os.path.join(work, "all-types.pycapnp.tbl")
    table_arrow.write_stream(all_types_table(), py_tbl, batch_rows=1000)
    out["all-types.pycapnp"] = py_tbl
    sw_tbl = os.path.join(work, "all-types.swift.tbl")
    run([sm, "import", "--input-format", "stream", "--batch-rows", "1000", "-o", sw_tbl, py_tbl])
    out["all-types.swift"] = sw_tbl

    # The same with 40 rows in batches of 16: small enough that random mutations mostly hit
    # pointers and framing rather than bulk values.
    small = os.path.join(work, "all-types-small.pycapnp.tbl")
    table_arrow.write_stream(all_types_table(rows=40, seed=3), small, batch_rows=16)
    out["all-types-small"] = os.path.join(work, "all-types-small.swift.tbl")
    run([sm, "import", "--input-format", "stream", "--batch-rows", "16", "-o", out["all-types-small"], small])

    # CSV with nulls, types inferred by the Swift tool.
    csv = os.path.join(work, "small.csv")
    with open(csv, "w") as fh:
        fh.write("user_id,item_id,timestamp,price,title\n1,2,3,0.5,a\n4,,6,,\n7,8,9,-1e300,zz é\n")
    out["csv"] = os.path.join(work, "small.tbl")
    run([sm, "import", "-o", out["csv"], csv])

    # Events with an int and a float extra column (nulls become the sentinels).
    tsv = os.path.join(work, "extras.tsv")
    rng = np.random.default_rng(5)
    with open(tsv, "w") as fh:
        fh.write("user_id:token\titem_id:token\ttimestamp:float\taction:token\tdwell:int\tprice:float\n")
        for i in range(5000):
            dwell = "" if i % 11 == 0 else str(int(rng.integers(-1000, 1000)))
            price = "" if i % 13 == 0 else repr(float(rng.normal()))
            fh.write(f"{rng.integers(0, 300)}\t{rng.integers(0, 10**9)}\t{1700000000 + i}\t{i % 3}\t{dwell}\t{price}\n")
    head = os.path.join(work, "extras-small.tsv")
    with open(tsv) as src, open(head, "w") as dst:
        dst.writelines(line for _, line in zip(range(25), src))
    out["extras-small.events"] = os.path.join(work, "extras-small.ev")
    run([se, "--block-events", "8", "-o", out["extras-small.events"] + ".seq", head])
    out["extras-small.seq"] = out["extras-small.events"] + ".seq"
    run([se, "-d", "--events", "-o", out["extras-small.events"], out["extras-small.seq"]])
    blocks = os.path.join(work, "extras.seq")
    run([se, "--block-events", "1000", "-o", blocks, tsv])
    out["extras.seq"] = blocks
    out["extras.events"] = os.path.join(work, "extras.ev")
    run([se, "-d", "--events", "-o", out["extras.events"], blocks])

    # A two-node ONNX graph (onnx.helper) through graph-opt: a kind with no reader in the package.
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        onnx = None
    if onnx is not None:
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])
        w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "w")
        nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["y"])]
        model = helper.make_model(helper.make_graph(nodes, "tiny", [x], [y], [w]),
                                  opset_imports=[helper.make_opsetid("", 17)])
        onnx.save(model, os.path.join(work, "tiny.onnx"))
        out["graph"] = os.path.join(work, "tiny.graph")
        run([os.path.join(bin_dir, "graph-opt"), "-o", out["graph"], os.path.join(work, "tiny.onnx")])

    # MovieLens 100k (recbole's ml-100k.inter, fetched by make into .cache/seq; $SLUICE_ML) when present.
    ml = os.environ.get("SLUICE_ML") or os.path.join(REPO, ".cache", "seq", "ml-100k.inter")
    if os.path.exists(ml):
        out["ml.seq"] = os.path.join(work, "ml.seq")
        run([se, "-o", out["ml.seq"], ml])
        out["ml.events"] = os.path.join(work, "ml.ev")
        run([se, "-d", "--events", "-o", out["ml.events"], out["ml.seq"]])
        out["ml.table"] = os.path.join(work, "ml.tbl")
        registry = os.path.join(REPO, "Tests", "Data", "movielens-registry")
        run([sm, "import", "--registry", registry, "--subject", "ratings", "--schema-version", "1",
             "--batch-rows", "30000", "-o", out["ml.table"], ml])
    return out


# ---- far pointers ------------------------------------------------------------------------------

def frame(segments):
    """Standard stream framing of a list of segment byte strings."""
    head = struct.pack(f"<{len(segments) + 1}I", len(segments) - 1, *(len(s) // 8 for s in segments))
    if len(head) % 8:
        head += b"\0" * 4
    return head + b"".join(segments)


def split_messages(data):
    """[segment bytes] of each single-segment message in a stream (the writers' usual form)."""
    out, at = [], 0
    while at < len(data):
        n = struct.unpack_from("<I", data, at)[0] + 1
        assert n == 1, "expected single-segment messages"
        words = struct.unpack_from("<I", data, at + 4)[0]
        out.append(data[at + 8:at + 8 + 8 * words])
        at += 8 + 8 * words
    return out


def far_root(segment, double):
    """The same message with its root reached through a far pointer (single or double landing
    pad), spread over 2 or 3 segments. Segment 1 is the original segment: its word 0 (the root
    pointer) serves as the single landing pad, so every other pointer stays valid."""
    root = struct.unpack_from("<Q", segment, 0)[0]
    if not double:
        far = 2 | (0 << 3) | (1 << 32)  # landing pad at word 0 of segment 1
        return [struct.pack("<Q", far), segment]
    offset = (root & 0xFFFFFFFF) >> 2
    offset = offset - (1 << 30) if offset & (1 << 29) else offset
    content = 1 + offset                            # the root struct's first word in segment 1
    pad_far = 2 | (content << 3) | (1 << 32)        # single far to the content, in segment 1
    tag = root & ~0xFFFFFFFC                        # same kind and sizes, offset 0
    far = 2 | 4 | (0 << 3) | (2 << 32)              # double far: pad at word 0 of segment 2
    return [struct.pack("<Q", far), segment, struct.pack("<QQ", pad_far, tag)]
