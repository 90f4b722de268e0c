import GraphInterp

/// How a tiled value is held against the interpreter's (Docs/sim-check.md derives the bound).
///
/// Integer and boolean values must be equal (fp32 sums of integers are exact below 2²⁴).
/// Floating values pass when every element obeys |tiled − reference| ≤ atol + rtol·|reference|
/// with rtol = `relative` and atol = `relative` times the largest finite |reference| of the
/// tensor. The tiled program reorders sums (partial sums per reduction chunk, per core); the
/// reordering error of a length-n fp32 sum is at most 2·n·u·Σ|a·b| and in practice about
/// √n·u·Σ|a·b|, and across every model of the pipeline test it stays below 3·10⁻³ of atol, while
/// a schedule mistake (a wrong halo row, a lost partial sum, a misplaced tile) exceeds atol 70-
/// to 1000-fold.
public struct Comparison: Sendable {
    /// rtol, and atol as a fraction of the tensor's largest magnitude.
    public var relative: Double

    public init(relative: Double = 1e-3) { self.relative = relative }

    public func check(value: String, group: Int, tiled: Tensor, reference: Tensor, note: String = "") -> TensorCheckResult {
        let type = reference.dtype.description
        guard tiled.shape == reference.shape, tiled.isFloat == reference.isFloat,
              (tiled.isFloat ? tiled.f.count : tiled.i.count) == (reference.isFloat ? reference.f.count : reference.i.count) else {
            return TensorCheckResult(value: value, group: group, elementType: type, elements: reference.count, maxAbsError: .infinity,
                                     maxRelError: .infinity, absTolerance: 0, relTolerance: 0, passed: false, worstIndex: 0,
                                     note: join(note, "tiled shape \(tiled.shape), interpreter \(reference.shape)"))
        }
        if !reference.isFloat {
            let a = tiled.ints, b = reference.ints
            var worst = 0, maxAbs = 0.0, maxRel = 0.0
            for i in 0..<b.count where a[i] != b[i] {
                let d = abs(Double(a[i]) - Double(b[i]))
                if d > maxAbs { maxAbs = d; worst = i }
                maxRel = max(maxRel, d / max(abs(Double(b[i])), 1))
            }
            return TensorCheckResult(value: value, group: group, elementType: type, elements: b.count, maxAbsError: maxAbs, maxRelError: maxRel,
                                     absTolerance: 0, relTolerance: 0, passed: maxAbs == 0, worstIndex: worst, note: note)
        }
        let a = tiled.floats, b = reference.floats
        var scale = 0.0
        for v in b where v.isFinite { scale = max(scale, abs(Double(v))) }
        let atol = relative * scale, rtol = relative
        var maxAbs = 0.0, maxRel = 0.0, worst = 0, worstRatio = -1.0, passed = true
        for i in 0..<b.count {
            let x = Double(a[i]), r = Double(b[i])
            var d: Double
            if x == r || (x.isNaN && r.isNaN) { d = 0 } else if !x.isFinite || !r.isFinite { d = .infinity } else { d = abs(x - r) }
            let bound = atol + rtol * (r.isFinite ? abs(r) : 0)
            if d > bound { passed = false }
            let ratio = d == 0 ? 0 : d / max(bound, .leastNormalMagnitude)
            if ratio > worstRatio { worstRatio = ratio; worst = i }
            maxAbs = max(maxAbs, d)
            if d > 0 { maxRel = max(maxRel, d / max(abs(r), atol, .leastNormalMagnitude)) }
        }
        return TensorCheckResult(value: value, group: group, elementType: type, elements: b.count, maxAbsError: maxAbs, maxRelError: maxRel,
                                 absTolerance: atol, relTolerance: rtol, passed: passed, worstIndex: worst, note: note)
    }

    func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : "\(a); \(b)" }
}
