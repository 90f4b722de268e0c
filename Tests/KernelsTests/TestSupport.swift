import Kernels
import Testing
import TestSupport

/// Random tensors for the kernel tests, uniform in [lo, hi).
extension SplitMix64 {
    mutating func tensor(_ shape: [Int], _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
        var copy = self
        let t = Tensor(shape: shape) { _ in copy.uniform(lo, hi) }
        self = copy
        return t
    }
}

/// Elementwise comparison: |got − want| ≤ atol + rtol·|want|, NaN matches NaN, ±∞ must match
/// exactly. Reports the worst element.
func expectClose(_ got: Tensor, _ want: Tensor, atol: Float, rtol: Float = 0,
                 _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.shape == want.shape, "\(what): shape \(got.shape) vs \(want.shape)", sourceLocation: sourceLocation)
    guard got.shape == want.shape else { return }
    let g = got.scalars, w = want.scalars
    var worst: (Int, Float)? = nil
    for i in 0..<g.count {
        let ok: Bool
        if w[i].isNaN { ok = g[i].isNaN }
        else if w[i].isInfinite { ok = g[i] == w[i] }
        else { ok = g[i].isFinite && Swift.abs(g[i] - w[i]) <= atol + rtol * Swift.abs(w[i]) }
        if !ok && worst == nil { worst = (i, g[i]) }
    }
    if let (i, v) = worst {
        Issue.record("\(what): element \(i) is \(v), expected \(w[i]) (atol \(atol), rtol \(rtol))", sourceLocation: sourceLocation)
    }
}

/// Worst |got − want| / (Σ|a||b|-style scale) helper for GEMM-like sums: the rounding error of
/// an fp32 dot product of length K is at most about K·u·Σ|a_i b_i| (u = 2^-24), and in practice
/// (blocked sums, FMA) a small multiple of √K·u·Σ|a_i b_i|. We allow 2·K·u·Σ|a_i b_i| + tiny:
/// the rigorous worst case, so a failure means a real bug, not unlucky rounding.
func gemmTolerance(k: Int) -> Float { 2 * Float(max(k, 1)) * 0x1p-24 }
