#!/usr/bin/env python3
"""One Stream solve, timed in-process, for bench-place (runs in the Stream venv, Python 3.12).

    stream_run.py HARDWARE.yaml MODEL.onnx WORK_DIR

Prints one JSON line: Stream's estimated cycles (the sum of its fused groups' allocation
estimates plus dispatch), its number of groups and the wall and CPU seconds `evaluate_mapping` took. Only the
solve is timed: Python start-up and Stream's imports are not charged to it. Stream's best idiom
here: its default solve (OR-Tools, its default families and time limit) with `artifacts=False`,
so it writes no reports, traces or figures the comparison does not use.
"""
import json
import logging
import sys
import time

logging.disable(logging.WARNING)

from stream.api import SolveOptions, evaluate_mapping  # noqa: E402


def main(hardware, model, work):
    cpu, start = time.process_time(), time.perf_counter()
    estimate = evaluate_mapping(hardware, model, work, None, SolveOptions(artifacts=False))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"cycles": estimate.cycles, "groups": len(estimate.group_cycles), "seconds": seconds, "cpu": cpu}))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
