#!/usr/bin/env python3
"""Summarise op-bench streams (Formats/bench.capnp) for Docs/kernels.md.

Usage: Tools/bench_report.py [--svg FILE] STREAM...

Reads each bench stream with pycapnp (a reader nobody here wrote, so this is also an interop
check of op-bench's output), prints a Markdown table of every result with its peer ratio and
roofline fraction, the derived headline ratios (attention rate over the GEMM rate at the same
thread count), and optionally writes a roofline plot as SVG: arithmetic intensity (FLOP/byte)
against GFLOP/s on log axes, the measured FMA peak and triad bandwidth as the roof, one dot
per result.
"""
import math
import os
import sys

import capnp  # pycapnp

capnp.remove_import_hook()
FORMATS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Formats")


def load(paths):
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


def table(results):
    print("| suite | site | op | shape | threads | median ms | GFLOP/s | GB/s | roofline | peer | peer/ours (wall) | peer/ours (CPU) |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|")
    for r in results:
        shape = r.shape if r.dtype in ("", "f32") else f"{r.shape} {r.dtype}"
        print(f"| {r.suite} | {r.site} | {r.op} | {shape} | {r.threads} | {r.medianSeconds * 1e3:.3f} | "
              f"{r.gflopsPerSecond:.1f} | {r.gbPerSecond:.1f} | {fmt(r.rooflineFraction * 100, 0, '%')} | "
              f"{r.peer or r.peerNote or '–'} | {fmt(r.ratio, 2, '×')} | {fmt(r.peerCpuSeconds / r.cpuSeconds, 2, '×')} |")


def headlines(results):
    gemm = {r.threads: r.gflopsPerSecond for r in results if r.site == "sgemm"}
    for r in results:
        if r.op == "Attention" and r.suite == "kernels" and r.threads in gemm:
            print(f"- {r.site} ({r.shape}), {r.threads} thread(s): {r.gflopsPerSecond:.1f} GFLOP/s = "
                  f"{r.gflopsPerSecond / gemm[r.threads]:.2f}× the SGEMM 2048³ rate in the same run")
    for r in results:
        if r.site == "sgemm" and not math.isnan(r.ratio):
            print(f"- SGEMM 2048³, {r.threads} thread(s): {r.gflopsPerSecond:.1f} GFLOP/s, "
                  f"{r.ratio:.2f}× {r.peer} (peer time / ours), CPU-time ratio {r.peerCpuSeconds / r.cpuSeconds:.2f}×, "
                  f"{r.flops / r.cpuSeconds / 1e9:.1f} GFLOP per CPU-second")
    one = {r.site: r.gflopsPerSecond for r in results if r.site == "sgemm" and r.threads == 1}
    two = {r.site: r.gflopsPerSecond for r in results if r.site == "sgemm" and r.threads == 2}
    if "sgemm" in one and "sgemm" in two:
        print(f"- SGEMM 2048³ scaling 1 → 2 threads: {two['sgemm'] / one['sgemm']:.2f}×")


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
    svg_path = None
    if len(argv) >= 2 and argv[0] == "--svg":
        svg_path, argv = argv[1], argv[2:]
    if not argv:
        sys.exit(__doc__)
    results = load(argv)
    table(results)
    print()
    headlines(results)
    if svg_path:
        svg(results, svg_path)


if __name__ == "__main__":
    main(sys.argv[1:])
