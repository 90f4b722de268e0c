#!/usr/bin/env python3
"""Independent checker of a placed stream (Formats/placed.capnp), read with pycapnp.

It shares no code with place-route: it rebuilds the mesh's link numbering from the arch record
and the numbering rule written in Formats/placed.capnp, then replays the schedule:

  - every group placed once, on enabled cores, inside its epoch's window;
  - groups that do work at the same time never share a core;
  - every route is a connected walk over existing links from its source to its destination;
    the branches of a multicast tree (routes with the same `multicast` number) share source,
    bytes, epoch and edge, and carry the bytes once over every link they share;
  - every link carries no more bytes in an epoch than its bandwidth moves in that epoch;
  - the link records add up to the routes;
  - dependencies: a consumer never starts before or ends before its producer, and a value
    passed inside a pipelined epoch is routed in full between the two groups' cores;
  - no core holds more live buffer bytes than its capacity in any epoch.

Usage: placed_check.py [--min-tiles N] STREAM...   (--min-tiles: also fail a stream whose groups
hold fewer than N tiles as tile-plan counts them, for the scale case.) Exit 0 when every stream passes, 3 when a check fails,
1 when a stream cannot be read. Prints one line per stream.
"""
import collections
import os
import sys

import capnp

capnp.remove_import_hook()
HERE = os.path.dirname(os.path.abspath(__file__))
FORMATS = os.path.join(HERE, "..", "Formats")
EPS = 1e-6


class Failed(Exception):
    pass


def load():
    return capnp.load(os.path.join(FORMATS, "placed.capnp"), imports=[FORMATS])


def read(schema, path, mutable=False):
    with open(path, "rb") as f:
        data = f.read()
    frames = schema.PlacedFrame.read_multiple_bytes(data, traversal_limit_in_words=1 << 40, nesting_limit=64)
    out = collections.defaultdict(list)
    for fr in frames:
        if mutable:
            fr = fr.as_builder()
        which = fr.which()
        out[which].append(getattr(fr, which))
    return out


def check(rec):
    if len(rec["trailer"]) != 1:
        raise Failed("no trailer: the stream is not whole")
    if rec["header"][0].kind != "placed":
        raise Failed(f"kind {rec['header'][0].kind!r}, not placed")
    arch = rec["arch"][0]
    rows, cols = arch.mesh.rows, arch.mesh.cols
    torus = "torus" in arch.noc.topology.lower()
    disabled = {d.row * cols + d.col for d in arch.mesh.disabled}
    N = rows * cols
    # Link numbering, from the schema's comment: 4 * node + direction (E, W, S, N), then channels.
    ends = {}
    cap = {}
    for v in range(N):
        r, c = divmod(v, cols)
        for d, (dr, dc) in enumerate([(0, 1), (0, -1), (1, 0), (-1, 0)]):
            nr, nc = r + dr, c + dc
            if torus:
                if (d < 2 and cols < 2) or (d >= 2 and rows < 2):
                    continue
                nr, nc = nr % rows, nc % cols
            elif not (0 <= nr < rows and 0 <= nc < cols):
                continue
            ends[4 * v + d] = (v, nr * cols + nc)
            cap[4 * v + d] = arch.noc.linkBytesPerCycle
    for i, ch in enumerate(arch.dram):
        node = min(max(ch.row, 0), rows - 1) * cols + min(max(ch.col, 0), cols - 1)
        ends[4 * N + 2 * i] = (-1 - i, node)
        ends[4 * N + 2 * i + 1] = (node, -1 - i)
        cap[4 * N + 2 * i] = cap[4 * N + 2 * i + 1] = ch.bytesPerCycle

    plan = rec["plan"][0]
    epochs = [(e.startCycle, e.endCycle) for e in plan.epochs]
    groups = rec["group"]
    places = {}
    for p in rec["placement"]:
        if p.group in places:
            raise Failed(f"group {p.group} placed twice")
        places[p.group] = p
    if sorted(places) != list(range(len(groups))):
        raise Failed(f"{len(places)} placements for {len(groups)} groups")
    busy = collections.defaultdict(dict)  # epoch -> core -> group
    for g, p in places.items():
        if p.slot >= len(epochs):
            raise Failed(f"group {g}: epoch {p.slot} of {len(epochs)}")
        s, e = epochs[p.slot]
        if p.startCycle < s - EPS * max(1, s) or p.endCycle > e + EPS * max(1, e) or p.endCycle < p.startCycle:
            raise Failed(f"group {g}: [{p.startCycle}, {p.endCycle}] outside its epoch [{s}, {e}]")
        for c in p.cores:
            if c >= N or c in disabled:
                raise Failed(f"group {g} on core {c}, which is disabled or off the mesh")
            if p.cycles > 0:
                other = busy[p.slot].get(c)
                if other is not None:
                    raise Failed(f"groups {other} and {g} both run on core {c} in epoch {p.slot}")
                busy[p.slot][c] = g

    # Routes: connected, and within bandwidth per epoch.
    load = collections.defaultdict(float)
    totals = collections.defaultdict(float)
    counts = collections.defaultdict(int)  # routes per link: each rounds its bytes up once
    epoch_counts = collections.defaultdict(int)  # the same per (epoch, link)
    carried = collections.defaultdict(float)  # (edge) -> bytes routed
    trees = {}  # multicast number -> (source, bytes, epoch, edge, fromGroup, toGroup)
    tree_links = set()  # (tree, link): a tree's bytes cross each of its links once
    for k, f in enumerate(rec["route"]):
        if f.multicast:
            key = (f.source, f.bytes, f.epoch, f.edge, f.fromGroup, f.toGroup)
            if trees.setdefault(f.multicast, key) != key:
                raise Failed(f"route {k}: branch of multicast tree {f.multicast} with another source, bytes, epoch or edge")
        src = -1 - f.source if f.fromGroup < 0 else f.source
        dst = -1 - f.destination if f.toGroup < 0 else f.destination
        at = src
        for l in f.links:
            if l not in ends:
                raise Failed(f"route {k}: link {l} does not exist")
            a, b = ends[l]
            if a != at:
                raise Failed(f"route {k}: link {l} leaves {a}, the walk is at {at}")
            at = b
        if at != dst:
            raise Failed(f"route {k}: ends at {at}, not at its destination {dst}")
        if f.epoch >= len(epochs) or (f.startCycle, f.endCycle) != epochs[f.epoch]:
            raise Failed(f"route {k}: window is not its epoch's")
        for l in f.links:
            if f.multicast:
                if (f.multicast, l) in tree_links:
                    continue
                tree_links.add((f.multicast, l))
            load[(f.epoch, l)] += f.bytes
            totals[l] += f.bytes
            counts[l] += 1
            epoch_counts[(f.epoch, l)] += 1
        if f.edge >= 0:
            carried[f.edge] += f.bytes
            if f.fromGroup >= 0 and f.source not in places[f.fromGroup].cores:
                raise Failed(f"route {k}: source core {f.source} is not one of group {f.fromGroup}'s")
            if f.toGroup >= 0 and f.destination not in places[f.toGroup].cores:
                raise Failed(f"route {k}: destination core {f.destination} is not one of group {f.toGroup}'s")
    for (e, l), b in load.items():
        s, t = epochs[e]
        # Each route's bytes are written rounded up: up to one byte per route over the exact load.
        if b > cap[l] * (t - s) * (1 + EPS) + 1 + epoch_counts[(e, l)]:
            raise Failed(f"link {l} carries {b:.0f} bytes in epoch {e}, more than {cap[l]} B/cycle x {t - s:.0f} cycles")
    for lk in rec["link"]:
        if abs(lk.bytes - totals.get(lk.link, 0)) > 1 + counts[lk.link]:
            raise Failed(f"link record {lk.link}: {lk.bytes} bytes, the routes add up to {totals.get(lk.link, 0):.0f}")

    # Dependencies.
    for i, ed in enumerate(rec["edge"]):
        a, b = places[getattr(ed, 'from')], places[ed.to]
        if a.slot > b.slot:
            raise Failed(f"edge {i}: group {ed.to} (epoch {b.slot}) runs before its producer {getattr(ed, 'from')} (epoch {a.slot})")
        if a.slot == b.slot and (a.startCycle > b.startCycle + EPS or a.endCycle > b.endCycle + EPS * max(1, b.endCycle)):
            raise Failed(f"edge {i}: group {ed.to} starts or ends before its producer {getattr(ed, 'from')}")
        if a.slot == b.slot and a.cycles > 0 and b.cycles > 0 and set(a.cores) != set(b.cores):
            if carried[i] + 1 * max(len(a.cores), len(b.cores)) < ed.bytes:
                raise Failed(f"edge {i}: {ed.bytes} bytes from group {getattr(ed, 'from')} to {ed.to}, only {carried[i]:.0f} routed")

    # SRAM: live bytes per core per epoch.
    cores = 0
    for cb in rec["core"]:
        cores += 1
        live = collections.defaultdict(float)
        for buf in cb.buffers:
            for e in range(buf.firstEpoch, buf.lastEpoch + 1):
                live[e] += buf.bytes
        for e, b in live.items():
            if b > cb.capacityBytes:
                raise Failed(f"core {cb.core}: {b:.0f} bytes live in epoch {e}, capacity {cb.capacityBytes}")
        if live and abs(max(live.values()) - cb.peakBytes) > len(cb.buffers) + 1:
            raise Failed(f"core {cb.core}: peak {cb.peakBytes} recorded, buffers add up to {max(live.values()):.0f}")
    if cores != N - len(disabled & set(range(N))):
        raise Failed(f"{cores} core budgets for {N - len(disabled)} enabled cores")
    return len(groups), len(rec["route"]), len(load), cores


def self_test(schema, path):
    """Each mutation of a passing stream must fail the check: the checker can fail."""
    check(read(schema, path))
    def drop_link(r):
        f = next(f for f in r["route"] if len(f.links) > 1)
        f.links = list(f.links)[1:]
    def overload(r):
        r["route"][0].bytes = r["route"][0].bytes * 10**9 + 10**12
    def overfill(r):
        c = r["core"][0]
        bufs = c.init("buffers", 1)
        bufs[0].owner, bufs[0].what, bufs[0].bytes = 0, "weights", c.capacityBytes + 1
    def reorder(r):
        e = r["edge"][0]
        p = next(p for p in r["placement"] if p.group == getattr(e, "from"))
        q = next(p for p in r["placement"] if p.group == e.to)
        p.slot, q.slot = max(p.slot, q.slot) + 0, min(p.slot, q.slot)
        p.startCycle, q.startCycle = q.startCycle + 1, p.startCycle
    def unplace(r):
        r["placement"].pop()
    def truncate(r):
        r["trailer"].clear()
    def stranger(r):
        f = next(f for f in r["route"] if f.fromGroup >= 0 and f.toGroup >= 0) if any(
            f.fromGroup >= 0 and f.toGroup >= 0 for f in r["route"]) else r["route"][0]
        f.links = []
    def split_tree(r):
        f = next(f for f in r["route"] if f.multicast)
        f.bytes = f.bytes + 1
    mutations = [drop_link, overload, overfill, reorder, unplace, truncate, stranger, split_tree]
    for m in mutations:
        rec = read(schema, path, mutable=True)
        try:
            m(rec)
            check(rec)
        except Failed:
            continue
        except (StopIteration, IndexError):
            print(f"placed_check: self-test {m.__name__}: the stream has nothing to mutate")
            continue
        raise SystemExit(f"placed_check: self-test {m.__name__}: the mutated stream passed the check")
    print(f"placed_check: self-test: {len(mutations)} mutations of {path} all caught")


def main(paths):
    schema = load()
    min_tiles = 0
    if paths[:1] == ["--min-tiles"] and len(paths) > 2:
        min_tiles, paths = int(paths[1]), paths[2:]
    if paths and paths[0] == "--self-test":
        for p in paths[1:]:
            self_test(schema, p)
        return 0
    status = 0
    for path in paths:
        try:
            rec = read(schema, path)
            g, r, le, c = check(rec)
            tiles = sum(gr.tileCount for gr in rec["group"])
            if tiles < min_tiles:
                raise Failed(f"{tiles} tiles, fewer than --min-tiles {min_tiles}")
            print(f"placed_check: {path}: ok ({g} groups, {tiles} tiles, {r} routes, {le} link-epochs, {c} cores)")
        except Failed as e:
            print(f"placed_check: {path}: FAILED: {e}")
            status = max(status, 3)
        except Exception as e:  # unreadable stream
            print(f"placed_check: {path}: cannot read: {e}")
            status = 1 if status == 0 else status
    return status


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: placed_check.py [--min-tiles N] STREAM... | --self-test STREAM...", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
