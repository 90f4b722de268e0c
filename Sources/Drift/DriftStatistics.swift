import Foundation

/// The drift statistics `dq-check drift` computes, exactly, from a reference and a current sample.
public enum DriftStat: String, CaseIterable, Sendable {
    case psi, js, ks, wasserstein, linf, chi2, hellinger

    /// KS and chi-square report a p-value (small means drift, as in Evidently); the others a
    /// distance (large means drift).
    public var isPValue: Bool { self == .ks || self == .chi2 }

    /// Evidently's default thresholds (PSI 0.1, JS 0.1, normed Wasserstein 0.1, Hellinger 0.1,
    /// KS and chi-square p < 0.05); L-infinity 0.1 as TFDV suggests.
    public var defaultThreshold: Double { isPValue ? 0.05 : 0.1 }

    /// Whether the statistic needs numbers (KS and Wasserstein order the values).
    public var needsNumbers: Bool { self == .ks || self == .wasserstein }
}

/// One statistic's outcome for one column.
public struct DriftValue: Equatable, Sendable {
    /// The statistic's value: a distance, or for KS and chi-square the p-value.
    public var value: Double
    /// KS: the D statistic (max |ECDF difference|, as scipy reports it); chi-square: χ².
    public var statistic: Double?
    /// KS: "exact" or "asymp", scipy's choice of method.
    public var method: String?

    /// Whether `value` crosses `threshold` the way that means drift.
    public func drifted(_ stat: DriftStat, threshold: Double) -> Bool {
        stat.isPValue ? value < threshold : value >= threshold
    }
}

/// Exact drift statistics with the definitions Evidently uses (binning via `Binning`), KS as
/// `scipy.stats.ks_2samp`, Wasserstein as `scipy.stats.wasserstein_distance`.
public enum DriftStatistics {
    /// Computes `stat` for one column's samples.
    public static func compute(_ stat: DriftStat, ref: DriftSample, cur: DriftSample) throws -> DriftValue {
        guard ref.count > 0, cur.count > 0 else { throw DriftError("an empty sample (no non-null values)") }
        switch stat {
        case .psi: return DriftValue(value: try psi(ref, cur))
        case .js: return DriftValue(value: try jensenShannon(ref, cur))
        case .linf: return DriftValue(value: try lInfinity(ref, cur))
        case .hellinger: return DriftValue(value: try hellinger(ref, cur))
        case .chi2:
            let r = try chiSquare(ref, cur)
            return DriftValue(value: r.p, statistic: r.statistic)
        case .ks, .wasserstein:
            guard case .numeric(let a) = ref, case .numeric(let b) = cur else {
                throw DriftError("\(stat.rawValue) needs a numeric column")
            }
            if stat == .wasserstein { return DriftValue(value: normedWasserstein(a.sorted, b.sorted)) }
            let r = KolmogorovSmirnov.test(a.sorted, b.sorted)
            return DriftValue(value: r.p, statistic: r.d, method: r.exact ? "exact" : "asymp")
        }
    }

    /// Population Stability Index: Σ (r − c)·ln(r / c) over the binned shares with zeros filled.
    public static func psi(_ ref: DriftSample, _ cur: DriftSample) throws -> Double {
        let (r0, c0) = try Binning.binnedShares(ref, cur)
        let r = Binning.fillZeroes(r0), c = Binning.fillZeroes(c0)
        var s = 0.0
        for i in r.indices { s += (r[i] - c[i]) * log(r[i] / c[i]) }
        return s
    }

    /// Jensen–Shannon distance (natural log, as `scipy.spatial.distance.jensenshannon`) of the
    /// binned shares, no zero filling: √(½ Σ p ln(p/m) + ½ Σ q ln(q/m)), m = (p + q)/2.
    public static func jensenShannon(_ ref: DriftSample, _ cur: DriftSample) throws -> Double {
        let (r, c) = try Binning.binnedShares(ref, cur)
        let sr = r.reduce(0, +), sc = c.reduce(0, +)
        var js = 0.0
        for i in r.indices {
            let p = r[i] / sr, q = c[i] / sc, m = (p + q) / 2
            if p > 0 { js += p * log(p / m) }
            if q > 0 { js += q * log(q / m) }
        }
        return (js / 2).squareRoot()
    }

    /// L-infinity distance: the largest absolute difference between the binned shares.
    public static func lInfinity(_ ref: DriftSample, _ cur: DriftSample) throws -> Double {
        let (r, c) = try Binning.binnedShares(ref, cur)
        return zip(r, c).map { abs($0 - $1) }.max() ?? 0
    }

    /// Chi-square goodness of fit of the current counts against the reference counts scaled to
    /// the current size (Evidently's chi-square test): χ² and its p-value on k − 1 degrees of
    /// freedom. A value the reference lacks gives χ² = ∞, p = 0; a single value p = 1.
    public static func chiSquare(_ ref: DriftSample, _ cur: DriftSample) throws -> (statistic: Double, p: Double) {
        let (r, c) = try Binning.valueCounts(ref, cur)
        let k = Double(cur.count) / Double(ref.count)
        var x = 0.0
        for i in r.indices {
            let e = Double(r[i]) * k, d = Double(c[i]) - e
            x += d * d / e
        }
        guard r.count > 1 else { return (x, 1) }
        return (x, x.isInfinite ? 0 : SpecialFunctions.gammaQ(Double(r.count - 1) / 2, x / 2))
    }

    /// Hellinger distance as Evidently defines it: categorical columns on value shares;
    /// numeric ones on density histograms over Sturges bins of the distinct values of both
    /// samples, √(1 − Σ √(h₁h₂)·w) with w the mean bin width, the sum clipped to [0, 1].
    public static func hellinger(_ ref: DriftSample, _ cur: DriftSample) throws -> Double {
        var s = 0.0
        switch (ref, cur) {
        case (.numeric(let a), .numeric(let b)):
            var keys: [Double]
            if let (ka, _) = a.distinct, let (kb, _) = b.distinct {
                keys = Array(Set(ka).union(kb))
            } else {
                keys = Array(Set(a.values).union(b.values))
            }
            keys.sort()
            let edges = Binning.sturgesEdges(count: keys.count, min: keys.first!, max: keys.last!, integer: a.integer)
            let h1 = density(Binning.histogram(a, edges: edges), edges)
            let h2 = density(Binning.histogram(b, edges: edges), edges)
            let width = (edges.last! - edges.first!) / Double(edges.count - 1)
            for i in h1.indices { s += (h1[i] * h2[i]).squareRoot() * width }
        default:
            let (r, c) = try Binning.valueCounts(ref, cur)
            let nr = Double(ref.count), nc = Double(cur.count)
            for i in r.indices { s += (Double(r[i]) / nr * (Double(c[i]) / nc)).squareRoot() }
        }
        s = min(max(s, 0), 1)
        return (1 - s).squareRoot()
    }

    /// `np.histogram(density=True)`: counts / (total · bin width).
    static func density(_ counts: [Int], _ edges: [Double]) -> [Double] {
        let total = Double(counts.reduce(0, +))
        return counts.indices.map { Double(counts[$0]) / (total * (edges[$0 + 1] - edges[$0])) }
    }

    /// Evidently's normed Wasserstein: W₁(ref, cur) / max(σ(ref), 0.001), σ the population
    /// standard deviation. Both arrays sorted.
    public static func normedWasserstein(_ a: [Double], _ b: [Double]) -> Double {
        wasserstein1(a, b) / max(populationStd(a), 0.001)
    }

    /// First Wasserstein distance between two sorted samples: ∫ |F_a − F_b|, summed over the
    /// gaps between consecutive values of the merged samples (scipy's formula).
    public static func wasserstein1(_ a: [Double], _ b: [Double]) -> Double {
        let na = Double(a.count), nb = Double(b.count)
        var i = 0, j = 0, sum = 0.0
        var prev: Double? = nil
        while i < a.count || j < b.count {
            let v = j >= b.count ? a[i] : i >= a.count ? b[j] : min(a[i], b[j])
            if let p = prev { sum += abs(Double(i) / na - Double(j) / nb) * (v - p) }
            // Step over one value (duplicates add zero-width gaps, as in scipy).
            if j >= b.count || (i < a.count && a[i] <= b[j]) { i += 1 } else { j += 1 }
            prev = v
        }
        return sum
    }

    /// σ with divisor n (NumPy's `np.std`), two passes.
    public static func populationStd(_ a: [Double]) -> Double {
        let mean = a.reduce(0, +) / Double(a.count)
        var ss = 0.0
        for x in a { let d = x - mean; ss += d * d }
        return (ss / Double(a.count)).squareRoot()
    }
}
