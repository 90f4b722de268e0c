#!/usr/bin/env python3
"""Writes a copy of an ONNX model whose graph inputs have fixed shapes, so that checks which
bind every dynamic dimension (graph-opt --verify, ort_check.py) feed a realistic input size
instead of 1.

Usage: static_shape.py IN.onnx OUT.onnx NAME=D0,D1,... [NAME=...]
"""
import sys

import onnx


def main(argv: list) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    model = onnx.load(argv[0])
    shapes = {}
    for spec in argv[2:]:
        name, _, dims = spec.partition("=")
        shapes[name] = [int(d) for d in dims.split(",")]
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
