#!/usr/bin/env python3
"""Independent checker of npu-sim's outputs, read with pycapnp, json and xml (no shared code).

    sim_check.py SIM [--trace TRACE.json] [--heatmap MAP.svg] [--expect-events-min N]

The sim stream (Formats/sim.capnp) must add up: the makespan is the latest event end, every
core's MAC/vector/SRAM busy cycles, every link's busy cycles and bytes and every DRAM channel's
busy cycles and bytes are the sums of their events; the summary's event count is the rows of
the batches (each at most 65,536); a group's start and end are its first and last event.
The trace JSON must load with json, name a process per core that has events ("core N (r,c)"),
"NoC links" and "DRAM channels" when those have events, hold one complete event per row, and
its durations (in microseconds of the arch's clock) must sum to the same busy figures.
The heat map must parse as XML, hold a data-core square per enabled core per window and a legend.
Exit status 0 when everything holds, 1 with the first failure otherwise.
"""
import argparse
import collections
import json
import os
import sys
import xml.etree.ElementTree as ET

import capnp

capnp.remove_import_hook()
FORMATS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Formats")


class Failed(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failed(what)


def read_sim(path):
    schema = capnp.load(os.path.join(FORMATS, "sim.capnp"), imports=[FORMATS])
    with open(path, "rb") as f:
        data = f.read()
    out = collections.defaultdict(list)
    for fr in schema.SimFrame.read_multiple_bytes(data, traversal_limit_in_words=1 << 40, nesting_limit=64):
        which = fr.which()
        out[which].append(getattr(fr, which))
    return out


def check_sim(rec):
    expect(len(rec["summary"]) == 1, "one summary record")
    s = rec["summary"][0]
    expect(len(rec["arch"]) == 1, "one arch record")
    arch = rec["arch"][0]
    busy = collections.Counter()
    nbytes = collections.Counter()
    groups = {}
    rows = 0
    makespan = 0
    last_start = -1
    for b in rec["events"]:
        n = len(b.unit)
        expect(n <= 65536, f"an events batch of {n} rows")
        cols = [list(b.unit), list(b.resource), list(b.group), list(b.tile), list(b.startCycle), list(b.endCycle), list(b.bytes)]
        expect(all(len(c) == n for c in cols), "columns of unequal length")
        for u, r, g, _t, st, en, by in zip(*cols):
            expect(en > st, f"an event ends at {en}, not after its start {st}")
            expect(st >= last_start, "events not in start order")
            last_start = st
            busy[(u, r)] += en - st
            nbytes[(u, r)] += by
            makespan = max(makespan, en)
            lo, hi = groups.get(g, (st, en))
            groups[g] = (min(lo, st), max(hi, en))
        rows += n
    expect(s.events == rows, f"summary says {s.events} events, the batches hold {rows}")
    expect(s.makespanCycles == makespan, f"makespan {s.makespanCycles}, latest event end {makespan}")
    for c in rec["core"]:
        for unit, got in ((0, c.macBusyCycles), (1, c.vectorBusyCycles), (2, c.sramBusyCycles)):
            expect(got == busy[(unit, c.core)], f"core {c.core} unit {unit}: {got} busy, its events sum to {busy[(unit, c.core)]}")
        expect(c.sramReadBytes + c.sramWriteBytes == nbytes[(2, c.core)], f"core {c.core}: SRAM bytes")
    seen_links = set()
    for l in rec["link"]:
        seen_links.add(l.link)
        expect(l.busyCycles == busy[(3, l.link)], f"link {l.link}: {l.busyCycles} busy, events {busy[(3, l.link)]}")
        expect(l.bytes == nbytes[(3, l.link)], f"link {l.link}: bytes")
    for (u, r), v in busy.items():
        if u == 3:
            expect(r in seen_links, f"link {r} has events but no link record")
    for ch, (b, by) in enumerate(zip(s.channelBusyCycles, s.channelBytes)):
        expect(b == busy[(4, ch)], f"DRAM channel {ch}: {b} busy, events {busy[(4, ch)]}")
        expect(by == nbytes[(4, ch)], f"DRAM channel {ch}: bytes")
    for gt in rec["group"]:
        if gt.group in groups:
            expect((gt.startCycle, gt.endCycle) == groups[gt.group], f"group {gt.group}: window {(gt.startCycle, gt.endCycle)} vs events {groups[gt.group]}")
        else:
            expect(gt.startCycle == 0 and gt.endCycle == 0, f"group {gt.group} has no events but a window")
    expect(abs(s.energyPj - (s.macPj + s.sramPj + s.nocPj + s.dramPj)) <= 1e-6 * max(1.0, s.energyPj), "energy is not the sum of its parts")
    return s, arch, busy, rows


def check_trace(path, s, arch, busy, rows):
    with open(path) as f:
        d = json.load(f)
    events = d["traceEvents"]
    names = {}
    threads = {}
    for e in events:
        if e.get("ph") == "M" and e["name"] == "process_name":
            names[e["pid"]] = e["args"]["name"]
        if e.get("ph") == "M" and e["name"] == "thread_name":
            threads[(e["pid"], e["tid"])] = e["args"]["name"]
    complete = [e for e in events if e.get("ph") == "X"]
    expect(len(complete) == rows, f"trace has {len(complete)} complete events, the stream {rows}")
    per_us = arch.clockGhz * 1000
    by_track = collections.Counter()
    for e in complete:
        expect(e["pid"] in names, f"an event on pid {e['pid']}, which has no process name")
        expect((e["pid"], e["tid"]) in threads, f"an event on an unnamed track {e['pid']}/{e['tid']}")
        by_track[(e["pid"], e["tid"])] += e["dur"]
    cores = {p: n for p, n in names.items() if n.startswith("core ")}
    link_pid = [p for p, n in names.items() if n == "NoC links"]
    dram_pid = [p for p, n in names.items() if n == "DRAM channels"]
    if any(u == 3 for u, _ in busy):
        expect(link_pid, "no 'NoC links' process")
    if any(u == 4 for u, _ in busy):
        expect(dram_pid, "no 'DRAM channels' process")
    for (u, r), cycles in busy.items():
        if u == 3:
            track = (link_pid[0], r)
        elif u == 4:
            track = (dram_pid[0], r)
        else:
            track = (r + 1, u)
            expect(names.get(r + 1, "").startswith(f"core {r} "), f"core {r}'s process is named {names.get(r + 1)!r}")
        got = by_track[track] * per_us
        expect(abs(got - cycles) <= 1e-6 * cycles + 1e-3 * max(1, len(complete)) / per_us + 0.5,
               f"track {track}: trace durations sum to {got:.3f} cycles, the stream says {cycles}")
    return len(cores)


def check_heatmap(path, arch):
    root = ET.parse(path).getroot()
    expect(root.tag.endswith("svg"), "not an svg")
    windows = int(root.get("data-windows"))
    cores = [e for e in root.iter() if e.get("data-core") is not None and e.get("data-disabled") is None]
    enabled = arch.mesh.rows * arch.mesh.cols - len({(n.row, n.col) for n in arch.mesh.disabled})
    expect(len(cores) == enabled * windows, f"{len(cores)} core squares, expected {enabled} x {windows}")
    for c in cores:
        u = float(c.get("data-utilization"))
        expect(0 <= u <= 1.0001, f"core utilization {u} outside [0, 1]")
    expect(any(e.get("data-legend") for e in root.iter()), "no legend")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim")
    ap.add_argument("--trace")
    ap.add_argument("--heatmap")
    ap.add_argument("--expect-events-min", type=int, default=1)
    a = ap.parse_args()
    try:
        rec = read_sim(a.sim)
        s, arch, busy, rows = check_sim(rec)
        expect(rows >= a.expect_events_min, f"{rows} events, expected at least {a.expect_events_min}")
        tracks = check_trace(a.trace, s, arch, busy, rows) if a.trace else 0
        if a.heatmap:
            check_heatmap(a.heatmap, arch)
    except Failed as e:
        print(f"sim_check: {a.sim}: {e}", file=sys.stderr)
        return 1
    print(f"sim_check: {a.sim}: {rows} events add up to the summary (makespan {s.makespanCycles})"
          + (f"; trace: {tracks} core processes" if a.trace else "") + ("; heat map ok" if a.heatmap else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
