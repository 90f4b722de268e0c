#!/usr/bin/env python3
"""Run ZigZag (zigzag-dse 3.9.1, in its own venv: make zigzag-venv) on one ONNX layer with one of
its bundled accelerators, and print what it chose as one JSON line: energy (pJ), latency
(cycles), the spatial and temporal mapping, and the seconds its search took.

    .cache/venv-zigzag/bin/python Tools/zigzag_layer.py LAYER.onnx tpu_like [--opt energy] [--engine loma]
"""
import argparse
import contextlib
import io
import json
import logging
import os
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("onnx")
    ap.add_argument("accelerator", help="a bundled hardware name, e.g. tpu_like, eyeriss_like")
    ap.add_argument("--opt", default="energy", choices=["energy", "latency", "EDP"])
    ap.add_argument("--engine", default="loma", choices=["loma", "salsa"])
    ap.add_argument("--mapping", default="default", help="a bundled mapping name (default: default)")
    a = ap.parse_args()
    import zigzag
    from zigzag.api import get_hardware_performance_zigzag
    logging.disable(logging.CRITICAL)
    inputs = os.path.join(os.path.dirname(zigzag.__file__), "inputs")
    hardware = os.path.join(inputs, "hardware", a.accelerator + ".yaml")
    mapping = os.path.join(inputs, "mapping", a.mapping + ".yaml")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            energy, latency, cmes = get_hardware_performance_zigzag(
                a.onnx, hardware, mapping, opt=a.opt, temporal_mapping_search_engine=a.engine,
                dump_folder=out, loma_show_progress_bar=False)
        seconds = time.perf_counter() - t0
    cme = cmes[0][1][0][0] if isinstance(cmes[0][1], list) else cmes[0][0]
    result = {"energy_pj": float(energy), "latency_cycles": float(latency), "search_seconds": seconds}
    with contextlib.suppress(Exception):
        result["spatial"] = str(cme.spatial_mapping)
        result["temporal"] = str(cme.temporal_mapping)
        result["ideal_cycles"] = float(cme.ideal_cycle)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
