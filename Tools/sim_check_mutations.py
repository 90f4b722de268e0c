#!/usr/bin/env python3
"""Random mutations of a placed stream's schedule fed to `npu-sim --check` (make test-sim-check).

    sim_check_mutations.py NPU_SIM PLACED GRAPH [TRIALS]

Each trial rewrites three loop extents, spatial factors or tile counts of the placed stream
(through `capnp decode`/`capnp encode`, so the frames stay well formed) to values a corrupt or
mismatched plan could hold (0, small, 2^31 - 1, 2^40). npu-sim must answer every one with exit
0 (the change did not matter), 1 (refused, one line on stderr) or 3 (the check failed) within
the timeout: never a crash, never a hang.
"""
import os
import random
import re
import subprocess
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    npu_sim, placed, graph = argv[:3]
    trials = int(argv[3]) if len(argv) > 3 else 25
    formats = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Formats")
    schema = [f"-I{formats}", os.path.join(formats, "placed.capnp"), "PlacedFrame"]
    with open(placed, "rb") as f:
        text = subprocess.run(["capnp", "decode", *schema], stdin=f, capture_output=True, check=True, timeout=60).stdout.decode()
    rng = random.Random(int(os.environ.get("SLUICE_TEST_SEED", "14")))
    seen = {}
    for trial in range(trials):
        t = text
        for _ in range(3):
            m = rng.choice(list(re.finditer(r"(extent|factor|tileCount) = (\d+)", t)))
            value = rng.choice([0, 1, 2, 3, 7, 1000, 2**31 - 1, 2**40])
            if m.group(1) == "factor":
                value = min(value, 2**32 - 1)
            t = t[:m.start()] + f"{m.group(1)} = {value}" + t[m.end():]
        stream = subprocess.run(["capnp", "encode", *schema], input=t.encode(), capture_output=True, check=True, timeout=60).stdout
        try:
            p = subprocess.run([npu_sim, "--check", "--graph", graph, "-"], input=stream, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            print(f"sim_check_mutations.py: trial {trial}: npu-sim did not finish in 120 s", file=sys.stderr)
            return 1
        err = p.stderr.decode(errors="replace").strip()
        if p.returncode not in (0, 1, 3) or (p.returncode == 1 and (not err or "\n" in err)):
            print(f"sim_check_mutations.py: trial {trial}: exit {p.returncode}: {err[-400:]}", file=sys.stderr)
            return 1
        seen[p.returncode] = seen.get(p.returncode, 0) + 1
    print(f"sim_check_mutations.py: {trials} mutated schedules, exit statuses {dict(sorted(seen.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
