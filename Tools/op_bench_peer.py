#!/usr/bin/env python3
"""Peer runner for op-bench: times the same operators at the same shapes in numpy (OpenBLAS)
or onnxruntime, in the same run as op-bench, so the two can be compared as a ratio.

Protocol (one JSON object per line both ways):
  stdin:  {"id": 3, "peer": "numpy"|"onnxruntime", "threads": 1, "op": "matmul", ...shape...,
           "min_reps": 5, "max_reps": 100, "min_seconds": 0.2}
  stdout: {"id": 3, "peer": "numpy 2.4.6 openblas 0.3.31 Zen", "min": s, "median": s, "max": s,
           "cpu": process CPU seconds per run, "reps": n}
          or {"id": 3, "skip": "why"} when the peer has no such operator.
Timing follows op-bench: one untimed warm-up run, then runs until both the minimum count and
the minimum time are reached. Inputs are uniform noise in [-1, 1) like op-bench's.
"""
import json
import statistics
import sys
import time

import numpy as np

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # the thread count then stays whatever OPENBLAS_NUM_THREADS says
    threadpool_info = None
    threadpool_limits = None


def noise(*shape):
    return (np.random.default_rng(1).random(shape, dtype=np.float32) * 2 - 1)


def time_it(fn, req):
    fn()
    samples = []
    cpu0 = time.process_time()  # CLOCK_PROCESS_CPUTIME_ID: all threads of this process
    while len(samples) < req["max_reps"] and (len(samples) < req["min_reps"] or sum(samples) < req["min_seconds"]):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu0) / len(samples)
    return min(samples), statistics.median(samples), max(samples), cpu, len(samples)


def blas_name():
    if threadpool_info is None:
        return "openblas ?"
    # numpy's own OpenBLAS (scipy, once imported for erf, brings a second one).
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    pools.sort(key=lambda p: "numpy" not in p.get("filepath", ""))
    for pool in pools:
        return f"{pool.get('internal_api')} {pool.get('version', '?')} {pool.get('architecture', '?')}"
    return "blas ?"


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def numpy_case(req):
    """A zero-argument callable running the op in numpy, or a string saying why not."""
    op = req["op"]
    if op == "matmul":
        a = noise(req["batch"], req["m"], req["k"])
        b = noise(req["n"], req["k"]).T if req["transposed_b"] else noise(req["k"], req["n"])
        c = np.empty((req["batch"], req["m"], req["n"]), dtype=np.float32)
        return lambda: np.matmul(a, b, out=c)
    if op == "softmax":
        x = noise(req["rows"], req["n"])
        return lambda: softmax(x)
    if op == "layernorm":
        x, g, b = noise(req["rows"], req["n"]), noise(req["n"]), noise(req["n"])
        def layernorm():
            mean = x.mean(axis=-1, keepdims=True)
            var = x.var(axis=-1, keepdims=True)
            return (x - mean) / np.sqrt(var + 1e-5) * g + b
        return layernorm
    if op == "rmsnorm":
        x, g = noise(req["rows"], req["n"]), noise(req["n"])
        return lambda: x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + 1e-6) * g
    if op == "unary":
        x = noise(req["count"])
        y = np.empty_like(x)
        f = req["function"]
        if f in ("erf", "gelu-erf"):
            try:
                from scipy.special import erf
            except ImportError:
                return "scipy not installed (numpy has no erf)"
            if f == "erf":
                return lambda: erf(x, out=y)
            return lambda: 0.5 * x * (1 + erf(x * np.float32(0.7071067811865476)))
        table = {
            "relu": lambda: np.maximum(x, 0, out=y),
            "exp": lambda: np.exp(x, out=y),
            "tanh": lambda: np.tanh(x, out=y),
            "sigmoid": lambda: 1 / (1 + np.exp(-x)),
            "silu": lambda: x / (1 + np.exp(-x)),
            "gelu-tanh": lambda: 0.5 * x * (1 + np.tanh(np.float32(0.7978845608) * (x + np.float32(0.044715) * x * x * x))),
            "neg": lambda: np.negative(x, out=y),
            "abs": lambda: np.abs(x, out=y),
            "sqrt": lambda: np.sqrt(x, out=y),
        }
        return table.get(f, f"no numpy {f}")
    if op == "binary":
        a, b = noise(req["count"]), noise(req["count"])
        y = np.empty_like(a)
        ufunc = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
                 "max": np.maximum, "min": np.minimum}[req["function"]]
        return lambda: ufunc(a, b, out=y)
    if op == "attention":
        b, hq, hkv, sq, sk, d = (req[k] for k in ("b", "hq", "hkv", "sq", "sk", "d"))
        q, k, v = noise(b, hq, sq, d), noise(b, hkv, sk, d), noise(b, hkv, sk, d)
        k = np.repeat(k, hq // hkv, axis=1)
        v = np.repeat(v, hq // hkv, axis=1)
        scale = np.float32(1 / np.sqrt(d))
        mask = None
        if req["causal"]:
            mask = np.triu(np.full((sq, sk), -np.inf, dtype=np.float32), k=sk - sq + 1)
        def attention():
            s = np.matmul(q, k.transpose(0, 1, 3, 2)) * scale
            if mask is not None:
                s += mask
            return np.matmul(softmax(s), v)
        return attention
    if op == "globalavgpool":
        x = noise(req["n"], req["c"], req["h"], req["w"])
        return lambda: x.mean(axis=(2, 3), keepdims=True)
    if op == "matmul-lowp":
        if req["dtype"] != "bf16":
            return "numpy has no int8 GEMM with int32 accumulation (no BLAS path)"
        # numpy has no bf16 type: the comparison is OpenBLAS SGEMM on the same shape.
        a, b = noise(req["m"], req["k"]), noise(req["k"], req["n"])
        c = np.empty((req["m"], req["n"]), dtype=np.float32)
        return lambda: np.matmul(a, b, out=c)
    return f"no numpy {op}"


def onnx_model(req):
    """A single-operator ONNX model and its feeds, or a string saying why not."""
    from onnx import TensorProto, helper
    op = req["op"]
    f32 = TensorProto.FLOAT
    inits, feeds = [], {}

    def value(name, shape):
        return helper.make_tensor_value_info(name, f32, shape)

    def const(name, array):
        inits.append(helper.make_tensor(name, f32, array.shape, array.ravel().tolist()))

    if op == "conv2d":
        n, cin, h, w, cout, kh, kw, s, p, g = (req[k] for k in ("n", "cin", "h", "w", "cout", "kh", "kw", "stride", "pad", "groups"))
        const("W", noise(cout, cin // g, kh, kw))
        const("B", noise(cout))
        node = helper.make_node("Conv", ["X", "W", "B"], ["Y"], strides=[s, s], pads=[p, p, p, p], group=g)
        oh, ow = (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1
        inputs, outputs = [value("X", [n, cin, h, w])], [value("Y", [n, cout, oh, ow])]
        feeds["X"] = noise(n, cin, h, w)
    elif op == "maxpool":
        n, c, h, w, k, s, p = (req[x] for x in ("n", "c", "h", "w", "kernel", "stride", "pad"))
        node = helper.make_node("MaxPool", ["X"], ["Y"], kernel_shape=[k, k], strides=[s, s], pads=[p, p, p, p])
        inputs, outputs = [value("X", [n, c, h, w])], [value("Y", None)]
        feeds["X"] = noise(n, c, h, w)
    elif op == "globalavgpool":
        n, c, h, w = (req[x] for x in ("n", "c", "h", "w"))
        node = helper.make_node("GlobalAveragePool", ["X"], ["Y"])
        inputs, outputs = [value("X", [n, c, h, w])], [value("Y", None)]
        feeds["X"] = noise(n, c, h, w)
    elif op == "matmul":
        shape_b = [req["k"], req["n"]]
        const("Bw", noise(req["n"], req["k"]).T.copy() if req["transposed_b"] else noise(*shape_b))
        node = helper.make_node("MatMul", ["A", "Bw"], ["Y"])
        inputs, outputs = [value("A", [req["batch"], req["m"], req["k"]])], [value("Y", None)]
        feeds["A"] = noise(req["batch"], req["m"], req["k"])
    elif op == "softmax":
        node = helper.make_node("Softmax", ["X"], ["Y"], axis=-1)
        inputs, outputs = [value("X", [req["rows"], req["n"]])], [value("Y", None)]
        feeds["X"] = noise(req["rows"], req["n"])
    elif op == "layernorm":
        const("G", noise(req["n"]))
        const("Bb", noise(req["n"]))
        node = helper.make_node("LayerNormalization", ["X", "G", "Bb"], ["Y"], axis=-1, epsilon=1e-5)
        inputs, outputs = [value("X", [req["rows"], req["n"]])], [value("Y", None)]
        feeds["X"] = noise(req["rows"], req["n"])
    elif op == "unary":
        names = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "exp": "Exp", "erf": "Erf",
                 "neg": "Neg", "abs": "Abs", "sqrt": "Sqrt", "gelu-erf": "Gelu", "gelu-tanh": "Gelu"}
        f = req["function"]
        if f not in names:
            return f"no single ONNX op for {f}"
        attrs = {"approximate": "tanh"} if f == "gelu-tanh" else {}
        node = helper.make_node(names[f], ["X"], ["Y"], **attrs)
        inputs, outputs = [value("X", [req["count"]])], [value("Y", None)]
        feeds["X"] = noise(req["count"])
    elif op == "binary":
        names = {"add": "Add", "sub": "Sub", "mul": "Mul", "div": "Div", "max": "Max", "min": "Min"}
        node = helper.make_node(names[req["function"]], ["A", "B"], ["Y"])
        inputs, outputs = [value("A", [req["count"]]), value("B", [req["count"]])], [value("Y", None)]
        feeds["A"], feeds["B"] = noise(req["count"]), noise(req["count"])
    elif op == "matmul-lowp":
        if req["dtype"] != "int8":
            return "onnxruntime's CPU provider has no bf16 MatMul"
        m, n, k = req["m"], req["n"], req["k"]
        rng = np.random.default_rng(1)
        inits.append(helper.make_tensor("Bq", TensorProto.INT8, [k, n],
                                        rng.integers(-127, 128, size=k * n).tolist()))
        node = helper.make_node("MatMulInteger", ["A", "Bq"], ["Y"])
        inputs = [helper.make_tensor_value_info("A", TensorProto.INT8, [m, k])]
        outputs = [helper.make_tensor_value_info("Y", TensorProto.INT32, None)]
        feeds["A"] = rng.integers(-127, 128, size=(m, k), dtype=np.int8)
    elif op in ("resize", "gridsample"):
        n, c, h, w, oh, ow, mode = (req[x] for x in ("n", "c", "h", "w", "oh", "ow", "mode"))
        if op == "resize":
            inits.append(helper.make_tensor("S", TensorProto.INT64, [4], [n, c, oh, ow]))
            node = helper.make_node("Resize", ["X", "", "", "S"], ["Y"], mode=mode)
            inputs = [value("X", [n, c, h, w])]
        else:
            node = helper.make_node("GridSample", ["X", "G"], ["Y"], mode=mode)
            inputs = [value("X", [n, c, h, w]), value("G", [n, oh, ow, 2])]
            feeds["G"] = noise(n, oh, ow, 2)
        outputs = [value("Y", None)]
        feeds["X"] = noise(n, c, h, w)
    else:
        return f"no onnxruntime {op} case"
    graph = helper.make_graph([node], "op", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    return model, feeds


def onnxruntime_case(req):
    import onnxruntime as ort
    built = onnx_model(req)
    if isinstance(built, str):
        return built
    model, feeds = built
    options = ort.SessionOptions()
    options.intra_op_num_threads = req["threads"]
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return lambda: session.run(None, feeds)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("peer") == "ping":  # op-bench's handshake before it writes anything
            print(json.dumps({"id": req["id"], "ready": True}), flush=True)
            continue
        try:
            if req["peer"] == "numpy":
                name = f"numpy {np.__version__} {blas_name()}"
                make = numpy_case
            elif req["peer"] == "onnxruntime":
                import onnxruntime
                name = f"onnxruntime {onnxruntime.__version__}"
                make = onnxruntime_case
            else:
                raise ValueError(f"unknown peer {req['peer']}")
            if threadpool_limits is not None:
                with threadpool_limits(limits=req["threads"]):
                    fn = make(req)
                    result = fn if isinstance(fn, str) else time_it(fn, req)
            else:
                fn = make(req)
                result = fn if isinstance(fn, str) else time_it(fn, req)
            if isinstance(result, str):
                reply = {"id": req["id"], "skip": result}
            else:
                reply = {"id": req["id"], "peer": name, "min": result[0], "median": result[1], "max": result[2],
                         "cpu": result[3], "reps": result[4]}
        except Exception as error:  # report, keep serving the other cases
            reply = {"id": req.get("id"), "skip": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
