#!/usr/bin/env python3
"""onnxruntime side of graph-opt's model checks.

  ort_check.py reference MODEL OUT.pb [NAME=D0,D1,...]...
      runs MODEL in onnxruntime (no graph optimizations) on the ONNX backend tests' ramp
      input, arange(n)/n (an input's NAME=shape as for compare), and writes the first output
      as a TensorProto, for `graph-opt --reference OUT.pb --input-shape NAME=... MODEL` (our
      interpreter against onnxruntime).
  ort_check.py compare ORIGINAL OPTIMIZED [TOLERANCE] [NAME=D0,D1,...]...
      runs both models in onnxruntime on the same input (an input's NAME=shape gives its
      dynamic dimensions values, e.g. an audio window) and fails when any output's
      max |a-b| / max |a| exceeds TOLERANCE (default 1e-4), or when the optimized model
      gives a NaN or an infinity where the original's value is finite (or a different
      non-finite value where the original's is not).
  ort_check.py count MODEL OP MIN
      fails when MODEL has fewer than MIN nodes of operator OP (any domain), e.g. the
      QLinearConv nodes `--for onnxruntime` writes for a QDQ model's Convs.
  ort_check.py contrib MODEL [MIN]
      counts MODEL's com.microsoft (onnxruntime contrib) nodes by operator, prints them, and
      fails when there are fewer than MIN (default 1): `graph-opt --for onnxruntime` must
      have written the fused forms as contrib operators.
"""
import collections
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def session(path: str) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.log_severity_level = 3
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def ramp_feeds(sess: ort.InferenceSession, shapes: dict | None = None) -> dict:
    """arange(n)/n for float inputs, zeros for the others; a dynamic dimension is 1 unless
    `shapes` gives the input's whole shape."""
    feeds = {}
    shapes = shapes or {}
    types = {"tensor(float)": np.float32, "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(bool)": np.bool_}
    for i in sess.get_inputs():
        shape = list(shapes.get(i.name) or [d if isinstance(d, int) and d > 0 else 1 for d in i.shape])
        n = int(np.prod(shape))
        dtype = types.get(i.type, np.float32)
        if dtype == np.float32:
            feeds[i.name] = (np.arange(n).reshape(shape) / max(n, 1)).astype(np.float32)
        else:
            feeds[i.name] = np.zeros(shape, dtype)
    return feeds


def relative_error(ref, out) -> float:
    """max |ref - out| / max |ref| over the elements where ref is finite; infinity when `out`
    is NaN or infinite where `ref` is finite, or differs from a non-finite `ref` (NaN must
    meet NaN, +inf +inf). NaN never compares as small: it is never returned."""
    x = np.asarray(ref, np.float64)
    y = np.asarray(out, np.float64)
    if x.shape != y.shape:
        return float("inf")
    finite = np.isfinite(x)
    if not np.array_equal(x[~finite], y[~finite], equal_nan=True):
        return float("inf")
    if not np.all(np.isfinite(y[finite])):
        return float("inf")
    if not finite.any():
        return 0.0
    diff = float(np.max(np.abs(x[finite] - y[finite])))
    return diff / max(float(np.max(np.abs(x[finite]))), 1e-6)


def parse_shapes(args: list) -> dict:
    return {k: [int(d) for d in v.split(",")] for k, _, v in (x.partition("=") for x in args if "=" in x)}


def main(argv: list) -> int:
    if len(argv) >= 3 and argv[0] == "reference":
        sess = session(argv[1])
        out = sess.run(None, ramp_feeds(sess, parse_shapes(argv[3:])))[0]
        with open(argv[2], "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(out, np.float32)).SerializeToString())
        return 0
    if len(argv) >= 3 and argv[0] == "compare":
        shapes = parse_shapes(argv[3:])
        rest = [x for x in argv[3:] if "=" not in x]
        tol = float(rest[0]) if rest else 1e-4
        a, b = session(argv[1]), session(argv[2])
        feeds = ramp_feeds(a, shapes)
        ra = a.run(None, feeds)
        names = [o.name for o in a.get_outputs()]
        rb = dict(zip([o.name for o in b.get_outputs()], b.run(None, feeds)))
        worst = 0.0
        for name, x in zip(names, ra):
            y = rb.get(name)
            if y is None or np.shape(x) != np.shape(y):
                print(f"ort_check: {argv[2]}: output {name} missing or reshaped", file=sys.stderr)
                return 1
            rel = relative_error(x, y)
            if not rel <= tol:
                print(f"ort_check: {argv[2]}: output {name}: relative error {rel:.2e}", file=sys.stderr)
            if not rel <= worst:  # so that a NaN could never be skipped
                worst = rel
        status = "ok" if worst <= tol else "FAIL"
        print(f"ort_check: {argv[2]}: onnxruntime on optimized vs original: relative error {worst:.2e} ({status})")
        return 0 if worst <= tol else 1
    if len(argv) == 4 and argv[0] == "count":
        k = sum(n.op_type == argv[2] for n in onnx.load(argv[1], load_external_data=False).graph.node)
        print(f"ort_check: {argv[1]}: {k} {argv[2]} nodes (at least {argv[3]} wanted)")
        return 0 if k >= int(argv[3]) else 1
    if len(argv) >= 2 and argv[0] == "contrib":
        least = int(argv[2]) if len(argv) > 2 else 1
        ops = collections.Counter(n.op_type for n in onnx.load(argv[1], load_external_data=False).graph.node
                                  if n.domain == "com.microsoft")
        total = sum(ops.values())
        listing = ", ".join(f"{op} {k}" for op, k in sorted(ops.items())) or "none"
        print(f"ort_check: {argv[1]}: {total} com.microsoft nodes ({listing})")
        return 0 if total >= least else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
