#!/usr/bin/env python3
"""Writes the onnx package's single-operator test cases (onnx.backend.test.case.node, ~1,900
models with reference outputs) as directories graph-opt's tests read:
  OUT/<case>/model.onnx, OUT/<case>/input_<i>.pb, OUT/<case>/output_<i>.pb   (TensorProto)
Only cases whose inputs and outputs are all tensors are written.

Usage: node_cases.py OUT
"""
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import numpy_helper


def main(out: str) -> int:
    warnings.filterwarnings("ignore")
    import onnx.backend.test.case.node as node
    cases = node.collect_testcases(None)
    written = 0
    for case in cases:
        if not case.data_sets:
            continue
        inputs, outputs = case.data_sets[0]
        # Zero points and scales are often numpy scalars (np.uint8(3)): tensors of rank 0.
        inputs = [np.asarray(a) if isinstance(a, np.generic) else a for a in inputs]
        outputs = [np.asarray(a) if isinstance(a, np.generic) else a for a in outputs]
        arrays = inputs + outputs
        if not all(isinstance(a, np.ndarray) and a.dtype != object for a in arrays):
            continue
        d = os.path.join(out, case.name)
        os.makedirs(d, exist_ok=True)
        onnx.save(case.model, os.path.join(d, "model.onnx"))
        for kind, values in (("input", inputs), ("output", outputs)):
            for i, a in enumerate(values):
                with open(os.path.join(d, f"{kind}_{i}.pb"), "wb") as f:
                    f.write(numpy_helper.from_array(a).SerializeToString())
        written += 1
    print(f"node_cases: {written} of {len(cases)} cases written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
