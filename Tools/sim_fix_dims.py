#!/usr/bin/env python3
"""Give a model's symbolic input dimensions concrete extents (for `npu-sim --check`).

    sim_fix_dims.py IN.onnx OUT.onnx NAME=N ...

npu-sim --check feeds the graph seeded inputs whose symbolic dimensions are 1 (the extents
`tile-plan --dim NAME=1` plans). A trained model whose inputs are named dimensions (batch,
sequence_length, height, width) is checked at other extents by fixing them in the model first;
the weights are untouched. Every named dimension of every graph input must be given.
"""
import sys

import onnx


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src, dst, pairs = argv[0], argv[1], argv[2:]
    extents = {}
    for p in pairs:
        name, _, value = p.partition("=")
        if not name or not value.isdigit():
            print(f"sim_fix_dims.py: {p}: expected NAME=N", file=sys.stderr)
            return 2
        extents[name] = int(value)
    model = onnx.load(src)
    for value in model.graph.input:
        for d in value.type.tensor_type.shape.dim:
            if d.HasField("dim_param"):
                if d.dim_param not in extents:
                    print(f"sim_fix_dims.py: {src}: input {value.name}: give {d.dim_param}=N", file=sys.stderr)
                    return 1
                d.dim_value = extents[d.dim_param]
    onnx.save(model, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
