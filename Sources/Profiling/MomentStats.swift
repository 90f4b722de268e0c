/// Count, mean, sum of squared deviations (M2), minimum and maximum of a numeric stream.
///
/// Values are added with Welford's update (numerically stable in one pass); two partial
/// states combine with the pairwise formula of Chan, Golub and LeVeque (1979):
/// δ = mean_b − mean_a, mean = mean_a + δ·n_b/n, M2 = M2_a + M2_b + δ²·n_a·n_b/n. Counts,
/// minimum and maximum merge exactly; mean and M2 equal a single pass up to rounding.
/// NaN values are counted in `nanCount` and kept out of the moments.
public struct MomentStats: Equatable, Sendable {
    public var count: UInt64 = 0
    public var mean: Double = 0
    public var m2: Double = 0
    public var min: Double = .infinity
    public var max: Double = -.infinity
    /// NaN values seen (not in `count`).
    public var nanCount: UInt64 = 0

    public init() {}

    public init(count: UInt64, mean: Double, m2: Double, min: Double, max: Double, nanCount: UInt64) {
        self.count = count; self.mean = mean; self.m2 = m2; self.min = min; self.max = max; self.nanCount = nanCount
    }

    /// Welford's update.
    public mutating func add(_ x: Double) {
        guard !x.isNaN else { nanCount += 1; return }
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
        if x < min { min = x }
        if x > max { max = x }
    }

    /// Adds a run of values: two passes over the run (sum and extremes, then squared
    /// deviations from the run's own mean), merged in with Chan et al.'s formula. As exact as
    /// Welford's update and without a division per value; a run holding NaN goes value by value.
    public mutating func add(contentsOf xs: UnsafeBufferPointer<Double>) {
        guard !xs.isEmpty else { return }
        var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        var nan = false
        for x in xs {
            sum += x
            lo = Swift.min(lo, x)
            hi = Swift.max(hi, x)
            nan = nan || x.isNaN
        }
        if nan || !sum.isFinite {
            for x in xs { add(x) }
            return
        }
        let mean = sum / Double(xs.count)
        var m2 = 0.0
        for x in xs { let d = x - mean; m2 += d * d }
        merge(MomentStats(count: UInt64(xs.count), mean: mean, m2: m2, min: lo, max: hi, nanCount: 0))
    }

    /// The statistics of both streams (Chan et al.).
    public mutating func merge(_ other: MomentStats) {
        nanCount += other.nanCount
        guard other.count > 0 else { return }
        guard count > 0 else { let nans = nanCount; self = other; nanCount = nans; return }
        let na = Double(count), nb = Double(other.count), n = na + nb
        let delta = other.mean - mean
        mean += delta * nb / n
        m2 += other.m2 + delta * delta * na * nb / n
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// Population variance M2 / n (nil without values).
    public var variance: Double? { count > 0 ? m2 / Double(count) : nil }
    /// Sample variance M2 / (n − 1) (nil below two values).
    public var sampleVariance: Double? { count > 1 ? m2 / Double(count - 1) : nil }
}
