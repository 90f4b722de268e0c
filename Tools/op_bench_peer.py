#!/usr/bin/env python3
"""Peer runner for op-bench: times the same operators at the same shapes in numpy (OpenBLAS)
or onnxruntime, in the same run as op-bench, so the two can be compared as a ratio.

Protocol (one JSON object per line both ways):
  {"id": -1, "peer": "ping"}                     -> {"id": -1, "ready": true}
  {"id": 3, "cmd": "prepare", "peer": "numpy"|"onnxruntime", "threads": 1, "op": "matmul", ...shape...}
      builds the case (inputs, preallocated outputs, session), runs it once untimed
                                                 -> {"id": 3, "peer": "numpy 2.4.6 openblas 0.3.31 Zen; np.matmul(out=)"}
                                                    or {"id": 3, "skip": "why"} when the peer has no such operator
  {"id": 3, "cmd": "batch", "min_reps": 2, "max_reps": 25, "min_seconds": 0.05}
      times runs of the prepared case until both minimums are reached (at most max_reps)
                                                 -> {"id": 3, "samples": [wall s, ...], "cpu": process CPU s of the batch}
op-bench alternates these batches with batches of its own runs (see `op-bench --rounds`), so
both sides are timed interleaved. The peer name is "<library and version>; <code path>".

Each side runs its own best idiom on the same work and writes into outputs allocated (and
touched) once, like op-bench's preallocated outputs: numpy ufuncs with out= and scratch
buffers allocated at prepare time, onnxruntime through an I/O binding with inputs and
preallocated outputs bound once (checked to be written in place). The garbage collector is off
while a batch runs, as timeit does. Inputs are uniform noise in [-1, 1) like op-bench's.
"""
import gc
import json
import sys
import time

import numpy as np

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # the thread count then stays whatever OPENBLAS_NUM_THREADS says
    threadpool_info = None
    threadpool_limits = None

F32 = np.float32


def noise(*shape):
    return (np.random.default_rng(1).random(shape, dtype=F32) * 2 - 1)


def time_batch(fn, req):
    """Wall seconds of each run and the process CPU seconds (all threads) of the whole batch."""
    samples = []
    total = 0.0
    enabled = gc.isenabled()
    gc.disable()
    try:
        cpu0 = time.process_time()  # CLOCK_PROCESS_CPUTIME_ID: all threads of this process
        while len(samples) < req["max_reps"] and (len(samples) < req["min_reps"] or total < req["min_seconds"]):
            t0 = time.perf_counter()
            fn()
            dt = time.perf_counter() - t0
            samples.append(dt)
            total += dt
        cpu = time.process_time() - cpu0
    finally:
        if enabled:
            gc.enable()
    return samples, cpu


def blas_name():
    if threadpool_info is None:
        return "openblas ?"
    # numpy's own OpenBLAS (scipy, once imported for erf, brings a second one).
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    pools.sort(key=lambda p: "numpy" not in p.get("filepath", ""))
    for pool in pools:
        return f"{pool.get('internal_api')} {pool.get('version', '?')} {pool.get('architecture', '?')}"
    return "blas ?"


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def mlas_int8_kernels():
    """The MLAS QGEMM kernels onnxruntime picks on this CPU for u8×s8 and s8×s8 MatMulInteger,
    by the CPUID rules of MLAS's platform.cpp (x86-64), read from /proc/cpuinfo's flags."""
    flags = cpu_flags()
    if not flags:
        return "MLAS U8S8 (CPU flags unknown)", "?"
    if {"amx_tile", "amx_int8"} <= flags:
        u8s8 = "AMX"
    elif {"avx512bw", "avx512dq", "avx512vl"} <= flags:
        u8s8 = "AVX512-VNNI vpdpbusd" if "avx512_vnni" in flags else "AVX512 vpmaddubsw"
    elif "avx_vnni" in flags:
        u8s8 = "AVX-VNNI vpdpbusd"
    elif "avx2" in flags:
        u8s8 = "AVX2 vpmaddubsw"
    else:
        u8s8 = "portable"
    s8s8 = "AVX-VNNI-INT8" if "avx_vnni_int8" in flags else "portable C++ (no AVX-VNNI-INT8)"
    return f"MLAS U8S8 {u8s8} kernel", s8s8


# ----------------------------------------------------------------------------------------------
# numpy


def softmax_into(x, y, mx, sums):
    """Row softmax of x into y with ufuncs only (mx, sums: [rows, 1] scratch)."""
    np.max(x, axis=-1, keepdims=True, out=mx)
    np.subtract(x, mx, out=y)
    np.exp(y, out=y)
    np.sum(y, axis=-1, keepdims=True, out=sums)
    np.divide(y, sums, out=y)


def numpy_case(req):
    """(callable running the op once, code path) or a string saying why not."""
    op = req["op"]
    if op == "matmul":
        a = noise(req["batch"], req["m"], req["k"])
        b = noise(req["n"], req["k"]).T if req["transposed_b"] else noise(req["k"], req["n"])
        c = np.zeros((req["batch"], req["m"], req["n"]), dtype=F32)
        return (lambda: np.matmul(a, b, out=c)), "np.matmul(out=)" + (", B transposed view" if req["transposed_b"] else "")
    if op == "softmax":
        rows, n = req["rows"], req["n"]
        x, y = noise(rows, n), np.zeros((rows, n), F32)
        mx, sums = np.zeros((rows, 1), F32), np.zeros((rows, 1), F32)
        return (lambda: softmax_into(x, y, mx, sums)), "ufuncs with out= (max, subtract, exp, sum, divide)"
    if op == "layernorm":
        rows, n = req["rows"], req["n"]
        x, g, b, y = noise(rows, n), noise(n), noise(n), np.zeros((rows, n), F32)
        mean, var = np.zeros((rows, 1), F32), np.zeros(rows, F32)
        inv_n, eps = F32(1 / n), F32(1e-5)

        def layernorm():
            np.mean(x, axis=-1, keepdims=True, out=mean)
            np.subtract(x, mean, out=y)
            np.einsum("ij,ij->i", y, y, out=var)  # row sums of squares without a temporary
            np.multiply(var, inv_n, out=var)
            np.add(var, eps, out=var)
            np.sqrt(var, out=var)
            np.divide(y, var[:, None], out=y)
            np.multiply(y, g, out=y)
            np.add(y, b, out=y)
        return layernorm, "ufuncs with out=, einsum for the variance"
    if op == "rmsnorm":
        rows, n = req["rows"], req["n"]
        x, g, y = noise(rows, n), noise(n), np.zeros((rows, n), F32)
        ms = np.zeros(rows, F32)
        inv_n, eps = F32(1 / n), F32(1e-6)

        def rmsnorm():
            np.einsum("ij,ij->i", x, x, out=ms)
            np.multiply(ms, inv_n, out=ms)
            np.add(ms, eps, out=ms)
            np.sqrt(ms, out=ms)
            np.divide(x, ms[:, None], out=y)
            np.multiply(y, g, out=y)
        return rmsnorm, "ufuncs with out=, einsum for the mean square"
    if op == "unary":
        x = noise(req["count"])
        y = np.zeros_like(x)
        f = req["function"]
        if f in ("erf", "gelu-erf"):
            try:
                from scipy.special import erf
            except ImportError:
                return "scipy not installed (numpy has no erf)"
            if f == "erf":
                return (lambda: erf(x, out=y)), "scipy.special.erf(out=)"

            def gelu():
                np.multiply(x, F32(0.7071067811865476), out=y)
                erf(y, out=y)
                np.add(y, F32(1), out=y)
                np.multiply(y, x, out=y)
                np.multiply(y, F32(0.5), out=y)
            return gelu, "ufuncs with out=, scipy.special.erf"

        def sigmoid():
            np.negative(x, out=y)
            np.exp(y, out=y)
            np.add(y, F32(1), out=y)
            np.reciprocal(y, out=y)

        def silu():
            np.negative(x, out=y)
            np.exp(y, out=y)
            np.add(y, F32(1), out=y)
            np.divide(x, y, out=y)

        def gelu_tanh():
            np.multiply(x, x, out=y)
            np.multiply(y, x, out=y)
            np.multiply(y, F32(0.044715), out=y)
            np.add(y, x, out=y)
            np.multiply(y, F32(0.7978845608), out=y)
            np.tanh(y, out=y)
            np.add(y, F32(1), out=y)
            np.multiply(y, x, out=y)
            np.multiply(y, F32(0.5), out=y)
        table = {
            "relu": lambda: np.maximum(x, 0, out=y),
            "exp": lambda: np.exp(x, out=y),
            "tanh": lambda: np.tanh(x, out=y),
            "sigmoid": sigmoid,
            "silu": silu,
            "gelu-tanh": gelu_tanh,
            "neg": lambda: np.negative(x, out=y),
            "abs": lambda: np.abs(x, out=y),
            "sqrt": lambda: np.sqrt(x, out=y),
        }
        if f not in table:
            return f"no numpy {f}"
        return table[f], "ufuncs with out="
    if op == "binary":
        a, b = noise(req["count"]), noise(req["count"])
        y = np.zeros_like(a)
        ufunc = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
                 "max": np.maximum, "min": np.minimum}[req["function"]]
        return (lambda: ufunc(a, b, out=y)), f"np.{ufunc.__name__}(out=)"
    if op == "attention":
        b, hq, hkv, sq, sk, d = (req[k] for k in ("b", "hq", "hkv", "sq", "sk", "d"))
        q, k, v = noise(b, hq, sq, d), noise(b, hkv, sk, d), noise(b, hkv, sk, d)
        k = np.repeat(k, hq // hkv, axis=1)
        v = np.repeat(v, hq // hkv, axis=1)
        kt = k.transpose(0, 1, 3, 2)
        scale = F32(1 / np.sqrt(d))
        mask = None
        if req["causal"]:
            mask = np.triu(np.full((sq, sk), -np.inf, dtype=F32), k=sk - sq + 1)
        qs, s, o = np.zeros_like(q), np.zeros((b, hq, sq, sk), F32), np.zeros((b, hq, sq, d), F32)
        mx, sums = np.zeros((b, hq, sq, 1), F32), np.zeros((b, hq, sq, 1), F32)

        def attention():
            np.multiply(q, scale, out=qs)
            np.matmul(qs, kt, out=s)
            if mask is not None:
                np.add(s, mask, out=s)
            softmax_into(s, s, mx, sums)
            np.matmul(s, v, out=o)
        return attention, "materialised softmax(QKᵀ)V, np.matmul and ufuncs with out="
    if op == "globalavgpool":
        x = noise(req["n"], req["c"], req["h"], req["w"])
        y = np.zeros((req["n"], req["c"], 1, 1), F32)
        return (lambda: np.mean(x, axis=(2, 3), keepdims=True, out=y)), "np.mean(out=)"
    if op == "matmul-lowp":
        if req["dtype"] != "bf16":
            return "numpy has no int8 GEMM with int32 accumulation (no BLAS path)"
        # numpy has no bf16 type: the comparison is OpenBLAS SGEMM on the same shape.
        a, b = noise(req["m"], req["k"]), noise(req["k"], req["n"])
        c = np.zeros((req["m"], req["n"]), dtype=F32)
        return (lambda: np.matmul(a, b, out=c)), "fp32 np.matmul(out=): numpy has no bf16"
    return f"no numpy {op}"


# ----------------------------------------------------------------------------------------------
# onnxruntime


def onnx_model(req):
    """(single-operator ONNX model, feeds, code path note) or a string saying why not."""
    from onnx import TensorProto, helper
    op = req["op"]
    f32 = TensorProto.FLOAT
    inits, feeds = [], {}
    note = ""

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
        # uint8 A × int8 B: MLAS's fast QGEMM path on x86 (int8 × int8 has a fast kernel only
        # with AVX-VNNI-INT8). Same shapes and int32 accumulation as op-bench's int8 × int8.
        inits.append(helper.make_tensor("Bq", TensorProto.INT8, [k, n],
                                        rng.integers(-127, 128, size=k * n).tolist()))
        node = helper.make_node("MatMulInteger", ["A", "Bq"], ["Y"])
        inputs = [helper.make_tensor_value_info("A", TensorProto.UINT8, [m, k])]
        outputs = [helper.make_tensor_value_info("Y", TensorProto.INT32, None)]
        feeds["A"] = rng.integers(0, 256, size=(m, k), dtype=np.uint8)
        u8s8, s8s8 = mlas_int8_kernels()
        note = f"MatMulInteger u8×s8 ({u8s8}; its s8×s8 path here: {s8s8}), B prepacked"
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
    return model, feeds, note


def onnxruntime_case(req):
    import onnxruntime as ort
    built = onnx_model(req)
    if isinstance(built, str):
        return built
    model, feeds, note = built
    options = ort.SessionOptions()
    options.intra_op_num_threads = req["threads"]
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    # Inputs bound once; outputs preallocated, touched and bound once, so a run writes into the
    # same buffers every time (as op-bench's kernels do), with no allocation or copy-out.
    binding = session.io_binding()
    keep = []
    for name, array in feeds.items():
        value = ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(array))
        keep.append(value)
        binding.bind_ortvalue_input(name, value)
    reference = session.run(None, feeds)
    outputs = []
    for meta, ref in zip(session.get_outputs(), reference):
        y = np.full_like(ref, -1)
        value = ort.OrtValue.ortvalue_from_numpy(y)
        keep.append(value)
        outputs.append(y)
        binding.bind_ortvalue_output(meta.name, value)
    session.run_with_iobinding(binding)
    for y, ref, bound in zip(outputs, reference, binding.get_outputs()):
        if bound.data_ptr() != y.ctypes.data:
            raise RuntimeError("onnxruntime did not write into the bound output")
        same = np.array_equal(y, ref) if y.dtype.kind in "iu" else np.allclose(y, ref, rtol=1e-5, atol=1e-6, equal_nan=True)
        if not same:
            raise RuntimeError("the io_binding run differs from session.run")
    path = "io_binding, outputs preallocated"

    def run(keep=keep):  # the OrtValues wrap numpy memory: keep them alive with the closure
        session.run_with_iobinding(binding)
    return run, (f"{note}; {path}" if note else path)


# ----------------------------------------------------------------------------------------------


def prepare(req):
    """(peer name with code path, callable) or a string saying why not."""
    if req["peer"] == "numpy":
        name = f"numpy {np.__version__} {blas_name()}"
        made = numpy_case(req)
    elif req["peer"] == "onnxruntime":
        import onnxruntime
        name = f"onnxruntime {onnxruntime.__version__}"
        made = onnxruntime_case(req)
    else:
        raise ValueError(f"unknown peer {req['peer']}")
    if isinstance(made, str):
        return made
    fn, path = made
    fn()  # the untimed warm-up run
    return f"{name}; {path}", fn


def main():
    current_id, current = None, None
    limits = None
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("peer") == "ping":  # op-bench's handshake before it writes anything
            print(json.dumps({"id": req["id"], "ready": True}), flush=True)
            continue
        try:
            cmd = req.get("cmd")
            if cmd == "prepare":
                current_id, current = None, None  # free the previous case first
                if threadpool_limits is not None:
                    limits = threadpool_limits(limits=req["threads"])  # stays in force for the batches
                made = prepare(req)
                if isinstance(made, str):
                    reply = {"id": req["id"], "skip": made}
                else:
                    current_id, current = req["id"], made[1]
                    reply = {"id": req["id"], "peer": made[0]}
            elif cmd == "batch":
                if current is None or current_id != req["id"]:
                    raise ValueError(f"case {req['id']} is not prepared")
                samples, cpu = time_batch(current, req)
                reply = {"id": req["id"], "samples": samples, "cpu": cpu}
            else:
                raise ValueError(f"unknown command {cmd!r}")
        except Exception as error:  # report, keep serving the other cases
            reply = {"id": req.get("id"), "skip": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)
    del limits


if __name__ == "__main__":
    main()
