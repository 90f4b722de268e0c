/// One operator at concrete shapes, as op-bench times it and tile-plan maps it. The one place
/// FLOPs and compulsory bytes are counted, so op-bench, tile-plan and npu-sim agree.
/// Shapes use the models' own names (ONNX semantics, NCHW).
public enum OpInstance: Sendable, Hashable {
    /// [batch] × [m, k] · [k, n]; `transposedB` reads B as [n, k] (a Linear layer's weight).
    case matmul(batch: Int, m: Int, n: Int, k: Int, transposedB: Bool)
    /// Conv2d on [n, cin, h, w] with [cout, cin/groups, kh, kw] weights.
    case conv2d(n: Int, cin: Int, h: Int, w: Int, cout: Int, kh: Int, kw: Int, stride: Int, pad: Int, groups: Int)
    /// Softmax over rows of length `n`.
    case softmax(rows: Int, n: Int)
    /// LayerNorm (scale + bias) over rows of length `n`.
    case layerNorm(rows: Int, n: Int)
    /// RMSNorm (scale) over rows of length `n`.
    case rmsNorm(rows: Int, n: Int)
    /// An activation (ONNX name, e.g. "Relu", "Gelu(tanh)") over `count` elements.
    case unary(String, count: Int)
    /// An elementwise binary op (ONNX name) over two `count`-element operands.
    case binary(String, count: Int)
    /// Scaled dot-product attention, [b, hq, sq, d] queries against [b, hkv, sk, d] keys/values.
    case attention(b: Int, hq: Int, hkv: Int, sq: Int, sk: Int, d: Int, causal: Bool)
    /// Max pooling.
    case maxPool(n: Int, c: Int, h: Int, w: Int, kernel: Int, stride: Int, pad: Int)
    /// Global average pooling.
    case globalAveragePool(n: Int, c: Int, h: Int, w: Int)
    /// A low-precision matrix product [m, k]·[k, n] with `elementBytes`-byte operands and a
    /// 4-byte (fp32 or int32) result.
    case lowPrecisionMatmul(elementBytes: Int, m: Int, n: Int, k: Int)
    /// ONNX Resize of [n, c, h, w] to [n, c, oh, ow], bilinear or nearest.
    case resize(n: Int, c: Int, h: Int, w: Int, oh: Int, ow: Int, linear: Bool)
    /// ONNX GridSample of [n, c, h, w] at an [n, oh, ow, 2] grid, bilinear or nearest.
    case gridSample(n: Int, c: Int, h: Int, w: Int, oh: Int, ow: Int, linear: Bool)
    /// Any other operator that computes: `inputElements` read, `outputElements` written,
    /// `opsPerOutput` operations each (broadcasting binaries, reductions, Transpose, Concat, ...).
    case elementwise(String, inputElements: Int, outputElements: Int, opsPerOutput: Int)
    /// An operator that only relabels a tensor (Reshape, Flatten, Squeeze, Identity, ...): no data moves.
    case view(String)

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
        case let .lowPrecisionMatmul(_, m, n, k): return 2 * Double(m * n * k)   // integer ops for int8
        // Bilinear: 3 lerps (resize) or 4 products and 3 sums (grid sample) per output; nearest
        // only copies, so both are judged by bandwidth.
        case let .resize(n, c, _, _, oh, ow, linear): return linear ? 6 * Double(n * c * oh * ow) : 0
        case let .gridSample(n, c, _, _, oh, ow, linear): return linear ? 7 * Double(n * c * oh * ow) : 0
        case let .elementwise(_, _, outputs, ops): return Double(outputs) * Double(ops)
        case .view: return 0
        }
    }

    /// Compulsory memory traffic per run in bytes at `elementBytes` per element: every input
    /// read once, every output written once.
    public func bytes(elementBytes: Int = 4) -> Double {
        let f = Double(elementBytes)
        return f * Double(inputElements + outputElements) + (lowPrecisionBytesCorrection)
    }

    /// Compulsory memory traffic at 4 bytes per element (op-bench's fp32 cases).
    public var bytes: Double { bytes(elementBytes: 4) }

    /// Elements read once: every input (weights included) over its whole extent.
    public var inputElements: Int {
        switch self {
        case let .matmul(batch, m, n, k, _): return batch * (m * k + k * n)
        case let .conv2d(n, cin, h, w, cout, kh, kw, _, _, g): return n * cin * h * w + cout * (cin / g) * kh * kw
        case let .softmax(rows, n), let .rmsNorm(rows, n), let .layerNorm(rows, n): return rows * n
        case let .unary(_, count): return count
        case let .binary(_, count): return 2 * count
        case let .attention(b, hq, hkv, sq, sk, d, _): return b * (hq * sq * d + 2 * hkv * sk * d)
        case let .maxPool(n, c, h, w, _, _, _), let .globalAveragePool(n, c, h, w): return n * c * h * w
        case let .lowPrecisionMatmul(_, m, n, k): return m * k + k * n
        case let .resize(n, c, h, w, _, _, _): return n * c * h * w
        case let .gridSample(n, c, h, w, oh, ow, _): return n * c * h * w + n * oh * ow * 2
        case let .elementwise(_, inputs, _, _): return inputs
        case .view: return 0
        }
    }

    /// Elements written once.
    public var outputElements: Int {
        switch self {
        case let .matmul(batch, m, n, _, _): return batch * m * n
        case let .conv2d(n, _, h, w, cout, kh, kw, s, p, _):
            let (oh, ow) = Self.convOutput(h, w, kh, kw, s, p)
            return n * cout * oh * ow
        case let .softmax(rows, n), let .rmsNorm(rows, n), let .layerNorm(rows, n): return rows * n
        case let .unary(_, count), let .binary(_, count): return count
        case let .attention(b, hq, _, sq, _, d, _): return b * hq * sq * d
        case let .maxPool(n, c, h, w, k, s, p):
            let (oh, ow) = Self.convOutput(h, w, k, k, s, p)
            return n * c * oh * ow
        case let .globalAveragePool(n, c, _, _): return n * c
        case let .lowPrecisionMatmul(_, m, n, _): return m * n
        case let .resize(n, c, _, _, oh, ow, _), let .gridSample(n, c, _, _, oh, ow, _): return n * c * oh * ow
        case let .elementwise(_, _, outputs, _): return outputs
        case .view: return 0
        }
    }

    /// Low-precision GEMM reads its operands at their own width, not 4 bytes.
    private var lowPrecisionBytesCorrection: Double {
        guard case let .lowPrecisionMatmul(eb, m, n, k) = self else { return 0 }
        return Double(eb - 4) * Double(m * k + k * n)
    }

    /// Transcendental evaluations (exp, erf, tanh, rsqrt, ...): what a vector unit pays extra cycles for.
    public var transcendentals: Double {
        switch self {
        case let .softmax(rows, n): return Double(rows * n)
        case let .layerNorm(rows, _), let .rmsNorm(rows, _): return Double(rows)
        case let .unary(name, count):
            return ["Relu", "Neg", "Abs"].contains(name) ? 0 : Double(count)
        case let .attention(b, hq, _, sq, sk, _, _): return Double(b * hq * sq * sk)
        default: return 0
        }
    }

    /// The output extent of a window of `kh×kw` at stride `s` and padding `p` on each side.
    public static func convOutput(_ h: Int, _ w: Int, _ kh: Int, _ kw: Int, _ s: Int, _ p: Int) -> (Int, Int) {
        ((h + 2 * p - kh) / s + 1, (w + 2 * p - kw) / s + 1)
    }
}
