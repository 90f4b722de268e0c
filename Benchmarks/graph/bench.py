#!/usr/bin/env python3
"""bench-graph: graph-opt against onnxruntime's offline optimizer (and onnxsim), model by model.

The work, the same on every side: read MODEL.onnx from the file, optimize it at the tool's
highest level, and write the optimized model as an ONNX file.

  graph-opt    `graph-opt -O3 --emit onnx --for onnxruntime -o OUT MODEL`, timed as a whole process (start-up,
               reading, optimizing, writing), single-threaded.
  onnxruntime  InferenceSession(MODEL, ORT_ENABLE_ALL, optimized_model_filepath=OUT) in this
               process: Python start-up and `import onnxruntime` are not timed. Its best idiom
               for offline optimization: one intra-op thread (the same as graph-opt; a
               session's thread pool is not needed to optimize) and weight pre-packing off
               (`session.disable_prepacking`: pre-packing prepares inference kernels after the
               optimized model is written and changes nothing in it).
  onnxsim      onnxsim.simplify(MODEL, output_path=OUT) in this process (second peer, details
               only); `certify=False` (its optional Z3 proof is not optimization work).

Sides run interleaved (benchlib.interleave) after one untimed run each; the headline is the
wall-clock median. The number of runs per model is fitted to a time budget from the untimed
round (between MIN_RUNS and MAX_RUNS). Op counts compare the same representation: the nodes of
the ONNX file each tool wrote. Both files hold com.microsoft contrib ops (FusedConv, FusedGemm,
SkipLayerNormalization, QuickGelu, ...) that only onnxruntime runs: graph-opt writes them with
`--for onnxruntime` (plain --emit onnx is standard ONNX); its internal count is in the details
for reference. Every written file is run in onnxruntime (no optimizations) against the original
model on the same input; the relative error is in the details.

Inference (a second row per model): onnxruntime running graph-opt's `--for onnxruntime` file in a
session with graph optimizations off (ORT_DISABLE_ALL: what graph-opt wrote is what runs) vs
onnxruntime's own fully optimized session (ORT_ENABLE_ALL) on the original model, both one
intra-op and one inter-op thread, in this process, on the same input (the correctness check's);
`session.run` only is timed (sessions are built once, outside the timing), interleaved, after
one untimed run each, INFER_RUNS runs (fewer for a model whose run is slow). Goal: at least as
fast (ratio ≥ 1). A third row per model is the one a peer maintainer would ask for: graph-opt's
file in an ORT_ENABLE_ALL session too (onnxruntime's own fusions applied on top of graph-opt's)
against the same ORT_ENABLE_ALL session on the original, timed in the same interleaved rounds,
same goal.

A model graph-opt refuses (an unsupported operator, control flow) is kept: the refusal is a
headline row with no ratio and is listed in the details with graph-opt's message. Every model
has a headline row and a details line, with the issue's two goals judged per model (graph-opt
at least 3x faster than onnxruntime; its file no more nodes than onnxruntime's), met or not.

Models with weights near protobuf's 2 GB limit (the generated 2.3 GB GPT-2) are written with
external data by both tools: graph-opt on its own, onnxruntime through its session options
(`session.optimized_model_external_initializers_file_name`), its documented way.

Usage: bench.py GRAPH_OPT MODEL.onnx... [--budget SECONDS] [--markdown FILE]
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "Benchmarks"))
sys.path.insert(0, os.path.join(REPO, "Tools", "graph"))

import benchlib  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as rt  # noqa: E402
import ort_check  # noqa: E402
import real_models  # noqa: E402

AREA = "graph"
REPRODUCE = "make bench-graph"
MIN_RUNS, MAX_RUNS = 5, 21
CHECK_TOLERANCE = 1e-3  # relative error of a written file against the original, in onnxruntime
QUICK_MODELS = ["squeezenet-rand", "gpt2"]
QUICK_RUNS = 3
# Inference runs per side (the median of 50), fewer when one run is slow (INFER_BUDGET).
INFER_RUNS, INFER_MIN_RUNS, INFER_BUDGET = 50, 5, 20.0
INFER_GOAL = 1.0
# The goals, judged per model: graph-opt this many times faster than onnxruntime, and
# its file no more nodes than onnxruntime's.
SPEED_GOAL = 3.0
# Weights over this many bytes: both tools write external data (protobuf's limit is 2 GiB).
EXTERNAL_ABOVE = 1_800_000_000
# Input shapes for the correctness check where the model leaves dimensions dynamic.
SHAPES = {
    "nudenet-320n": {"images": [1, 3, 320, 320]},
    "ppocr-det": {"x": [1, 3, 320, 320]},
    "ppocr-rec": {"x": [1, 3, 48, 320]},
    "ppocr-cls": {"x": [1, 3, 48, 192]},
    "magika": {"bytes": [1, 2048]},
    "minilm-l3": {"input_ids": [1, 16], "attention_mask": [1, 16]},
    "silero-vad": {"input": [1, 512], "state": [2, 1, 128]},
    "ddddocr-lstm": {"input1": [1, 1, 64, 160]},
    "ddddocr-quant": {"input1": [1, 1, 64, 160]},
}
# Input values other than the ramp (floats) and zeros (integers), where those are not valid.
VALUES = {
    "silero-vad": {"sr": np.array(16000, np.int64)},
    "minilm-l3": {"attention_mask": np.ones((1, 16), np.int64)},
}
# Short names for the headline (the details give the package and version).
LABELS = {
    "nudenet-320n": "NudeNet YOLOv8n detector", "ppocr-det": "PP-OCRv4 text detector",
    "ppocr-rec": "PP-OCRv4 text recognizer", "ppocr-cls": "PP-OCR direction classifier",
    "magika": "Magika file-type classifier", "minilm-l3": "MiniLM-L3 BERT text embedder",
    "silero-vad": "Silero VAD audio model (If, LSTM)",
    "silero-vad-16k": "Silero VAD, sample rate fixed to 16 kHz (its If folds)",
    "ddddocr-lstm": "ddddocr OCR (CNN, bidirectional LSTM)", "ddddocr-quant": "ddddocr OCR, dynamically quantized",
}
GENERATED = {"gpt2": "GPT-2-style decoder, 2 blocks", "llama": "Llama-style decoder, 2 blocks (RMSNorm, RoPE, GQA)",
             "vit": "ViT encoder, 2 blocks", "bev": "BEV-style perception net (GridSample)",
             "gpt2-big": "GPT-2-style decoder, 10 blocks of width 2048, 2.3 GB of external data",
             "recurrent": "LSTM, GRU and RNN stack", "qlinear": "QOperator integer ops (QLinearConv, MatMulInteger, ...)",
             "qdq": "QDQ-quantized Conv and MatMul", "if-body": "If and Loop with bodies to optimize",
             "squeezenet-rand-qdq": "squeezenet quantized by onnxruntime (QDQ)",
             "squeezenet-rand-qop": "squeezenet quantized by onnxruntime (QOperator)",
             "squeezenet-rand-dyn": "squeezenet dynamically quantized by onnxruntime"}


def model_name(path: str) -> str:
    name = os.path.basename(path)[:-len(".onnx")]
    return name[len("light_"):] if name.startswith("light_") else name


def label(path: str) -> str:
    name, family = model_name(path), os.path.basename(os.path.dirname(path))
    if family == "light":
        return f"light zoo {name[:-len('-rand')] if name.endswith('-rand') else name}, dense random weights"
    if family in ("gen", "big") or name in GENERATED:
        return "generated " + GENERATED.get(name, name)
    return LABELS.get(name, name)


def describe(path: str) -> str:
    name, family = model_name(path), os.path.basename(os.path.dirname(path))
    if family == "real":
        return real_models.describe(name)
    if name == "silero-vad-16k":
        return real_models.describe("silero-vad") + ", sample rate a constant 16000"
    if family == "light":
        return "onnx light zoo, dense random weights"
    return "generated: " + GENERATED.get(name, name)


def count_nodes(graph: onnx.GraphProto) -> tuple:
    """(all nodes, nodes outside the standard domain), subgraphs included."""
    total = contrib = 0
    for n in graph.node:
        total += 1
        contrib += n.domain not in ("", "ai.onnx")
        for a in n.attribute:
            for g in ([a.g] if a.type == onnx.AttributeProto.GRAPH else list(a.graphs)):
                t, c = count_nodes(g)
                total, contrib = total + t, contrib + c
    return total, contrib


def weight_bytes(path: str) -> int:
    """The model file and its external data files."""
    total = os.path.getsize(path)
    data = path + ".data"
    return total + (os.path.getsize(data) if os.path.exists(data) else 0)


def file_nodes(path: str) -> tuple:
    return count_nodes(onnx.load(path, load_external_data=False).graph)


def ort_optimize(model: str, out: str) -> None:
    so = rt.SessionOptions()
    so.graph_optimization_level = rt.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.optimized_model_filepath = out
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.disable_prepacking", "1")
    if weight_bytes(model) > EXTERNAL_ABOVE:
        so.add_session_config_entry("session.optimized_model_external_initializers_file_name", os.path.basename(out) + ".data")
        so.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    so.log_severity_level = 3
    rt.InferenceSession(model, so, providers=["CPUExecutionProvider"])


def ort_crash(model: str, out: str) -> str | None:
    """Why onnxruntime's optimizer cannot be run in this process on `model`, or None. It is first
    run in a child process: onnxruntime 1.31.1 segfaults building the ORT_ENABLE_ALL session of
    Silero VAD with its sample rate made constant (in its If inlining), and in-process that would
    take the whole benchmark down with it."""
    child = subprocess.run([sys.executable, os.path.abspath(__file__), "--probe-ort", model, out],
                           capture_output=True, text=True, timeout=900)
    if child.returncode < 0:
        return f"onnxruntime crashed optimizing it (signal {-child.returncode})"
    return None


def onnxsim_module():
    try:
        import onnxsim
        return onnxsim
    except ImportError:
        return None


def sim_optimize(sim, model: str, out: str) -> None:
    _, ok = sim.simplify(model, output_path=out, certify=False, external_data_threshold="2GB")
    if not ok:
        raise RuntimeError("onnxsim: simplified model failed its check")


def graph_opt_ir_ops(binary: str, model: str, out: str) -> int:
    """graph-opt's internal op count after -O3 (fused ops count once): for the details only."""
    err = subprocess.run([binary, "-O3", "--stats", "--emit", "onnx", "--for", "onnxruntime", "-o", out, model],
                         capture_output=True, text=True, timeout=600).stderr
    total = [line.split() for line in err.splitlines() if line.strip().startswith("total")]
    return int(total[0][2]) if total else -1


def errors_against_original(model: str, outputs: dict, shapes: dict, values: dict) -> dict:
    """Relative error of each written file against the original, both run in onnxruntime."""
    try:
        ref_sess = check_session(model)
        feeds = {**ort_check.ramp_feeds(ref_sess, shapes), **values}
        names = [o.name for o in ref_sess.get_outputs()]
        ref = ref_sess.run(None, feeds)
    except Exception as e:
        return {side: f"not checked: the original does not run: {first_line(str(e))}" for side in outputs}
    result = {}
    for side, path in outputs.items():
        try:
            sess = check_session(path)
            got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, feeds)))
            result[side] = max(ort_check.relative_error(x, got[n]) if n in got else math.inf
                               for n, x in zip(names, ref))
        except Exception as e:  # a file onnxruntime cannot run is a finding, not a crash
            result[side] = f"does not run: {first_line(str(e))}"
    return result


def first_line(text: str) -> str:
    """The gist of an error: its last line, onnxruntime's status message without the C++ context."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    node = re.search(r"running (\w+) node", line)
    if "Status Message:" in line:
        line = line.rsplit("Status Message:", 1)[1].strip()
        line = line.rsplit(" was false. ", 1)[-1]
        line = (f"{node.group(1)}: " if node else "") + line
    return line[:200]


def check_session(path: str) -> rt.InferenceSession:
    opts = rt.SessionOptions()
    opts.graph_optimization_level = rt.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.log_severity_level = 4  # a failure is reported in the table, not logged
    return rt.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def fmt_ms(stats: dict | None) -> str:
    if not stats:
        return "–"
    return f"{stats['median'] * 1e3:.1f} ({stats['min'] * 1e3:.3g}–{stats['max'] * 1e3:.3g})"


def fmt_err(e) -> str:
    if e is None:
        return "–"
    if isinstance(e, str):
        return e
    return "0" if e == 0 else f"{e:.1e}"


def bench_model(binary: str, path: str, tmp: str, budget: float, sim) -> dict:
    name = model_name(path)
    out = {s: os.path.join(tmp, f"{name}.{s}.onnx") for s in ("graph-opt", "onnxruntime", "onnxsim")}
    res = {"name": name, "path": path, "what": describe(path), "label": label(path), "mb": weight_bytes(path) / 1e6,
           "before": file_nodes(path)[0], "refused": None, "sim_error": None, "ort_error": None,
           "timing": {}, "nodes": {}}
    sides, warm = {}, 0.0
    # The untimed run of each side: does it take the model, and how long is one round?
    g_cmd = [binary, "-O3", "--emit", "onnx", "--for", "onnxruntime", "-o", out["graph-opt"], path]
    p = subprocess.run(g_cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        res["refused"] = (first_line(p.stderr).replace(f"graph-opt: {path}: ", "")
                          or f"exit status {p.returncode}")
    else:
        sides["graph-opt"] = g_cmd
        warm += benchlib.time_once(g_cmd)[0]
    ort_side = lambda: ort_optimize(path, out["onnxruntime"])  # noqa: E731
    crash = ort_crash(path, out["onnxruntime"])
    try:
        if not crash:
            warm += benchlib.time_once(ort_side)[0]
            sides["onnxruntime"] = ort_side
    except Exception as e:  # the peer fails: graph-opt is still timed, the row says why
        res["ort_error"] = first_line(str(e))
    res["ort_error"] = crash or res["ort_error"]
    if res["ort_error"] and not sides:
        return res
    if sim is not None and crash:  # onnxsim folds constants through onnxruntime in this process
        res["sim_error"] = "not run: " + crash.replace("optimizing it", "on this model")
    elif sim is not None:
        sim_side = lambda: sim_optimize(sim, path, out["onnxsim"])  # noqa: E731
        try:
            warm += benchlib.time_once(sim_side)[0]
            sides["onnxsim"] = sim_side
        except Exception as e:
            res["sim_error"] = first_line(str(e))
    # A model whose one round takes longer than the budget (the 2.3 GB one) gets three runs.
    least = MIN_RUNS if warm < budget else 3
    runs = QUICK_RUNS if benchlib.quick() else max(least, min(MAX_RUNS, int(budget / max(warm, 1e-3))))
    # Each run writes a new file: the previous run's output is removed untimed first, for every
    # side alike (replacing a file costs a filesystem flush, ext4's auto_da_alloc, that neither
    # optimizer's own work includes).
    res["timing"] = benchlib.interleave(sides, runs, warmup=0,
                                        prepare={s: (lambda f=out[s]: remove_output(f)) for s in sides})
    for side in sides:
        res["nodes"][side] = file_nodes(out[side])
    if "graph-opt" in sides:
        res["ir_ops"] = graph_opt_ir_ops(binary, path, os.path.join(tmp, "stats.onnx"))
    res["errors"] = errors_against_original(path, {s: out[s] for s in sides}, SHAPES.get(name, {}), VALUES.get(name, {}))
    if "graph-opt" in sides and not crash:
        res["inference"] = bench_inference(path, out["graph-opt"], SHAPES.get(name, {}), VALUES.get(name, {}))
    for f in out.values():
        remove_output(f)
    return res


def remove_output(path: str) -> None:
    """An optimized model and its external data file, if a run left them."""
    for f in (path, path + ".data"):
        if os.path.exists(f):
            os.remove(f)


def inference_session(path: str, level) -> rt.InferenceSession:
    so = rt.SessionOptions()
    so.graph_optimization_level = level
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 4
    return rt.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def bench_inference(model: str, ours: str, shapes: dict, values: dict) -> dict:
    """{"timing": interleave output} for onnxruntime on our file (optimizations off) vs its fully
    optimized session on the original, or {"error": why} when a side does not run."""
    try:
        peer = inference_session(model, rt.GraphOptimizationLevel.ORT_ENABLE_ALL)
        feeds = {**ort_check.ramp_feeds(peer, shapes), **values}
        peer.run(None, feeds)
    except Exception as e:
        return {"error": f"the original does not run: {first_line(str(e))}"}
    try:
        mine = inference_session(ours, rt.GraphOptimizationLevel.ORT_DISABLE_ALL)
        mine.run(None, feeds)
        mine_all = inference_session(ours, rt.GraphOptimizationLevel.ORT_ENABLE_ALL)
        mine_all.run(None, feeds)
    except Exception as e:
        return {"error": f"graph-opt's file does not run: {first_line(str(e))}"}
    sides = {"graph-opt": lambda: mine.run(None, feeds), "graph-opt+ort": lambda: mine_all.run(None, feeds),
             "onnxruntime": lambda: peer.run(None, feeds)}
    one = sum(benchlib.time_once(f)[0] for f in sides.values())
    runs = QUICK_RUNS if benchlib.quick() else max(INFER_MIN_RUNS, min(INFER_RUNS, int(INFER_BUDGET / max(one, 1e-6))))
    return {"timing": benchlib.interleave(sides, runs, warmup=0)}


INFER_INCLUDES = ("session.run only, in-process, 1 intra-op and 1 inter-op thread each: onnxruntime on graph-opt's "
                  "--for onnxruntime file with graph optimizations off (ORT_DISABLE_ALL) vs onnxruntime's "
                  "ORT_ENABLE_ALL session on the original model; sessions built outside the timing.")
INFER_ALL_INCLUDES = ("session.run only, in-process, 1 intra-op and 1 inter-op thread each: onnxruntime on graph-opt's "
                      "--for onnxruntime file with ORT_ENABLE_ALL (its fusions on top of graph-opt's) vs onnxruntime's "
                      "ORT_ENABLE_ALL session on the original model; sessions built outside the timing.")


def inference_rows(results: list, ort_version: str) -> list:
    rows = []
    for r in results:
        inf = r.get("inference")
        if not inf:
            continue
        workload = (f"ORT inference of {r['label']}: our --for onnxruntime output with ORT optimizations off vs "
                    f"ORT's own ORT_ENABLE_ALL session on the original")
        if "error" in inf:
            nan = {"median": math.nan, "min": math.nan, "max": math.nan, "n": 0}
            rows.append({"area": AREA, "workload": workload, "peer": "onnxruntime", "peer_version": ort_version,
                         "metric": "time", "clock": "wall", "ours_stats": nan, "peer_stats": nan, "ours_cpu": None,
                         "peer_cpu": None, "ratio": math.nan, "includes": INFER_INCLUDES, "reproduce": REPRODUCE,
                         "goal": f"≥ {INFER_GOAL:g}× (as fast)", "goal_met": False,
                         "note": f"Not timed: {inf['error']}. Goal NOT met."})
            continue
        t = inf["timing"]
        for side, what, includes in (("graph-opt", "ORT optimizations off", INFER_INCLUDES),
                                     ("graph-opt+ort", "ORT optimizations on (ORT_ENABLE_ALL)", INFER_ALL_INCLUDES)):
            ratio = t["onnxruntime"]["wall"]["median"] / t[side]["wall"]["median"]
            met = "met" if ratio >= INFER_GOAL else "NOT met"
            rows.append(benchlib.time_row(
                AREA, workload.replace("ORT optimizations off", what), "onnxruntime", ort_version, t, side, "onnxruntime",
                REPRODUCE, includes=includes, goal=f"≥ {INFER_GOAL:g}× (as fast)", goal_ratio=INFER_GOAL,
                note=f"Median of {t[side]['wall']['n']} interleaved runs. Goal (at least as fast as "
                     f"ORT_ENABLE_ALL on the original): {met} ({ratio:.2f}×)."))
    return rows


def inference_details(results: list) -> str:
    lines = ["", "### onnxruntime inference: graph-opt --for onnxruntime (ORT optimizations off, and on) vs ORT_ENABLE_ALL", "",
             INFER_INCLUDES + " Ratio (on): the same, graph-opt's file in an ORT_ENABLE_ALL session (onnxruntime's "
             f"fusions on top of graph-opt's), timed in the same interleaved rounds. Goal: at least as fast ({INFER_GOAL:g}×).", "",
             "| model | contrib ops in graph-opt's file | graph-opt file, ORT_DISABLE_ALL ms | graph-opt file, ORT_ENABLE_ALL ms | "
             "original, ORT_ENABLE_ALL ms | ratio (off) | ratio (on) | n | goal (off / on) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        inf = r.get("inference")
        if not inf:
            continue
        contrib = r["nodes"].get("graph-opt", (0, 0))[1]
        if "error" in inf:
            lines.append(f"| {r['name']} | {contrib} | – | – | – | – | – | 0 | NOT met ({inf['error']}) |")
            continue
        t = inf["timing"]
        g, ga, o = t["graph-opt"]["wall"], t["graph-opt+ort"]["wall"], t["onnxruntime"]["wall"]
        ratio, ratio_all = o["median"] / g["median"], o["median"] / ga["median"]
        lines.append(f"| {r['name']} | {contrib} | {benchlib.spread(g, 1e3, '.3g')} | {benchlib.spread(ga, 1e3, '.3g')} | "
                     f"{benchlib.spread(o, 1e3, '.3g')} | {ratio:.2f}× | {ratio_all:.2f}× | {g['n']} | "
                     + " / ".join("met" if x >= INFER_GOAL else "NOT met" for x in (ratio, ratio_all)) + " |")
    return "\n".join(lines) + "\n"


def goals(r: dict) -> tuple:
    """(speed goal, node goal) as 'met'/'NOT met (...)' for a model both tools optimized."""
    t = r["timing"]
    g, o = t["graph-opt"]["wall"]["median"], t["onnxruntime"]["wall"]["median"]
    ratio = o / g
    speed = f"met ({ratio:.2f}×)" if ratio >= SPEED_GOAL else f"NOT met ({ratio:.2f}× < {SPEED_GOAL:g}×)"
    gn, on = r["nodes"]["graph-opt"][0], r["nodes"]["onnxruntime"][0]
    nodes = f"met ({gn} ≤ {on})" if gn <= on else f"NOT met ({gn} > {on})"
    return speed, nodes


INCLUDES = ("Both sides read the model file and write the optimized ONNX file, one thread each. graph-opt: "
            "the whole process (start-up included); onnxruntime: session creation in-process (ORT_ENABLE_ALL, "
            "optimized_model_filepath, pre-packing off), Python start-up and imports not timed.")


def rows_for(results: list, ort_version: str) -> list:
    rows = []
    by_name = {r["name"]: r for r in results}
    quick = benchlib.quick()
    nan = {"median": math.nan, "min": math.nan, "max": math.nan, "n": 0}
    for name in by_name:
        r = by_name[name]
        workload = f"optimize {r['label']} ({r['before']} nodes, {r['mb']:.1f} MB) into an ONNX file"
        if r["ort_error"] and not r["refused"]:
            # onnxruntime's optimizer fails on the model: graph-opt's time, no ratio.
            ours = r["timing"]["graph-opt"]
            err = r["errors"].get("graph-opt")
            rows.append({
                "area": AREA, "workload": f"{workload}: onnxruntime's optimizer fails on it", "peer": "onnxruntime",
                "peer_version": ort_version, "metric": "time", "clock": "wall", "ours_stats": ours["wall"],
                "peer_stats": nan, "ours_cpu": ours["cpu"]["median"], "peer_cpu": None,
                "ratio": math.nan, "includes": INCLUDES, "reproduce": REPRODUCE,
                "note": f"onnxruntime (ORT_ENABLE_ALL) cannot optimize this model: {r['ort_error']}. graph-opt's file "
                        f"has {r['nodes']['graph-opt'][0]} nodes; against the original in onnxruntime (no optimizations) "
                        f"its relative error is {fmt_err(err)}. Goals: not judged (no peer result).",
            })
            continue
        if r["ort_error"]:
            continue
        if r["refused"]:
            peer = r["timing"]["onnxruntime"]["wall"]
            rows.append({
                "area": AREA, "workload": f"{workload}: graph-opt refuses it", "peer": "onnxruntime",
                "peer_version": ort_version, "metric": "time", "clock": "wall", "ours_stats": nan,
                "peer_stats": peer, "ours_cpu": None, "peer_cpu": r["timing"]["onnxruntime"]["cpu"]["median"],
                "ratio": math.nan, "includes": INCLUDES, "reproduce": REPRODUCE,
                "note": f"graph-opt cannot run this model: {r['refused']}",
            })
            continue
        g, o = r["nodes"]["graph-opt"][0], r["nodes"]["onnxruntime"][0]
        err = r["errors"].get("graph-opt")
        ok = isinstance(err, float) and err <= CHECK_TOLERANCE
        check = (f"graph-opt's file computes the original's outputs (relative error {fmt_err(err)} in onnxruntime)"
                 if ok else f"CHECK FAILED: graph-opt's file vs the original in onnxruntime: {fmt_err(err)}")
        if not ok:
            workload += " (graph-opt's file fails the onnxruntime check)"
        speed, nodes = goals(r)
        rows.append(benchlib.time_row(
            AREA, workload, "onnxruntime", ort_version, r["timing"], "graph-opt", "onnxruntime", REPRODUCE,
            includes=INCLUDES,
            note=f"Nodes in the written file: graph-opt {g}, onnxruntime {o}. {check}. "
                 f"Goals: {SPEED_GOAL:g}× faster than onnxruntime {speed}; no more nodes {nodes}."))
    both = [r for r in results if not r["refused"] and not r["ort_error"]]
    if both and not quick:
        g = sum(r["nodes"]["graph-opt"][0] for r in both)
        o = sum(r["nodes"]["onnxruntime"][0] for r in both)
        gc = sum(r["nodes"]["graph-opt"][1] for r in both)
        oc = sum(r["nodes"]["onnxruntime"][1] for r in both)
        rows.append(benchlib.size_row(
            AREA, f"nodes in the optimized ONNX files, summed over the {len(both)} models both tools optimized "
                  f"(from {sum(r['before'] for r in both)})", "onnxruntime", ort_version,
            g, o, "nodes", REPRODUCE, metric="count",
            note=f"Per model in the details. com.microsoft contrib nodes (runnable by onnxruntime only) among "
                 f"them: graph-opt {gc} (written with --for onnxruntime), onnxruntime {oc}."))
    return rows


def details(results: list, ort_version: str, sim_version: str, startup: dict) -> str:
    lines = [
        "### graph-opt -O3 vs onnxruntime ORT_ENABLE_ALL vs onnxsim, every model",
        "",
        "Wall-clock ms: median (min–max) of interleaved runs, n per model in the last column. "
        + INCLUDES + f" onnxsim {sim_version}: `onnxsim.simplify(MODEL, output_path=OUT)` in-process. "
        "Nodes: of the ONNX file each tool wrote (subgraphs included; `+k` = k nodes outside the standard "
        "domain, runnable by onnxruntime only); graph-opt IR: its internal count after -O3, where a fused op "
        "counts once (not comparable with the files). Error: max relative error of each written file against "
        "the original, both run in onnxruntime without optimizations on the same input. "
        f"For scale: graph-opt's process start-up alone (`graph-opt --version`) takes {fmt_ms(startup)} ms.",
        "",
        f"Goals (the issue's, per model): graph-opt at least {SPEED_GOAL:g}× faster than onnxruntime; its file "
        "no more nodes than onnxruntime's. MB counts external data.",
        "",
        "| model | what | MB | nodes | graph-opt ms | onnxruntime ms | onnxsim ms | ORT / graph-opt | nodes: graph-opt file (IR) | onnxruntime | onnxsim | error: graph-opt | onnxruntime | onnxsim | n | speed goal | node goal |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---|---|",
    ]
    refusals = []
    for r in results:
        t = r["timing"]
        if r["ort_error"]:
            refusals.append(f"- {r['name']}: onnxruntime's optimizer fails on it: `{r['ort_error']}`")
            if not t:
                continue
        g, o, s = (t.get(k, {}).get("wall") for k in ("graph-opt", "onnxruntime", "onnxsim"))
        ratio = f"{o['median'] / g['median']:.2f}×" if g and o else ("refused" if not g else "ORT fails")
        nodes = r["nodes"]

        def nc(side):
            if side not in nodes:
                return "–"
            total, contrib = nodes[side]
            return f"{total}" + (f" +{contrib}" if contrib else "")
        gnodes = f"{nc('graph-opt')} ({r['ir_ops']})" if "ir_ops" in r else "–"
        errs = r.get("errors", {})
        n = max(v["wall"]["n"] for v in t.values())
        speed, node_goal = goals(r) if g and o else (("NOT met (refused)",) * 2 if not g else ("no peer result",) * 2)
        lines.append(f"| {r['name']} | {r['what']} | {r['mb']:.1f} | {r['before']} | {fmt_ms(g)} | {fmt_ms(o)} | "
                     f"{fmt_ms(s)} | {ratio} | {gnodes} | {nc('onnxruntime')} | {nc('onnxsim')} | "
                     f"{fmt_err(errs.get('graph-opt'))} | {fmt_err(errs.get('onnxruntime'))} | "
                     f"{fmt_err(errs.get('onnxsim'))} | {n} | {speed} | {node_goal} |")
        if r["refused"]:
            refusals.append(f"- {r['name']}: graph-opt refuses it: `{r['refused']}`")
        if r["sim_error"]:
            refusals.append(f"- {r['name']}: onnxsim failed: `{r['sim_error']}`")
    if refusals:
        lines += ["", "Models a tool could not run:", "", *refusals]
    return "\n".join(lines) + "\n"


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--probe-ort":  # the child of ort_crash
        try:
            ort_optimize(sys.argv[2], sys.argv[3])
        except Exception:  # an exception is reported by the timed side itself
            pass
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("models", nargs="+")
    ap.add_argument("--budget", type=float, default=14.0,
                    help="seconds of timed runs per model (sets the run count; full run only)")
    ap.add_argument("--markdown", help="also write the details table here")
    a = ap.parse_args()
    load = benchlib.machine_load()
    models = a.models
    if benchlib.quick():
        models = [m for m in models if model_name(m) in QUICK_MODELS] or models[:2]
    sim = onnxsim_module()
    sim_version = getattr(sim, "__version__", "not installed") if sim else "not installed"
    startup = benchlib.interleave({"start-up": [a.binary, "--version"]}, QUICK_RUNS if benchlib.quick() else 11)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for m in models:
            r = bench_model(a.binary, m, tmp, a.budget, sim)
            results.append(r)
            t = r["timing"]
            if r["ort_error"]:
                print(f"bench-graph: {r['name']}: onnxruntime failed: {r['ort_error']}", flush=True)
                continue
            g = t.get("graph-opt", {}).get("wall")
            o = t["onnxruntime"]["wall"]
            print(f"bench-graph: {r['name']}: " + (f"graph-opt {g['median'] * 1e3:.1f} ms, " if g else
                                                   f"graph-opt refuses ({r['refused']}), ")
                  + f"onnxruntime {o['median'] * 1e3:.1f} ms"
                  + (f", ratio {o['median'] / g['median']:.2f}×" if g else "")
                  + f"; nodes {r['before']} -> " + ", ".join(f"{k} {v[0]}" for k, v in r["nodes"].items())
                  + f"; n={o['n']}", flush=True)
            inf = r.get("inference", {})
            if "timing" in inf:
                gi, ai, oi = (inf["timing"][k]["wall"] for k in ("graph-opt", "graph-opt+ort", "onnxruntime"))
                print(f"bench-graph: {r['name']}: inference, our file (ORT_DISABLE_ALL) {gi['median'] * 1e3:.2f} ms, "
                      f"our file (ORT_ENABLE_ALL) {ai['median'] * 1e3:.2f} ms, "
                      f"original (ORT_ENABLE_ALL) {oi['median'] * 1e3:.2f} ms, ratios {oi['median'] / gi['median']:.2f}× / "
                      f"{oi['median'] / ai['median']:.2f}×", flush=True)
            elif inf:
                print(f"bench-graph: {r['name']}: inference not timed: {inf['error']}", flush=True)
    md = details(results, rt.__version__, sim_version, startup["start-up"]["wall"]) + inference_details(results)
    rows = rows_for(results, rt.__version__) + inference_rows(results, rt.__version__)
    path = benchlib.write_rows(AREA, rows, load, md)
    print(md)
    print(f"bench-graph: {len(rows)} rows in {path}")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    # A file that does not compute the original's outputs is reported (row note, details),
    # not fatal: the rest of the report still stands. `make test-graph-ort` is the gate.
    for r in results:
        e = r.get("errors", {}).get("graph-opt")
        if e is not None and not (isinstance(e, float) and e <= CHECK_TOLERANCE):
            print(f"bench-graph: WARNING: {r['name']}: graph-opt's file vs the original: {fmt_err(e)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
