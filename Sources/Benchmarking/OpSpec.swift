import Kernels

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

    /// Floating-point operations per run (a multiply-add counts 2; a transcendental counts 1,
    /// so elementwise ops are judged by bandwidth, which is their real limit).
    public var flops: Double {
        switch self {
        case let .matmul(batch, m, n, k, _): return 2 * Double(batch * m * n * k)
        case let .conv2d(n, cin, h, w, cout, kh, kw, s, p, g):
            let (oh, ow) = Self.convOutput(h, w, kh, kw, s, p)
            return 2 * Double(n * cout * oh * ow) * Double(cin / g * kh * kw)
        case let .softmax(rows, n): return 4 * Double(rows * n)
        case let .layerNorm(rows, n): return 7 * Double(rows * n)
        case let .rmsNorm(rows, n): return 4 * Double(rows * n)
        case let .unary(_, count), let .binary(_, count): return Double(count)
        case let .attention(b, hq, _, sq, sk, d, causal):
            // Q·Kᵀ and P·V; causal attention computes about half the score matrix.
            let pairs = causal ? Double(sq) * Double(sk) - Double(sq) * Double(sq - 1) / 2 : Double(sq * sk)
            return 4 * Double(b * hq * d) * pairs
        case let .maxPool(n, c, h, w, k, s, p):
            let (oh, ow) = Self.convOutput(h, w, k, k, s, p)
            return Double(n * c * oh * ow * k * k)
        case let .globalAveragePool(n, c, h, w): return Double(n * c * h * w)
        // Bilinear: 3 lerps (resize) or 4 products and 3 sums (grid sample) per output; nearest
        // only copies, so both are judged by bandwidth.
        case let .lowPrecisionMatmul(_, m, n, k): return 2 * Double(m * n * k)   // integer ops for int8
        case let .resize(n, c, _, _, oh, ow, linear): return linear ? 6 * Double(n * c * oh * ow) : 0
        case let .gridSample(n, c, _, _, oh, ow, linear): return linear ? 7 * Double(n * c * oh * ow) : 0
        }
    }

    /// Compulsory memory traffic per run in bytes: every input read once, every output written once.
    public var bytes: Double {
        let f = 4.0
        switch self {
        case let .matmul(batch, m, n, k, _): return f * Double(batch * (m * k + k * n + m * n))
        case let .conv2d(n, cin, h, w, cout, kh, kw, s, p, g):
            let (oh, ow) = Self.convOutput(h, w, kh, kw, s, p)
            return f * Double(n * cin * h * w + cout * (cin / g) * kh * kw + n * cout * oh * ow)
        case let .softmax(rows, n), let .rmsNorm(rows, n), let .layerNorm(rows, n): return f * 2 * Double(rows * n)
        case let .unary(_, count): return f * 2 * Double(count)
        case let .binary(_, count): return f * 3 * Double(count)
        case let .attention(b, hq, hkv, sq, sk, d, _):
            return f * Double(b * (2 * hq * sq * d + 2 * hkv * sk * d))
        case let .maxPool(n, c, h, w, k, s, p):
            let (oh, ow) = Self.convOutput(h, w, k, k, s, p)
            return f * Double(n * c * (h * w + oh * ow))
        case let .globalAveragePool(n, c, h, w): return f * Double(n * c * (h * w + 1))
        case let .lowPrecisionMatmul(dtype, m, n, k):
            return Double(dtype.bytes * (m * k + k * n)) + f * Double(m * n)
        case let .resize(n, c, h, w, oh, ow, _): return f * Double(n * c * (h * w + oh * ow))
        case let .gridSample(n, c, h, w, oh, ow, _): return f * Double(n * c * (h * w + oh * ow) + n * oh * ow * 2)
        }
    }

    /// Element type of the operands (the record's `dtype`).
    public var dtype: String {
        if case let .lowPrecisionMatmul(dtype, _, _, _) = self { return dtype.rawValue }
        return "f32"
    }

    static func convOutput(_ h: Int, _ w: Int, _ kh: Int, _ kw: Int, _ s: Int, _ p: Int) -> (Int, Int) {
        ((h + 2 * p - kh) / s + 1, (w + 2 * p - kw) / s + 1)
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
