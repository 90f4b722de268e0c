#!/usr/bin/env python3
"""Writes a copy of an ONNX model whose graph inputs have fixed shapes, so that checks which
bind every dynamic dimension (graph-opt --verify, ort_check.py) feed a realistic input size
instead of 1. NAME:=V turns a scalar input into a constant V of its type (Silero VAD's sample
rate), so that the control flow it decides is constant (graph-opt folds the If it feeds).

Usage: static_shape.py IN.onnx OUT.onnx NAME=D0,D1,...|NAME:=V [...]
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def main(argv: list) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    model = onnx.load(argv[0])
    shapes, fixed = {}, {}
    for spec in argv[2:]:
        if ":=" in spec:
            name, _, value = spec.partition(":=")
            fixed[name] = value
            continue
        name, _, dims = spec.partition("=")
        shapes[name] = [int(d) for d in dims.split(",")]
    for i in list(model.graph.input):
        if i.name in fixed:
            dtype = helper.tensor_dtype_to_np_dtype(i.type.tensor_type.elem_type)
            model.graph.initializer.append(numpy_helper.from_array(np.array(fixed.pop(i.name), dtype=dtype), i.name))
            model.graph.input.remove(i)
    if fixed:
        print(f"static_shape: no input named {sorted(fixed)}", file=sys.stderr)
        return 1
    for i in model.graph.input:
        if i.name in shapes:
            dims = shapes.pop(i.name)
            shape = i.type.tensor_type.shape
            if len(shape.dim) != len(dims):
                print(f"static_shape: input {i.name} has rank {len(shape.dim)}, not {len(dims)}", file=sys.stderr)
                return 1
            for d, v in zip(shape.dim, dims):
                d.Clear()
                d.dim_value = v
    if shapes:
        print(f"static_shape: no input named {sorted(shapes)}", file=sys.stderr)
        return 1
    onnx.save(model, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
