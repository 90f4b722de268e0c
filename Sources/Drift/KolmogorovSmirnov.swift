import Foundation

/// The two-sample Kolmogorov–Smirnov test, two-sided, following `scipy.stats.ks_2samp` with
/// `method="auto"`: the exact null distribution when neither sample exceeds 10 000 values
/// (D then rounds to the lattice h / lcm(n₁, n₂), as scipy reports it), otherwise the
/// asymptotic one.
///
/// The asymptotic p-value here is the Kolmogorov limit distribution at √(round(n₁n₂/(n₁+n₂)))·D.
/// scipy uses the finite-n distribution `kstwo(round(en))` there; for the sizes that take this
/// path (one sample over 10 000) the two differ by O(1/√en) relative — Docs/dq.md says so.
public enum KolmogorovSmirnov {
    /// Samples up to this size get the exact p-value (scipy's MAX_AUTO_N).
    public static let exactLimit = 10_000

    /// D, the p-value and whether the exact method gave it. Both samples sorted, non-empty.
    public static func test(_ a: [Double], _ b: [Double]) -> (d: Double, p: Double, exact: Bool) {
        let n1 = a.count, n2 = b.count
        var d = statistic(a, b)
        if max(n1, n2) <= exactLimit {
            let g = gcd(n1, n2)
            let lcm = (n1 / g) * n2
            let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
            d = Double(h) * 1.0 / Double(lcm)
            if h == 0 { return (d, 1, true) }
            let p = n1 == n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h)
            if p.isFinite, p >= 0, p <= 1 { return (d, p, true) }
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = (m * n / (m + n)).rounded(.toNearestOrEven)
        return (d, min(max(kolmogorovSF(en.squareRoot() * d), 0), 1), false)
    }

    /// max |F₁ − F₂| over the values of both samples, each difference computed as scipy does
    /// (i/n₁ − j/n₂), so D equals scipy's to the bit.
    public static func statistic(_ a: [Double], _ b: [Double]) -> Double {
        let n1 = Double(a.count), n2 = Double(b.count)
        var i = 0, j = 0
        var maxS = -Double.infinity, minS = Double.infinity
        while i < a.count || j < b.count {
            let v = j >= b.count ? a[i] : i >= a.count ? b[j] : min(a[i], b[j])
            while i < a.count && a[i] == v { i += 1 }
            while j < b.count && b[j] == v { j += 1 }
            let diff = Double(i) / n1 - Double(j) / n2
            maxS = max(maxS, diff); minS = min(minS, diff)
        }
        let lower = min(max(-minS, 0), 1)
        return lower > maxS ? lower : maxS
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Equal sizes: the share of lattice paths from (0,0) to (n,n) that leave the band
    /// |x − y| < h (the reflection formula, as an alternating product series).
    static func probOutsideSquare(_ n: Int, _ h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h { p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1) }
            p = p1 * (1.0 - p)
            k -= 1
        }
        return 2 * p
    }

    /// Unequal sizes: the share of lattice paths from (0,0) to (m,n) that touch
    /// |x/m − y/n| ≥ h/lcm, by a column-by-column recurrence over a sliding window of the
    /// band (values are probabilities, so nothing overflows).
    static func outerProbInside(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
        let (m, n) = m0 >= n0 ? (m0, n0) : (n0, m0)
        let mg = m / g, ng = n / g
        func ceilDiv(_ a: Int, _ b: Int) -> Int { Int((Double(a) / Double(b)).rounded(.up)) }
        func floorDiv(_ a: Int, _ b: Int) -> Int { Int((Double(a) / Double(b)).rounded(.down)) }
        var minj = 0
        var maxj = min(ceilDiv(h, mg), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: max(lenA, 1))
        for j in minj..<maxj where j < a.count { a[j] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = min(max(floorDiv(ng * i - h, mg) + 1, 0), n)
            maxj = min(ceilDiv(ng * i + h, mg), n + 1)
            if maxj <= minj { return 1.0 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (a[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                a[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for k in (maxj - minj)..<(maxj - minj + lastlen - curlen) where k < a.count { a[k] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }

    /// The Kolmogorov distribution's survival function, P(K > z).
    public static func kolmogorovSF(_ z: Double) -> Double {
        if z <= 0 { return 1 }
        if z < 1.18 {
            // The theta-function form converges fast for small z: 1 − √(2π)/z Σ e^{−(2k−1)²π²/(8z²)}.
            var s = 0.0
            for k in 1...20 {
                let t = Double(2 * k - 1)
                s += exp(-t * t * Double.pi * Double.pi / (8 * z * z))
            }
            return 1 - (2 * Double.pi).squareRoot() / z * s
        }
        var s = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * z * z)
            s += (k % 2 == 1 ? term : -term)
            if term < 1e-300 { break }
        }
        return 2 * s
    }
}

/// The special functions the p-values need.
public enum SpecialFunctions {
    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a): a series below
    /// x < a + 1, a continued fraction (modified Lentz) above.
    public static func gammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var sum = 1.0 / a, term = 1.0 / a, ap = a
            for _ in 0..<10_000 {
                ap += 1; term *= x / ap; sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-17 { break }
        }
        return exp(logPrefix) * h
    }
}
