/// One-input elementwise operators.
public enum UnaryOp: String, CaseIterable, Sendable {
    case relu, sigmoid, tanh, exp, erf, neg, abs, sqrt
    /// x·Φ(x) with the exact (erf) normal CDF, as BERT and ONNX Gelu(approximate="none").
    case geluErf = "gelu-erf"
    /// The tanh approximation of GELU, as GPT-2 and ONNX Gelu(approximate="tanh").
    case geluTanh = "gelu-tanh"
    /// x·sigmoid(x) (Swish), as Llama's MLP.
    case silu
}

/// Two-input elementwise operators with numpy broadcasting.
public enum BinaryOp: String, CaseIterable, Sendable {
    case add, sub, mul, div, max, min
}

/// Elementwise kernels: SIMD over contiguous runs, split across threads in large chunks.
public enum Elementwise {
    /// Below this many elements a single thread is faster than waking workers.
    static let parallelGrain = 1 << 15

    /// Applies `op` to every element; the result is contiguous.
    public static func unary(_ op: UnaryOp, _ x: Tensor, threading: Threading = .all) -> Tensor {
        let input = x.isContiguous ? x : x.contiguous()
        var out = Tensor(shape: x.shape)
        input.withUnsafeBase { src in
            out.withUnsafeMutableBase { dst in
                unary(op, src, dst, count: x.count, threading: threading)
            }
        }
        return out
    }

    /// Applies `op` to `count` contiguous floats; `src` and `dst` may be the same buffer.
    public static func unary(_ op: UnaryOp, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                             count: Int, threading: Threading = .all) {
        threading.forRanges(count, grain: parallelGrain) { range in
            switch op {
            case .relu: map(src, dst, range) { $0.replacing(with: 0, where: $0 .< 0) }
            case .sigmoid: map(src, dst, range, VectorMath.sigmoid)
            case .tanh: map(src, dst, range, VectorMath.tanh)
            case .exp: map(src, dst, range, VectorMath.exp)
            case .erf: map(src, dst, range, VectorMath.erf)
            case .neg: map(src, dst, range) { -$0 }
            case .abs: map(src, dst, range) { Kernels.abs($0) }
            case .sqrt: map(src, dst, range) { $0.squareRoot() }
            case .geluErf:
                map(src, dst, range) { x in
                    Vec(repeating: 0.5) * x * (Vec(repeating: 1) + VectorMath.erf(x * Vec(repeating: 0.70710678118654752)))
                }
            case .geluTanh:
                map(src, dst, range) { x in
                    let inner = Vec(repeating: 0.7978845608028654) * (x + Vec(repeating: 0.044715) * x * x * x)
                    return Vec(repeating: 0.5) * x * (Vec(repeating: 1) + VectorMath.tanh(inner))
                }
            case .silu: map(src, dst, range) { x in x * VectorMath.sigmoid(x) }
            }
        }
    }

    /// Runs `f` over `range` a vector at a time; the tail goes through a zero-padded vector so
    /// every element sees the same approximation.
    @inline(__always)
    static func map(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ range: Range<Int>,
                    _ f: (Vec) -> Vec) {
        let w = Vec.scalarCount
        var i = range.lowerBound
        while i + w <= range.upperBound {
            f(Vec.load(src + i)).store(to: dst + i)
            i += w
        }
        if i < range.upperBound {
            var v = Vec()
            for l in 0..<(range.upperBound - i) { v[l] = src[i + l] }
            let r = f(v)
            for l in 0..<(range.upperBound - i) { dst[i + l] = r[l] }
        }
    }

    /// `a op b` with numpy broadcasting; the result is contiguous.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, threading: Threading = .all) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape, "binary \(op.rawValue)")
        var out = Tensor(shape: shape)
        let count = out.count
        if count == 0 { return out }
        if a.shape == shape && b.shape == shape && a.isContiguous && b.isContiguous {
            a.withUnsafeBase { pa in
                b.withUnsafeBase { pb in
                    out.withUnsafeMutableBase { po in
                        binary(op, pa, pb, po, count: count, threading: threading)
                    }
                }
            }
            return out
        }
        // General case: walk the broadcast views row by row along the last axis.
        let av = try a.broadcast(to: shape), bv = try b.broadcast(to: shape)
        let inner = shape.last ?? 1
        let outer = count / max(1, inner)
        let outerShape = Array(shape.dropLast())
        let offA = Tensor.offsets(shape: outerShape, strides: Array(av.strides.dropLast()))
        let offB = Tensor.offsets(shape: outerShape, strides: Array(bv.strides.dropLast()))
        let sa = av.strides.last ?? 0, sb = bv.strides.last ?? 0
        av.withUnsafeBase { pa in
            bv.withUnsafeBase { pb in
                out.withUnsafeMutableBase { po in
                    threading.forRanges(outer, grain: max(1, parallelGrain / max(1, inner))) { rows in
                        for r in rows {
                            let x = pa + offA[r], y = pb + offB[r], o = po + r * inner
                            if sa == 1 && sb == 1 {
                                binary(op, x, y, o, count: inner, threading: .single)
                            } else {
                                for i in 0..<inner { o[i] = apply(op, x[i * sa], y[i * sb]) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `a op b` over `count` contiguous floats.
    public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                              _ out: UnsafeMutablePointer<Float>, count: Int, threading: Threading = .all) {
        threading.forRanges(count, grain: parallelGrain) { range in
            switch op {
            case .add: zipMap(a, b, out, range) { $0 + $1 }
            case .sub: zipMap(a, b, out, range) { $0 - $1 }
            case .mul: zipMap(a, b, out, range) { $0 * $1 }
            case .div: zipMap(a, b, out, range) { $0 / $1 }
            // max/min propagate NaN from either side, like numpy.maximum/minimum.
            case .max: zipMap(a, b, out, range) { x, y in
                    x.replacing(with: y, where: (y .> x) .| (y .!= y)) }
            case .min: zipMap(a, b, out, range) { x, y in
                    x.replacing(with: y, where: (y .< x) .| (y .!= y)) }
            }
        }
    }

    @inline(__always)
    static func zipMap(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                       _ range: Range<Int>, _ f: (Vec, Vec) -> Vec) {
        let w = Vec.scalarCount
        var i = range.lowerBound
        while i + w <= range.upperBound {
            f(Vec.load(a + i), Vec.load(b + i)).store(to: out + i)
            i += w
        }
        while i < range.upperBound {
            var x = Vec(), y = Vec()
            x[0] = a[i]; y[0] = b[i]
            out[i] = f(x, y)[0]
            i += 1
        }
    }

    /// One scalar application (the broadcast slow path uses the same lane semantics).
    @inline(__always)
    static func apply(_ op: BinaryOp, _ x: Float, _ y: Float) -> Float {
        switch op {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        case .max: return (y > x || y.isNaN) ? y : x
        case .min: return (y < x || y.isNaN) ? y : x
        }
    }
}
