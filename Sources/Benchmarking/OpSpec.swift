import Kernels
import OpCost

/// One operator at one shape: what op-bench times, and what a peer (numpy, onnxruntime) is
/// asked to run at the same shape. Shapes use the models' own names (ONNX semantics, NCHW).
public enum OpSpec: Sendable, Hashable {
    /// [batch] × [m, k] · [k, n]; `transposedB` reads B as [n, k] (a Linear layer's weight).
    case matmul(batch: Int, m: Int, n: Int, k: Int, transposedB: Bool)
    /// Conv2d on [n, cin, h, w] with [cout, cin/groups, kh, kw] weights and bias.
    case conv2d(n: Int, cin: Int, h: Int, w: Int, cout: Int, kh: Int, kw: Int, stride: Int, pad: Int, groups: Int)
    /// Softmax over rows of length `n`.
    case softmax(rows: Int, n: Int)
    /// LayerNorm (scale + bias) over rows of length `n`.
    case layerNorm(rows: Int, n: Int)
    /// RMSNorm (scale) over rows of length `n`.
    case rmsNorm(rows: Int, n: Int)
    /// An activation over `count` floats.
    case unary(UnaryOp, count: Int)
    /// An elementwise binary op over two `count`-float operands.
    case binary(BinaryOp, count: Int)
    /// Scaled dot-product attention, [b, hq, sq, d] queries against [b, hkv, sk, d] keys/values.
    case attention(b: Int, hq: Int, hkv: Int, sq: Int, sk: Int, d: Int, causal: Bool)
    /// Max pooling.
    case maxPool(n: Int, c: Int, h: Int, w: Int, kernel: Int, stride: Int, pad: Int)
    /// Global average pooling.
    case globalAveragePool(n: Int, c: Int, h: Int, w: Int)
    /// A low-precision matrix product [m, k]·[k, n] with row-major operands: bf16 inputs with
    /// fp32 accumulation and output, or int8 inputs with int32 accumulation and output.
    case lowPrecisionMatmul(dtype: LowPrecision, m: Int, n: Int, k: Int)
    /// ONNX Resize of [n, c, h, w] to [n, c, oh, ow], bilinear or nearest (half_pixel).
    case resize(n: Int, c: Int, h: Int, w: Int, oh: Int, ow: Int, linear: Bool)
    /// ONNX GridSample of [n, c, h, w] at an [n, oh, ow, 2] grid, bilinear or nearest, zeros padding.
    case gridSample(n: Int, c: Int, h: Int, w: Int, oh: Int, ow: Int, linear: Bool)

    /// Operator name as ONNX spells it (the `op` column).
    public var op: String {
        switch self {
        case .matmul: return "MatMul"
        case .conv2d(_, let cin, _, _, let cout, _, _, _, _, let g): return g == cin && g == cout && g > 1 ? "Conv(depthwise)" : "Conv"
        case .softmax: return "Softmax"
        case .layerNorm: return "LayerNormalization"
        case .rmsNorm: return "RMSNormalization"
        case .unary(let u, _): return u.onnxName
        case .binary(let b, _): return b.onnxName
        case .attention: return "Attention"
        case .maxPool: return "MaxPool"
        case .globalAveragePool: return "GlobalAveragePool"
        case .lowPrecisionMatmul(let dtype, _, _, _): return dtype == .int8 ? "MatMulInteger" : "MatMul"
        case .resize: return "Resize"
        case .gridSample: return "GridSample"
        }
    }

    /// Human-readable shape (the `shape` column).
    public var shape: String {
        switch self {
        case let .matmul(batch, m, n, k, tb):
            return (batch > 1 ? "\(batch)×" : "") + "\(m)×\(k)·\(k)×\(n)" + (tb ? "ᵀ" : "")
        case let .conv2d(n, cin, h, w, cout, kh, kw, s, p, g):
            return "\(n)×\(cin)×\(h)×\(w)→\(cout) k\(kh)x\(kw) s\(s) p\(p)" + (g > 1 ? " g\(g)" : "")
        case let .softmax(rows, n), let .layerNorm(rows, n), let .rmsNorm(rows, n):
            return "\(rows)×\(n)"
        case let .unary(_, count), let .binary(_, count):
            return "\(count)"
        case let .attention(b, hq, hkv, sq, sk, d, causal):
            return "b\(b) h\(hq)/\(hkv) q\(sq) k\(sk) d\(d)" + (causal ? " causal" : "")
        case let .maxPool(n, c, h, w, k, s, p):
            return "\(n)×\(c)×\(h)×\(w) k\(k) s\(s) p\(p)"
        case let .globalAveragePool(n, c, h, w):
            return "\(n)×\(c)×\(h)×\(w)"
        case let .lowPrecisionMatmul(_, m, n, k):
            return "\(m)×\(k)·\(k)×\(n)"
        case let .resize(n, c, h, w, oh, ow, linear), let .gridSample(n, c, h, w, oh, ow, linear):
            return "\(n)×\(c)×\(h)×\(w)→\(oh)×\(ow) " + (linear ? "linear" : "nearest")
        }
    }

    /// The same operator and shape as OpCost counts it.
    public var instance: OpInstance {
        switch self {
        case let .matmul(batch, m, n, k, tb): return .matmul(batch: batch, m: m, n: n, k: k, transposedB: tb)
        case let .conv2d(n, cin, h, w, cout, kh, kw, s, p, g):
            return .conv2d(n: n, cin: cin, h: h, w: w, cout: cout, kh: kh, kw: kw, stride: s, pad: p, groups: g)
        case let .softmax(rows, n): return .softmax(rows: rows, n: n)
        case let .layerNorm(rows, n): return .layerNorm(rows: rows, n: n)
        case let .rmsNorm(rows, n): return .rmsNorm(rows: rows, n: n)
        case let .unary(u, count): return .unary(u.onnxName, count: count)
        case let .binary(b, count): return .binary(b.onnxName, count: count)
        case let .attention(b, hq, hkv, sq, sk, d, causal): return .attention(b: b, hq: hq, hkv: hkv, sq: sq, sk: sk, d: d, causal: causal)
        case let .maxPool(n, c, h, w, k, s, p): return .maxPool(n: n, c: c, h: h, w: w, kernel: k, stride: s, pad: p)
        case let .globalAveragePool(n, c, h, w): return .globalAveragePool(n: n, c: c, h: h, w: w)
        case let .lowPrecisionMatmul(dtype, m, n, k): return .lowPrecisionMatmul(elementBytes: dtype.bytes, m: m, n: n, k: k)
        case let .resize(n, c, h, w, oh, ow, linear): return .resize(n: n, c: c, h: h, w: w, oh: oh, ow: ow, linear: linear)
        case let .gridSample(n, c, h, w, oh, ow, linear): return .gridSample(n: n, c: c, h: h, w: w, oh: oh, ow: ow, linear: linear)
        }
    }

    /// Floating-point operations per run (OpCost's count: a multiply-add counts 2).
    public var flops: Double { instance.flops }

    /// Compulsory memory traffic per run in bytes (OpCost's count: inputs read and outputs written once).
    public var bytes: Double { instance.bytes }

    /// Element type of the operands (the record's `dtype`).
    public var dtype: String {
        if case let .lowPrecisionMatmul(dtype, _, _, _) = self { return dtype.rawValue }
        return "f32"
    }

    static func convOutput(_ h: Int, _ w: Int, _ kh: Int, _ kw: Int, _ s: Int, _ p: Int) -> (Int, Int) {
        OpInstance.convOutput(h, w, kh, kw, s, p)
    }
}

extension UnaryOp {
    /// The ONNX operator name.
    public var onnxName: String {
        switch self {
        case .relu: return "Relu"
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .exp: return "Exp"
        case .erf: return "Erf"
        case .neg: return "Neg"
        case .abs: return "Abs"
        case .sqrt: return "Sqrt"
        case .geluErf: return "Gelu"
        case .geluTanh: return "Gelu(tanh)"
        case .silu: return "SiLU"
        }
    }
}

extension BinaryOp {
    /// The ONNX operator name.
    public var onnxName: String {
        switch self {
        case .add: return "Add"
        case .sub: return "Sub"
        case .mul: return "Mul"
        case .div: return "Div"
        case .max: return "Max"
        case .min: return "Min"
        }
    }
}

/// The element types of the low-precision GEMM cases.
public enum LowPrecision: String, Sendable, Hashable {
    case bf16, int8
    /// Bytes per element.
    var bytes: Int { self == .bf16 ? 2 : 1 }
}
