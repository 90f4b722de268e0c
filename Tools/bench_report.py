#!/usr/bin/env python3
"""Summarise op-bench streams (Formats/bench.capnp) for Docs/kernels.md and `make bench`.

Usage: Tools/bench_report.py [--svg FILE] [--rows] [--load L] [--rounds N] STREAM...

Reads each bench stream with pycapnp (a reader nobody here wrote, so this is also an interop
check of op-bench's output), prints a Markdown table of every result with its peer ratio and
roofline fraction, the derived headline ratios (attention rate over the GEMM rate at the same
thread count), and optionally writes a roofline plot as SVG: arithmetic intensity (FLOP/byte)
against GFLOP/s on log axes, the measured FMA peak and triad bandwidth as the roof, one dot
per result.

--rows also writes the `kernels` area's headline rows for out/bench/report.md through
Benchmarks/benchlib.py (into $SLUICE_BENCH_ROWS/kernels.json), with the full per-case table and
the roofline as the area's details. --load is the competing load (benchlib.machine_load) when the area's run began
(default: now), --rounds what op-bench was run with (for the notes).
"""
import math
import os
import statistics
import sys

import capnp  # pycapnp

capnp.remove_import_hook()
FORMATS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Formats")


def load_streams(paths):
    schema = capnp.load(os.path.join(FORMATS, "bench.capnp"), imports=[FORMATS])
    results = []
    for path in paths:
        with open(path, "rb") as f:
            frames = list(schema.BenchFrame.read_multiple(f, traversal_limit_in_words=1 << 26))
        kinds = [frame.which() for frame in frames]
        if not kinds or kinds[0] != "header" or kinds[-1] != "trailer":
            sys.exit(f"bench_report: {path}: not a whole bench stream (no header or trailer)")
        if frames[0].header.kind != "bench":
            sys.exit(f"bench_report: {path}: expected a bench stream, got {frames[0].header.kind}")
        rows = [frame.result for frame in frames if frame.which() == "result"]
        if frames[-1].trailer.recordCount != len(rows):
            sys.exit(f"bench_report: {path}: trailer counts {frames[-1].trailer.recordCount} records, stream has {len(rows)}")
        results += rows
    return results


def fmt(x, digits=2, suffix=""):
    return "–" if x is None or math.isnan(x) else f"{x:.{digits}f}{suffix}"


def peer_parts(peer):
    """("numpy 2.4.6 openblas 0.3.31 SkylakeX", "np.matmul(out=)") from a record's peer string."""
    library, _, path = (peer or "").partition("; ")
    return library, path


def table(results):
    lines = ["| suite | site | op | shape | threads | median ms (min–max, n) | GFLOP/s | GB/s | roofline | peer: code path "
             "| peer median ms (min–max, n) | peer/ours (wall) | peer/ours (CPU) |",
             "|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    for r in results:
        shape = r.shape if r.dtype in ("", "f32") else f"{r.shape} {r.dtype}"
        library, path = peer_parts(r.peer)
        peer = f"{library.split()[0]}: {path}" if library else (r.peerNote or "–")
        ours = f"{r.medianSeconds * 1e3:.3f} ({r.minSeconds * 1e3:.3g}–{r.maxSeconds * 1e3:.3g}, {r.repetitions})"
        theirs = "–"
        if not math.isnan(r.peerMedianSeconds):
            theirs = f"{r.peerMedianSeconds * 1e3:.3f}"
            if r.peerRepetitions:
                theirs += f" ({r.peerMinSeconds * 1e3:.3g}–{r.peerMaxSeconds * 1e3:.3g}, {r.peerRepetitions})"
        lines.append(f"| {r.suite} | {r.site} | {r.op} | {shape} | {r.threads} | {ours} | "
                     f"{r.gflopsPerSecond:.1f} | {r.gbPerSecond:.1f} | {fmt(r.rooflineFraction * 100, 0, '%')} | "
                     f"{peer} | {theirs} | {fmt(r.ratio, 2, '×')} | {fmt(r.peerCpuSeconds / r.cpuSeconds, 2, '×')} |")
    return lines


def headlines(results):
    lines = []
    gemm = {r.threads: r.gflopsPerSecond for r in results if r.site == "sgemm"}
    for r in results:
        if r.op == "Attention" and r.suite == "kernels" and r.threads in gemm:
            lines.append(f"- {r.site} ({r.shape}), {r.threads} thread(s): {r.gflopsPerSecond:.1f} GFLOP/s = "
                         f"{r.gflopsPerSecond / gemm[r.threads]:.2f}× the SGEMM 2048³ rate in the same run")
    for r in results:
        if r.site == "sgemm" and not math.isnan(r.ratio):
            lines.append(f"- SGEMM 2048³, {r.threads} thread(s): {r.gflopsPerSecond:.1f} GFLOP/s, "
                         f"{r.ratio:.2f}× {peer_parts(r.peer)[0]} (peer wall median / ours), CPU-time ratio "
                         f"{r.peerCpuSeconds / r.cpuSeconds:.2f}×, {r.flops / r.cpuSeconds / 1e9:.1f} GFLOP per CPU-second")
    one = {r.site: r.gflopsPerSecond for r in results if r.site == "sgemm" and r.threads == 1}
    two = {r.site: r.gflopsPerSecond for r in results if r.site == "sgemm" and r.threads == 2}
    if "sgemm" in one and "sgemm" in two:
        lines.append(f"- SGEMM 2048³ scaling 1 → 2 threads: {two['sgemm'] / one['sgemm']:.2f}×")
    return lines


# ----------------------------------------------------------------------------------------------
# Headline rows for out/bench/report.md (Benchmarks/benchlib.py's row shape)

AREA = "kernels"
REPRODUCE = "make bench-kernels"


def ours_stats(r):
    return {"median": r.medianSeconds, "min": r.minSeconds, "max": r.maxSeconds, "n": r.repetitions}


def peer_stats(r):
    if r.peerRepetitions:
        return {"median": r.peerMedianSeconds, "min": r.peerMinSeconds, "max": r.peerMaxSeconds, "n": r.peerRepetitions}
    return {"median": r.peerMedianSeconds, "min": r.peerMedianSeconds, "max": r.peerMedianSeconds, "n": 1}


def find(results, suite, site, threads=1, peer=None):
    for r in results:
        if r.suite == suite and r.site == site and r.threads == threads and (peer is None or r.peer.startswith(peer)):
            return r
    return None


def base_row(workload, peer, version, ours, theirs, ours_cpu, peer_cpu, includes, note, goal="", goal_ratio=None):
    row = {"area": AREA, "workload": workload, "peer": peer, "peer_version": version, "metric": "time", "clock": "wall",
           "ours_stats": ours, "peer_stats": theirs, "ratio": theirs["median"] / ours["median"],
           "includes": includes, "note": note, "reproduce": REPRODUCE}
    # CPU time beside the wall clock where both sides have one (not for self-relative rows).
    if None not in (ours_cpu, peer_cpu) and not math.isnan(ours_cpu) and not math.isnan(peer_cpu):
        row["ours_cpu"], row["peer_cpu"] = ours_cpu, peer_cpu
    if goal:
        row["goal"] = goal
    if goal_ratio is not None:
        row["goal_met"] = row["ratio"] >= goal_ratio
    return row


INCLUDES_PEER = ("Each side: one operator call per run on operands made and touched beforehand, into an output "
                 "allocated once (the peer: one Python call in Tools/op_bench_peer.py); no process start-up or I/O. "
                 "Interleaved: {rounds} batches per side after one untimed run each. CPU: process CPU time per run "
                 "(mean over the runs).")


def library_name(library):
    """("numpy", "2.4.6, OpenBLAS 0.3.31 (SkylakeX kernels)") from "numpy 2.4.6 openblas 0.3.31 SkylakeX"."""
    words = library.split()
    if not words:
        return "?", ""
    if words[0] == "numpy" and len(words) >= 5 and words[2] == "openblas":
        return "numpy", f"{words[1]}, OpenBLAS {words[3]} ({' '.join(words[4:])} kernels)"
    return words[0], " ".join(words[1:])


def peer_row(workload, r, note, rounds, goal="", goal_ratio=None):
    library, path = peer_parts(r.peer)
    name, version = library_name(library)
    return base_row(workload, name, version, ours_stats(r), peer_stats(r), r.cpuSeconds, r.peerCpuSeconds,
                    INCLUDES_PEER.format(rounds=rounds), f"{note} Peer code path: {path}.".strip(), goal, goal_ratio)


def sum_row(workload, records, note, rounds, goal="", goal_ratio=None):
    """Several layers as one row: sums of the per-layer medians (and mins, maxes), per-layer ratios in the note."""
    ours = {k: sum(ours_stats(r)[k] for r in records) for k in ("median", "min", "max")}
    ours["n"] = min(r.repetitions for r in records)
    theirs = {k: sum(peer_stats(r)[k] for r in records) for k in ("median", "min", "max")}
    theirs["n"] = min(peer_stats(r)["n"] for r in records)
    ratios = sorted(r.ratio for r in records)
    library, path = peer_parts(records[0].peer)
    per_layer = ", ".join(f"{r.site} {r.ratio:.2f}×" for r in records)
    name, version = library_name(library)
    return base_row(workload, name, version, ours, theirs,
                    sum(r.cpuSeconds for r in records), sum(r.peerCpuSeconds for r in records),
                    INCLUDES_PEER.format(rounds=rounds) + " Exception: our conv allocates (and zero-fills) its output "
                    "tensor per call; the peer writes into a bound buffer.",
                    f"{note} Sum of the {len(records)} layers' medians; per-layer ratio {ratios[0]:.2f}–{ratios[-1]:.2f}× "
                    f"(median {statistics.median(ratios):.2f}×): {per_layer}. Peer code path: {path}.", goal, goal_ratio)


def rows(results, rounds):
    out, missing = [], []
    sgemm = find(results, "kernels", "sgemm", peer="numpy")
    if sgemm:
        peak = sgemm.peakGflopsPerSecond
        pct = f" = {sgemm.gflopsPerSecond / peak * 100:.0f} % of the measured FMA peak ({peak:.0f} GFLOP/s on 1 core)" if not math.isnan(peak) else ""
        out.append(peer_row("SGEMM 2048³, 1 thread", sgemm,
                            f"{sgemm.gflopsPerSecond:.1f} GFLOP/s{pct}; peer {sgemm.flops / sgemm.peerMedianSeconds / 1e9:.1f} GFLOP/s.",
                            rounds, goal="≥ 0.9×", goal_ratio=0.9))
    else:
        missing.append("sgemm")
    bf16 = find(results, "kernels", "gemm bf16", peer="numpy")
    if bf16:
        out.append(peer_row("bf16 GEMM 2048³ (fp32 accumulation), 1 thread", bf16,
                            f"{bf16.gflopsPerSecond:.1f} GFLOP/s. numpy has no bf16: the peer runs fp32 SGEMM on the same "
                            "shape (the same arithmetic at fp32 width).", rounds))
    else:
        missing.append("gemm bf16")
    int8 = find(results, "kernels", "gemm int8", peer="onnxruntime")
    if int8:
        out.append(peer_row("int8 GEMM 2048³ (int32 accumulation), 1 thread", int8,
                            f"{int8.gflopsPerSecond:.1f} GOP/s ours, {int8.flops / int8.peerMedianSeconds / 1e9:.1f} GOP/s peer. "
                            "Same shapes and int32 accumulation; ours int8 × int8 (sign-extend + vpmulld), onnxruntime "
                            "uint8 × int8, its fast path (MLAS has a fast int8 × int8 kernel only with AVX-VNNI-INT8).", rounds))
    else:
        missing.append("gemm int8")
    for site, workload in (("attention", "Attention seq 2048, d 64, 8 heads, 1 thread"),):
        att = find(results, "kernels", site)
        if att and sgemm:
            rate = sgemm.flops  # the time the attention FLOPs would take at the SGEMM rate of the same run
            equivalent = {"median": att.flops * sgemm.medianSeconds / rate, "min": att.flops * sgemm.minSeconds / rate,
                          "max": att.flops * sgemm.maxSeconds / rate, "n": sgemm.repetitions}
            causal = find(results, "kernels", "attention causal")
            extra = ""
            if causal:
                extra = f" Causal: {causal.gflopsPerSecond / sgemm.gflopsPerSecond:.2f}× the SGEMM rate."
            if not math.isnan(att.ratio):
                extra += (f" numpy's materialised softmax(QKᵀ)V (np.matmul and ufuncs into preallocated buffers) takes "
                          f"{att.ratio:.2f}× our time.")
            out.append(base_row(workload, "own SGEMM rate", "same run",
                                ours_stats(att), equivalent, att.cpuSeconds, None,
                                "Ours: FlashAttention-style kernel (score matrix never materialised), one call, output "
                                "allocated per call. Peer column: the time the same FLOPs take at our SGEMM 2048³ rate "
                                "measured in the same run (a self-relative row; ratio = attention GFLOP/s ÷ SGEMM GFLOP/s).",
                                f"{att.gflopsPerSecond:.1f} GFLOP/s vs SGEMM {sgemm.gflopsPerSecond:.1f} GFLOP/s "
                                f"(CPU time per run: attention {att.cpuSeconds * 1e3:.1f} ms, SGEMM {sgemm.cpuSeconds * 1e3:.1f} ms).{extra}",
                                goal="≥ 0.5×", goal_ratio=0.5))
        else:
            missing.append(site)
    for site, workload in (("fpn upsample bilinear", "Resize 2× bilinear 6×256×16×44 → 32×88, 1 thread"),
                           ("camera to bev", "GridSample bilinear 6×80×32×88 at 128×128, 1 thread"),
                           ("camera to bev nearest", "GridSample nearest 6×80×32×88 at 128×128, 1 thread")):
        r = find(results, "bev", site, peer="onnxruntime")
        if r:
            note = f"{r.gbPerSecond:.1f} GB/s of compulsory traffic."
            if site == "fpn upsample bilinear":
                seg = find(results, "bev", "seg head upsample", peer="onnxruntime")
                if seg:
                    note += f" The 1×64×200×200 → 400×400 bilinear upsample: {seg.ratio:.2f}×."
            out.append(peer_row(workload, r, note, rounds))
        else:
            missing.append(site)
    for site, workload in (("softmax", "Softmax 4096×4096 rows, 1 thread"), ("layernorm", "LayerNorm 16384×1024, 1 thread"),
                           ("rmsnorm", "RMSNorm 4096×4096, 1 thread")):
        r = find(results, "kernels", site)
        if r and not math.isnan(r.bandwidthGbPerSecond):
            bw = r.bandwidthGbPerSecond * 1e9
            t = r.bytes / bw
            numpy = ""
            if not math.isnan(r.ratio):
                numpy = (f" numpy ({peer_parts(r.peer)[1]}) takes {r.ratio:.2f}× our time "
                         f"({r.peerMedianSeconds * 1e3:.1f} ms).")
            out.append(base_row(workload, "triad bandwidth", f"{r.bandwidthGbPerSecond:.1f} GB/s, measured in the same run",
                                ours_stats(r), {"median": t, "min": t, "max": t, "n": 1}, r.cpuSeconds, None,
                                "Ours: one call over preallocated, pre-touched input and output (read once, written once). "
                                "Peer column: the compulsory bytes (input + output) at the triad bandwidth op-bench measured "
                                "first (best of 10 STREAM-style triads over 64 MiB arrays); ratio = fraction of the "
                                "bandwidth roofline reached.",
                                f"{r.gbPerSecond:.1f} GB/s (CPU time per run {r.cpuSeconds * 1e3:.1f} ms).{numpy}", goal="≥ 0.8 (80 % of triad)", goal_ratio=0.8))
        else:
            missing.append(site)
    for kind, label in (("1x1", "1×1"), ("3x3", "3×3")):
        layers = [r for r in results if r.suite == "resnet50" and r.op == "Conv" and kind in r.site and r.threads == 1
                  and r.peer.startswith("onnxruntime")]
        if layers:
            out.append(sum_row(f"ResNet-50 {label} convs ({len(layers)} layer{'s' if len(layers) > 1 else ''}), 1 thread", layers, "Batch 1, 224×224 input; weights packed once on both sides "
                               "(ConvWeights / ORT prepacking).", rounds, goal="≥ 0.8×", goal_ratio=0.8))
        else:
            missing.append(f"resnet50 {kind}")
    return out, missing


def details(results, rounds, svg_path, rows_dir):
    roofs = {}  # each op-bench run measures its own limits: (threads, peak, triad) -> suites
    for r in results:
        if not math.isnan(r.peakGflopsPerSecond):
            suites = roofs.setdefault((r.threads, r.peakGflopsPerSecond, r.bandwidthGbPerSecond), [])
            if r.suite not in suites:
                suites.append(r.suite)
    versions = sorted({peer_parts(r.peer)[0] for r in results if r.peer})
    lines = [
        "### How op-bench measures",
        "",
        "Each case runs once untimed on each side, then its runs are split into "
        f"{rounds} batches per side that alternate (ours, peer | peer, ours | ...); a record holds the wall-clock "
        "median, min and max of each side's runs and the process CPU time per run. Both sides write into outputs "
        "allocated once (numpy ufuncs with `out=`, onnxruntime through an I/O binding of preallocated outputs, checked "
        "to be written in place); conv, pooling and attention outputs on our side are allocated per call. The peer "
        "runs in a Python process next to op-bench (Tools/op_bench_peer.py), same thread count "
        "(threadpoolctl / intra_op_num_threads), with OPENBLAS_CORETYPE unset.",
        "",
        "Peers: " + "; ".join(versions) + ".",
        "",
    ]
    if roofs:
        lines += ["Measured limits (`--roofline`: best of 20 FMA loops / 10 triads, at the start of each op-bench run): "
                  + "; ".join(f"{t} thread(s): FMA peak {p:.0f} GFLOP/s, triad {b:.1f} GB/s ({', '.join(suites)})"
                              for (t, p, b), suites in sorted(roofs.items())) + ".", ""]
    head = headlines(results)
    if head:
        lines += head + [""]
    lines += ["Every case (roofline = max(FLOP/peak, bytes/triad) ÷ median; above 100 % the operands fit in L3):", ""]
    lines += table(results)
    if svg_path:
        rel = os.path.relpath(os.path.abspath(svg_path), os.path.dirname(os.path.abspath(rows_dir)))
        lines += ["", f"Roofline plot: [{os.path.basename(svg_path)}]({rel}) (arithmetic intensity against GFLOP/s, "
                  "one dot per record, the measured roof per thread count)."]
    return "\n".join(lines) + "\n"


def svg(results, path):
    points = [r for r in results if r.gflopsPerSecond > 0 and r.bytes > 0]
    roofs = {}
    for r in points:
        if not math.isnan(r.peakGflopsPerSecond):
            roofs[r.threads] = (r.peakGflopsPerSecond, r.bandwidthGbPerSecond)
    width, height, margin = 860, 560, 70
    xs = [r.flops / r.bytes for r in points] or [1]
    ys = [r.gflopsPerSecond for r in points] + [p for p, _ in roofs.values()] or [1]
    x0, x1 = 10 ** math.floor(math.log10(min(xs) / 2)), 10 ** math.ceil(math.log10(max(xs) * 2))
    y0, y1 = 10 ** math.floor(math.log10(max(min(ys) / 2, 1e-2))), 10 ** math.ceil(math.log10(max(ys) * 1.5))

    def px(x):
        return margin + (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0)) * (width - 2 * margin)

    def py(y):
        return height - margin - (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)) * (height - 2 * margin)

    colors = {1: "#1f77b4", 2: "#d62728"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">op-bench roofline: where each operator lands (fp32)</text>']
    for e in range(int(math.log10(x0)), int(math.log10(x1)) + 1):
        out.append(f'<line x1="{px(10 ** e):.1f}" y1="{margin}" x2="{px(10 ** e):.1f}" y2="{height - margin}" stroke="#eee"/>')
        out.append(f'<text x="{px(10 ** e):.1f}" y="{height - margin + 16}" text-anchor="middle">{10 ** e:g}</text>')
    for e in range(int(math.log10(y0)), int(math.log10(y1)) + 1):
        out.append(f'<line x1="{margin}" y1="{py(10 ** e):.1f}" x2="{width - margin}" y2="{py(10 ** e):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{margin - 6}" y="{py(10 ** e) + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    out.append(f'<text x="{width / 2}" y="{height - 24}" text-anchor="middle">arithmetic intensity (FLOP per byte of compulsory traffic)</text>')
    out.append(f'<text x="18" y="{height / 2}" text-anchor="middle" transform="rotate(-90 18 {height / 2})">GFLOP/s</text>')
    for threads, (peak, bw) in sorted(roofs.items()):
        knee = peak / bw
        color = colors.get(threads, "#555")
        xa = max(x0, y0 / bw)
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{px(xa):.1f},{py(bw * xa):.1f} '
                   f'{px(knee):.1f},{py(peak):.1f} {px(x1):.1f},{py(peak):.1f}"/>')
        out.append(f'<text x="{px(x1) - 4:.1f}" y="{py(peak) - 5:.1f}" text-anchor="end" fill="{color}">'
                   f'{threads} thread(s): FMA peak {peak:.0f} GFLOP/s, triad {bw:.1f} GB/s</text>')
    for r in points:
        x, y = px(r.flops / r.bytes), py(r.gflopsPerSecond)
        color = colors.get(r.threads, "#555")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}" fill-opacity="0.7"><title>{r.suite} {r.site} {r.op} '
                   f'{r.shape}, {r.threads} thread(s): {r.gflopsPerSecond:.1f} GFLOP/s</title></circle>')
        if r.threads == 1:
            out.append(f'<text x="{x + 6:.1f}" y="{y + 3:.1f}" font-size="9" fill="#333">{r.site}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main(argv):
    svg_path, want_rows, load, rounds = None, False, None, 4
    while argv and argv[0].startswith("--"):
        flag = argv.pop(0)
        if flag == "--svg" and argv:
            svg_path = argv.pop(0)
        elif flag == "--rows":
            want_rows = True
        elif flag == "--load" and argv:
            load = float(argv.pop(0))
        elif flag == "--rounds" and argv:
            rounds = int(argv.pop(0))
        else:
            sys.exit(__doc__)
    if not argv:
        sys.exit(__doc__)
    results = load_streams(argv)
    print("\n".join(table(results)))
    print()
    print("\n".join(headlines(results)))
    if svg_path:
        svg(results, svg_path)
    if want_rows:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Benchmarks"))
        import benchlib
        made, missing = rows(results, rounds)
        if missing:
            print(f"bench_report: no record for {', '.join(missing)}: those rows are left out", file=sys.stderr)
        path = benchlib.write_rows(AREA, made, benchlib.machine_load() if load is None else load,
                                   details(results, rounds, svg_path, benchlib.ROWS_DIR))
        print(f"bench_report: {len(made)} rows -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
