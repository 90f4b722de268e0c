#!/usr/bin/env python3
"""Render a stream of Everything messages as text: generated Swift Readers + TextRenderer vs `capnp decode`.

Usage: Benchmarks/capnp-render/bench.py --bin CAPNP_RENDER_BENCH --data FILE --fixtures DIR [--count N] [--runs N]
(make bench-capnp-codegen)

Writes N varied messages (untimed), then for each form (pretty, `--short`) checks that both outputs are
byte-identical and both commands exit 0, and times the two commands as fresh processes, interleaved
(benchlib.interleave), stdout to /dev/null. Ours: `capnp-render-bench render STYLE FILE` (a compiled
benchmark binary with the generated code for Everything built in). Peer: `capnp decode [--short]
-I DIR everything.capnp Everything < FILE`, which parses the schema file at start-up. Both times
include process start-up and reading the input file; the fixed part (a one-message input) is timed
separately and shown in the details. Rows go through Benchmarks/benchlib.py (area `capnp-codegen`).
"""
import argparse
import filecmp
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib  # noqa: E402

AREA = "capnp-codegen"


def run_to_file(cmd: list, stdin_path, out_path: str) -> None:
    with open(out_path, "wb") as out, open(stdin_path or os.devnull, "rb") as inp:
        rc = subprocess.run(cmd, stdin=inp, stdout=out, timeout=600).returncode
    if rc != 0:
        raise SystemExit(f"bench-capnp-codegen: {' '.join(cmd)} exited {rc}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--count", type=int, default=5_000 if benchlib.quick() else 50_000)
    ap.add_argument("--runs", type=int, default=3 if benchlib.quick() else 11)
    a = ap.parse_args()
    load = benchlib.machine_load()
    version = subprocess.run(["capnp", "--version"], capture_output=True, text=True).stdout.split()[-1]
    subprocess.run([a.bin, "generate", str(a.count), a.data], check=True, timeout=600)
    schema = os.path.join(a.fixtures, "everything.capnp")
    nk = f"{a.count // 1000}k" if a.count % 1000 == 0 else str(a.count)
    rows, details = [], []
    with tempfile.TemporaryDirectory() as tmp:
        # capnp decode rejects an empty input: the fixed cost is measured on a one-message file.
        empty = os.path.join(tmp, "one.bin")
        subprocess.run([a.bin, "generate", "1", empty], check=True, timeout=60)
        print(f"bench-capnp-codegen: render {a.count} Everything messages ({os.path.getsize(a.data) / 1e6:.1f} MB framed), "
              f"wall-clock median of {a.runs} interleaved runs")
        fixed = {}
        for style, flag in (("pretty", []), ("short", ["--short"])):
            ours = [a.bin, "render", style, a.data]
            peer = ["capnp", "decode", *flag, "-I", a.fixtures, schema, "Everything"]
            run_to_file(ours, None, os.path.join(tmp, "ours"))
            run_to_file(peer, a.data, os.path.join(tmp, "peer"))
            if not filecmp.cmp(os.path.join(tmp, "ours"), os.path.join(tmp, "peer"), shallow=False):
                raise SystemExit(f"bench-capnp-codegen: {style} output differs from capnp decode")
            mb = os.path.getsize(os.path.join(tmp, "ours")) / 1e6
            timing = benchlib.interleave({"ours": ours, "peer": peer}, runs=a.runs, warmup=1, stdin={"peer": a.data})
            # Fixed cost: the same commands on a one-message input (process start-up; schema parsing for capnp).
            zero = benchlib.interleave({"ours": [a.bin, "render", style, empty], "peer": peer},
                                       runs=max(3, a.runs // 2), warmup=1, stdin={"peer": empty})
            fixed[style] = (zero["ours"]["wall"]["median"], zero["peer"]["wall"]["median"])
            form = "capnp decode pretty form" if style == "pretty" else "`--short` form"
            row = benchlib.time_row(
                AREA, f"print {nk} messages as text, {form} ({mb:.0f} MB, identical)",
                "capnp decode" + (" --short" if flag else ""), version, timing, "ours", "peer",
                reproduce="make bench-capnp-codegen",
                includes="Both: a fresh process reading the framed file and writing the text to /dev/null. Ours: "
                         "a compiled benchmark binary with the generated Readers for Everything + TextRenderer. "
                         "Peer: the `capnp` tool, which also parses everything.capnp at start-up "
                         f"(one-message input: ours {fixed[style][0] * 1e3:.1f} ms, capnp decode {fixed[style][1] * 1e3:.1f} ms).",
                note="Outputs compared byte for byte, both exits checked.")
            rows.append(row)
            o, p = timing["ours"]["wall"], timing["peer"]["wall"]
            print(f"  {style:6} ({mb:.0f} MB identical): ours {o['median']:.3f} s ({o['min']:.3f}-{o['max']:.3f}), "
                  f"capnp decode {p['median']:.3f} s ({p['min']:.3f}-{p['max']:.3f}), capnp/ours = {row['ratio']:.2f}x; "
                  f"one message: ours {fixed[style][0] * 1e3:.1f} ms, capnp {fixed[style][1] * 1e3:.1f} ms")
    details = [f"Rendering {a.count} `Everything` messages (`Tests/CodegenTests/Fixtures/everything.capnp`, written by "
               f"`capnp-render-bench generate`) as text, ours vs `capnp decode` {version}. Each side is a fresh process "
               f"per run, interleaved, {a.runs} runs; wall-clock median (min–max), CPU medians beside.",
               "",
               "| form | ours wall s (min–max) | capnp decode wall s (min–max) | ours CPU s | capnp CPU s | ratio | "
               "one message: ours / capnp ms |",
               "|---|---:|---:|---:|---:|---:|---:|"]
    for (style, _), row in zip((("pretty", 0), ("short", 0)), rows):
        o, p = row["ours_stats"], row["peer_stats"]
        details.append(f"| {style} | {benchlib.spread(o, fmt='.3f')} | {benchlib.spread(p, fmt='.3f')} | "
                       f"{row['ours_cpu']:.3f} | {row['peer_cpu']:.3f} | "
                       f"{row['ratio']:.2f}× | {fixed[style][0] * 1e3:.1f} / {fixed[style][1] * 1e3:.1f} |")
    details += ["", "The peer is the `capnp` command-line tool (dynamic schema loading and its own text printer), "
                "not a compiled C++ program with generated code: what a user of the tool runs."]
    return benchlib.finish("bench-capnp-codegen", AREA, rows, load, "\n".join(details))


if __name__ == "__main__":
    sys.exit(main())
