#!/usr/bin/env python3
"""Quantizes a light-zoo CNN with onnxruntime.quantization, the way people quantize models
for deployment, for graph-opt's quantized-graph checks:

  OUT_DIR/<stem>-qdq.onnx   quantize_static, QDQ format (QuantizeLinear/DequantizeLinear
                            around every Conv/MatMul; int8 weights per channel)
  OUT_DIR/<stem>-qop.onnx   quantize_static, QOperator format (QLinearConv, QLinearMatMul, ...)
  OUT_DIR/<stem>-dyn.onnx   quantize_dynamic (DynamicQuantizeLinear, ConvInteger, MatMulInteger)

Calibration reads a few seeded uniform images of the model's input shape (symbolic dims 1).
Only Conv, MatMul and Gemm are quantized, so the QOperator model stays in the standard domain
(onnxruntime writes contrib ops such as QLinearConcat for the others); the source is first
converted to opset 13, where per-channel DequantizeLinear exists.

Usage: quantized_models.py MODEL.onnx OUT_DIR
"""
import os
import sys
import warnings

import numpy as np
import onnx
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType, quantize_dynamic,
                                      quantize_static)


class Ramp(CalibrationDataReader):
    def __init__(self, name: str, shape: list, count: int = 4):
        rng = np.random.default_rng(3)
        self.items = iter([{name: rng.random(shape, dtype=np.float32)} for _ in range(count)])

    def get_next(self):
        return next(self.items, None)


def main(argv: list) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    src, out = argv
    os.makedirs(out, exist_ok=True)
    stem = os.path.splitext(os.path.basename(src))[0]
    model = onnx.load(src)
    if model.opset_import[0].version < 13:
        from onnx import version_converter
        model = version_converter.convert_version(model, 13)
    src = os.path.join(out, f"{stem}-opset13.onnx")
    onnx.save(model, src)
    ops = ["Conv", "MatMul", "Gemm"]
    inits = {i.name for i in model.graph.initializer}
    x = next(i for i in model.graph.input if i.name not in inits)
    shape = [d.dim_value if d.dim_value > 0 else 1 for d in x.type.tensor_type.shape.dim]
    for fmt, suffix in ((QuantFormat.QDQ, "qdq"), (QuantFormat.QOperator, "qop")):
        path = os.path.join(out, f"{stem}-{suffix}.onnx")
        quantize_static(src, path + ".tmp", Ramp(x.name, shape), quant_format=fmt, per_channel=True, op_types_to_quantize=ops,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
        os.replace(path + ".tmp", path)
    path = os.path.join(out, f"{stem}-dyn.onnx")
    quantize_dynamic(src, path + ".tmp", weight_type=QuantType.QUInt8, op_types_to_quantize=ops)
    os.replace(path + ".tmp", path)
    os.remove(src)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
