#!/usr/bin/env python3
"""bench-graph: graph-opt against onnxruntime's offline optimizer and onnxsim, side by side.

For each model: wall time to optimize (best of N runs; graph-opt as a fresh process, and
also its in-process time from --stats, import + optimize + write; onnxruntime and onnxsim
in process, which is how their users call them) and the number of operator nodes in the
result. onnxruntime: ORT_ENABLE_ALL with optimized_model_filepath.
onnxsim: onnxsim.simplify (skipped with a note when not installed).

Usage: bench.py GRAPH_OPT_BINARY MODEL.onnx... [--runs N] [--markdown FILE]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import onnx


def op_count(path: str) -> int:
    return len(onnx.load(path, load_external_data=False).graph.node)


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def graph_opt(binary: str, model: str, out: str, runs: int) -> tuple:
    cmd = [binary, "-O3", "--emit", "onnx", "-o", out, model]
    t = best(lambda: subprocess.run(cmd, check=True, timeout=600), runs)
    inside = []
    for _ in range(runs):
        stats = subprocess.run([binary, "-O3", "--stats", "--emit", "onnx", "-o", out, model],
                               check=True, capture_output=True, text=True, timeout=600).stderr
        # "import A ms, optimize B ms, write C ms": the work without process start-up,
        # comparable to onnxruntime's in-process session creation.
        line = [l for l in stats.splitlines() if l.strip().startswith("import ")][0]
        inside.append(sum(float(w) for w in line.replace(",", " ").split() if w.replace(".", "").isdigit()) / 1e3)
    # The IR count (fused ops count once) from the stats "total" row; the exported file
    # may hold extra ConstantOfShape nodes that rebuild splat weights.
    total = [l.split() for l in stats.splitlines() if l.strip().startswith("total")]
    ir_ops = int(total[0][2]) if total else -1
    return t, ir_ops, op_count(out), min(inside)


def ort(model: str, out: str, runs: int) -> tuple:
    import onnxruntime as rt

    def once():
        so = rt.SessionOptions()
        so.graph_optimization_level = rt.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.optimized_model_filepath = out
        so.log_severity_level = 3
        rt.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    return best(once, runs), op_count(out)


def onnxsim(model: str, out: str, runs: int):
    try:
        import onnxsim as sim
    except ImportError:
        return None

    def once():
        m, ok = sim.simplify(onnx.load(model))
        onnx.save(m, out)
    try:
        return best(once, runs), op_count(out)
    except Exception as e:  # report, keep benchmarking the others
        print(f"bench-graph: onnxsim failed on {model}: {str(e).splitlines()[0]}", file=sys.stderr)
        return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("models", nargs="+")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--markdown")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for m in a.models:
            name = os.path.basename(m).replace(".onnx", "")
            before = op_count(m)
            g = graph_opt(a.binary, m, os.path.join(tmp, "g.onnx"), a.runs)
            o = ort(m, os.path.join(tmp, "o.onnx"), a.runs)
            s = onnxsim(m, os.path.join(tmp, "s.onnx"), a.runs)
            rows.append((name, before, g, o, s))
            print(f"{name}: {before} ops; graph-opt {g[1]} ops ({g[2]} in file) {g[0]*1e3:.0f} ms; "
                  f"ORT {o[1]} ops {o[0]*1e3:.0f} ms; "
                  + (f"onnxsim {s[1]} ops {s[0]*1e3:.0f} ms" if s else "onnxsim: no result"), flush=True)
    lines = ["| model | ops before | graph-opt ops | ORT ops | onnxsim ops | graph-opt ms (process) | graph-opt ms (in process) | ORT ms | onnxsim ms | ORT / graph-opt (process) | ORT / graph-opt (in process) | onnxsim / graph-opt (process) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, before, g, o, s in rows:
        sim_ops = str(s[1]) if s else "-"
        sim_ms = f"{s[0]*1e3:.0f}" if s else "-"
        sim_ratio = f"{s[0]/g[0]:.1f}×" if s else "-"
        lines.append(f"| {name} | {before} | {g[1]} | {o[1]} | {sim_ops} | {g[0]*1e3:.0f} | {g[3]*1e3:.1f} | {o[0]*1e3:.0f} | {sim_ms} | "
                     f"{o[0]/g[0]:.1f}× | {o[0]/g[3]:.1f}× | {sim_ratio} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
