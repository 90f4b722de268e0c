import Foundation

/// A KLL quantile sketch (Karnin, Lang and Liberty, "Optimal Quantile Approximation in
/// Streams", FOCS 2016) over doubles.
///
/// Level h holds items of weight 2^h. Level capacities shrink geometrically below the top:
/// capacity(h) = max(8, ⌈k·(2/3)^(top−h)⌉). When the items held reach the sum of capacities,
/// the lowest level at or over its capacity is compacted: sorted, and every second item
/// (starting at a coin flip's offset) moves up one level with twice the weight; an odd item out
/// stays. The coin comes from a SplitMix64 stream seeded per sketch, so the same input in the
/// same order gives the same sketch on every run and machine.
///
/// Error: with k = 200 (datasketches' default) the normalized rank error is about 1.33% for a
/// single rank query and 1.65% for all ranks at once (PMF/CDF), each with 99% confidence; see
/// `normalizedRankError(k:allRanks:)` (the fit datasketches publishes for its KLL sketch, which
/// follows the same capacity schedule). Merging adds the other sketch's levels and compacts; the
/// merged sketch has the error bound of a sketch of the combined stream.
public struct KLLSketch: Equatable, Sendable {
    /// The accuracy parameter (the top level's capacity).
    public let k: Int
    /// Items at each level, level 0 first (weight 2^level).
    public private(set) var levels: [[Double]]
    /// Values added (NaN excluded).
    public private(set) var n: UInt64
    public private(set) var min: Double
    public private(set) var max: Double
    /// The coin-flip generator's state (SplitMix64).
    public private(set) var rngState: UInt64
    /// Items held (all levels) and the sum of the level capacities, kept up to date so `add`
    /// tests one integer.
    public private(set) var retained = 0
    var totalCapacity = 0
    /// capacity(h) for the current number of levels (recomputed when a level is added).
    private var capacities: [Int] = []

    /// The smallest level capacity.
    public static let minCapacity = 8
    /// The default k, as datasketches' KLL.
    public static let defaultK = 200
    /// The default seed of the coin flips.
    public static let defaultSeed: UInt64 = 0x4B4C_4C5F_5345_4544

    public init(k: Int = KLLSketch.defaultK, seed: UInt64 = KLLSketch.defaultSeed) {
        precondition(k >= KLLSketch.minCapacity && k <= 65_535, "KLL k must be in 8...65535")
        self.k = k
        levels = [[]]
        n = 0
        min = .infinity
        max = -.infinity
        rngState = seed
        levels[0].reserveCapacity(k)
        resize()
    }

    /// A sketch from stored parts (a profile record), checked: item counts, weights and n agree.
    public init(k: Int, n: UInt64, min: Double, max: Double, rngState: UInt64, levels: [[Double]]) throws {
        guard k >= KLLSketch.minCapacity && k <= 65_535 else { throw ProfilingError("KLL k \(k) is outside 8...65535") }
        guard !levels.isEmpty, levels.count <= 60 else { throw ProfilingError("KLL sketch with \(levels.count) levels") }
        var weight: UInt64 = 0
        for (h, l) in levels.enumerated() {
            guard l.allSatisfy({ !$0.isNaN }) else { throw ProfilingError("KLL level \(h) holds NaN") }
            let (w, o) = UInt64(l.count).multipliedReportingOverflow(by: 1 << UInt64(h))
            guard !o else { throw ProfilingError("KLL level \(h) weight overflows") }
            weight &+= w
        }
        guard weight == n else { throw ProfilingError("KLL levels weigh \(weight), the sketch says n = \(n)") }
        guard n == 0 || min <= max else { throw ProfilingError("KLL min \(min) above max \(max)") }
        self.k = k
        self.n = n
        self.min = min
        self.max = max
        self.rngState = rngState
        self.levels = levels
        retained = levels.reduce(0) { $0 + $1.count }
        resize()
    }

    /// Capacity of level `h` when there are `top + 1` levels.
    static func capacity(k: Int, level h: Int, levels: Int) -> Int {
        let depth = levels - 1 - h
        // (2/3)^depth; beyond depth 60 every level is at the minimum anyway.
        return Swift.max(minCapacity, Int((Double(k) * pow(2.0 / 3.0, Double(Swift.min(depth, 60)))).rounded(.up)))
    }

    /// Level capacities and their sum for the current number of levels.
    private mutating func resize() {
        capacities = (0..<levels.count).map { Self.capacity(k: k, level: $0, levels: levels.count) }
        totalCapacity = capacities.reduce(0, +)
    }

    /// Adds a run of values; the same sketch as adding them one by one (compaction happens at
    /// the same points), with bulk appends in between.
    public mutating func add(contentsOf xs: UnsafeBufferPointer<Double>) {
        var i = 0
        while i < xs.count {
            let room = Swift.max(1, totalCapacity - retained)
            let end = Swift.min(xs.count, i + room)
            var level0 = levels[0]
            levels[0] = []
            var lo = min, hi = max, added = 0
            for x in xs[i..<end] where !x.isNaN {
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
                added += 1
                level0.append(x)
            }
            levels[0] = level0
            min = lo; max = hi
            n += UInt64(added)
            retained += added
            i = end
            if retained >= totalCapacity { compressIfFull() }
        }
    }

    /// Adds one value (NaN is ignored: the moments count it).
    public mutating func add(_ x: Double) {
        guard !x.isNaN else { return }
        if x < min { min = x }
        if x > max { max = x }
        n += 1
        levels[0].append(x)
        retained += 1
        if retained >= totalCapacity { compressIfFull() }
    }

    mutating func compressIfFull() {
        while retained >= totalCapacity {
            let count = levels.count
            var h = 0
            while h < count && levels[h].count < capacities[h] { h += 1 }
            guard h < count else { return }
            compact(h)
        }
    }

    private mutating func nextBit() -> Bool {
        rngState &+= 0x9E37_79B9_7F4A_7C15
        return Hash64.mix(rngState) & 1 == 1
    }

    /// Halves level h into level h + 1 (one odd item stays behind, the largest). In place:
    /// the level's buffer is sorted and reused, so steady-state compaction allocates nothing.
    private mutating func compact(_ h: Int) {
        if h + 1 == levels.count { levels.append([]); resize() }
        let offset = nextBit() ? 1 : 0
        var items = levels[h]
        levels[h] = []
        items.sort()
        let odd = items.count % 2 == 1 ? items.last : nil
        let even = items.count - (odd == nil ? 0 : 1)
        let before = items.count
        var upper = levels[h + 1]
        levels[h + 1] = []
        upper.reserveCapacity(upper.count + even / 2)
        items.withUnsafeBufferPointer { b in
            var i = offset
            while i < even { upper.append(b[i]); i += 2 }
        }
        levels[h + 1] = upper
        items.removeAll(keepingCapacity: true)
        if let o = odd { items.append(o) }
        retained -= before - items.count - even / 2
        levels[h] = items
    }

    /// The sketch of both streams. Both must have the same k.
    public mutating func merge(_ other: KLLSketch) throws {
        guard other.k == k else { throw ProfilingError("KLL sketches with k \(k) and \(other.k) do not merge") }
        guard other.n > 0 else { return }
        while levels.count < other.levels.count { levels.append([]) }
        resize()
        for (h, items) in other.levels.enumerated() { levels[h].append(contentsOf: items) }
        retained += other.retained
        n += other.n
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        // Both coin streams continue: mixing them keeps merge deterministic.
        rngState = Hash64.mix(rngState ^ other.rngState)
        compressIfFull()
    }

    /// Items with their weights, sorted by value.
    public var weightedItems: [(value: Double, weight: UInt64)] {
        var out: [(Double, UInt64)] = []
        out.reserveCapacity(retained)
        for (h, items) in levels.enumerated() { for x in items { out.append((x, 1 << UInt64(h))) } }
        out.sort { $0.0 < $1.0 }
        return out
    }

    /// The estimated fraction of values ≤ x (0 when empty).
    public func rank(_ x: Double) -> Double {
        guard n > 0 else { return 0 }
        var below: UInt64 = 0
        for (h, items) in levels.enumerated() {
            var c: UInt64 = 0
            for v in items where v <= x { c += 1 }
            below += c << UInt64(h)
        }
        return Double(below) / Double(n)
    }

    /// The estimated q-quantile, q in [0, 1]: the smallest retained value whose cumulative
    /// weight reaches q·n (min at 0, max at 1); nil when empty.
    public func quantile(_ q: Double) -> Double? {
        guard n > 0 else { return nil }
        if q <= 0 { return min }
        if q >= 1 { return max }
        return quantiles([q])[0]
    }

    /// Several quantiles with one sort.
    public func quantiles(_ qs: [Double]) -> [Double] {
        let items = weightedItems
        guard !items.isEmpty else { return qs.map { _ in .nan } }
        var cumulative: [UInt64] = []
        cumulative.reserveCapacity(items.count)
        var total: UInt64 = 0
        for it in items { total += it.weight; cumulative.append(total) }
        return qs.map { q in
            if q <= 0 { return min }
            if q >= 1 { return max }
            let target = UInt64((q * Double(n)).rounded(.up))
            var lo = 0, hi = cumulative.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] >= target { hi = mid } else { lo = mid + 1 } }
            return items[lo].value
        }
    }

    /// The normalized rank error bound at 99% confidence for `k`: for one rank query
    /// (`allRanks: false`), or for every rank at once as a PMF/CDF needs (`allRanks: true`).
    /// The empirical fit datasketches publishes for KLL (2.296/k^0.9723 and 2.446/k^0.9433).
    public static func normalizedRankError(k: Int, allRanks: Bool) -> Double {
        allRanks ? 2.446 / pow(Double(k), 0.9433) : 2.296 / pow(Double(k), 0.9723)
    }
}
