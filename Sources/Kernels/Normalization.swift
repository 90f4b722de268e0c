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
            // Rows are pipelined: the max of row r + 1 (the pass that reads memory) is taken
            // inside row r's exp pass (the pass that computes), so the two overlap instead of
            // the exp waiting for DRAM and DRAM idling during the exp.
            var m = rowMax(src + range.lowerBound * n, n)
            for r in range {
                let next = r + 1 < range.upperBound ? src + (r + 1) * n : src + r * n
                m = softmaxRow(src + r * n, dst + r * n, n, max: m, next: next)
            }
        }
    }

    /// The largest element; NaN lanes are skipped here and poison the row through x − max later.
    @inline(__always)
    static func rowMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        let w = Vec.scalarCount
        var vmax = Vec(repeating: -.infinity)
        var i = 0
        while i + w <= n { let v = Vec.load(x + i); vmax.replace(with: v, where: v .> vmax); i += w }
        var m = vmax.max()
        while i < n { if x[i] > m { m = x[i] }; i += 1 }
        return m
    }

    /// One softmax row given its max; returns the max of `next` (computed on the way).
    @inline(__always)
    static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                           max m: Float, next: UnsafePointer<Float>) -> Float {
        let w = Vec.scalarCount
        let body = n / w * w
        // A +∞ entry makes ∞ − ∞ = NaN and so a NaN row, as the textbook formula gives.
        let vm = Vec(repeating: m)
        var vsum = Vec()
        var vnext = Vec(repeating: -.infinity)
        var i = 0
        while i < body {
            let e = VectorMath.expNonPositive(Vec.load(x + i) - vm)
            e.store(to: y + i)
            vsum += e
            let v = Vec.load(next + i)
            vnext.replace(with: v, where: v .> vnext)
            i += w
        }
        var sum = vsum.sum()
        var nextMax = vnext.max()
        if i < n {
            var v = Vec(repeating: -.infinity)
            for l in 0..<(n - i) { v[l] = x[i + l]; if next[i + l] > nextMax { nextMax = next[i + l] } }
            let e = VectorMath.expNonPositive(v - vm)
            for l in 0..<(n - i) { y[i + l] = e[l]; sum += e[l] }
        }
        let vinv = Vec(repeating: 1 / sum)
        i = 0
        while i < body { (Vec.load(y + i) * vinv).store(to: y + i); i += w }
        while i < n { y[i] *= 1 / sum; i += 1 }
        return nextMax
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
            // Pipelined like softmax: row r + 1's sum (read from memory) rides in row r's output pass.
            var sum = rowSum(src + range.lowerBound * n, n)
            for r in range {
                let next = r + 1 < range.upperBound ? src + (r + 1) * n : src + r * n
                sum = layerNormRow(src + r * n, dst + r * n, scale, bias, n, epsilon, sum: sum, next: next)
            }
        }
    }

    @inline(__always)
    static func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        let w = Vec.scalarCount
        var vs = Vec()
        var i = 0
        while i + w <= n { vs += Vec.load(x + i); i += w }
        var s = vs.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// RMSNorm of `rows` contiguous rows of `length` floats (preallocated buffers).
    public static func rmsNormRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                   scale: UnsafePointer<Float>, rows: Int, length n: Int,
                                   epsilon: Float = 1e-6, threading: Threading = .all) {
        threading.forRanges(rows, grain: max(1, parallelGrainElements / max(1, n))) { range in
            // Pipelined: row r + 1's sum of squares (read from memory) rides in row r's output pass.
            var squares = rowSquares(src + range.lowerBound * n, n)
            for r in range {
                let next = r + 1 < range.upperBound ? src + (r + 1) * n : src + r * n
                squares = rmsNormRow(src + r * n, dst + r * n, scale, n, epsilon, squares: squares, next: next)
            }
        }
    }

    @inline(__always)
    static func rowSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        let w = Vec.scalarCount
        var vq = Vec()
        var i = 0
        while i + w <= n { let v = Vec.load(x + i); vq.addProduct(v, v); i += w }
        var q = vq.sum()
        while i < n { q += x[i] * x[i]; i += 1 }
        return q
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

    /// One LayerNorm row given its sum; returns the sum of `next`, read during the output pass.
    @inline(__always)
    static func layerNormRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             _ g: UnsafePointer<Float>, _ b: UnsafePointer<Float>?,
                             _ n: Int, _ epsilon: Float, sum s: Float, next: UnsafePointer<Float>) -> Float {
        let w = Vec.scalarCount
        let body = n / w * w
        // Variance from centred values (the row is in L1 now): no E[x²] − E[x]² cancellation.
        let mean = s / Float(n)
        let vmean = Vec(repeating: mean)
        var vq = Vec()
        var i = 0
        while i < body { let d = Vec.load(x + i) - vmean; vq.addProduct(d, d); i += w }
        var q = vq.sum()
        while i < n { let d = x[i] - mean; q += d * d; i += 1 }
        let inv = 1 / (q / Float(n) + epsilon).squareRoot()
        let vinv = Vec(repeating: inv)
        var vnext = Vec()
        i = 0
        if let b {
            while i < body {
                ((Vec.load(x + i) - vmean) * vinv * Vec.load(g + i) + Vec.load(b + i)).store(to: y + i)
                vnext += Vec.load(next + i)
                i += w
            }
        } else {
            while i < body {
                ((Vec.load(x + i) - vmean) * vinv * Vec.load(g + i)).store(to: y + i)
                vnext += Vec.load(next + i)
                i += w
            }
        }
        var nextSum = vnext.sum()
        while i < n {
            y[i] = (x[i] - mean) * inv * g[i] + (b?[i] ?? 0)
            nextSum += next[i]
            i += 1
        }
        return nextSum
    }

    /// One RMSNorm row given its sum of squares; returns that of `next`, read on the way.
    @inline(__always)
    static func rmsNormRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                           _ g: UnsafePointer<Float>, _ n: Int, _ epsilon: Float,
                           squares q: Float, next: UnsafePointer<Float>) -> Float {
        let w = Vec.scalarCount
        let body = n / w * w
        let inv = 1 / (q / Float(n) + epsilon).squareRoot()
        let vinv = Vec(repeating: inv)
        var vnext = Vec()
        var i = 0
        while i < body {
            (Vec.load(x + i) * vinv * Vec.load(g + i)).store(to: y + i)
            let v = Vec.load(next + i)
            vnext.addProduct(v, v)
            i += w
        }
        var nextSquares = vnext.sum()
        while i < n { y[i] = x[i] * inv * g[i]; nextSquares += next[i] * next[i]; i += 1 }
        return nextSquares
    }
}
