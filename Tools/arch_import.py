#!/usr/bin/env python3
"""Convert a peer's hardware description into a Sluice `arch` stream, so the peer and we model
the same chip.

Usage:
  Tools/arch_import.py zigzag  CORE.yaml [--mapping MAPPING.yaml] [options] -o OUT.arch
  Tools/arch_import.py stream  ACCELERATOR.yaml [options] -o OUT.arch
  Tools/arch_import.py scalesim CONFIG.cfg [options] -o OUT.arch

  zigzag    a ZigZag (zigzag-dse 3.x) core: `memories` (innermost first), `operational_array`.
            Its mapping file's `default` entry, when given, says which loop each array dimension
            unrolls and which memory operand (I1, I2) holds inputs and weights.
  stream    a Stream (stream-dse 2.x) accelerator: `cores` (id -> ZigZag core file), an
            `offchip_core_id`, `core_connectivity` links (and buses), optional `core_coordinates`.
            Compute cores sharing one core file on a 2-D grid become the mesh; the off-chip core's
            memory becomes every core's backing level and its links DRAM channels at the mesh edge.
  scalesim  a SCALE-Sim configuration: [architecture_presets] ArrayHeight/ArrayWidth, the three
            SRAM sizes in KB, Dataflow, Bandwidth (words per cycle); [layout]/[sparsity] ignored.

Units. ZigZag and Stream give memory sizes in bits, port bandwidths in bits per cycle and
energies in pJ per access of the widest port; an arch has bytes, bytes per cycle and pJ per
byte, so sizes and bandwidths are divided by 8 and energies by the port's bytes. Stream's link
bandwidth is in bits per cycle too (it divides a tensor's bits by it). What a peer's file does
not say (clock, precisions, the vector unit, hop latency) comes from the options, whose
defaults are printed by --help; every default used is named on standard error, so nothing is
invented silently.

Errors (a missing field, a file that is not a 2-D mesh, an operand it cannot map) are one line
on standard error and exit status 1; the output file is written only whole (renamed into place).
"""
import argparse
import configparser
import os
import sys
import tempfile

FORMATS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Formats")
LOOP_DIMS = ["G", "B", "K", "C", "OY", "OX", "FY", "FX"]
REDUCTION_DIMS = {"C", "FY", "FX"}
DATAFLOWS = {"ws": "weightStationary", "os": "outputStationary", "is": "inputStationary", "rs": "rowStationary"}


class ImportError_(Exception):
    """A problem with the input, reported as one line."""


def fail(where, message):
    raise ImportError_(f"{where}: {message}")


def load_yaml(path):
    import yaml
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except OSError as e:
        fail(path, e.strerror or str(e))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        fail(where, f"not valid YAML ({getattr(e, 'problem', None) or e})")
    if not isinstance(doc, dict):
        fail(path, "not a YAML mapping")
    return doc


def need(mapping, key, where, kind=None):
    if not isinstance(mapping, dict) or key not in mapping:
        fail(where, f"missing '{key}'")
    value = mapping[key]
    if kind is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        fail(where, f"'{key}' is not a {getattr(kind, '__name__', 'number')}")
    return value


# ---- ZigZag cores ---------------------------------------------------------------------------

def zigzag_memory(name, m, where, operand_of):
    """One ZigZag memory as an arch MemoryLevel (a dict in pycapnp's field names)."""
    here = f"{where}: memory '{name}'"
    bits = need(m, "size", here, (int, float))
    if bits <= 0 or bits % 8:
        fail(here, f"size {bits} bits is not a positive whole number of bytes")
    operands = []
    for o in need(m, "operands", here, list):
        if o not in operand_of:
            fail(here, f"operand '{o}' is not one of {', '.join(sorted(operand_of))}")
        operands.append(operand_of[o])
    ports = need(m, "ports", here, list)
    read_bw = write_bw = 0
    shared = False
    for p in ports:
        kind = need(p, "type", here, str)
        bw = need(p, "bandwidth_max", here, (int, float))
        if bw <= 0:
            fail(here, f"port '{p.get('name', '?')}' has no bandwidth")
        if kind == "read":
            read_bw = max(read_bw, bw)
        elif kind == "write":
            write_bw = max(write_bw, bw)
        elif kind == "read_write":
            read_bw, write_bw, shared = max(read_bw, bw), max(write_bw, bw), True
        else:
            fail(here, f"port type '{kind}' is not read, write or read_write")
    if read_bw == 0 or write_bw == 0:
        fail(here, "needs a read and a write port")
    r_cost = need(m, "r_cost", here, (int, float))
    w_cost = need(m, "w_cost", here, (int, float))
    served = need(m, "served_dimensions", here, list)
    latency = m.get("latency", 1)
    return {"name": name, "bytes": int(bits) // 8, "servedDims": [str(d) for d in served],
            "operands": sorted(set(operands), key=["weight", "input", "output"].index),
            "readBytesPerCycle": read_bw / 8, "writeBytesPerCycle": write_bw / 8,
            # ZigZag costs one access of the widest port; per byte divide by its bytes.
            "readPjPerByte": r_cost / (read_bw / 8), "writePjPerByte": w_cost / (write_bw / 8),
            "banks": 1, "latencyCycles": int(latency), "doubleBuffered": False, "sharedPort": shared}


def zigzag_mapping(path):
    """(unrolls per array dim, memory operand of inputs, of weights) from a mapping file's default entry."""
    import yaml
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except OSError as e:
        fail(path, e.strerror or str(e))
    except yaml.YAMLError as e:
        fail(path, f"not valid YAML ({e})")
    entries = doc if isinstance(doc, list) else [doc]
    default = next((e for e in entries if isinstance(e, dict) and e.get("name") == "default"), None)
    if default is None:
        fail(path, "has no entry named 'default'")
    unrolls = {}
    for dim, loops in (default.get("spatial_mapping") or {}).items():
        for item in loops or []:
            loop = str(item).split(",")[0].strip()
            if loop not in LOOP_DIMS:
                fail(path, f"spatial_mapping {dim}: loop '{loop}' is not one of {' '.join(LOOP_DIMS)}")
            unrolls.setdefault(str(dim), []).append(loop)
    links = default.get("memory_operand_links") or {}
    return unrolls, links.get("I", "I1"), links.get("W", "I2")


def zigzag_core(path, args, mapping=None, backing=None, note=print):
    """A ZigZag core file as an arch CoreType. `backing`, when given, is appended as the
    outermost level (Stream's off-chip memory)."""
    doc = load_yaml(path)
    unrolls, i_op, w_op = mapping if mapping else ({}, "I1", "I2")
    operand_of = {i_op: "input", w_op: "weight", "O": "output"}
    memories = need(doc, "memories", path, dict)
    array = need(doc, "operational_array", path, dict)
    names = [str(d) for d in need(array, "dimensions", f"{path}: operational_array", list)]
    sizes = need(array, "sizes", f"{path}: operational_array", list)
    if len(names) != len(sizes) or not names:
        fail(f"{path}: operational_array", "dimensions and sizes differ in length")
    given = dict(u.split("=", 1) for u in args.unroll) if args.unroll else {}
    dims = []
    for name, size in zip(names, sizes):
        loops = given[name].split(",") if name in given else unrolls.get(name)
        if not loops:
            fail(path, f"array dimension {name}: which loop it unrolls is not in the file; give --mapping or --unroll {name}=LOOP[,LOOP]")
        for l in loops:
            if l not in LOOP_DIMS:
                fail("--unroll", f"'{l}' is not one of {' '.join(LOOP_DIMS)}")
        dims.append({"name": name, "size": int(size), "unrolls": loops, "multicast": True,
                     # partial sums add up along a dimension whose first loop is a reduction loop
                     "reduction": loops[0] in REDUCTION_DIMS})
    levels = [zigzag_memory(n, m, path, operand_of) for n, m in memories.items()]
    if backing is not None:
        levels.append(dict(backing, servedDims=list(names)))
    systolic = bool(array.get("systolic_dimensions"))
    dataflow = DATAFLOWS[args.dataflow]
    for what, value in (("clock", f"{args.clock_ghz} GHz"), ("bits W/I/O/acc", args.bits), ("dataflow", dataflow),
                        ("vector unit", f"{args.vector_lanes} lanes, {args.vector_pj} pJ/op, {args.transcendental_cycles} cycles")):
        note(f"{what}: {value} (not in the peer's file: from the options)")
    w, i, o, acc = parse_bits(args.bits)
    return {"name": args.core_name or str(doc.get("name", os.path.splitext(os.path.basename(path))[0])),
            "array": {"dims": dims, "dataflow": dataflow, "systolic": systolic},
            "weightBits": w, "inputBits": i, "outputBits": o, "accumulatorBits": acc,
            "macPj": float(array.get("unit_energy", 0)),
            "vector": {"lanes": args.vector_lanes, "pjPerOp": args.vector_pj, "transcendentalCycles": args.transcendental_cycles},
            "memories": levels}


def parse_bits(text):
    try:
        parts = [int(x) for x in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or not all(1 <= p <= 64 for p in parts):
        fail("--bits", f"'{text}' is not four bit widths W,I,O,ACC")
    return parts


def backing_channel(level):
    """A one-core chip's DRAM channel from its backing level."""
    return {"row": -1, "col": 0, "bytesPerCycle": level["readBytesPerCycle"], "pjPerByte": level["readPjPerByte"],
            "bytes": level["bytes"]}


def no_noc():
    return {"topology": "none", "routing": "none", "linkBytesPerCycle": 0, "hopCycles": 0, "startupCycles": 0,
            "injectionBytesPerCycle": 0, "pjPerByteHop": 0, "achieved": []}


def import_zigzag(args, note):
    mapping = zigzag_mapping(args.mapping) if args.mapping else None
    core = zigzag_core(args.input, args, mapping, note=note)
    last = core["memories"][-1]
    return {"name": args.name or core["name"], "description": args.description or f"imported from ZigZag {os.path.basename(args.input)}",
            "clockGhz": args.clock_ghz, "mesh": {"rows": 1, "cols": 1, "disabled": [], "coreType": 0},
            "coreTypes": [core], "noc": no_noc(), "dram": [backing_channel(last)]}


# ---- Stream accelerators -------------------------------------------------------------------

def import_stream(args, note):
    doc = load_yaml(args.input)
    base = os.path.dirname(os.path.abspath(args.input))
    cores = need(doc, "cores", args.input, dict)
    offchip = need(doc, "offchip_core_id", args.input, int)
    if offchip not in cores:
        fail(args.input, f"offchip_core_id {offchip} is not one of the cores")
    skip = {int(c) for c in args.skip_core}

    def core_path(cid):
        p = str(cores[cid])
        for candidate in (os.path.join(base, p), os.path.join(base, "cores", os.path.basename(p)), p):
            if os.path.exists(candidate):
                return candidate
        fail(args.input, f"core {cid}: file '{p}' not found next to the accelerator file")

    compute = [c for c in cores if c != offchip and c not in skip]
    files = {core_path(c) for c in compute}
    if len(files) != 1:
        fail(args.input, f"compute cores use {len(files)} different core files ({', '.join(sorted(os.path.basename(f) for f in files))}); "
                         "an arch mesh has one core type: --skip-core the others")
    for c in skip:
        note(f"core {c} ({os.path.basename(str(cores.get(c, '?')))}) skipped (--skip-core): not modelled")
    off_doc = load_yaml(core_path(offchip))
    off_mems = need(off_doc, "memories", core_path(offchip), dict)
    if len(off_mems) != 1:
        fail(core_path(offchip), "the off-chip core must have exactly one memory")
    (off_name, off_mem), = off_mems.items()
    backing = zigzag_memory(off_name, off_mem, core_path(offchip), {"I1": "input", "I2": "weight", "O": "output"})
    mapping = zigzag_mapping(args.mapping) if args.mapping else None
    core = zigzag_core(files.pop(), args, mapping, backing=backing, note=note)

    links = []
    for i, l in enumerate(doc.get("core_connectivity") or []):
        here = f"{args.input}: core_connectivity[{i}]"
        kind = l.get("type", "link")
        ends = [int(c) for c in need(l, "cores", here, list)]
        bw = need(l, "bandwidth", here, (int, float))
        if any(e not in cores for e in ends):
            fail(here, "names a core that is not in 'cores'")
        if any(e in skip for e in ends) and offchip not in ends:
            continue
        if kind == "bus":
            if offchip not in ends:
                fail(here, "a bus between compute cores has no arch equivalent (an arch NoC is a mesh)")
            note(f"core_connectivity[{i}]: a bus to off-chip memory becomes one DRAM channel of its bandwidth at the west edge of row 0")
            links.append(("dram-bus", None, bw, l.get("unit_energy_cost")))
        elif kind == "link":
            if len(ends) != 2:
                fail(here, "a link joins exactly two cores")
            a, b = ends
            if offchip in ends:
                links.append(("dram", b if a == offchip else a, bw, l.get("unit_energy_cost")))
            else:
                links.append(("mesh", (a, b), bw, l.get("unit_energy_cost")))
        else:
            fail(here, f"type '{kind}' is not link or bus")

    position = grid_positions(doc, compute, [l[1] for l in links if l[0] == "mesh"], args.input)
    rows = max(r for r, _ in position.values()) + 1
    cols = max(c for _, c in position.values()) + 1
    occupied = set(position.values())
    disabled = [{"row": r, "col": c} for r in range(rows) for c in range(cols) if (r, c) not in occupied]
    mesh_bw = sorted({l[2] for l in links if l[0] == "mesh"})
    if len(mesh_bw) > 1:
        fail(args.input, f"mesh links have different bandwidths ({', '.join(map(str, mesh_bw))} bits/cycle); an arch NoC has one link width")
    energy = doc.get("unit_energy_cost", 0) or 0
    noc = no_noc() if not mesh_bw else {
        "topology": "mesh2d", "routing": "xy", "linkBytesPerCycle": mesh_bw[0] / 8, "hopCycles": args.hop_cycles,
        "startupCycles": args.startup_cycles, "injectionBytesPerCycle": mesh_bw[0] / 8,
        "pjPerByteHop": float(energy) * 8, "achieved": []}
    if mesh_bw:
        note(f"NoC hop {args.hop_cycles} cycles, start-up {args.startup_cycles} cycles per transfer (not in Stream's file: from the options)")
    dram = []
    for kind, node, bw, _ in links:
        if kind == "dram-bus":
            dram.append({"row": 0, "col": -1, "bytesPerCycle": bw / 8, "pjPerByte": backing["readPjPerByte"], "bytes": backing["bytes"]})
        elif kind == "dram":
            if node not in position:
                continue
            r, c = position[node]
            # A channel sits beside the mesh: next to the node on its nearest edge.
            # (Ties go north, south, west, east: a corner's channel stays on its row edge.)
            side = min((r, 0, "north"), (rows - 1 - r, 1, "south"), (c, 2, "west"), (cols - 1 - c, 3, "east"))[2]
            at = {"north": (-1, c), "south": (rows, c), "west": (r, -1), "east": (r, cols)}[side]
            dram.append({"row": at[0], "col": at[1], "bytesPerCycle": bw / 8, "pjPerByte": backing["readPjPerByte"], "bytes": backing["bytes"]})
    if not dram:
        fail(args.input, "no link or bus reaches the off-chip core")
    return {"name": args.name or str(doc.get("name", "stream")),
            "description": args.description or f"imported from Stream {os.path.basename(args.input)}",
            "clockGhz": args.clock_ghz, "mesh": {"rows": rows, "cols": cols, "disabled": disabled, "coreType": 0},
            "coreTypes": [core], "noc": noc, "dram": dram}


def grid_positions(doc, compute, mesh_links, where):
    """(row, col) of each compute core: from core_coordinates ([x, y] = [col, row]) when given,
    else inferred from the links (neighbours along a row differ by 1, along a column by the row
    length); every mesh link must join grid neighbours."""
    coords = doc.get("core_coordinates")
    if coords:
        pos = {}
        for c in compute:
            if c not in coords:
                fail(where, f"core_coordinates has no entry for core {c}")
            x, y = coords[c]
            pos[c] = (int(y), int(x))
        r0 = min(r for r, _ in pos.values())
        c0 = min(c for _, c in pos.values())
        pos = {k: (r - r0, c - c0) for k, (r, c) in pos.items()}
    else:
        ids = sorted(compute)
        index = {c: i for i, c in enumerate(ids)}
        steps = sorted({abs(index[a] - index[b]) for a, b in mesh_links if a in index and b in index})
        cols = next((s for s in steps if s > 1), len(ids)) if steps else len(ids)
        pos = {c: (index[c] // cols, index[c] % cols) for c in ids}
    for a, b in mesh_links:
        if a not in pos or b not in pos:
            continue
        (ra, ca), (rb, cb) = pos[a], pos[b]
        if abs(ra - rb) + abs(ca - cb) != 1:
            fail(where, f"link {a}-{b} joins cores that are not grid neighbours: not a 2-D mesh")
    if len(set(pos.values())) != len(pos):
        fail(where, "two compute cores share a grid position")
    return pos


# ---- SCALE-Sim -----------------------------------------------------------------------------

def import_scalesim(args, note):
    cfg = configparser.ConfigParser()
    try:
        with open(args.input) as f:
            cfg.read_file(f)
    except OSError as e:
        fail(args.input, e.strerror or str(e))
    except configparser.Error as e:
        fail(args.input, f"not a SCALE-Sim config ({str(e).splitlines()[0]})")
    if not cfg.has_section("architecture_presets"):
        fail(args.input, "missing section [architecture_presets]")
    sec = cfg["architecture_presets"]

    def number(key, kind=int):
        if key not in sec:
            fail(args.input, f"[architecture_presets] missing '{key}'")
        try:
            value = kind(sec[key].strip())
        except ValueError:
            fail(args.input, f"[architecture_presets] {key} = '{sec[key]}' is not a number")
        if value <= 0:
            fail(args.input, f"[architecture_presets] {key} must be positive")
        return value
    rows, cols = number("ArrayHeight"), number("ArrayWidth")
    ifmap, filt, ofmap = number("IfmapSramSzkB"), number("FilterSramSzkB"), number("OfmapSramSzkB")
    flow = sec.get("Dataflow", "ws").strip().lower()
    if flow not in ("ws", "os", "is"):
        fail(args.input, f"[architecture_presets] Dataflow '{flow}' is not ws, os or is")
    word = args.bits_word // 8
    bw_words = number("Bandwidth", float) if "Bandwidth" in sec else args.bandwidth_words
    note(f"SRAM ports of {cols} words per cycle, word {args.bits_word} bits, energies {args.sram_pj} / {args.dram_pj} pJ per byte, "
         f"clock {args.clock_ghz} GHz (SCALE-Sim's config has no energies or clock: from the options)")
    # SCALE-Sim: the array's rows take the reduction (filter window x channels in WS), its
    # columns the filters; per dataflow which operand stays in the PEs.
    unroll = {"ws": (["C", "FY", "FX"], ["K"]), "os": (["OY", "OX"], ["K"]), "is": (["C", "FY", "FX"], ["OY", "OX"])}[flow]
    dims = [{"name": "rows", "size": rows, "unrolls": unroll[0], "multicast": False, "reduction": unroll[0][0] in REDUCTION_DIMS},
            {"name": "cols", "size": cols, "unrolls": unroll[1], "multicast": False, "reduction": False}]
    port = float(max(rows, cols) * word)

    def sram(name, kb, operand):
        return {"name": name, "bytes": kb * 1024, "servedDims": ["rows", "cols"], "operands": [operand],
                "readBytesPerCycle": port, "writeBytesPerCycle": port, "readPjPerByte": args.sram_pj, "writePjPerByte": args.sram_pj,
                "banks": 1, "latencyCycles": 1, "doubleBuffered": True, "sharedPort": False}
    dram = {"name": "dram", "bytes": 1 << 32, "servedDims": ["rows", "cols"], "operands": ["weight", "input", "output"],
            "readBytesPerCycle": bw_words * word, "writeBytesPerCycle": bw_words * word,
            "readPjPerByte": args.dram_pj, "writePjPerByte": args.dram_pj, "banks": 1, "latencyCycles": 1,
            "doubleBuffered": False, "sharedPort": True}
    w = i = o = args.bits_word
    core = {"name": "systolic", "array": {"dims": dims, "dataflow": DATAFLOWS[flow], "systolic": True},
            "weightBits": w, "inputBits": i, "outputBits": o, "accumulatorBits": max(o, 2 * w),
            "macPj": args.mac_pj, "vector": {"lanes": cols, "pjPerOp": args.vector_pj, "transcendentalCycles": args.transcendental_cycles},
            "memories": [sram("ifmap_sram", ifmap, "input"), sram("filter_sram", filt, "weight"), sram("ofmap_sram", ofmap, "output"), dram]}
    name = cfg["general"].get("run_name", "scalesim").strip() if cfg.has_section("general") else "scalesim"
    return {"name": args.name or name, "description": args.description or f"imported from SCALE-Sim {os.path.basename(args.input)}",
            "clockGhz": args.clock_ghz, "mesh": {"rows": 1, "cols": 1, "disabled": [], "coreType": 0},
            "coreTypes": [core], "noc": no_noc(),
            "dram": [{"row": -1, "col": 0, "bytesPerCycle": bw_words * word, "pjPerByte": args.dram_pj, "bytes": 1 << 32}]}


# ---- output ----------------------------------------------------------------------------------

def write_stream(arch, out, argv):
    import capnp
    capnp.remove_import_hook()
    schema = capnp.load(os.path.join(FORMATS, "arch.capnp"), imports=[FORMATS])
    frames = [
        schema.ArchFrame.new_message(header={"kind": "arch", "schemaVersion": 1, "frameType": "ArchFrame",
                                             "producer": {"tool": "arch_import.py", "version": "1", "arguments": argv}}),
        schema.ArchFrame.new_message(arch=arch),
        schema.ArchFrame.new_message(trailer={"recordCount": 1}),
    ]
    data = b"".join(f.to_bytes() for f in frames)
    if out == "-":
        sys.stdout.buffer.write(data)
        return
    folder = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".arch_import.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    p = argparse.ArgumentParser(description="Convert a ZigZag, Stream or SCALE-Sim hardware description into an arch stream.")
    p.add_argument("format", choices=["zigzag", "stream", "scalesim"])
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True, help="the arch stream to write (- for standard output)")
    p.add_argument("--name", help="the arch's name (default: the file's)")
    p.add_argument("--description")
    p.add_argument("--mapping", help="ZigZag mapping YAML: its 'default' entry gives the unrolls and operand links")
    p.add_argument("--unroll", action="append", default=[], metavar="DIM=LOOP[,LOOP]", help="loops an array dimension unrolls, preferred first")
    p.add_argument("--dataflow", choices=sorted(DATAFLOWS), default="ws")
    p.add_argument("--bits", default="8,8,8,16", help="W,I,O,ACC bit widths (default 8,8,8,16)")
    p.add_argument("--clock-ghz", type=float, default=1.0)
    p.add_argument("--core-name")
    p.add_argument("--vector-lanes", type=int, default=32)
    p.add_argument("--vector-pj", type=float, default=0.1)
    p.add_argument("--transcendental-cycles", type=int, default=4)
    p.add_argument("--skip-core", action="append", default=[], metavar="ID", help="Stream: a core not to model (pooling, SIMD)")
    p.add_argument("--hop-cycles", type=int, default=1)
    p.add_argument("--startup-cycles", type=int, default=0)
    p.add_argument("--bits-word", type=int, default=8, help="SCALE-Sim: bits of one word")
    p.add_argument("--bandwidth-words", type=float, default=10, help="SCALE-Sim: DRAM words per cycle when the config has no Bandwidth")
    p.add_argument("--sram-pj", type=float, default=0.5, help="SCALE-Sim: SRAM pJ per byte")
    p.add_argument("--dram-pj", type=float, default=100, help="SCALE-Sim: DRAM pJ per byte")
    p.add_argument("--mac-pj", type=float, default=0.2, help="SCALE-Sim: pJ per MAC")
    p.add_argument("--quiet", action="store_true", help="do not name the defaults used")
    args = p.parse_args(argv)
    import capnp
    note = (lambda _m: None) if args.quiet else (lambda m: print(f"arch_import: {m}", file=sys.stderr))
    try:
        arch = {"zigzag": import_zigzag, "stream": import_stream, "scalesim": import_scalesim}[args.format](args, note)
        write_stream(arch, args.output, argv)
    except ImportError_ as e:
        print(f"arch_import: {e}", file=sys.stderr)
        return 1
    except (ValueError, TypeError, OverflowError, AttributeError, capnp.KjException) as e:
        # A value of the wrong type or range deep in the file that the checks above let
        # through (pycapnp refuses it when the record is built): still one line.
        print(f"arch_import: {args.input}: cannot be expressed as an arch ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
