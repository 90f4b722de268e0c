import Foundation

/// Plain scalar implementations of every kernel, written straight from the operator
/// definitions (ONNX semantics) with Double accumulation and libm functions. They are slow on
/// purpose: the tests compare the fast kernels against them, so they must be obviously right.
public enum Reference {
    /// numpy `matmul` of [..., M, K] by [..., K, N] with broadcast batch axes.
    public static func matmul(_ a: Tensor, _ b: Tensor, alpha: Float = 1) throws -> Tensor {
        guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 2] else {
            throw KernelError("matmul", "shapes \(a.shape) and \(b.shape) do not multiply")
        }
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        let batch = try broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), "matmul")
        let av = try a.broadcast(to: batch + [m, k]), bv = try b.broadcast(to: batch + [k, n])
        let x = av.scalars, y = bv.scalars   // row-major copies: batch-major, then rows
        var out = [Float](repeating: 0, count: batch.reduce(1, *) * m * n)
        for bi in 0..<batch.reduce(1, *) {
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k { s += Double(x[(bi * m + i) * k + p]) * Double(y[(bi * k + p) * n + j]) }
                    out[(bi * m + i) * n + j] = Float(Double(alpha) * s)
                }
            }
        }
        return try Tensor(shape: batch + [m, n], data: out)
    }

    /// Every index of `shape`, row-major.
    public static func indices(_ shape: [Int]) -> [[Int]] {
        if shape.isEmpty { return [[]] }
        var result: [[Int]] = []
        var index = [Int](repeating: 0, count: shape.count)
        if shape.contains(0) { return [] }
        repeat { result.append(index) } while Tensor.advance(&index, in: shape)
        return result
    }

    /// Output height and width of a window op: the shared rule (`ShapeRules.windowExtent`).
    static func extents(_ h: Int, _ w: Int, kernel: (Int, Int), _ p: Conv2dParams, ceilMode: Bool) -> (Int, Int) {
        (Conv2dParams.outputExtent(h, kernel: kernel.0, stride: p.strideH, padBefore: p.padTop, padAfter: p.padBottom,
                                   dilation: p.dilationH, ceil: ceilMode) ?? 0,
         Conv2dParams.outputExtent(w, kernel: kernel.1, stride: p.strideW, padBefore: p.padLeft, padAfter: p.padRight,
                                   dilation: p.dilationW, ceil: ceilMode) ?? 0)
    }

    /// ONNX Conv by its definition: every output is a sum over its window.
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, params p: Conv2dParams) -> Tensor {
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, cpg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let (oh, ow) = extents(h, w, kernel: (kh, kw), p, ceilMode: false)
        let opg = cout / p.groups
        _ = cin
        var out = Tensor(shape: [n, cout, oh, ow])
        for b in 0..<n { for oc in 0..<cout { for oy in 0..<oh { for ox in 0..<ow {
            var s = Double(bias?[oc] ?? 0)
            let g = oc / opg
            for ic in 0..<cpg { for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                s += Double(x[b, g * cpg + ic, iy, ix]) * Double(weight[oc, ic, ky, kx])
            } } }
            out[b, oc, oy, ox] = Float(s)
        } } } }
        return out
    }

    /// ONNX MaxPool / AveragePool by definition.
    public static func pool2d(_ x: Tensor, kind: Pooling.Kind, kernel: (Int, Int), params p: Conv2dParams,
                              countIncludePad: Bool, ceilMode: Bool = false) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw) = kernel
        let (oh, ow) = extents(h, w, kernel: kernel, p, ceilMode: ceilMode)
        var out = Tensor(shape: [n, c, oh, ow])
        for b in 0..<n { for ch in 0..<c { for oy in 0..<oh { for ox in 0..<ow {
            var values: [Double] = []
            var padded = 0
            for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                if iy >= 0 && iy < h && ix >= 0 && ix < w { values.append(Double(x[b, ch, iy, ix])) }
                else if iy >= -p.padTop && iy < h + p.padBottom && ix >= -p.padLeft && ix < w + p.padRight { padded += 1 }
            } }
            let r: Double
            if kind == .max {
                r = values.contains { $0.isNaN } ? .nan : (values.max() ?? -.infinity)
            } else {
                r = values.reduce(0, +) / Double(max(1, values.count + (countIncludePad ? padded : 0)))
            }
            out[b, ch, oy, ox] = Float(r)
        } } } }
        return out
    }

    /// The operator's defining formula in Double with libm.
    public static func unary(_ op: UnaryOp, _ v: Float) -> Float {
        let x = Double(v)
        let r: Double
        switch op {
        case .relu: r = x.isNaN ? x : Swift.max(0, x)
        case .sigmoid: r = 1 / (1 + Foundation.exp(-x))
        case .tanh: r = Foundation.tanh(x)
        case .exp: r = Foundation.exp(x)
        case .erf: r = Foundation.erf(x)
        case .neg: r = -x
        case .abs: r = Swift.abs(x)
        case .sqrt: r = x.squareRoot()
        case .geluErf: r = 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
        case .geluTanh: r = 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
        case .silu: r = x / (1 + Foundation.exp(-x))
        }
        return Float(r)
    }

    /// `unary` over every element (result contiguous, same shape).
    public static func unary(_ op: UnaryOp, _ x: Tensor) -> Tensor {
        try! Tensor(shape: x.shape, data: x.scalars.map { unary(op, $0) })
    }

    /// Broadcast binary op by definition.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape, "binary")
        let av = try a.broadcast(to: shape), bv = try b.broadcast(to: shape)
        var out = Tensor(shape: shape)
        for i in indices(shape) { out[indices: i] = Elementwise.apply(op, av[indices: i], bv[indices: i]) }
        return out
    }

    /// Softmax along the last axis in Double: e^(x − max) / Σ e^(x − max).
    public static func softmaxLastAxis(_ x: Tensor) -> Tensor {
        let n = x.shape.last ?? 1
        let values = x.scalars
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<(n == 0 ? 0 : values.count / n) {
            let row = values[(r * n)..<(r * n + n)].map(Double.init)
            let m = row.contains { $0.isNaN } ? .nan : row.max()!
            let e = row.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            for j in 0..<n { out[r * n + j] = Float(e[j] / s) }
        }
        return try! Tensor(shape: x.shape, data: out)
    }

    /// LayerNorm (bias optional) or, with `rms`, RMSNorm over the last axis, in Double.
    public static func normalize(_ x: Tensor, scale: [Float], bias: [Float]?, epsilon: Float, rms: Bool) -> Tensor {
        let n = x.shape.last ?? 1
        let values = x.scalars
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<(n == 0 ? 0 : values.count / n) {
            let row = values[(r * n)..<(r * n + n)].map(Double.init)
            let mean = rms ? 0 : row.reduce(0, +) / Double(n)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
            let inv = 1 / (variance + Double(epsilon)).squareRoot()
            for j in 0..<n {
                out[r * n + j] = Float((row[j] - mean) * inv * Double(scale[j]) + Double(bias?[j] ?? 0))
            }
        }
        return try! Tensor(shape: x.shape, data: out)
    }

    /// Attention by its definition: full score matrix, mask, softmax, weighted sum, in Double.
    public static func attention(q: Tensor, k: Tensor, v: Tensor, causal: Bool, scale: Float? = nil) -> Tensor {
        let (batch, hq, sq, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let (hkv, sk, dv) = (k.shape[1], k.shape[2], v.shape[3])
        let alpha = Double(scale ?? 1 / Float(d).squareRoot())
        var out = Tensor(shape: [batch, hq, sq, dv])
        for b in 0..<batch { for h in 0..<hq {
            let hk = h / (hq / hkv)
            for i in 0..<sq {
                var scores = [Double](repeating: -.infinity, count: sk)
                for j in 0..<sk where !causal || j <= i + sk - sq {
                    var s = 0.0
                    for c in 0..<d { s += Double(q[b, h, i, c]) * Double(k[b, hk, j, c]) }
                    scores[j] = s * alpha
                }
                let m = scores.contains { $0.isNaN } ? .nan : scores.max()!
                let e = scores.map { Foundation.exp($0 - m) }
                let total = e.reduce(0, +)
                for c in 0..<dv {
                    var s = 0.0
                    for j in 0..<sk where e[j] != 0 || e[j].isNaN { s += e[j] * Double(v[b, hk, j, c]) }
                    out[b, h, i, c] = Float(s / total)
                }
            }
        } }
        return out
    }

    /// Reduction by definition over `axes` (all if empty), keeping reduced axes as extent 1.
    public static func reduce(_ x: Tensor, _ kind: Reduction.Kind, axes: [Int]) -> Tensor {
        let set = Set((axes.isEmpty ? Array(0..<x.rank) : axes).map { $0 < 0 ? $0 + x.rank : $0 })
        let outShape = (0..<x.rank).map { set.contains($0) ? 1 : x.shape[$0] }
        var groups = [[Double]](repeating: [], count: outShape.reduce(1, *))
        let outStrides = Tensor.rowMajorStrides(outShape)
        for i in indices(x.shape) {
            var o = 0
            for a in 0..<x.rank where !set.contains(a) { o += i[a] * outStrides[a] }
            groups[o].append(Double(x[indices: i]))
        }
        let values = groups.map { g -> Float in
            switch kind {
            case .sum: return Float(g.reduce(0, +))
            case .mean: return Float(g.reduce(0, +) / Double(g.count))
            case .max: return g.contains { $0.isNaN } ? .nan : Float(g.max()!)
            case .min: return g.contains { $0.isNaN } ? .nan : Float(g.min()!)
            }
        }
        return try! Tensor(shape: outShape, data: values)
    }

    /// Transpose by index arithmetic.
    public static func transpose(_ x: Tensor, permutation: [Int]) -> Tensor {
        let shape = permutation.map { x.shape[$0] }
        var out = Tensor(shape: shape)
        for i in indices(shape) {
            var src = [Int](repeating: 0, count: x.rank)
            for (axis, p) in permutation.enumerated() { src[p] = i[axis] }
            out[indices: i] = x[indices: src]
        }
        return out
    }

    /// ONNX Resize of the H and W axes, per output element: map the index to an input
    /// coordinate, then pick (nearest) or blend (linear) input pixels clamped to the edge.
    public static func resize2d(_ x: Tensor, outputSize: (Int, Int), scales: (Double, Double),
                                mode: Resize.Mode, coordinates: Resize.CoordinateTransform,
                                nearest: Resize.NearestMode) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        // The coordinate transformation and the nearest rule are the shared definitions in
        // Resize (also used by the graph interpreter); the sampling below is by definition.
        func source(_ i: Int, _ input: Int, _ output: Int, _ scale: Double) -> Double {
            Resize.sourceCoordinate(i, input: input, output: output, scale: scale, coordinates)
        }
        func clamp(_ i: Int, _ extent: Int) -> Int { min(max(i, 0), extent - 1) }
        let (oh, ow) = outputSize
        var out = Tensor(shape: [n, c, oh, ow])
        for b in 0..<n { for ch in 0..<c { for oy in 0..<oh { for ox in 0..<ow {
            let sy = source(oy, h, oh, scales.0), sx = source(ox, w, ow, scales.1)
            if mode == .nearest {
                out[b, ch, oy, ox] = x[b, ch, Resize.nearestIndex(sy, nearest, extent: h), Resize.nearestIndex(sx, nearest, extent: w)]
                continue
            }
            let y0 = Foundation.floor(sy), x0 = Foundation.floor(sx)
            let (ty, tx) = (sy - y0, sx - x0)
            var s = 0.0
            for (dy, wy) in [(0, 1 - ty), (1, ty)] { for (dx, wx) in [(0, 1 - tx), (1, tx)] where wy * wx != 0 {
                s += wy * wx * Double(x[b, ch, clamp(Int(y0) + dy, h), clamp(Int(x0) + dx, w)])
            } }
            out[b, ch, oy, ox] = Float(s)
        } } } }
        return out
    }

    /// ONNX GridSample (4-D), per output element, following the operator's definition:
    /// denormalise, pad the coordinate (border clamps, reflection mirrors), then read pixels
    /// with the padding rule (zeros outside, border clamped, reflection mirrored).
    public static func gridSample(_ x: Tensor, grid: Tensor, mode: GridSample.Mode, padding: GridSample.Padding,
                                  alignCorners: Bool) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (grid.shape[1], grid.shape[2])
        func denorm(_ v: Double, _ d: Int) -> Double {
            alignCorners ? (v + 1) / 2 * Double(d - 1) : ((v + 1) * Double(d) - 1) / 2
        }
        func reflect(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
            var v = v
            let range = hi - lo
            if range <= 0 { return lo }
            while v < lo || v > hi { v = v < lo ? 2 * lo - v : 2 * hi - v }
            return v
        }
        var out = Tensor(shape: [n, c, oh, ow])
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow {
            var cx = denorm(Double(grid[b, oy, ox, 0]), w), cy = denorm(Double(grid[b, oy, ox, 1]), h)
            if mode == .nearest { cx = cx.rounded(.toNearestOrEven); cy = cy.rounded(.toNearestOrEven) }
            let bx = alignCorners ? (0.0, Double(w - 1)) : (-0.5, Double(w) - 0.5)
            let by = alignCorners ? (0.0, Double(h - 1)) : (-0.5, Double(h) - 0.5)
            if cx < bx.0 || cx > bx.1 {
                if padding == .border { cx = min(max(cx, 0), Double(w - 1)) }
                if padding == .reflection { cx = reflect(cx, bx.0, bx.1) }
            }
            if cy < by.0 || cy > by.1 {
                if padding == .border { cy = min(max(cy, 0), Double(h - 1)) }
                if padding == .reflection { cy = reflect(cy, by.0, by.1) }
            }
            func pixel(_ ch: Int, _ iy: Int, _ ix: Int) -> Double {
                var (iy, ix) = (iy, ix)
                switch padding {
                case .zeros: if iy < 0 || iy >= h || ix < 0 || ix >= w { return 0 }
                case .border: iy = min(max(iy, 0), h - 1); ix = min(max(ix, 0), w - 1)
                case .reflection:
                    iy = min(max(Int(reflect(Double(iy), by.0, by.1)), 0), h - 1)
                    ix = min(max(Int(reflect(Double(ix), bx.0, bx.1)), 0), w - 1)
                }
                return Double(x[b, ch, iy, ix])
            }
            for ch in 0..<c {
                if mode == .nearest { out[b, ch, oy, ox] = Float(pixel(ch, Int(cy), Int(cx))); continue }
                let y0 = Foundation.floor(cy), x0 = Foundation.floor(cx)
                let (ty, tx) = (cy - y0, cx - x0)
                var s = 0.0
                for (dy, wy) in [(0, 1 - ty), (1, ty)] { for (dx, wx) in [(0, 1 - tx), (1, tx)] where wy * wx != 0 {
                    s += wy * wx * pixel(ch, Int(y0) + dy, Int(x0) + dx)
                } }
                out[b, ch, oy, ox] = Float(s)
            }
        } } }
        return out
    }

    /// bf16 GEMM by definition: row-major A (m×k) and B (k×n) as bf16 bit patterns, widened
    /// exactly, products summed in Double, rounded once to fp32.
    public static func bf16gemm(m: Int, n: Int, k: Int, a: [UInt16], b: [UInt16]) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(BFloat16.float(a[i * k + p])) * Double(BFloat16.float(b[p * n + j])) }
            c[i * n + j] = Float(s)
        } }
        return c
    }

    /// int8 GEMM by definition: row-major A (m×k) and B (k×n), exact Int64 sums, reduced to
    /// int32 modulo 2^32 (what int32 accumulators give).
    public static func i8gemm(m: Int, n: Int, k: Int, a: [Int8], b: [Int8]) -> [Int32] {
        var c = [Int32](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s: Int64 = 0
            for p in 0..<k { s += Int64(a[i * k + p]) * Int64(b[p * n + j]) }
            c[i * n + j] = Int32(truncatingIfNeeded: s)
        } }
        return c
    }
}
