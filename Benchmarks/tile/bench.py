#!/usr/bin/env python3
"""bench-tile: tile-plan against ZigZag (zigzag-dse 3.9.1), layer by layer on ResNet-18.

The work, the same on both sides: one ResNet-18 layer (Tools/resnet18_layers.py: the 20
convolutions and the classifier, int8 operands, 16-bit partial sums), one accelerator (ZigZag's
bundled tpu_like and eyeriss_like; tile-plan's presets tpu-like and eyeriss-like carry the same
figures), search for the mapping of least energy.

  tile-plan  `tile-plan --arch A --objective energy LAYER.graph -o OUT`, timed as a whole
             process (start-up, reading the graph stream, search, writing the tiles stream).
             Its default search budget (--max-visits 200000, deterministic).
  ZigZag     `python Tools/zigzag_layer.py LAYER.onnx A --opt energy` in ZigZag's own venv
             (make zigzag-venv), timed as a whole process: Python start-up, imports, parsing the
             ONNX layer and the YAML files, and its LOMA search (lpf_limit 6, its default). The
             search alone is in the details (ZigZag's own clock).

ZigZag's own choice is also exported (Tools/zigzag_layer.py --arch-json) and costed by our model
(`tile-plan --evaluate-mapping`): the "same mapping" rows compare the two cost models on one
mapping (goal: within 2%).

Each side runs once per layer (ZigZag takes seconds per layer; the ratio dwarfs the noise).
Rows: time per layer (ratio = ZigZag / tile-plan, above 1 we are faster), energy of the chosen
mapping (ratio = ours / ZigZag, below 1 our mapping costs less) and its latency, each side by
its own cost model: Docs/tile.md says where the two models differ. Every layer has its rows,
the ones where we lose included.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tools"))
import benchlib  # noqa: E402
import tiles_json  # noqa: E402

ARCHS = {"tpu-like": "tpu_like", "eyeriss-like": "eyeriss_like"}
QUICK_LAYERS = ["layer1.0.conv1", "layer3.0.downsample.0"]


def run(cmd, **kw):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 900), **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[:300]}")
    return time.perf_counter() - t0, p.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory of graph-opt, tile-plan and rec-cat")
    ap.add_argument("--zigzag-python", required=True)
    ap.add_argument("--markdown", help="also write the per-layer table here")
    ap.add_argument("--graph-dir", help="graph-models' directory (light/, gen/): adds the fused vs --no-fuse rows")
    a = ap.parse_args()
    load = benchlib.machine_load()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    tools = os.path.join(root, "Tools")
    version = run([a.zigzag_python, "-c", "import importlib.metadata as m; print(m.version('zigzag-dse'))"])[1].strip()
    layers = [line.split()[0] for line in run([sys.executable, os.path.join(tools, "resnet18_layers.py"), "--list"])[1].splitlines()]
    layers.append("fc")
    if benchlib.quick():
        layers = QUICK_LAYERS
    rows, table = [], ["| arch | layer | tile-plan s | ZigZag s (search) | energy µJ ours / ZigZag | ratio | latency cycles ours / ZigZag | our gap (energy) | ZigZag's mapping in our model: energy / latency ratio |",
                       "|---|---|---|---|---|---|---|---|---|"]
    reproduce = "make bench-tile"
    with tempfile.TemporaryDirectory() as tmp:
        arch_json = {}
        for arch in ARCHS:
            run([os.path.join(a.bin, "tile-plan"), "--arch", arch, "--print-arch", "-o", os.path.join(tmp, arch + ".arch")])
            _, text = run([os.path.join(a.bin, "rec-cat"), "--json", os.path.join(tmp, arch + ".arch")])
            arch_json[arch] = os.path.join(tmp, arch + ".json")
            with open(arch_json[arch], "w") as f:
                json.dump(benchlib.first_record(text, "arch"), f)
        for arch, zz in ARCHS.items():
            for layer in layers:
                onnx = os.path.join(tmp, f"{layer}.onnx")
                graph = os.path.join(tmp, f"{layer}.graph")
                out = os.path.join(tmp, f"{layer}.{arch}.tiles")
                run([sys.executable, os.path.join(tools, "resnet18_layers.py"), "--onnx", onnx, "--layer", layer])
                run([os.path.join(a.bin, "graph-opt"), "-o", graph, onnx])
                ours_s, _ = run([os.path.join(a.bin, "tile-plan"), "--arch", arch, "--objective", "energy", "-o", out, graph])
                _, text = run([os.path.join(a.bin, "rec-cat"), "--json", out])
                group = benchlib.first_record(text, "group")
                peer_s, peer_text = run([a.zigzag_python, os.path.join(tools, "zigzag_layer.py"), onnx, zz, "--opt", "energy",
                                         "--arch-json", arch_json[arch], "--layer", layer])
                peer = json.loads(peer_text.strip().splitlines()[-1])
                same = None
                if "sluice_mapping" in peer:
                    given = os.path.join(tmp, f"{layer}.{arch}.map.json")
                    with open(given, "w") as f:
                        json.dump([peer["sluice_mapping"]], f)
                    try:
                        same_out = os.path.join(tmp, f"{layer}.{arch}.same.tiles")
                        run([os.path.join(a.bin, "tile-plan"), "--arch", arch, "--objective", "energy",
                             "--evaluate-mapping", given, "-o", same_out, graph])
                        _, same_json = run([os.path.join(a.bin, "rec-cat"), "--json", same_out])
                        same = benchlib.first_record(same_json, "group")
                    except RuntimeError as e:
                        peer["sluice_mapping_error"] = str(e)[:200]
                workload = f"ResNet-18 {layer} on {arch}"
                timing = {"ours": {"wall": benchlib.single(ours_s), "cpu": benchlib.single(ours_s)},
                          "peer": {"wall": benchlib.single(peer_s), "cpu": benchlib.single(peer_s)}}
                rows.append(benchlib.time_row("tile", f"{workload}: mapping search", "ZigZag LOMA", version, timing, "ours", "peer",
                                              reproduce, includes="both: whole process (start-up, parse, search, write)",
                                              note=f"ZigZag's own search clock {peer['search_seconds']:.2f} s",
                                              goal="at most 0.2 s per layer", goal_ratio=None))
                rows[-1]["goal_met"] = ours_s <= 0.2
                rows.append(benchlib.size_row("tile", f"{workload}: energy of the chosen mapping", "ZigZag LOMA", version,
                                              group["energyPj"], peer["energy_pj"], "pJ", reproduce, metric="energy",
                                              note="each side by its own cost model (Docs/tile.md)",
                                              goal="no worse than ZigZag", goal_ratio=1.0))
                rows.append(benchlib.size_row("tile", f"{workload}: latency of the chosen mapping", "ZigZag LOMA", version,
                                              group["cycles"], peer["latency_cycles"], "cycles", reproduce, metric="latency",
                                              note="energy-optimal mappings; our model serializes refills of single-buffered levels"))
                if same is not None:
                    rows.append(benchlib.size_row("tile", f"{workload}: ZigZag's mapping, energy in our model", "ZigZag LOMA", version,
                                                  same["energyPj"], peer["energy_pj"], "pJ", reproduce, metric="energy",
                                                  note="one mapping, two cost models", goal="within 2%", goal_ratio=1.02))
                    rows[-1]["goal_met"] = abs(rows[-1]["ratio"] - 1) <= 0.02
                    rows.append(benchlib.size_row("tile", f"{workload}: ZigZag's mapping, latency in our model", "ZigZag LOMA", version,
                                                  same["cycles"], peer["latency_cycles"], "cycles", reproduce, metric="latency",
                                                  note="one mapping, two cost models; ours serializes refills of single-buffered levels"))
                same_text = (f"{same['energyPj'] / peer['energy_pj']:.3f} / {same['cycles'] / peer['latency_cycles']:.3f}" if same
                             else "n/a: " + peer.get("sluice_mapping_error", "not exported")[:60])
                table.append(f"| {arch} | {layer} | {ours_s:.2f} | {peer_s:.2f} ({peer['search_seconds']:.2f}) | "
                             f"{group['energyPj'] / 1e6:.2f} / {peer['energy_pj'] / 1e6:.2f} | {group['energyPj'] / peer['energy_pj']:.3f} | "
                             f"{group['cycles']:.0f} / {peer['latency_cycles']:.0f} | {group['gap']:.4f} | {same_text} |")
                print(table[-1], flush=True)
    # The README's headline shows one line per arch and measure (sums over the layers, the
    # geometric mean and range of the per-layer ratios, goals met out of how many); every layer's
    # row stays in the report's tile section.
    for row in rows:
        arch_part, measure = row["workload"].split(": ", 1)
        row["group"] = f"ResNet-18, {len(layers)} layers, on {arch_part.rsplit(' on ', 1)[1]}: {measure}"
    details = "\n".join(["### tile-plan vs ZigZag, ResNet-18 layer by layer (energy objective)", ""] + table)
    if a.graph_dir:
        fusion, fusion_table = fusion_rows(a.bin, a.graph_dir)
        rows += fusion
        details += "\n\n" + "\n".join(["### Fusion: tile-plan vs tile-plan --no-fuse (whole models, mesh-8x8, latency objective)", ""] + fusion_table)
    decode, decode_table = decode_rows(a.bin)
    rows += decode
    details += "\n\n" + "\n".join(["### LLM decode: KV cache resident in SRAM vs streamed from DRAM (one decode step, mesh-8x8, latency objective)", ""]
                                   + decode_table)
    gemv, gemv_table = gemv_rows(a, version, tools)
    rows += gemv
    details += "\n\n" + "\n".join(["### LLM decode GEMVs: tile-plan vs ZigZag (the decode step's projections, M = 1, energy objective)", ""]
                                   + gemv_table)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(details + "\n")
    return benchlib.finish("bench-tile", "tile", rows, load, details)


FUSION_MODELS = [("ResNet-50", "light/light_resnet50.onnx"), ("Llama block", "gen/llama.onnx"), ("GPT-2 block", "gen/gpt2.onnx")]


def plan_figures(bin_dir, graph, tiles, extra):
    """tile-plan's totals (cycles, energy, DRAM bytes summed over the groups' backing level,
    group counts) and npu-sim's makespan of the same plan after place-route."""
    run([os.path.join(bin_dir, "tile-plan"), "--arch", "mesh-8x8", "--dim", "batch=1", "-o", tiles, graph] + extra)
    _, text = run([os.path.join(bin_dir, "rec-cat"), "--json", tiles])
    summary, groups, _ = tiles_json.plan_records(text.splitlines())
    dram = tiles_json.backing_bytes(groups)
    placed, sim = tiles + ".placed", tiles + ".sim"
    run([os.path.join(bin_dir, "place-route"), "-o", placed, tiles])
    run([os.path.join(bin_dir, "npu-sim"), "-o", sim, placed])
    _, sim_text = run([os.path.join(bin_dir, "rec-cat"), "--json", sim])
    makespan = benchlib.first_record(sim_text, "summary")["makespanCycles"]
    kinds = {}
    for g in groups:
        if g.get("fusion"):
            kinds[g["fusion"]] = kinds.get(g["fusion"], 0) + 1
    return {"cycles": summary["totalCycles"], "energy": summary["totalEnergyPj"], "dram": dram, "makespan": makespan,
            "groups": len(groups), "fused": kinds}


def fusion_rows(bin_dir, graph_dir):
    """Fused against one group per node on whole models: our cost model's latency, energy and
    DRAM traffic, and npu-sim's simulated makespan (ratio fused / unfused: below 1 fusion wins)."""
    rows, table = [], ["| model | groups fused / not | fused groups | latency cycles | energy µJ | DRAM MB | npu-sim makespan |",
                       "|---|---|---|---|---|---|---|"]
    reproduce = "make bench-tile"
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in FUSION_MODELS:
            graph = os.path.join(tmp, "m.graph")
            run([os.path.join(bin_dir, "graph-opt"), "-O3", "-o", graph, os.path.join(graph_dir, path)])
            fused = plan_figures(bin_dir, graph, os.path.join(tmp, "fused.tiles"), [])
            alone = plan_figures(bin_dir, graph, os.path.join(tmp, "alone.tiles"), ["--no-fuse"])
            for key, label, unit, note in [("cycles", "latency", "cycles", "our cost model, groups one after another"),
                                           ("energy", "energy", "pJ", "our cost model"),
                                           ("dram", "DRAM traffic", "bytes", "our cost model: every group's backing-level reads and writes"),
                                           ("makespan", "simulated makespan", "cycles", "npu-sim after place-route (default mode)")]:
                rows.append(benchlib.size_row("tile", f"{name} on mesh-8x8: {label}, fused", "tile-plan --no-fuse", "same build",
                                              fused[key], alone[key], unit, reproduce, metric=label.split()[-1], note=note))
                rows[-1]["group"] = f"Fusion on mesh-8x8: {label}"
            kinds = ", ".join(f"{k} ×{v}" for k, v in sorted(fused["fused"].items()))
            table.append(f"| {name} | {fused['groups']} / {alone['groups']} | {kinds} | {fused['cycles']:.0f} / {alone['cycles']:.0f} | "
                         f"{fused['energy'] / 1e6:.1f} / {alone['energy'] / 1e6:.1f} | {fused['dram'] / 1e6:.2f} / {alone['dram'] / 1e6:.2f} | "
                         f"{fused['makespan']:.0f} / {alone['makespan']:.0f} |")
            print(table[-1], flush=True)
    return rows, table


# One decode step of the generated Llama (Tools/onnx_models.py llama-decode): 2 layers, width 512
# (4 query heads of 128, 2 K/V heads), vocabulary 1024; the context is the cached rows plus the new one.
DECODE_MODEL = ["--layers", "2", "--width", "512", "--vocab", "1024"]
DECODE_CONTEXTS = [512, 4096]


# The decode step's MatMuls (M = 1), as (name, K, N): Llama width 512, 2 K/V heads of 128, MLP 2048.
DECODE_GEMVS = [("q_proj", 512, 512), ("k_proj", 512, 256), ("mlp.up", 512, 2048), ("mlp.down", 2048, 512), ("lm_head", 512, 1024)]


def gemv_onnx(path, k, n):
    """One Gemm of a [1, k] row by an [n, k] weight (transB), as resnet18_layers.py writes its fc."""
    import onnx
    from onnx import TensorProto, helper
    graph = helper.make_graph([helper.make_node("Gemm", ["x", "w"], ["y"], name="gemv", transB=1)], "gemv",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, k]),
                               helper.make_tensor_value_info("w", TensorProto.FLOAT, [n, k])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def gemv_rows(a, version, tools):
    """The decode GEMVs on the TPU-like core, each side searching for least energy, timed as whole
    processes, as the ResNet-18 rows are."""
    rows, table = [], ["| arch | GEMV (K × N) | tile-plan s | ZigZag s (search) | energy µJ ours / ZigZag | ratio | latency cycles ours / ZigZag | our gap (energy) |",
                       "|---|---|---|---|---|---|---|---|"]
    reproduce = "make bench-tile"
    gemvs = DECODE_GEMVS[:2] if benchlib.quick() else DECODE_GEMVS
    with tempfile.TemporaryDirectory() as tmp:
        for arch, zz in [("tpu-like", "tpu_like")]:
            for name, k, n in gemvs:
                onnx_path, graph, out = os.path.join(tmp, f"{name}.onnx"), os.path.join(tmp, f"{name}.graph"), os.path.join(tmp, f"{name}.tiles")
                gemv_onnx(onnx_path, k, n)
                run([os.path.join(a.bin, "graph-opt"), "-o", graph, onnx_path])
                ours_s, _ = run([os.path.join(a.bin, "tile-plan"), "--arch", arch, "--objective", "energy", "-o", out, graph])
                _, text = run([os.path.join(a.bin, "rec-cat"), "--json", out])
                group = benchlib.first_record(text, "group")
                peer_s, peer_text = run([a.zigzag_python, os.path.join(tools, "zigzag_layer.py"), onnx_path, zz, "--opt", "energy"])
                peer = json.loads(peer_text.strip().splitlines()[-1])
                workload = f"Llama decode GEMV {name} ({k}x{n}) on {arch}"
                timing = {"ours": {"wall": benchlib.single(ours_s), "cpu": benchlib.single(ours_s)},
                          "peer": {"wall": benchlib.single(peer_s), "cpu": benchlib.single(peer_s)}}
                rows.append(benchlib.time_row("tile", f"{workload}: mapping search", "ZigZag LOMA", version, timing, "ours", "peer",
                                              reproduce, includes="both: whole process (start-up, parse, search, write)",
                                              note=f"ZigZag's own search clock {peer['search_seconds']:.2f} s"))
                rows[-1]["group"] = f"LLM decode GEMVs on {arch}: mapping search"
                rows.append(benchlib.size_row("tile", f"{workload}: energy of the chosen mapping", "ZigZag LOMA", version,
                                              group["energyPj"], peer["energy_pj"], "pJ", reproduce, metric="energy",
                                              note="each side by its own cost model (Docs/tile.md)", goal="no worse than ZigZag", goal_ratio=1.0))
                rows[-1]["group"] = f"LLM decode GEMVs on {arch}: energy"
                table.append(f"| {arch} | {name} ({k} × {n}) | {ours_s:.2f} | {peer_s:.2f} ({peer['search_seconds']:.2f}) | "
                             f"{group['energyPj'] / 1e6:.2f} / {peer['energy_pj'] / 1e6:.2f} | {group['energyPj'] / peer['energy_pj']:.3f} | "
                             f"{group['cycles']:.0f} / {peer['latency_cycles']:.0f} | {group['gap']:.4f} |")
                print(table[-1], flush=True)
    return rows, table


def decode_figures(bin_dir, graph, tiles, context, mode):
    """tile-plan's totals for one decode step at `context` with the KV cache charged `mode`."""
    run([os.path.join(bin_dir, "tile-plan"), "--arch", "mesh-8x8", "--dim", "batch=1", "--dim", f"past={context - 1}",
         "--kv-cache", mode, "-o", tiles, graph])
    _, text = run([os.path.join(bin_dir, "rec-cat"), "--json", tiles])
    summary, groups, _ = tiles_json.plan_records(text.splitlines())
    return {"cycles": summary["totalCycles"], "energy": summary["totalEnergyPj"], "dram": tiles_json.backing_bytes(groups),
            "cache": summary.get("kvCacheBytes", 0), "resident": summary.get("kvResidentBytes", 0)}


def decode_rows(bin_dir):
    """A decode step with the KV cache resident in SRAM against streamed from DRAM (both with
    the cache appended in place): our cost model's latency, energy and DRAM traffic (ratio
    resident / streamed: below 1 residency wins)."""
    rows, table = [], ["| context | KV cache MB (resident) | latency cycles | energy µJ | DRAM MB |", "|---|---|---|---|---|"]
    reproduce = "make bench-tile"
    with tempfile.TemporaryDirectory() as tmp:
        model, graph = os.path.join(tmp, "decode.onnx"), os.path.join(tmp, "decode.graph")
        run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "..", "Tools", "onnx_models.py"), "llama-decode", model] + DECODE_MODEL)
        run([os.path.join(bin_dir, "graph-opt"), "-O3", "-o", graph, model])
        for context in DECODE_CONTEXTS:
            res = decode_figures(bin_dir, graph, os.path.join(tmp, "resident.tiles"), context, "resident")
            streamed = decode_figures(bin_dir, graph, os.path.join(tmp, "streamed.tiles"), context, "streamed")
            for key, label, unit, note in [("cycles", "latency", "cycles", "our cost model, groups one after another"),
                                           ("energy", "energy", "pJ", "our cost model"),
                                           ("dram", "DRAM traffic", "bytes", "our cost model: every group's backing-level reads and writes")]:
                rows.append(benchlib.size_row("tile", f"Llama decode step, context {context}, on mesh-8x8: {label}, KV cache resident",
                                              "tile-plan --kv-cache streamed", "same build", res[key], streamed[key], unit, reproduce,
                                              metric=label.split()[-1], note=note))
                rows[-1]["group"] = f"LLM decode on mesh-8x8: {label}"
            table.append(f"| {context} | {res['cache'] / 1e6:.2f} ({res['resident'] / 1e6:.2f}) | {res['cycles']:.0f} / {streamed['cycles']:.0f} | "
                         f"{res['energy'] / 1e6:.1f} / {streamed['energy'] / 1e6:.1f} | {res['dram'] / 1e6:.2f} / {streamed['dram'] / 1e6:.2f} |")
            print(table[-1], flush=True)
    return rows, table


if __name__ == "__main__":
    sys.exit(main())
