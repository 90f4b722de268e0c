/// Row-wise normalisations: Softmax, LayerNorm, RMSNorm.
///
/// Each works on rows of the trailing axes, one row at a time: the row (≤ a few thousand
/// floats) stays in L1 between the statistics pass and the output pass, so memory traffic is
/// one read and one write per element, which is the bandwidth roofline for these ops.
public enum Normalization {
    /// Rows per parallel chunk floor: tiny tensors stay on one thread.
    static let parallelGrainElements = 1 << 15

    /// Softmax along `axis` (negative counts from the end). Rows are made max-free before exp,
    /// so large inputs do not overflow; a row that is all −∞ or holds +∞ or NaN gives NaN,
    /// as e^(x−max)/Σe^(x−max) does in numpy.
    public static func softmax(_ x: Tensor, axis: Int = -1, threading: Threading = .all) throws -> Tensor {
        let ax = axis < 0 ? axis + x.rank : axis
        guard ax >= 0, ax < x.rank else { throw KernelError("softmax", "axis \(axis) out of range for \(x.shape)") }
        // Move the axis last so each row is contiguous; move it back afterwards.
        var order = Array(0..<x.rank)
        order.remove(at: ax)
        order.append(ax)
        let moved = try x.permuted(order).contiguous()
        let n = x.shape[ax]
        var out = Tensor(shape: moved.shape)
        moved.withUnsafeBase { src in
            out.withUnsafeMutableBase { dst in
                softmaxRows(src, dst, rows: n == 0 ? 0 : moved.count / n, length: n, threading: threading)
            }
        }
        if ax == x.rank - 1 { return out }
        var inverse = [Int](repeating: 0, count: x.rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return try out.permuted(inverse).contiguous()
    }

    /// Softmax of `rows` contiguous rows of `length` floats.
    public static func softmaxRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                   rows: Int, length n: Int, threading: Threading = .all) {
        threading.forRanges(rows, grain: max(1, parallelGrainElements / max(1, n))) { range in
            for r in range { softmaxRow(src + r * n, dst + r * n, n) }
        }
    }

    @inline(__always)
    static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let w = Vec.scalarCount
        let body = n / w * w
        // Max, propagating NaN: a NaN lane makes the row NaN below anyway (x − NaN).
        var vmax = Vec(repeating: -.infinity)
        var i = 0
        while i < body { let v = Vec.load(x + i); vmax.replace(with: v, where: v .> vmax); i += w }
        var m = vmax.max()
        while i < n { if x[i] > m { m = x[i] }; i += 1 }
        // A +∞ entry makes ∞ − ∞ = NaN and so a NaN row, as the textbook formula gives.
        let vm = Vec(repeating: m)
        var vsum = Vec()
        i = 0
        while i < body {
            let e = VectorMath.exp(Vec.load(x + i) - vm)
            e.store(to: y + i)
            vsum += e
            i += w
        }
        var sum = vsum.sum()
        if i < n {
            var v = Vec(repeating: -.infinity)
            for l in 0..<(n - i) { v[l] = x[i + l] }
            let e = VectorMath.exp(v - vm)
            for l in 0..<(n - i) { y[i + l] = e[l]; sum += e[l] }
        }
        let vinv = Vec(repeating: 1 / sum)
        i = 0
        while i < body { (Vec.load(y + i) * vinv).store(to: y + i); i += w }
        while i < n { y[i] *= 1 / sum; i += 1 }
    }

    /// LayerNorm over the trailing axes from `axis` on (ONNX LayerNormalization): each row is
    /// shifted to mean 0, scaled to variance 1 (biased, + epsilon), then ·scale + bias, where
    /// `scale` and `bias` have the normalised shape (`bias` may be nil).
    public static func layerNorm(_ x: Tensor, scale: Tensor, bias: Tensor?, axis: Int = -1,
                                 epsilon: Float = 1e-5, threading: Threading = .all) throws -> Tensor {
        try rowwise("layer-norm", x, scale: scale, bias: bias, axis: axis) { src, dst, g, b, rows, n in
            layerNormRows(src, dst, scale: g, bias: b, rows: rows, length: n, epsilon: epsilon, threading: threading)
        }
    }

    /// RMSNorm over the trailing axes from `axis` on (Llama): x / sqrt(mean(x²) + epsilon) · scale.
    public static func rmsNorm(_ x: Tensor, scale: Tensor, axis: Int = -1,
                               epsilon: Float = 1e-6, threading: Threading = .all) throws -> Tensor {
        try rowwise("rms-norm", x, scale: scale, bias: nil, axis: axis) { src, dst, g, _, rows, n in
            rmsNormRows(src, dst, scale: g, rows: rows, length: n, epsilon: epsilon, threading: threading)
        }
    }

    /// LayerNorm of `rows` contiguous rows of `length` floats (preallocated buffers).
    public static func layerNormRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                     scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int, length n: Int,
                                     epsilon: Float = 1e-5, threading: Threading = .all) {
        threading.forRanges(rows, grain: max(1, parallelGrainElements / max(1, n))) { range in
            for r in range { layerNormRow(src + r * n, dst + r * n, scale, bias, n, epsilon) }
        }
    }

    /// RMSNorm of `rows` contiguous rows of `length` floats (preallocated buffers).
    public static func rmsNormRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                   scale: UnsafePointer<Float>, rows: Int, length n: Int,
                                   epsilon: Float = 1e-6, threading: Threading = .all) {
        threading.forRanges(rows, grain: max(1, parallelGrainElements / max(1, n))) { range in
            for r in range { rmsNormRow(src + r * n, dst + r * n, scale, n, epsilon) }
        }
    }

    /// Validates shapes, makes operands contiguous and calls `body(src, dst, scale, bias?, rows, n)`.
    static func rowwise(_ kernel: String, _ x: Tensor, scale: Tensor, bias: Tensor?, axis: Int,
                        _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>,
                                 UnsafePointer<Float>?, Int, Int) -> Void) throws -> Tensor {
        let ax = axis < 0 ? axis + x.rank : axis
        guard ax >= 0, ax < x.rank else { throw KernelError(kernel, "axis \(axis) out of range for \(x.shape)") }
        let normShape = Array(x.shape[ax...])
        guard scale.shape == normShape || (scale.rank == 1 && scale.count == normShape.reduce(1, *)) else {
            throw KernelError(kernel, "scale shape \(scale.shape) does not match normalised shape \(normShape)")
        }
        if let bias, bias.count != scale.count {
            throw KernelError(kernel, "bias shape \(bias.shape) does not match normalised shape \(normShape)")
        }
        let n = normShape.reduce(1, *)
        let input = x.contiguous(), g = scale.contiguous(), b = bias?.contiguous()
        var out = Tensor(shape: x.shape)
        if n == 0 { return out }
        input.withUnsafeBase { src in
            g.withUnsafeBase { pg in
                out.withUnsafeMutableBase { dst in
                    if let b { b.withUnsafeBase { pb in body(src, dst, pg, pb, x.count / n, n) } }
                    else { body(src, dst, pg, nil, x.count / n, n) }
                }
            }
        }
        return out
    }

    /// One LayerNorm row; public so benchmarks can run it on preallocated buffers.
    @inline(__always)
    public static func layerNormRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                    _ g: UnsafePointer<Float>, _ b: UnsafePointer<Float>?,
                                    _ n: Int, _ epsilon: Float) {
        let w = Vec.scalarCount
        let body = n / w * w
        // Two passes over the row in L1: mean, then the centred sum of squares (no cancellation).
        var vs = Vec()
        var i = 0
        while i < body { vs += Vec.load(x + i); i += w }
        var s = vs.sum()
        while i < n { s += x[i]; i += 1 }
        let mean = s / Float(n)
        let vmean = Vec(repeating: mean)
        var vq = Vec()
        i = 0
        while i < body { let d = Vec.load(x + i) - vmean; vq.addProduct(d, d); i += w }
        var q = vq.sum()
        while i < n { let d = x[i] - mean; q += d * d; i += 1 }
        let inv = 1 / (q / Float(n) + epsilon).squareRoot()
        let vinv = Vec(repeating: inv)
        i = 0
        if let b {
            while i < body {
                ((Vec.load(x + i) - vmean) * vinv * Vec.load(g + i) + Vec.load(b + i)).store(to: y + i)
                i += w
            }
            while i < n { y[i] = (x[i] - mean) * inv * g[i] + b[i]; i += 1 }
        } else {
            while i < body { ((Vec.load(x + i) - vmean) * vinv * Vec.load(g + i)).store(to: y + i); i += w }
            while i < n { y[i] = (x[i] - mean) * inv * g[i]; i += 1 }
        }
    }

    /// One RMSNorm row; public so benchmarks can run it on preallocated buffers.
    @inline(__always)
    public static func rmsNormRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                  _ g: UnsafePointer<Float>, _ n: Int, _ epsilon: Float) {
        let w = Vec.scalarCount
        let body = n / w * w
        var vq = Vec()
        var i = 0
        while i < body { let v = Vec.load(x + i); vq.addProduct(v, v); i += w }
        var q = vq.sum()
        while i < n { q += x[i] * x[i]; i += 1 }
        let inv = 1 / (q / Float(n) + epsilon).squareRoot()
        let vinv = Vec(repeating: inv)
        i = 0
        while i < body { (Vec.load(x + i) * vinv * Vec.load(g + i)).store(to: y + i); i += w }
        while i < n { y[i] = x[i] * inv * g[i]; i += 1 }
    }
}
