/// Error measures for numerical checks that cannot pass by accident on NaN or infinity.
///
/// Swift's `max()` over a sequence skips a NaN unless it comes first and `abs(NaN) > x` is
/// false, so `zip(a, b).map { abs($0 - $1) }.max()` can report a small error for an output full
/// of NaN. These functions treat a non-finite value that the reference does not have as an
/// infinite error: NaN matches only NaN, and an infinity only the same infinity.
public enum NumericCheck {
    /// The largest |got − ref| elementwise; `.infinity` on a length mismatch or any NaN or
    /// infinity in one array that the other does not have at the same place.
    public static func maxAbsError<A: Collection, B: Collection>(_ got: A, _ ref: B) -> Float
    where A.Element == Float, B.Element == Float {
        guard got.count == ref.count else { return .infinity }
        var worst: Float = 0
        for (a, b) in zip(got, ref) {
            if a.isNaN || b.isNaN {
                if a.isNaN != b.isNaN { return .infinity }
                continue
            }
            if a.isInfinite || b.isInfinite {
                if a != b { return .infinity }
                continue
            }
            let d = abs(a - b)
            if d > worst { worst = d }
        }
        return worst
    }

    /// The largest finite |x| (0 for an empty or all non-finite array): a scale for relative errors.
    public static func maxMagnitude<A: Collection>(_ xs: A) -> Float where A.Element == Float {
        var m: Float = 0
        for x in xs where x.isFinite && abs(x) > m { m = abs(x) }
        return m
    }

    /// Whether `got` matches `ref` within `atol + rtol·|ref|` elementwise, with the
    /// non-finite rule above. Returns the first offending index, or nil when all match.
    public static func firstMismatch<A: Collection, B: Collection>(_ got: A, _ ref: B, atol: Float, rtol: Float) -> Int?
    where A.Element == Float, B.Element == Float {
        guard got.count == ref.count else { return min(got.count, ref.count) }
        for (i, (a, b)) in zip(got, ref).enumerated() {
            if a.isNaN || b.isNaN {
                if a.isNaN != b.isNaN { return i }
                continue
            }
            if a.isInfinite || b.isInfinite {
                if a != b { return i }
                continue
            }
            if abs(a - b) > atol + rtol * abs(b) { return i }
        }
        return nil
    }
}
