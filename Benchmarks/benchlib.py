"""benchlib: the one way every Sluice benchmark times its sides and records a result row.

Every side-by-side benchmark (`make bench`) imports this module so that all rows are measured
the same way and land in one report:

- Sides run *interleaved* (ours, peer, ours, peer, ...) after one untimed warm-up each, so a
  burst of load on this shared machine hits both sides alike; the headline is the wall-clock
  median, reported with min, max and the run count. CPU time (user + sys of the process, or of
  the child for a subprocess) is kept beside it, never instead of it.
- A side is either a command line (run as a fresh process: its time includes process start-up,
  which the row's `includes` note says) or a Python callable (timed in this process).
- `write_rows` appends rows to `out/bench/rows/<area>.json` (one file per area, rewritten by that
  area's run); `Tools/bench_summary.py` turns every area's file into `out/bench/report.md`, and
  `Tools/readme_bench_table.py` copies the report's headline table into README.md.
- `finish` is a script's last step (write the rows, say where); `spread` formats a sample as
  `median (min–max)` for its printout and Markdown detail.

A row (JSON object):
    area, workload, peer, peer_version        what ran against what
    metric      "time" (seconds; ratio = peer median / our median, >1 means we are faster),
                "size" (bytes or bits; ratio = ours / peer, <1 means we are smaller),
                "count" (e.g. operator nodes; ratio = ours / peer, <1 means fewer)
    clock       "wall" or "cpu" for time rows (wall is the headline), "-" otherwise
    ours_stats, peer_stats  {"median", "min", "max", "n"} of the measured quantity
    ours_cpu, peer_cpu  optional CPU-time medians for time rows
    ratio       as above; goal / goal_met optional; includes: what each side's time covers
    note        free text (which fast path ran, what output both sides materialize)
    reproduce   the make target (or command) that re-measures the row
    load        the competing load when the area started (see `machine_load`)
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import threading
import time
from typing import Callable, Sequence, Union

Side = Union[Sequence[str], Callable[[], object]]

ROWS_DIR = os.environ.get("SLUICE_BENCH_ROWS", os.path.join("out", "bench", "rows"))


def quick() -> bool:
    """True under `make bench-quick`: benchmarks shrink their inputs and run counts."""
    return os.environ.get("SLUICE_BENCH_QUICK", "") not in ("", "0")


def machine_load(seconds: float = 1.0) -> float:
    """Competing load when an area starts: the mean number of runnable tasks other than this
    one, sampled every 50 ms for `seconds` (the 4th field of /proc/loadavg counts runnable
    tasks, this process included). The 1-minute load average would instead still count the
    previous benchmark of the same `make bench`; this counts what runs beside us now."""
    samples = []
    for _ in range(max(1, int(seconds / 0.05))):
        with open("/proc/loadavg") as f:
            running = int(f.read().split()[3].split("/")[0])
        samples.append(max(0, running - 1))
        time.sleep(0.05)
    return statistics.mean(samples)


def run_shell(cmd: str, timeout: float = 1800, input: bytes | None = None) -> bytes:
    """Standard output of a shell command line (setup steps around the timed runs, never timed):
    an error naming the command and the start of its stderr when it fails."""
    p = subprocess.run(cmd, shell=True, capture_output=True, timeout=timeout, input=input)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({p.returncode}): {p.stderr.decode(errors='replace').strip()[:300]}")
    return p.stdout


def first_record(json_lines: str, kind: str) -> dict:
    """The first record of `kind` in `rec-cat --json` output (an error when there is none)."""
    for line in json_lines.splitlines():
        r = json.loads(line)
        if kind in r:
            return r[kind]
    raise RuntimeError(f"no {kind} record in the stream")


def _time_command(cmd: Sequence[str], stdin_path: str | None, timeout: float) -> tuple[float, float]:
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdin=stdin, stdout=subprocess.DEVNULL)
        # wait4 gives the child's CPU time but no timeout: a timer kills a hung command.
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin_path:
            stdin.close()
    if wall >= timeout:
        raise RuntimeError(f"benchmark command killed after {timeout:.0f} s: {' '.join(cmd)}")
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime


def _time_callable(fn: Callable[[], object]) -> tuple[float, float]:
    c0 = time.process_time()
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    return wall, time.process_time() - c0


def time_once(side: Side, stdin_path: str | None = None, timeout: float = 1800) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of a command line or a callable."""
    if callable(side):
        return _time_callable(side)
    return _time_command(side, stdin_path, timeout)


def interleave(sides: dict[str, Side], runs: int, warmup: int = 1,
               stdin: dict[str, str] | None = None,
               prepare: dict[str, Callable[[], object]] | None = None) -> dict[str, dict]:
    """Run every side `warmup` times untimed, then `runs` rounds of each side in turn.

    `prepare[name]`, when given, runs untimed before every run of that side (e.g. removing the
    output file, so that no side pays for replacing the previous run's file).
    Returns, per side name, {"wall": stats, "cpu": stats, "walls": [...], "cpus": [...]}.
    The order within a round alternates so neither side always runs right after the other.
    """
    stdin = stdin or {}
    prepare = prepare or {}
    names = list(sides)
    for _ in range(warmup):
        for name in names:
            if name in prepare:
                prepare[name]()
            time_once(sides[name], stdin.get(name))
    walls = {n: [] for n in names}
    cpus = {n: [] for n in names}
    for r in range(runs):
        order = names if r % 2 == 0 else list(reversed(names))
        for name in order:
            if name in prepare:
                prepare[name]()
            w, c = time_once(sides[name], stdin.get(name))
            walls[name].append(w)
            cpus[name].append(c)
    return {n: {"wall": stats(walls[n]), "cpu": stats(cpus[n]), "walls": walls[n], "cpus": cpus[n]}
            for n in names}


def stats(values: Sequence[float]) -> dict:
    """Median, min, max and count of a sample (the shape of `ours`/`peer` in a row)."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def single(value: float) -> dict:
    """A deterministic quantity (a size, a node count) in the same shape as a timed sample."""
    return {"median": value, "min": value, "max": value, "n": 1}


def spread(st: dict, scale: float = 1.0, fmt: str = ".2f", range_fmt: str | None = None, dash: str = "–") -> str:
    """`median (min–max)` of a `stats` dict, each value times `scale` (1e3 for ms), `fmt` for the
    median and `range_fmt` (default `fmt`) for the ends."""
    r = fmt if range_fmt is None else range_fmt
    return f"{st['median'] * scale:{fmt}} ({st['min'] * scale:{r}}{dash}{st['max'] * scale:{r}})"


def time_row(area: str, workload: str, peer: str, peer_version: str, timing: dict, ours: str,
             theirs: str, reproduce: str, includes: str = "", note: str = "", goal: str = "",
             goal_ratio: float | None = None) -> dict:
    """A wall-clock row from `interleave` output: ratio = peer median / our median."""
    o, p = timing[ours], timing[theirs]
    ratio = p["wall"]["median"] / o["wall"]["median"]
    row = {
        "area": area, "workload": workload, "peer": peer, "peer_version": peer_version,
        "metric": "time", "clock": "wall", "ours_stats": o["wall"], "peer_stats": p["wall"],
        "ours_cpu": o["cpu"]["median"], "peer_cpu": p["cpu"]["median"],
        "ratio": ratio, "includes": includes, "note": note, "reproduce": reproduce,
    }
    if goal:
        row["goal"] = goal
    if goal_ratio is not None:
        row["goal_met"] = ratio >= goal_ratio
    return row


def size_row(area: str, workload: str, peer: str, peer_version: str, ours: float, theirs: float,
             unit: str, reproduce: str, metric: str = "size", note: str = "", goal: str = "",
             goal_ratio: float | None = None) -> dict:
    """A row where smaller is better (bytes, bits per event, node counts): ratio = ours / peer."""
    ratio = ours / theirs if theirs else float("nan")
    row = {
        "area": area, "workload": workload, "peer": peer, "peer_version": peer_version,
        "metric": metric, "clock": "-", "unit": unit, "ours_stats": single(ours), "peer_stats": single(theirs),
        "ratio": ratio, "note": note, "reproduce": reproduce,
    }
    if goal:
        row["goal"] = goal
    if goal_ratio is not None:
        row["goal_met"] = ratio <= goal_ratio
    return row


def write_rows(area: str, rows: list[dict], load: float, details_md: str = "") -> str:
    """Write one area's rows (and optional Markdown detail for the report) under ROWS_DIR."""
    os.makedirs(ROWS_DIR, exist_ok=True)
    for row in rows:
        row.setdefault("load", load)
        row["quick"] = quick()
    path = os.path.join(ROWS_DIR, f"{area}.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"area": area, "load": load, "quick": quick(), "rows": rows, "details": details_md}, f, indent=1)
    os.replace(tmp, path)
    return path


def finish(target: str, area: str, rows: list[dict], load: float, details_md: str = "") -> int:
    """A bench script's last step: write its rows, say where (as `make <target>`), exit status 0."""
    path = write_rows(area, rows, load, details_md)
    print(f"{target}: rows written to {path}")
    return 0



if __name__ == "__main__":
    # `python3 Benchmarks/benchlib.py load`: the competing load now, for make recipes that
    # record it before an area's first measurement.
    import sys
    if sys.argv[1:] != ["load"]:
        sys.exit("usage: benchlib.py load")
    print(f"{machine_load():.2f}")
