#!/usr/bin/env python3
"""Turn every area's benchmark rows (out/bench/rows/*.json, written through Benchmarks/benchlib.py)
into one report: out/bench/report.md.

Usage: Tools/bench_summary.py [--rows DIR] [--out FILE] [--commit SHA]

The report's head names the machine (CPU model, cores, memory), the date, the commit and whether
the tree had uncommitted changes; then one headline table (the one Tools/readme_bench_table.py
copies into README.md), then each area's own detail section. A row measured while the machine's
1-minute load average was above LOADED_AT is marked "loaded": re-run it rather than trust it.
"""
import argparse
import datetime
import glob
import json
import math
import os
import platform
import subprocess
import sys

LOADED_AT = 0.5  # competing runnable tasks (benchlib.machine_load) above which the row says "loaded"
TABLE_BEGIN = "<!-- bench-table:begin -->"
TABLE_END = "<!-- bench-table:end -->"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib() -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def fmt_value(stats: dict, metric: str, unit: str) -> str:
    m = stats["median"]
    if m is None or (isinstance(m, float) and math.isnan(m)):
        return "–"  # a side that could not run (the row's workload and note say why)
    if metric == "time":
        if m >= 1:
            s = f"{m:.2f} s"
        elif m >= 1e-3:
            s = f"{m * 1e3:.1f} ms"
        else:
            s = f"{m * 1e6:.0f} µs"
        if stats.get("n", 1) > 1:
            lo, hi = stats["min"], stats["max"]
            scale, suffix = (1, "s") if m >= 1 else ((1e3, "ms") if m >= 1e-3 else (1e6, "µs"))
            s += f" ({lo * scale:.3g}–{hi * scale:.3g} {suffix}, n={stats['n']})"
        return s
    if m == int(m):
        return f"{int(m)} {unit}".strip()
    return f"{m:.3g} {unit}".strip()


def fmt_ratio(row: dict) -> str:
    r = row["ratio"]
    if r is None or (isinstance(r, float) and math.isnan(r)):
        return "–"
    if row["metric"] == "time":
        word = "faster" if r >= 1 else "slower"
        return f"{r:.2f}× ({word})"
    if row["metric"] == "size":
        word = "smaller" if r <= 1 else "larger"
        return f"{r:.2f}× size ({word})"
    word = "fewer" if r < 1 else ("equal" if r == 1 else "more")
    return f"{r:.2f}× ({word})"


def load_rows(rows_dir: str) -> list:
    areas = []
    for path in sorted(glob.glob(os.path.join(rows_dir, "*.json"))):
        with open(path) as f:
            areas.append(json.load(f))
    return areas


TABLE_HEAD = ["| area | workload | peer | ours | peer | ours vs peer | clock | goal | reproduce |",
              "|---|---|---|---:|---:|---:|---|---|---|"]


def row_line(row: dict) -> str:
    peer = row["peer"] + (f" {row['peer_version']}" if row.get("peer_version") else "")
    unit = row.get("unit", "")
    goal = row.get("goal", "")
    if "goal_met" in row:
        goal = f"{goal}: {'met' if row['goal_met'] else 'not met'}"
    clock = row.get("clock", "-")
    if row.get("load", 0) > LOADED_AT:
        clock += f" (loaded {row['load']:.1f})"
    if row.get("quick"):
        clock += " (quick)"
    return (f"| {row['area']} | {row['workload']} | {peer} | {fmt_value(row['ours_stats'], row['metric'], unit)} | "
            f"{fmt_value(row['peer_stats'], row['metric'], unit)} | {fmt_ratio(row)} | {clock} | {goal} | "
            f"`{row['reproduce']}` |")


def group_line(rows: list) -> str:
    """One headline line for rows that share a `group` (the same measure over many layers or
    inputs): ours and peer summed over the rows, the geometric mean of the per-row ratios with
    their range, and how many rows met the goal. Every row is still listed in the area's section."""
    first = rows[0]
    metric, unit = first["metric"], first.get("unit", "")
    ratios = [r["ratio"] for r in rows if r["ratio"] is not None and not math.isnan(r["ratio"]) and r["ratio"] > 0]

    def total(side: str) -> str:
        values = [r[side]["median"] for r in rows]
        if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
            return "–"
        if metric == "time":
            return fmt_value({"median": sum(values), "n": 1}, metric, unit) + " in all"
        return f"{float(sum(values)):.4g} {unit}".strip() + " in all"

    ratio = "–"
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        if metric == "time":
            word = "faster" if geo >= 1 else "slower"
        else:
            word = "fewer" if geo < 1 else ("equal" if geo == 1 else "more")
        ratio = f"{geo:.2f}× ({word}; geo-mean, {min(ratios):.2f}–{max(ratios):.2f}×)"
    goal = first.get("goal", "")
    judged = [r for r in rows if "goal_met" in r]
    if judged:
        goal = f"{goal}: met on {sum(1 for r in judged if r['goal_met'])} of {len(judged)}"
    clock = first.get("clock", "-")
    load = max(r.get("load", 0) for r in rows)
    if load > LOADED_AT:
        clock += f" (loaded {load:.1f})"
    if any(r.get("quick") for r in rows):
        clock += " (quick)"
    peer = first["peer"] + (f" {first['peer_version']}" if first.get("peer_version") else "")
    return (f"| {first['area']} | {first['group']} ({len(rows)} rows, each in the report) | {peer} | "
            f"{total('ours_stats')} | {total('peer_stats')} | {ratio} | {clock} | {goal} | `{first['reproduce']}` |")


def headline_table(areas: list) -> list:
    """One line per row; rows with a `group` key collapse into one line per group (group_line)."""
    lines = list(TABLE_HEAD)
    for area in areas:
        # Each entry: a single row, or the list of a group's rows, in first-seen order.
        entries: list = []
        groups: dict = {}
        for row in area["rows"]:
            name = row.get("group")
            if not name:
                entries.append(row)
            elif name in groups:
                groups[name].append(row)
            else:
                groups[name] = [row]
                entries.append(groups[name])
        lines += [group_line(e) if isinstance(e, list) else row_line(e) for e in entries]
    return lines


def grouped_rows_table(area: dict) -> list:
    """Every row of an area's groups, one line each, for the area's section of the report."""
    rows = [r for r in area["rows"] if r.get("group")]
    return ["All rows behind the headline's grouped lines:", "", *TABLE_HEAD, *map(row_line, rows), ""] if rows else []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="out/bench/rows")
    ap.add_argument("--out", default="out/bench/report.md")
    a = ap.parse_args()
    areas = load_rows(a.rows)
    if not areas:
        print(f"bench_summary: {a.rows}: no benchmark rows (run make bench)", file=sys.stderr)
        return 1
    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    quick = any(area.get("quick") for area in areas)
    out = [
        "# Sluice benchmark report",
        "",
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, {memory_gib():.0f} GiB, {platform.system()} {platform.release()}",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {commit}{dirty}",
        f"- run: {'make bench-quick (small inputs: for checking, not for quoting)' if quick else 'make bench (full)'}",
        f"- load: runnable tasks competing with the benchmark when each area started (mean over 1 s); above {LOADED_AT} the row says 'loaded'",
        "",
        "Time rows: wall-clock median of interleaved runs (ours, peer, ours, ...) with min–max and run count;",
        "ratio = peer median / our median (above 1: we are faster). Size and count rows: ratio = ours / peer",
        "(below 1: we are smaller). Each area's section says what each side's time includes.",
        "",
        "## Headline",
        "",
        TABLE_BEGIN,
        *headline_table(areas),
        TABLE_END,
        "",
    ]
    for area in areas:
        out += [f"## {area['area']}", "", f"Competing load at start: {area['load']:.2f} runnable tasks.", ""]
        notes = [r for r in area["rows"] if r.get("note") or r.get("includes")]
        for r in notes:
            bits = [b for b in (r.get("includes", ""), r.get("note", "")) if b]
            extra = ""
            if r["metric"] == "time" and r.get("ours_cpu") is not None:
                peer = f"{r['peer_cpu']:.4g} s" if r.get("peer_cpu") is not None else "none (the peer did not run)"
                extra = f" CPU medians: ours {r['ours_cpu']:.4g} s, peer {peer}."
            out.append(f"- {r['workload']}: {' '.join(bits)}{extra}")
        if notes:
            out.append("")
        if area.get("details"):
            out += [area["details"].rstrip(), ""]
        out += grouped_rows_table(area)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(out) + "\n")
    os.replace(tmp, a.out)
    print(f"bench_summary: {a.out}: {sum(len(x['rows']) for x in areas)} rows from {len(areas)} areas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
