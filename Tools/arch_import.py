#!/usr/bin/env python3
"""Convert a SCALE-Sim .cfg into an arch stream (Formats/arch.capnp) that tile-plan can cost against.

    Tools/arch_import.py scalesim array.cfg -o array.arch
    tile-plan --arch array.arch model.graph

The array becomes one core (a 1x1 mesh) whose PE array has SCALE-Sim's rows and columns and its
dataflow, mapped as SCALE-Sim maps a layer (Docs/systolic.md): WS keeps the R*S*C window on the
rows (reducing down the columns) and the filters on the columns; OS the output pixels on the
rows and the filters on the columns; IS the window on the rows and the output pixels on the
columns. Its memories are SCALE-Sim's: a register per PE for the stationary operand, the IFMAP,
filter and OFMAP SRAMs (double-buffered, one array edge of words per cycle), and DRAM at the
configured bandwidth (USER mode) or at one word per array column per cycle (CALC mode, where
SCALE-Sim sizes the bandwidth so the array never waits). Words are one byte, as in SCALE-Sim.
SCALE-Sim has no clock and no energies: the clock is 1 GHz (cycles read as nanoseconds) and the
energies are the tpu-like preset's (ZigZag 3.9.1's tpu_like), marked as such in the description.
ZigZag and Stream YAML imports (issue 12) are not done here.
"""
import argparse
import configparser
import os
import sys

import capnp  # pycapnp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(where: str, what: str) -> None:
    sys.stderr.write(f"arch_import.py: {where}: {what}\n")
    sys.exit(1)


def read_cfg(path: str) -> dict:
    config = configparser.ConfigParser()
    try:
        with open(path) as f:
            config.read_file(f)
    except (OSError, configparser.Error) as e:
        fail(path, str(e).splitlines()[0])

    def get(section: str, key: str, kind=int, default=None):
        if not config.has_option(section, key):
            if default is not None:
                return default
            fail(path, f"missing [{section}] {key}")
        raw = config.get(section, key).strip()
        try:
            return kind(raw)
        except ValueError:
            fail(path, f"[{section}] {key}: expected {kind.__name__}, got '{raw}'")

    out = {
        "name": get("general", "run_name", str, "scalesim"),
        "rows": get("architecture_presets", "ArrayHeight"),
        "cols": get("architecture_presets", "ArrayWidth"),
        "ifmap_kb": get("architecture_presets", "IfmapSramSzkB"),
        "filter_kb": get("architecture_presets", "FilterSramSzkB"),
        "ofmap_kb": get("architecture_presets", "OfmapSramSzkB"),
        "dataflow": get("architecture_presets", "Dataflow", str, "ws").lower(),
        "mode": get("run_presets", "InterfaceBandwidth", str, "CALC").upper(),
    }
    if out["dataflow"] not in ("ws", "os", "is"):
        fail(path, f"Dataflow: expected ws, os or is, got '{out['dataflow']}'")
    if out["mode"] not in ("USER", "CALC"):
        fail(path, f"InterfaceBandwidth: expected USER or CALC, got '{out['mode']}'")
    for key in ("rows", "cols", "ifmap_kb", "filter_kb", "ofmap_kb"):
        if not 1 <= out[key] <= 1 << 24:
            fail(path, f"{key} must be 1 to 2^24, got {out[key]}")
    out["bandwidth"] = None
    if out["mode"] == "USER":
        first = get("architecture_presets", "Bandwidth", str).split(",")[0].strip()
        if not first.isdigit() or int(first) < 1:
            fail(path, f"[architecture_presets] Bandwidth: expected a positive integer, got '{first}'")
        out["bandwidth"] = int(first)
    return out


def build(cfg: dict, source: str, arch_schema, stream_schema):
    rows, cols, df = cfg["rows"], cfg["cols"], cfg["dataflow"]
    window, pixels, filters = ["C", "FY", "FX"], ["OX", "OY"], ["K"]
    dims = {"ws": [("rows", rows, window, True), ("cols", cols, filters, False)],
            "os": [("rows", rows, pixels, False), ("cols", cols, filters, False)],
            "is": [("rows", rows, window, True), ("cols", cols, pixels, False)]}[df]
    stationary = {"ws": "weight", "os": "output", "is": "input"}[df]
    dram_bw = float(cfg["bandwidth"] if cfg["bandwidth"] else cols)
    arch = arch_schema.Arch.new_message()
    arch.name = cfg["name"]
    bw_text = f"{cfg['bandwidth']} words/cycle (USER)" if cfg["bandwidth"] else "CALC bandwidth"
    arch.description = (f"SCALE-Sim {os.path.basename(source)}: {rows}x{cols} {df.upper()} systolic array, "
                        f"{cfg['ifmap_kb']}/{cfg['filter_kb']}/{cfg['ofmap_kb']} KB SRAMs, {bw_text}; "
                        f"energies of the tpu-like preset (SCALE-Sim has none)")
    arch.clockGhz = 1.0
    arch.mesh.rows = 1
    arch.mesh.cols = 1
    arch.mesh.coreType = 0
    core = arch.init("coreTypes", 1)[0]
    core.name = "systolic"
    core.array.dataflow = {"ws": "weightStationary", "os": "outputStationary", "is": "inputStationary"}[df]
    core.array.systolic = True
    ds = core.array.init("dims", 2)
    for d, (name, size, unrolls, reduction) in zip(ds, dims):
        d.name = name
        d.size = size
        d.init("unrolls", len(unrolls))
        for i, u in enumerate(unrolls):
            d.unrolls[i] = u
        d.multicast = False     # systolic: operands hop PE to PE
        d.reduction = reduction
    core.weightBits, core.inputBits, core.outputBits, core.accumulatorBits = 8, 8, 8, 16
    core.macPj = 0.04
    core.vector.lanes = cols
    core.vector.pjPerOp = 0.1
    core.vector.transcendentalCycles = 4
    levels = [
        # One stationary word per PE; an OS PE keeps a 16-bit partial sum.
        ("pe_reg", 2 if stationary == "output" else 1, [], [stationary], 1.0, 0.095, False, False),
        ("ifmap_sram", cfg["ifmap_kb"] * 1024, ["rows", "cols"], ["input"], float(rows), 1.625625, True, False),
        ("filter_sram", cfg["filter_kb"] * 1024, ["rows", "cols"], ["weight"], float(cols), 1.625625, True, False),
        ("ofmap_sram", cfg["ofmap_kb"] * 1024, ["rows", "cols"], ["output"], float(cols), 1.478125, True, False),
        ("dram", 1 << 32, ["rows", "cols"], ["weight", "input", "output"], dram_bw, 87.5, False, True),
    ]
    mems = core.init("memories", len(levels))
    for m, (name, size, served, operands, bpc, pj, double, shared) in zip(mems, levels):
        m.name = name
        m.bytes = size
        m.init("servedDims", len(served))
        for i, s in enumerate(served):
            m.servedDims[i] = s
        m.init("operands", len(operands))
        for i, o in enumerate(operands):
            m.operands[i] = o
        m.readBytesPerCycle = bpc
        m.writeBytesPerCycle = bpc
        m.readPjPerByte = pj
        m.writePjPerByte = pj
        m.banks = 1
        m.latencyCycles = 1
        m.doubleBuffered = double
        m.sharedPort = shared
    arch.noc.topology = "none"
    arch.noc.routing = "none"
    ch = arch.init("dram", 1)[0]
    ch.row, ch.col = -1, 0
    ch.bytesPerCycle = dram_bw
    ch.pjPerByte = 87.5
    ch.bytes = 1 << 32
    return arch


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("format", choices=["scalesim"], help="the source format")
    ap.add_argument("config", help="the SCALE-Sim .cfg")
    ap.add_argument("-o", "--output", required=True, help="the arch stream to write")
    args = ap.parse_args()
    cfg = read_cfg(args.config)
    formats = os.path.join(ROOT, "Formats")
    arch_schema = capnp.load(os.path.join(formats, "arch.capnp"), imports=[formats])
    stream_schema = capnp.load(os.path.join(formats, "stream.capnp"), imports=[formats])
    arch = build(cfg, args.config, arch_schema, stream_schema)
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        header = arch_schema.ArchFrame.new_message()
        h = header.init("header")
        h.kind = "arch"
        h.schemaVersion = 1
        h.frameType = "ArchFrame"
        h.producer.tool = "arch_import.py"
        h.producer.version = "1"
        h.producer.init("arguments", 2)
        h.producer.arguments[0] = args.format
        h.producer.arguments[1] = os.path.basename(args.config)
        header.write(f)
        frame = arch_schema.ArchFrame.new_message()
        frame.arch = arch
        frame.write(f)
        trailer = arch_schema.ArchFrame.new_message()
        trailer.init("trailer").recordCount = 1
        trailer.write(f)
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
