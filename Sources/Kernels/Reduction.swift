/// Reductions over a set of axes (ONNX ReduceSum / ReduceMean / ReduceMax / ReduceMin).
public enum Reduction {
    /// Which reduction to apply.
    public enum Kind: String, CaseIterable, Sendable { case sum, mean, max, min }

    /// Reduces `axes` (negative counts from the end; empty means all). Sums accumulate in
    /// SIMD lanes (pairwise-like error growth, not n·eps); max/min propagate NaN.
    public static func reduce(_ x: Tensor, _ kind: Kind, axes: [Int], keepDims: Bool = false,
                              threading: Threading = .all) throws -> Tensor {
        let normalized = try Set((axes.isEmpty ? Array(0..<x.rank) : axes).map { a -> Int in
            let ax = a < 0 ? a + x.rank : a
            guard ax >= 0, ax < x.rank else { throw KernelError("reduce", "axis \(a) out of range for \(x.shape)") }
            return ax
        })
        let kept = (0..<x.rank).filter { !normalized.contains($0) }
        let reducedAxes = (0..<x.rank).filter { normalized.contains($0) }
        // Kept axes outside, reduced axes inside, contiguous: each output is one row reduction.
        let moved = try x.permuted(kept + reducedAxes).contiguous()
        let inner = reducedAxes.reduce(1) { $0 * x.shape[$1] }
        let outerCount = kept.reduce(1) { $0 * x.shape[$1] }
        if inner == 0 && (kind == .max || kind == .min) {
            throw KernelError("reduce", "\(kind.rawValue) over an empty axis of \(x.shape)")
        }
        var values = [Float](repeating: 0, count: outerCount)
        moved.withUnsafeBase { src in
            values.withUnsafeMutableBufferPointer { dst in
                threading.forRanges(outerCount, grain: max(1, (1 << 15) / max(1, inner))) { rows in
                    for r in rows { dst[r] = reduceRow(src + r * inner, inner, kind) }
                }
            }
        }
        let shape = keepDims ? (0..<x.rank).map { normalized.contains($0) ? 1 : x.shape[$0] } : kept.map { x.shape[$0] }
        return try Tensor(shape: shape, data: values)
    }

    @inline(__always)
    static func reduceRow(_ p: UnsafePointer<Float>, _ n: Int, _ kind: Kind) -> Float {
        let w = Vec.scalarCount
        var i = 0
        switch kind {
        case .sum, .mean:
            var acc = Vec()
            while i + w <= n { acc += Vec.load(p + i); i += w }
            var s = acc.sum()
            while i < n { s += p[i]; i += 1 }
            return kind == .sum ? s : s / Float(n)
        case .max, .min:
            var acc = Vec(repeating: kind == .max ? -.infinity : .infinity)
            var sawNaN = false
            while i + w <= n {
                let v = Vec.load(p + i)
                sawNaN = sawNaN || any(v .!= v)
                acc.replace(with: v, where: kind == .max ? v .> acc : v .< acc)
                i += w
            }
            var r = kind == .max ? acc.max() : acc.min()
            while i < n {
                if p[i].isNaN { sawNaN = true }
                r = kind == .max ? Swift.max(r, p[i]) : Swift.min(r, p[i])
                i += 1
            }
            return sawNaN ? .nan : r
        }
    }
}
