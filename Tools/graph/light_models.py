#!/usr/bin/env python3
"""Extracts the onnx wheel's light model zoo and writes randomized-weight variants.

The light models carry their weights as ConstantOfShape nodes (one value per tensor), so
every class scores the same and the reference outputs are uniform: a weak numerical check.
`<name>-rand.onnx` replaces each ConstantOfShape weight by a dense initializer whose
elements are the original value times a seeded factor: in [0.5, 1.5) for per-channel
parameters (BatchNormalization variances stay positive), in [-1.5, 1.5) for weights. Passes
that mishandle per-channel data now change the answer, and the outputs are not saturated.

Usage: light_models.py WHEEL OUTDIR [NAME ...]
  NAMEs (e.g. resnet50 squeezenet) limit the randomized variants to those models: the big
  ones (VGG-19, ZFNet, AlexNet) would write 1.2 GB of dense weights.
"""
import os
import sys
import zipfile

import numpy as np
import onnx
from onnx import numpy_helper


def randomize(model: onnx.ModelProto, seed: int) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    inits = {t.name: t for t in model.graph.initializer}
    keep, new_inits = [], []
    for node in model.graph.node:
        if node.op_type == "ConstantOfShape" and node.input and node.input[0] in inits:
            shape = numpy_helper.to_array(inits[node.input[0]]).astype(np.int64)
            value = 0.0
            dtype = np.float32
            for a in node.attribute:
                if a.name == "value":
                    v = numpy_helper.to_array(a.t)
                    value, dtype = float(v.reshape(-1)[0]), v.dtype
            if dtype != np.float32 or shape.size == 0 or int(np.prod(shape)) < 2:
                keep.append(node)
                continue
            # Weights (rank >= 2) get random signs too, so activations do not grow layer
            # after layer and saturate the final Softmax; per-channel parameters (rank 1:
            # BatchNorm scale, bias, mean, variance) keep their sign.
            lo = -1.5 if len(shape) >= 2 else 0.5
            data = (value * rng.uniform(lo, 1.5, size=tuple(shape))).astype(np.float32)
            new_inits.append(numpy_helper.from_array(data, node.output[0]))
        else:
            keep.append(node)
    del model.graph.node[:]
    model.graph.node.extend(keep)
    # Shape initializers of the replaced ConstantOfShape nodes are now unused: drop them.
    used = {i for n in keep for i in n.input} | {o.name for o in model.graph.output}
    old_names = set(inits)
    kept = [t for t in model.graph.initializer if t.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept + new_inits)
    # The zoo files are IR version 3, where every initializer is also listed as a graph
    # input. Write IR version 4 instead, with only the real inputs listed: the new weights
    # are then plain constants to every consumer (onnx.checker, onnxruntime, onnxsim), and
    # the dropped shape tensors do not linger as unused inputs.
    weights = old_names | {t.name for t in new_inits}
    real = [i for i in model.graph.input if i.name not in weights]
    del model.graph.input[:]
    model.graph.input.extend(real)
    model.ir_version = max(model.ir_version, 4)
    onnx.checker.check_model(model)
    return model


def main(wheel: str, out: str, only: list) -> int:
    os.makedirs(out, exist_ok=True)
    prefix = "onnx/backend/test/data/light/"
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith((".onnx", ".pb"))]
        for n in names:
            with open(os.path.join(out, os.path.basename(n)), "wb") as f:
                f.write(z.read(n))
    models = sorted(n for n in os.listdir(out) if n.startswith("light_") and n.endswith(".onnx") and "-" not in n)
    for i, m in enumerate(models):
        if only and m[len("light_"):-len(".onnx")] not in only:
            continue
        model = onnx.load(os.path.join(out, m))
        onnx.save(randomize(model, seed=i + 1), os.path.join(out, m.replace(".onnx", "-rand.onnx")))
    print(f"light_models: {len(models)} models and their randomized variants in {out}")
    return 0 if models else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
