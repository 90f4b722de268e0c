#!/usr/bin/env python3
"""ResNet-18's convolutions and its classifier (He et al., CVPR 2016, Table 1, 224x224 input),
one layer per entry, for tile-plan and the ZigZag comparison.

    resnet18_layers.py --onnx OUT.onnx   # one graph, every layer on its own input
    resnet18_layers.py --list                          # name cin cout size kernel stride pad

The ONNX graph holds each layer as an independent Conv (or Gemm) whose input and weights are
graph inputs with static shapes, so it carries no weight data; graph-opt reads it as is.
"""
import argparse
import sys

# (name, cin, cout, input size, kernel, stride, pad); the same figures torchvision's resnet18 has.
LAYERS = [("conv1", 3, 64, 224, 7, 2, 3)]
for block in range(2):
    LAYERS += [(f"layer1.{block}.conv1", 64, 64, 56, 3, 1, 1), (f"layer1.{block}.conv2", 64, 64, 56, 3, 1, 1)]
for stage, (cin, cout, size) in enumerate([(64, 128, 56), (128, 256, 28), (256, 512, 14)], start=2):
    out = size // 2
    LAYERS += [(f"layer{stage}.0.conv1", cin, cout, size, 3, 2, 1), (f"layer{stage}.0.conv2", cout, cout, out, 3, 1, 1),
               (f"layer{stage}.0.downsample.0", cin, cout, size, 1, 2, 0),
               (f"layer{stage}.1.conv1", cout, cout, out, 3, 1, 1), (f"layer{stage}.1.conv2", cout, cout, out, 3, 1, 1)]
FC = ("fc", 512, 1000)


def onnx_model(only=None):
    from onnx import TensorProto, helper
    nodes, inputs, outputs = [], [], []
    for name, cin, cout, size, k, s, p in LAYERS:
        if only is not None and name != only:
            continue
        x, w, y = f"{name}.x", f"{name}.weight", f"{name}.y"
        inputs += [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, cin, size, size]),
                   helper.make_tensor_value_info(w, TensorProto.FLOAT, [cout, cin, k, k])]
        o = (size + 2 * p - k) // s + 1
        outputs.append(helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, cout, o, o]))
        nodes.append(helper.make_node("Conv", [x, w], [y], name=name, kernel_shape=[k, k], strides=[s, s], pads=[p] * 4))
    name, cin, cout = FC
    if only is not None and only != name:
        return finish(nodes, inputs, outputs)
    inputs += [helper.make_tensor_value_info("fc.x", TensorProto.FLOAT, [1, cin]),
               helper.make_tensor_value_info("fc.weight", TensorProto.FLOAT, [cout, cin])]
    outputs.append(helper.make_tensor_value_info("fc.y", TensorProto.FLOAT, [1, cout]))
    nodes.append(helper.make_node("Gemm", ["fc.x", "fc.weight"], ["fc.y"], name="fc", transB=1))
    return finish(nodes, inputs, outputs)


def finish(nodes, inputs, outputs):
    from onnx import helper
    graph = helper.make_graph(nodes, "resnet18-layers", inputs, outputs)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="sluice resnet18_layers.py")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", help="write the layers as one ONNX graph")
    ap.add_argument("--list", action="store_true", help="print the layers")
    ap.add_argument("--layer", help="with --onnx: only this layer (e.g. layer1.0.conv1)")
    a = ap.parse_args()
    if a.list:
        for layer in LAYERS:
            print(*layer)
    if a.onnx:
        import onnx
        if a.layer and a.layer not in [layer[0] for layer in LAYERS] + [FC[0]]:
            ap.error(f"no layer {a.layer}")
        onnx.save(onnx_model(a.layer), a.onnx)
    if not a.list and not a.onnx:
        ap.error("give --onnx FILE or --list")


if __name__ == "__main__":
    sys.exit(main())
