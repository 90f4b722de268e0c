#!/usr/bin/env python3
"""Writes ONNX models for graph-opt's tests, examples, demos and benchmarks, built with
onnx.helper the way exporters (torch.onnx, tf2onnx) lay graphs out: decomposed LayerNorm,
RMSNorm and GELU, attention as MatMul/scale/mask/Softmax/MatMul, shapes computed with
Shape/Gather/Concat. Weights are seeded random.

Usage: onnx_models.py KIND OUT.onnx [--layers N] [--width D] [--vocab V]
  small-cnn        Conv/BatchNorm/Relu/MaxPool/Gemm, symbolic batch (fixtures, examples)
  unknown-op       small-cnn with an operator graph-opt does not know (kept as an opaque node)
  custom-domain    small-cnn with an operator of a made-up domain after Conv+BatchNorm, carrying
                   an attribute of every kind (one a subgraph) and a value_info for its output
  if-capture       an If whose branches read outer values by name (one through a nested If),
                   among nodes graph-opt rewrites (a duplicate Mul, an Identity, a foldable Add)
  if-body          an If and a Loop whose bodies hold a foldable constant expression, a
                   duplicate node and a dead one, reading outer values by name (one only from
                   the dead node), with an If nested in a branch
  cycle            two nodes that feed each other
  external         small-cnn with its weights in OUT.onnx.data (external data)
  gpt2             GPT-2-style decoder blocks (LayerNorm, tanh GELU, causal additive mask)
  llama            Llama-style blocks (RMSNorm, RoPE, grouped-query attention, SwiGLU, bool mask)
  llama-decode     one decode step of the llama model: a single token (seq 1) at a symbolic
                   position past, with past_key_L/past_value_L inputs [batch, kv_heads, past,
                   head] per layer Concat-ed with the token's K/V into present_key_L/
                   present_value_L outputs, attention of the one query over the cache (grouped
                   query heads as llama repeats them); --width sizes it (heads of width/4)
  gpt2-decode      the same for gpt2 (no RoPE, every head its own K/V)
  vit              ViT encoder (patch Conv, LayerNorm, erf GELU, unmasked attention, pre-scaled Q)
  bev              BEV-style perception net: ResNet-like backbone (Conv/BatchNorm/Relu, residual
                   blocks), FPN (1x1 laterals, Resize x2 top-down, Add), GridSample of the
                   image features onto a bird's-eye-view grid, a conv head
  act-fusion       Conv and MatMul+Add layers followed by SiLU (x*Sigmoid(x)), erf GELU and tanh
                   GELU as exporters decompose them (activation fusion into Conv/Gemm)
  recurrent        bidirectional LSTM (peepholes, sequence_lens, initial state, clip, other
                   activations backwards) -> GRU (linear_before_reset, Softsign) -> reverse RNN
                   (Affine), layout 0 (what onnxruntime runs)
  lstm-bad-weight  an LSTM whose W does not fit its hidden_size (a shape error on import)
  qlinear          QuantizeLinear -> QLinearConv (per-channel int8 weights, int32 bias) ->
                   QLinearMatMul -> DequantizeLinear, and DynamicQuantizeLinear -> MatMulInteger
                   -> ConvInteger, the integer operators of onnxruntime's QOperator format
  qdq              QDQ format: Conv and MatMul whose int8 weights (per channel) and activations
                   pass through QuantizeLinear/DequantizeLinear pairs
  gpt2-external    gpt2 with every weight of 1 KiB or more in OUT.onnx.data, written as it is
                   drawn (--width D, --vocab V, --layers N size it: D 2048, V 16384, 10 layers
                   is a 2.4 GB model, over protobuf's 2 GB limit)
  huge-external    MatMul + bias with a 2.25 GiB weight in OUT.onnx.data, written as a sparse
                   file (zeros): checks that weights are mapped, never loaded
"""
import argparse
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 18


class Builder:
    def __init__(self, seed: int = 0):
        self.nodes, self.inits, self.count = [], [], 0
        self.rng = np.random.default_rng(seed)

    def name(self, base: str) -> str:
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, value, base="c", dtype=np.float32) -> str:
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), n))
        return n

    def weight(self, shape, scale=None, base="w") -> str:
        scale = scale if scale is not None else 1.0 / math.sqrt(shape[0])
        return self.const(self.rng.normal(0, scale, size=shape), base)

    def op(self, op_type: str, inputs, n_out=1, **attrs):
        outs = [self.name(op_type.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, name=self.name(op_type), **attrs))
        return outs[0] if n_out == 1 else outs

    # Exporter-style building blocks -------------------------------------------------------

    def linear(self, x, d_in, d_out):
        return self.op("Add", [self.op("MatMul", [x, self.weight([d_in, d_out])]), self.weight([d_out], 0.02)])

    def layer_norm(self, x, d):
        mean = self.op("ReduceMean", [x, self.const([-1], dtype=np.int64)])
        diff = self.op("Sub", [x, mean])
        var = self.op("ReduceMean", [self.op("Pow", [diff, self.const(2.0)]), self.const([-1], dtype=np.int64)])
        norm = self.op("Div", [diff, self.op("Sqrt", [self.op("Add", [var, self.const(1e-5)])])])
        return self.op("Add", [self.op("Mul", [norm, self.const(1 + 0.1 * self.rng.normal(size=d))]), self.const(0.1 * self.rng.normal(size=d))])

    def rms_norm(self, x, d):
        ms = self.op("ReduceMean", [self.op("Pow", [x, self.const(2.0)]), self.const([-1], dtype=np.int64)])
        inv = self.op("Reciprocal", [self.op("Sqrt", [self.op("Add", [ms, self.const(1e-6)])])])
        return self.op("Mul", [self.const(1 + 0.1 * self.rng.normal(size=d)), self.op("Mul", [x, inv])])

    def gelu_tanh(self, x):
        cube = self.op("Mul", [self.op("Pow", [x, self.const(3.0)]), self.const(0.044715)])
        inner = self.op("Mul", [self.op("Add", [x, cube]), self.const(math.sqrt(2 / math.pi))])
        return self.op("Mul", [self.op("Mul", [self.const(0.5), x]), self.op("Add", [self.op("Tanh", [inner]), self.const(1.0)])])

    def gelu_erf(self, x):
        e = self.op("Erf", [self.op("Div", [x, self.const(math.sqrt(2))])])
        return self.op("Mul", [self.op("Mul", [x, self.op("Add", [e, self.const(1.0)])]), self.const(0.5)])

    def heads(self, x, n_heads, d_head, perm):
        """[b, s, h*d] -> Reshape [b, s, h, d] -> Transpose(perm), reshape dims from Shape like exporters."""
        shape = self.op("Shape", [x])
        b = self.op("Gather", [shape, self.const(0, dtype=np.int64)], axis=0)
        s = self.op("Gather", [shape, self.const(1, dtype=np.int64)], axis=0)
        u = lambda v: self.op("Unsqueeze", [v, self.const([0], dtype=np.int64)])
        target = self.op("Concat", [u(b), u(s), self.const([n_heads, d_head], dtype=np.int64)], axis=0)
        return self.op("Transpose", [self.op("Reshape", [x, target])], perm=perm)

    def merge_heads(self, x, d_model):
        t = self.op("Transpose", [x], perm=[0, 2, 1, 3])
        return self.op("Reshape", [t, self.const([0, 0, d_model], dtype=np.int64)])


def small_cnn(b: Builder):
    x = "x"
    c = b.op("Conv", [x, b.weight([8, 3, 3, 3], 0.3), b.weight([8], 0.1)], pads=[1, 1, 1, 1])
    bn = b.op("BatchNormalization", [c, b.const(1 + 0.1 * b.rng.normal(size=8)), b.const(0.1 * b.rng.normal(size=8)),
                                     b.const(0.1 * b.rng.normal(size=8)), b.const(0.5 + b.rng.random(8))], epsilon=1e-5)
    r = b.op("Relu", [bn])
    p = b.op("MaxPool", [r], kernel_shape=[2, 2], strides=[2, 2])
    d = b.op("Dropout", [p])
    f = b.op("Flatten", [b.op("GlobalAveragePool", [d])])
    y = b.op("Add", [b.op("MatMul", [f, b.weight([8, 10], 0.3)]), b.weight([10], 0.1)])
    b.nodes.append(helper.make_node("Identity", [y], ["y"], name="out"))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 16, 16])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])]
    return inputs, outputs


def rope(b: Builder, t: str, cos: str, sin: str, dh: int) -> str:
    """Rotary position embedding of `t` [..., dh]: t*cos + rotate_half(t)*sin."""
    lo = b.op("Slice", [t, b.const([0], dtype=np.int64), b.const([dh // 2], dtype=np.int64), b.const([-1], dtype=np.int64)])
    hi = b.op("Slice", [t, b.const([dh // 2], dtype=np.int64), b.const([dh], dtype=np.int64), b.const([-1], dtype=np.int64)])
    rot = b.op("Concat", [b.op("Neg", [hi]), lo], axis=-1)
    return b.op("Add", [b.op("Mul", [t, cos]), b.op("Mul", [rot, sin])])


def repeat_kv(b: Builder, t: str, h: int, rep: int, seq: int, dh: int) -> str:
    """GQA's repeat_kv: [b, kv, s, d] -> [b, kv, rep, s, d] -> [b, h, s, d] (`seq` -1: any length)."""
    e = b.op("Expand", [b.op("Unsqueeze", [t, b.const([2], dtype=np.int64)]), b.const([1, 1, rep, 1, 1], dtype=np.int64)])
    return b.op("Reshape", [e, b.const([0, h, seq, dh], dtype=np.int64)])


def block_output(b: Builder, kind: str, x: str, attn: str, d: int) -> str:
    """The rest of a transformer block after attention: output projection and residual, norm,
    MLP (SwiGLU for llama, GELU tanh for gpt2, GELU erf for vit) and residual."""
    x = b.op("Add", [x, b.linear(b.merge_heads(attn, d), d, d)])
    hn = b.rms_norm(x, d) if kind == "llama" else b.layer_norm(x, d)
    if kind == "llama":
        gate = b.op("MatMul", [hn, b.weight([d, 4 * d])])
        silu = b.op("Mul", [gate, b.op("Sigmoid", [gate])])
        up = b.op("MatMul", [hn, b.weight([d, 4 * d])])
        mlp = b.op("MatMul", [b.op("Mul", [silu, up]), b.weight([4 * d, d])])
    else:
        act = b.gelu_tanh if kind == "gpt2" else b.gelu_erf
        mlp = b.linear(act(b.linear(hn, d, 4 * d)), 4 * d, d)
    return b.op("Add", [x, mlp])


def transformer(b: Builder, kind: str, layers: int, d: int = 64, vocab: int = 256):
    h, s = 4, 16
    dh = d // h
    kv_heads = 2 if kind == "llama" else h
    if kind == "vit":
        img = "pixels"
        patches = b.op("Conv", [img, b.weight([d, 3, 8, 8], 0.05), b.weight([d], 0.02)], strides=[8, 8])
        seq = b.op("Transpose", [b.op("Reshape", [patches, b.const([0, d, -1], dtype=np.int64)])], perm=[0, 2, 1])
        x = b.op("Add", [seq, b.weight([s, d], 0.02)])
        inputs = [helper.make_tensor_value_info(img, TensorProto.FLOAT, ["batch", 3, 32, 32])]
    else:
        ids = "input_ids"
        x = b.op("Gather", [b.weight([vocab, d], 0.02), ids], axis=0)
        if kind == "gpt2":
            x = b.op("Add", [x, b.weight([s, d], 0.02)])
        inputs = [helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", s])]
    causal = np.triu(np.ones((s, s), bool), 1)
    for _ in range(layers):
        hn = b.rms_norm(x, d) if kind == "llama" else b.layer_norm(x, d)
        q = b.heads(b.linear(hn, d, d), h, dh, [0, 2, 1, 3])
        k_in = b.linear(hn, d, kv_heads * dh)
        v = b.heads(b.linear(hn, d, kv_heads * dh), kv_heads, dh, [0, 2, 1, 3])
        if kind == "gpt2":
            kt = b.heads(k_in, h, dh, [0, 2, 3, 1])  # K transposed directly, as GPT-2 exports do
            scores = b.op("Div", [b.op("MatMul", [q, kt]), b.const(math.sqrt(dh))])
            scores = b.op("Add", [scores, b.const(np.where(causal, -1e4, 0.0)[None, None])])
        elif kind == "llama":
            k = b.heads(k_in, kv_heads, dh, [0, 2, 1, 3])
            # RoPE on q and k: x*cos + rotate_half(x)*sin.
            pos = np.arange(s)[:, None] / (10000 ** (np.arange(0, dh, 2) / dh))[None]
            cos = b.const(np.concatenate([np.cos(pos)] * 2, -1)[None, None])
            sin = b.const(np.concatenate([np.sin(pos)] * 2, -1)[None, None])
            q, k = rope(b, q, cos, sin, dh), rope(b, k, cos, sin, dh)
            rep = h // kv_heads
            k, v = repeat_kv(b, k, h, rep, s, dh), repeat_kv(b, v, h, rep, s, dh)
            q = b.op("Mul", [q, b.const(1 / math.sqrt(dh))])  # pre-scaled Q
            scores = b.op("MatMul", [q, b.op("Transpose", [k], perm=[0, 1, 3, 2])])
            scores = b.op("Where", [b.const(~causal[None, None], dtype=np.bool_), scores, b.const(-np.inf)])
        else:
            k = b.heads(k_in, h, dh, [0, 2, 1, 3])
            q = b.op("Mul", [q, b.const(1 / math.sqrt(dh))])
            scores = b.op("MatMul", [q, b.op("Transpose", [k], perm=[0, 1, 3, 2])])
        attn = b.op("MatMul", [b.op("Softmax", [scores], axis=-1), v])
        x = block_output(b, kind, x, attn, d)
    x = b.rms_norm(x, d) if kind == "llama" else b.layer_norm(x, d)
    if kind == "vit":
        cls = b.op("Gather", [x, b.const(0, dtype=np.int64)], axis=1)
        y = b.linear(cls, d, 10)
    else:
        y = b.op("MatMul", [x, b.weight([d, vocab], 0.02)])
    b.nodes.append(helper.make_node("Identity", [y], ["logits"], name="out"))
    shape = ["batch", 10] if kind == "vit" else ["batch", s, vocab]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, shape)]
    return inputs, outputs


def decode_step(b: Builder, kind: str, layers: int, d: int = 64, vocab: int = 256):
    """One token through `layers` blocks with a KV cache of symbolic length `past`: the graph a
    decoder runs per generated token (as optimum's decoder-with-past exports lay it out)."""
    h = 4
    dh = d // h
    kv_heads = 2 if kind == "llama" else h
    ids = "input_ids"
    x = b.op("Gather", [b.weight([vocab, d], 0.02), ids], axis=0)
    if kind == "gpt2":
        x = b.op("Add", [x, b.weight([1, d], 0.02)])  # the position's embedding row
    inputs = [helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", 1])]
    outputs = []
    for layer in range(layers):
        hn = b.rms_norm(x, d) if kind == "llama" else b.layer_norm(x, d)
        q = b.heads(b.linear(hn, d, d), h, dh, [0, 2, 1, 3])
        k = b.heads(b.linear(hn, d, kv_heads * dh), kv_heads, dh, [0, 2, 1, 3])
        v = b.heads(b.linear(hn, d, kv_heads * dh), kv_heads, dh, [0, 2, 1, 3])
        if kind == "llama":
            # RoPE at one position (a constant row here; a runtime feeds position_ids).
            pos = 7 / (10000 ** (np.arange(0, dh, 2) / dh))
            cos = b.const(np.concatenate([np.cos(pos)] * 2)[None, None, None])
            sin = b.const(np.concatenate([np.sin(pos)] * 2)[None, None, None])
            q, k = rope(b, q, cos, sin, dh), rope(b, k, cos, sin, dh)
        cache = []
        for name, new in (("key", k), ("value", v)):
            past, present = f"past_{name}_{layer}", f"present_{name}_{layer}"
            inputs.append(helper.make_tensor_value_info(past, TensorProto.FLOAT, ["batch", kv_heads, "past", dh]))
            b.nodes.append(helper.make_node("Concat", [past, new], [present], name=b.name("Concat"), axis=2))
            outputs.append(helper.make_tensor_value_info(present, TensorProto.FLOAT, ["batch", kv_heads, "total", dh]))
            cache.append(present)
        k, v = cache
        if kind == "llama":
            rep = h // kv_heads
            k, v = repeat_kv(b, k, h, rep, -1, dh), repeat_kv(b, v, h, rep, -1, dh)
        # One query attends to every cached position: no mask.
        q = b.op("Mul", [q, b.const(1 / math.sqrt(dh))])
        scores = b.op("MatMul", [q, b.op("Transpose", [k], perm=[0, 1, 3, 2])])
        attn = b.op("MatMul", [b.op("Softmax", [scores], axis=-1), v])
        x = block_output(b, kind, x, attn, d)
    x = b.rms_norm(x, d) if kind == "llama" else b.layer_norm(x, d)
    y = b.op("MatMul", [x, b.weight([d, vocab], 0.02)])
    b.nodes.append(helper.make_node("Identity", [y], ["logits"], name="out"))
    outputs.insert(0, helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1, vocab]))
    return inputs, outputs


def bev(b: Builder):
    def conv_bn_relu(x, cin, cout, k=3, stride=1, relu=True):
        c = b.op("Conv", [x, b.weight([cout, cin, k, k], math.sqrt(2 / (cin * k * k)))],
                 pads=[k // 2] * 4, strides=[stride, stride])
        bn = b.op("BatchNormalization", [c, b.const(1 + 0.1 * b.rng.normal(size=cout)), b.const(0.1 * b.rng.normal(size=cout)),
                                         b.const(0.1 * b.rng.normal(size=cout)), b.const(0.5 + b.rng.random(cout))])
        return b.op("Relu", [bn]) if relu else bn

    def block(x, cin, cout, stride):
        y = conv_bn_relu(conv_bn_relu(x, cin, cout, 3, stride), cout, cout, 3, 1, relu=False)
        skip = x if stride == 1 and cin == cout else conv_bn_relu(x, cin, cout, 1, stride, relu=False)
        return b.op("Relu", [b.op("Add", [y, skip])])

    x = conv_bn_relu("image", 3, 16, 3, 2)                      # 32x48
    c2 = block(x, 16, 16, 1)                                    # 32x48
    c3 = block(c2, 16, 32, 2)                                   # 16x24
    c4 = block(c3, 32, 64, 2)                                   # 8x12
    lat = lambda t, cin: b.op("Conv", [t, b.weight([32, cin, 1, 1], math.sqrt(1 / cin)), b.weight([32], 0.02)])
    up = lambda t: b.op("Resize", [t, "", b.const([1, 1, 2, 2])], mode="nearest")
    p4 = lat(c4, 64)
    p3 = b.op("Add", [lat(c3, 32), up(p4)])
    p2 = b.op("Add", [lat(c2, 16), up(p3)])
    # Bird's-eye-view grid: a fixed ground-plane projection of 24x24 cells into the image.
    gx, gy = np.meshgrid(np.linspace(-0.9, 0.9, 24), np.linspace(0.1, 0.95, 24))
    grid = np.stack([gx * (1.2 - gy), gy], -1)[None].astype(np.float32)
    bevmap = b.op("GridSample", [p2, b.const(grid)], mode="bilinear", padding_mode="zeros", align_corners=0)
    head = conv_bn_relu(bevmap, 32, 32)
    y = b.op("Conv", [head, b.weight([8, 32, 1, 1], 0.2), b.weight([8], 0.02)])
    b.nodes.append(helper.make_node("Identity", [y], ["bev"], name="out"))
    inputs = [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 64, 96])]
    outputs = [helper.make_tensor_value_info("bev", TensorProto.FLOAT, [1, 8, 24, 24])]
    return inputs, outputs


def act_fusion(b: Builder):
    silu = lambda t: b.op("Mul", [t, b.op("Sigmoid", [t])])
    conv = lambda t, cin, cout: b.op("Conv", [t, b.weight([cout, cin, 3, 3], math.sqrt(2 / (cin * 9))), b.weight([cout], 0.05)],
                                     pads=[1, 1, 1, 1])
    x = silu(conv("image", 3, 8))
    x = b.gelu_erf(conv(x, 8, 8))
    x = b.op("Flatten", [b.op("GlobalAveragePool", [x])])
    x = b.gelu_tanh(b.linear(x, 8, 32))
    y = silu(b.linear(x, 32, 10))
    b.nodes.append(helper.make_node("Identity", [y], ["y"], name="out"))
    inputs = [helper.make_tensor_value_info("image", TensorProto.FLOAT, [2, 3, 16, 16])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 10])]
    return inputs, outputs


class ExternalBuilder(Builder):
    """Writes every tensor of at least 1 KiB to one external data file as it is made (never
    holding the whole model's weights in memory), float32 weights drawn directly in float32."""

    def __init__(self, out: str, seed: int = 0):
        super().__init__(seed)
        self.location = os.path.basename(out) + ".data"
        self.data = open(os.path.join(os.path.dirname(out) or ".", self.location), "wb")

    def const(self, value, base="c", dtype=np.float32) -> str:
        a = np.asarray(value, dtype=dtype, order="C")  # (ascontiguousarray would make a scalar 1-D)
        if a.nbytes < 1024:
            return super().const(a, base, dtype)
        n = self.name(base)
        t = onnx.TensorProto()
        t.name, t.data_type = n, helper.np_dtype_to_tensor_dtype(a.dtype)
        t.dims.extend(a.shape)
        t.data_location = TensorProto.EXTERNAL
        offset = self.data.tell()
        self.data.write(a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes())
        for key, v in (("location", self.location), ("offset", str(offset)), ("length", str(a.nbytes))):
            e = t.external_data.add()
            e.key, e.value = key, v
        self.inits.append(t)
        return n

    def weight(self, shape, scale=None, base="w") -> str:
        scale = scale if scale is not None else 1.0 / math.sqrt(shape[0])
        w = self.rng.standard_normal(size=shape, dtype=np.float32)
        w *= np.float32(scale)
        return self.const(w, base)


def huge_external(out: str) -> int:
    k, n = 24576, 24576  # 24576 x 24576 float32 = 2.25 GiB
    data = os.path.basename(out) + ".data"
    w = onnx.TensorProto()
    w.name, w.data_type = "w", TensorProto.FLOAT
    w.dims.extend([k, n])
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", data), ("offset", "0"), ("length", str(k * n * 4))):
        e = w.external_data.add()
        e.key, e.value = key, value
    with open(os.path.join(os.path.dirname(out) or ".", data), "wb") as f:
        f.truncate(k * n * 4)  # sparse: no disk blocks, reads as zeros
    bias = numpy_helper.from_array(np.zeros(n, np.float32), "bias")
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node("Add", ["m", "bias"], ["y"])]
    graph = helper.make_graph(nodes, "huge", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", k])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", n])], [w, bias])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    with open(out, "wb") as f:
        f.write(model.SerializeToString())
    return 0


def custom_domain(b: Builder):
    """small-cnn with Relu replaced by example.custom.Frobnicate (every attribute kind)."""
    inputs, outputs = small_cnn(b)
    relu = next(n for n in b.nodes if n.op_type == "Relu")
    body = helper.make_graph([helper.make_node("Neg", ["a"], ["b"])], "body",
                             [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1])],
                             [helper.make_tensor_value_info("b", TensorProto.FLOAT, [1])])
    custom = helper.make_node("Frobnicate", list(relu.input), list(relu.output), name="mystery", domain="example.custom",
                              gain=2.5, steps=3, mode="fast", sizes=[1, 2], weights=[0.5, 0.25], tags=["a", "b"],
                              table=numpy_helper.from_array(np.arange(4, dtype=np.float32), "table"), body=body)
    b.nodes[b.nodes.index(relu)] = custom
    b.value_info = [helper.make_tensor_value_info(relu.output[0], TensorProto.FLOAT, ["batch", 8, 16, 16])]
    return inputs, outputs


def if_capture(b: Builder):
    """y = Relu(If(sum(x) > 0, then: m2 + k, else: If(true, then: i - x, else: m2)))."""
    x = "x"
    w = b.weight([2, 3], 0.5)
    m = b.op("Mul", [x, w])
    m2 = b.op("Mul", [x, w])  # CSE merges it with m unless a branch reads it by name
    i = b.op("Identity", [b.op("Add", [m, m2])])  # read by name: the Identity must stay
    k = b.op("Add", [b.const([1.0, 2.0, 3.0]), b.const([0.5, 0.5, 0.5])])  # folded to a constant
    cond = b.op("Greater", [b.op("ReduceSum", [x], keepdims=0), b.const(0.0)])
    then_b = helper.make_graph([helper.make_node("Add", [m2, k], ["t_out"])], "then", [],
                               [helper.make_tensor_value_info("t_out", TensorProto.FLOAT, [2, 3])])
    inner_then = helper.make_graph([helper.make_node("Sub", [i, x], ["it_out"])], "inner_then", [],
                                   [helper.make_tensor_value_info("it_out", TensorProto.FLOAT, [2, 3])])
    inner_else = helper.make_graph([helper.make_node("Neg", [m2], ["neg"]), helper.make_node("Identity", ["neg"], ["ie_out"])],
                                   "inner_else", [], [helper.make_tensor_value_info("ie_out", TensorProto.FLOAT, [2, 3])])
    yes = helper.make_tensor("yes", TensorProto.BOOL, [], [True])
    else_b = helper.make_graph([helper.make_node("Constant", [], ["c_true"], value=yes),
                                helper.make_node("If", ["c_true"], ["e_out"], then_branch=inner_then, else_branch=inner_else)],
                               "else", [], [helper.make_tensor_value_info("e_out", TensorProto.FLOAT, [2, 3])])
    b.nodes.append(helper.make_node("If", [cond], ["branch"], name="choose", then_branch=then_b, else_branch=else_b))
    b.nodes.append(helper.make_node("Relu", ["branch"], ["y"], name="out"))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])]
    return inputs, outputs


def if_body(b: Builder):
    """y = If(sum(x) > 0, then: x*w + (c1 + c2) (Mul twice, a dead Neg of u), else: If(...)),
    z = Loop(3 times: acc + (k1 * k2) + x*w); outer values w and u are read by name."""
    x = "x"
    w = b.weight([2, 3], 0.5)
    u = b.op("Relu", [x])  # read only by a dead node in the then branch
    f = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, [2, 3])
    c1 = helper.make_node("Constant", [], ["c1"], value=numpy_helper.from_array(np.array([1.0, 2.0, 3.0], np.float32)))
    c2 = helper.make_node("Constant", [], ["c2"], value=numpy_helper.from_array(np.array([0.5, 0.5, 0.5], np.float32)))
    then_b = helper.make_graph([c1, c2, helper.make_node("Add", ["c1", "c2"], ["c12"]),
                                helper.make_node("Mul", [x, w], ["m1"]), helper.make_node("Mul", [x, w], ["m2"]),
                                helper.make_node("Neg", [u], ["dead"]),
                                helper.make_node("Add", ["m1", "c12"], ["a1"]), helper.make_node("Add", ["a1", "m2"], ["t_out"])],
                               "then", [], [f("t_out")])
    inner = lambda name, op: helper.make_graph([helper.make_node(op, [x], [name])], name + "_g", [], [f(name)])
    yes = helper.make_tensor("yes", TensorProto.BOOL, [], [True])
    half = helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])
    else_b = helper.make_graph([helper.make_node("Constant", [], ["k"], value=half), helper.make_node("Constant", [], ["k2"], value=half),
                                helper.make_node("Mul", ["k", "k2"], ["kk"]),  # folds to 0.25
                                helper.make_node("Constant", [], ["c_true"], value=yes),
                                helper.make_node("If", ["c_true"], ["e_in"], then_branch=inner("it_out", "Neg"), else_branch=inner("ie_out", "Abs")),
                                helper.make_node("Mul", ["e_in", "kk"], ["e_out"])],
                               "else", [], [f("e_out")])
    cond = b.op("Greater", [b.op("ReduceSum", [x], keepdims=0), b.const(0.0)])
    b.nodes.append(helper.make_node("If", [cond], ["y"], name="choose", then_branch=then_b, else_branch=else_b))
    # Loop body: (iter, cond, acc) -> (cond, acc + (k1 * k2) + x*w), with x*w computed twice.
    scalar = lambda n, t: helper.make_tensor_value_info(n, t, [])
    k1 = helper.make_tensor("k1", TensorProto.FLOAT, [], [2.0])
    body = helper.make_graph([helper.make_node("Constant", [], ["k1"], value=k1), helper.make_node("Constant", [], ["k2b"], value=half),
                              helper.make_node("Mul", ["k1", "k2b"], ["kk2"]),
                              helper.make_node("Mul", [x, w], ["p1"]), helper.make_node("Mul", [x, w], ["p2"]),
                              helper.make_node("Add", ["acc", "kk2"], ["s1"]), helper.make_node("Add", ["s1", "p1"], ["s2"]),
                              helper.make_node("Sub", ["s2", "p2"], ["s3"]), helper.make_node("Add", ["s3", "p1"], ["acc_out"]),
                              helper.make_node("Identity", ["cond_in"], ["cond_out"])],
                             "loop_body", [scalar("iter", TensorProto.INT64), scalar("cond_in", TensorProto.BOOL), f("acc")],
                             [scalar("cond_out", TensorProto.BOOL), f("acc_out")])
    trips = b.const(3, "trips", np.int64)
    b.nodes.append(helper.make_node("Loop", [trips, "", x], ["z"], name="repeat", body=body))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3]), helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 3])]
    return inputs, outputs


def recurrent(b: Builder):
    """x [seq 5, batch 2, 6] -> bidirectional LSTM (hidden 8) -> GRU (hidden 8) -> reverse RNN (hidden 4)."""
    seq, batch, d, h = 5, 2, 6, 8
    lens = b.const([5, 3], "lens", np.int32)
    lstm_y = b.op("LSTM", ["x", b.weight([2, 4 * h, d], 0.3), b.weight([2, 4 * h, h], 0.3), b.weight([2, 8 * h], 0.1), lens,
                           b.weight([2, batch, h], 0.2), b.weight([2, batch, h], 0.2), b.weight([2, 3 * h], 0.2)],
                  n_out=3, hidden_size=h, direction="bidirectional", clip=3.0,
                  # the reverse direction runs alternative activations, with their alpha/beta
                  activations=["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "ScaledTanh", "Softplus"],
                  activation_alpha=[0.3, 1.5], activation_beta=[0.4, 0.7])[0]
    # [seq, 2, batch, h] -> [seq, batch, 2h]
    t = b.op("Reshape", [b.op("Transpose", [lstm_y], perm=[0, 2, 1, 3]), b.const([seq, batch, 2 * h], dtype=np.int64)])
    gru_y = b.op("GRU", [t, b.weight([1, 3 * h, 2 * h], 0.3), b.weight([1, 3 * h, h], 0.3), b.weight([1, 6 * h], 0.1)],
                 n_out=2, hidden_size=h, linear_before_reset=1, activations=["Sigmoid", "Softsign"])[0]
    g = b.op("Squeeze", [gru_y, b.const([1], dtype=np.int64)])
    g2 = b.op("Identity", [g])  # removed by remove-noops
    rnn_h = b.op("RNN", [g2, b.weight([1, 4, h], 0.3), b.weight([1, 4, 4], 0.3), b.weight([1, 8], 0.1)],
                 n_out=2, hidden_size=4, direction="reverse", activations=["Affine"], activation_alpha=[0.5],
                 activation_beta=[0.1])[1]
    b.nodes.append(helper.make_node("Identity", [rnn_h], ["y"], name="out"))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [seq, batch, d])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, batch, 4])]
    return inputs, outputs


def lstm_bad_weight(b: Builder):
    """hidden_size 4 needs W [1, 16, 3]; W is [1, 12, 3]."""
    y = b.op("LSTM", ["x", b.weight([1, 12, 3]), b.weight([1, 16, 4]), "", "", "", ""], n_out=3, hidden_size=4)[0]
    b.nodes.append(helper.make_node("Identity", [y], ["y"], name="out"))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [5, 2, 3])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)]
    return inputs, outputs


def int8_weight(b: Builder, shape, base="wq"):
    return b.const(b.rng.integers(-127, 128, size=shape), base, np.int8)


def qlinear(b: Builder):
    """QOperator-format integer ops, as onnxruntime.quantization writes them."""
    u8 = lambda v: b.const(v, "zp", np.uint8)
    xq = b.op("QuantizeLinear", ["x", b.const(0.02, "s"), u8(128)])
    conv = b.op("QLinearConv", [xq, b.const(0.02, "s"), u8(128), int8_weight(b, [8, 3, 3, 3]),
                                b.const(0.01 + 0.01 * b.rng.random(8), "ws"), b.const(np.zeros(8), "wzp", np.int8),
                                b.const(0.05, "s"), u8(120), b.const(b.rng.integers(-500, 500, size=8), "bias", np.int32)],
                pads=[1, 1, 1, 1])
    flat = b.op("Reshape", [conv, b.const([1, 8, 256], dtype=np.int64)])
    mm = b.op("QLinearMatMul", [flat, b.const(0.05, "s"), u8(120), b.const(b.rng.integers(0, 256, size=[256, 10]), "wb", np.uint8),
                                b.const(0.004, "s"), u8(127), b.const(0.1, "s"), u8(100)])
    y = b.op("DequantizeLinear", [mm, b.const(0.1, "s"), u8(100)])
    # Dynamic quantization: DynamicQuantizeLinear -> MatMulInteger / ConvInteger -> rescale.
    q, scale, zp = b.op("DynamicQuantizeLinear", [y], n_out=3)
    mi = b.op("MatMulInteger", [q, b.const(b.rng.integers(0, 256, size=[10, 6]), "wm", np.uint8), zp, u8(128)])
    z = b.op("Mul", [b.op("Cast", [mi], to=TensorProto.FLOAT), b.op("Mul", [scale, b.const(0.003, "s")])])
    q2, scale2, zp2 = b.op("DynamicQuantizeLinear", ["x"], n_out=3)
    ci = b.op("ConvInteger", [q2, b.const(b.rng.integers(0, 256, size=[4, 3, 3, 3]), "wc", np.uint8), zp2, u8(128)],
              strides=[2, 2])
    w = b.op("Mul", [b.op("Cast", [ci], to=TensorProto.FLOAT), b.op("Mul", [scale2, b.const(0.002, "s")])])
    b.nodes.append(helper.make_node("Identity", [z], ["y"], name="out_y"))
    b.nodes.append(helper.make_node("Identity", [w], ["w"], name="out_w"))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 6]),
               helper.make_tensor_value_info("w", TensorProto.FLOAT, [1, 4, 7, 7])]
    return inputs, outputs


def qdq(b: Builder):
    """QDQ format: every weight an int8 initializer behind a DequantizeLinear (per output channel)."""
    def qdq_act(v, scale):
        zp = b.const(0, "zp", np.int8)
        return b.op("DequantizeLinear", [b.op("QuantizeLinear", [v, b.const(scale, "s"), zp]), b.const(scale, "s"), zp])
    x = qdq_act("x", 0.02)
    w = b.op("DequantizeLinear", [int8_weight(b, [8, 3, 3, 3]), b.const(0.002 + 0.002 * b.rng.random(8), "ws"),
                                  b.const(np.zeros(8), "wzp", np.int8)], axis=0)
    c = b.op("Relu", [b.op("Conv", [x, w, b.weight([8], 0.1)], pads=[1, 1, 1, 1])])
    f = qdq_act(b.op("Flatten", [b.op("GlobalAveragePool", [c])]), 0.01)
    w2 = b.op("DequantizeLinear", [int8_weight(b, [8, 10]), b.const(0.003 + 0.001 * b.rng.random(10), "ws"),
                                   b.const(np.zeros(10), "wzp", np.int8)], axis=1)
    y = b.op("Add", [b.op("MatMul", [f, w2]), b.weight([10], 0.1)])
    b.nodes.append(helper.make_node("Identity", [y], ["y"], name="out"))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])]
    return inputs, outputs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("kind")
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--vocab", type=int, default=256)
    a = ap.parse_args()
    b = ExternalBuilder(a.out, seed=7) if a.kind == "gpt2-external" else Builder(seed=7)
    if a.kind in ("small-cnn", "unknown-op", "cycle", "external"):
        inputs, outputs = small_cnn(b)
        if a.kind == "unknown-op":
            relu = next(n for n in b.nodes if n.op_type == "Relu")
            relu.op_type, relu.name = "Frobnicate", "mystery"
        if a.kind == "cycle":
            relu = next(n for n in b.nodes if n.op_type == "Relu")
            pool = next(n for n in b.nodes if n.op_type == "MaxPool")
            relu.input[0] = pool.output[0]  # Relu reads MaxPool, which reads Relu
    elif a.kind == "custom-domain":
        inputs, outputs = custom_domain(b)
    elif a.kind == "if-capture":
        inputs, outputs = if_capture(b)
    elif a.kind in ("gpt2", "llama", "vit"):
        inputs, outputs = transformer(b, a.kind, a.layers)
    elif a.kind in ("llama-decode", "gpt2-decode"):
        inputs, outputs = decode_step(b, a.kind.split("-")[0], a.layers, d=a.width, vocab=a.vocab)
    elif a.kind == "gpt2-external":
        inputs, outputs = transformer(b, "gpt2", a.layers, d=a.width, vocab=a.vocab)
        b.data.close()
    elif a.kind == "bev":
        inputs, outputs = bev(b)
    elif a.kind == "act-fusion":
        inputs, outputs = act_fusion(b)
    elif a.kind == "if-body":
        inputs, outputs = if_body(b)
    elif a.kind == "recurrent":
        inputs, outputs = recurrent(b)
    elif a.kind == "lstm-bad-weight":
        inputs, outputs = lstm_bad_weight(b)
    elif a.kind == "qlinear":
        inputs, outputs = qlinear(b)
    elif a.kind == "qdq":
        inputs, outputs = qdq(b)
    elif a.kind == "huge-external":
        return huge_external(a.out)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    graph = helper.make_graph(b.nodes, a.kind, inputs, outputs, b.inits, value_info=getattr(b, "value_info", []))
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid("example.custom", 3)] if a.kind == "custom-domain" else [])
    model = helper.make_model(graph, opset_imports=opsets, producer_name="sluice-onnx-models")
    model.ir_version = 8
    if a.kind == "external":
        onnx.save(model, a.out, save_as_external_data=True, all_tensors_to_one_file=True,
                  location=os.path.basename(a.out) + ".data", size_threshold=0)
    else:
        onnx.save(model, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
