#!/usr/bin/env python3
"""Export the ONNX node test cases of the operators Kernels implements, for KernelsTests.

Usage: Tools/onnx_node_cases.py OUT_DIR

`onnx.backend.test.case.node` generates every operator's reference cases (inputs, expected
outputs, tolerances) from the operator definitions. This writes, for each single-node fp32 case
of a supported operator, OUT_DIR/<case>/meta.json (op, attributes, shapes, rtol, atol) and the
tensors as raw little-endian float32 (input_<i>.f32, output_0.f32). OnnxNodeTests reads them
when SLUICE_ONNX_NODE_CASES points at OUT_DIR (see mk/kernels.mk, test-kernels-onnx).
"""
import json
import os
import sys
import warnings

import numpy as np
from onnx import AttributeProto, helper
from onnx.backend.test.case import node

SUPPORTED = {"Relu", "Sigmoid", "Tanh", "Exp", "Erf", "Neg", "Abs", "Sqrt", "Gelu",
             "Add", "Sub", "Mul", "Div", "Max", "Min", "Softmax", "LayerNormalization",
             "MatMul", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
             "Transpose", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "Resize", "GridSample"}


def attribute(a):
    value = helper.get_attribute_value(a)
    if a.type == AttributeProto.STRING:
        return value.decode()
    if a.type in (AttributeProto.INTS, AttributeProto.FLOATS):
        return list(value)
    if a.type in (AttributeProto.INT, AttributeProto.FLOAT):
        return value
    return None


def main(out):
    warnings.simplefilter("ignore")
    os.makedirs(out, exist_ok=True)
    written = 0
    for case in node.collect_testcases(""):
        if case.model is None or len(case.model.graph.node) != 1:
            continue
        n = case.model.graph.node[0]
        if n.op_type not in SUPPORTED or len(case.data_sets) == 0:
            continue
        inputs, outputs = case.data_sets[0]
        arrays = list(inputs) + list(outputs[:1])
        # fp32 only, except integer axes inputs (ReduceX since opset 18).
        axes_input = n.op_type.startswith("Reduce") and len(inputs) == 2
        # Resize: only X is a tensor; roi, scales and sizes (int64) go into meta.json as lists.
        resize = n.op_type == "Resize"
        if resize:
            # The data set holds values for the named inputs only (an empty name skips one).
            values = dict(zip([name for name in n.input if name], inputs))
            extra = {}
            for key, name in zip(("roi", "scales", "sizes"), list(n.input[1:4])):
                value = values.get(name) if name else None
                if value is not None and np.asarray(value).size > 0:
                    extra[key] = [float(v) if key != "sizes" else int(v) for v in np.asarray(value).ravel()]
            inputs = inputs[:1]
        if any(np.asarray(a).dtype != np.float32 for a in (list(inputs[:1]) if axes_input else inputs)) or \
                np.asarray(outputs[0]).dtype != np.float32:
            continue
        meta = {
            "op": n.op_type,
            "attributes": {a.name: attribute(a) for a in n.attribute},
            "inputs": [list(np.asarray(a).shape) for a in inputs],
            "output": list(np.asarray(outputs[0]).shape),
            "rtol": case.rtol, "atol": case.atol,
        }
        if resize:
            meta.update(extra)
        if axes_input:
            meta["axes"] = [int(v) for v in np.asarray(inputs[1]).ravel()]
            meta["inputs"] = meta["inputs"][:1]
        directory = os.path.join(out, case.name)
        os.makedirs(directory, exist_ok=True)
        for i, a in enumerate(inputs[:1] if axes_input else inputs):
            np.asarray(a, dtype="<f4").tofile(os.path.join(directory, f"input_{i}.f32"))
        np.asarray(outputs[0], dtype="<f4").tofile(os.path.join(directory, "output_0.f32"))
        with open(os.path.join(directory, "meta.json"), "w") as f:
            json.dump(meta, f)
        written += 1
    print(f"onnx_node_cases: {written} cases in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
