/// A histogram on fixed logarithmic buckets: every finite double falls in the bucket named by
/// its sign, its binary exponent and the top `subBits` bits of its mantissa, so each octave
/// [2^e, 2^(e+1)) splits into 2^subBits equal-width buckets (at most 12.5% relative width
/// for the default 3 bits). The buckets depend on nothing but the value, never on the data
/// seen, which is why two histograms merge exactly by adding counts bucket by bucket,
/// associatively and commutatively, whatever the shards' ranges.
///
/// Bucket indices are ordered like the values: 0 holds ±0 (and subnormals' sign-free zero
/// bucket is not special-cased: they have exponent 0), positive values have indices > 0,
/// negative values < 0; ±infinity sit one past the largest finite bucket on each side.
/// Counts are stored densely over the span of indices seen.
public struct LogHistogram: Equatable, Sendable {
    /// Mantissa bits per octave (buckets per octave = 2^subBits).
    public static let subBits = 3
    /// The index of the first entry of `counts`.
    public private(set) var firstIndex: Int32 = 0
    /// Counts for indices `firstIndex ..< firstIndex + counts.count`.
    public private(set) var counts: [UInt64] = []

    public init() {}

    /// A histogram from stored counts (a profile record); throws on a span that overflows.
    public init(firstIndex: Int32, counts: [UInt64]) throws {
        guard Int(firstIndex) + counts.count <= Int(Self.maxIndex) + 1, firstIndex >= -Self.maxIndex else {
            throw ProfilingError("histogram span \(firstIndex) + \(counts.count) is outside the bucket range")
        }
        self.firstIndex = firstIndex
        self.counts = counts
    }

    /// One past the largest finite bucket: exponents 0...2046 times the sub-buckets.
    public static let maxIndex: Int32 = Int32(2047 << subBits) + 1

    /// The bucket of `x` (not NaN).
    public static func index(_ x: Double) -> Int32 {
        if x == 0 { return 0 }
        if x.isInfinite { return x > 0 ? maxIndex : -maxIndex }
        let bits = x.bitPattern & 0x7FFF_FFFF_FFFF_FFFF
        let magnitude = Int32(truncatingIfNeeded: bits >> UInt64(52 - subBits)) + 1   // exponent·2^sub + top mantissa bits, ≥ 1
        return x < 0 ? -magnitude : magnitude
    }

    /// The values of bucket `i`: [lower, upper) for positive buckets, (lower, upper] mirrored for negative ones.
    public static func bounds(_ i: Int32) -> (lower: Double, upper: Double) {
        if i == 0 { return (0, 0) }
        if i == maxIndex { return (.infinity, .infinity) }
        if i == -maxIndex { return (-.infinity, -.infinity) }
        let m = UInt64(abs(i) - 1)
        let lo = Double(bitPattern: m << UInt64(52 - subBits))
        let hiBits = (m + 1) << UInt64(52 - subBits)
        let hi = hiBits >= 0x7FF0_0000_0000_0000 ? Double.infinity : Double(bitPattern: hiBits)
        return i > 0 ? (lo, hi) : (-hi, -lo)
    }

    /// Counts `x` (NaN is not counted: the moments count it).
    public mutating func add(_ x: Double) {
        guard !x.isNaN else { return }
        add(index: Self.index(x), count: 1)
    }

    mutating func add(index i: Int32, count c: UInt64) {
        if counts.isEmpty {
            firstIndex = i
            counts = [c]
            return
        }
        if i < firstIndex {
            counts.insert(contentsOf: repeatElement(0, count: Int(firstIndex - i)), at: 0)
            firstIndex = i
        } else if Int(i - firstIndex) >= counts.count {
            counts.append(contentsOf: repeatElement(0, count: Int(i - firstIndex) - counts.count + 1))
        }
        counts[Int(i - firstIndex)] &+= c
    }

    /// Adds the other histogram's counts (exact).
    public mutating func merge(_ other: LogHistogram) {
        for (j, c) in other.counts.enumerated() where c > 0 { add(index: other.firstIndex + Int32(j), count: c) }
    }

    /// Values counted.
    public var total: UInt64 { counts.reduce(0, &+) }

    /// The non-empty buckets in value order, with their bounds.
    public var buckets: [(lower: Double, upper: Double, count: UInt64)] {
        counts.enumerated().compactMap { j, c in
            guard c > 0 else { return nil }
            let b = Self.bounds(firstIndex + Int32(j))
            return (b.lower, b.upper, c)
        }
    }
}
