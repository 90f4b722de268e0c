#!/usr/bin/env python3
"""Small CNN workloads both Stream and Sluice's chip pipeline can read, for bench-place.

    stream_workloads.py OUT_DIR      # writes two_conv.onnx and chain6.onnx

Stream's ONNX frontend (stream-dse 2.1.1) parses a fixed set of operators (no Concat, so not the
light zoo); these use only Conv and Relu, with shapes inferred and dense seeded weights:
  two_conv  two 3x3 convolutions, 64 -> 64 channels, on a 4x64x16x16 input (the shape of
            Stream's own two-conv example, as issue 13 describes it)
  chain6    six 3x3 Conv+Relu layers, 16 -> 128 channels, 56x56 down to 14x14 (strides 1,1,2,1,2,1)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def chain(name, input_shape, layers, relu, seed=0):
    rng = np.random.default_rng(seed)
    nodes, inits, x = [], [], "x"
    for i, (cin, cout, stride) in enumerate(layers):
        w = (rng.standard_normal((cout, cin, 3, 3)) * (2.0 / (cin * 9)) ** 0.5).astype(np.float32)
        inits.append(numpy_helper.from_array(w, f"w{i}"))
        # Tensor names differ from node names: Stream 2.1.1's lowering confuses a tensor with the
        # node of the same name ("tuple.index(x): x not in tuple").
        nodes.append(helper.make_node("Conv", [x, f"w{i}"], [f"c{i}"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                                      strides=[stride, stride], name=f"conv{i}"))
        x = f"c{i}"
        if relu:
            nodes.append(helper.make_node("Relu", [x], [f"r{i}"], name=f"relu{i}"))
            x = f"r{i}"
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, input_shape)],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="sluice-stream-workloads")
    return onnx.shape_inference.infer_shapes(model)


def main(out):
    os.makedirs(out, exist_ok=True)
    onnx.save(chain("two_conv", [4, 64, 16, 16], [(64, 64, 1), (64, 64, 1)], relu=False), os.path.join(out, "two_conv.onnx"))
    onnx.save(chain("chain6", [1, 16, 56, 56], [(16, 32, 1), (32, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2), (128, 128, 1)],
                    relu=True), os.path.join(out, "chain6.onnx"))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
