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
///
/// Layout (as datasketches keeps it): one buffer of `totalCapacity` items, free space first,
/// then level 0 (filled downwards), then levels 1, 2, …; a compaction sorts its level in place
/// and writes the chosen half into the slots it frees, which become the bottom of the level
/// above, so nothing is allocated or copied beyond the levels below.
public struct KLLSketch: Sendable {
    /// The accuracy parameter (the top level's capacity).
    public let k: Int
    /// Values added (NaN excluded).
    public private(set) var n: UInt64
    public private(set) var min: Double
    public private(set) var max: Double
    /// The coin-flip generator's state (SplitMix64).
    public private(set) var rngState: UInt64
    /// The buffer: free space, then the levels (see the type's note).
    private var items: [Double]
    /// Level h is items[starts[h] ..< starts[h + 1]]; starts[0] is also the free space's size.
    private var starts: [Int]
    /// capacity(h) for the current number of levels.
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
        n = 0
        min = .infinity
        max = -.infinity
        rngState = seed
        let total = Self.capacity(k: k, level: 0, levels: 1)
        items = [Double](repeating: 0, count: total)
        starts = [total, total]
        capacities = [total]
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
            let (sum, o2) = weight.addingReportingOverflow(w)
            guard !o2 else { throw ProfilingError("KLL weights overflow") }
            weight = sum
        }
        guard weight == n else { throw ProfilingError("KLL levels weigh \(weight), the sketch says n = \(n)") }
        guard n == 0 || min <= max else { throw ProfilingError("KLL min \(min) above max \(max)") }
        self.init(k: k, seed: rngState)
        self.n = n
        self.min = min
        self.max = max
        layOut(levels)
        compressIfFull()
    }

    /// Items at each level, level 0 first (weight 2^level).
    public var levels: [[Double]] { (0..<starts.count - 1).map { Array(items[starts[$0]..<starts[$0 + 1]]) } }

    /// Items held (all levels).
    public var retained: Int { items.count - starts[0] }

    /// Capacity of level `h` when there are `levels` levels.
    static func capacity(k: Int, level h: Int, levels: Int) -> Int {
        let depth = levels - 1 - h
        // (2/3)^depth; beyond depth 60 every level is at the minimum anyway.
        return Swift.max(minCapacity, Int((Double(k) * pow(2.0 / 3.0, Double(Swift.min(depth, 60)))).rounded(.up)))
    }

    /// Rebuilds the buffer for `levels` (levels above 0 sorted), with room for at least their items.
    private mutating func layOut(_ levels: [[Double]]) {
        capacities = (0..<levels.count).map { Self.capacity(k: k, level: $0, levels: levels.count) }
        let held = levels.reduce(0) { $0 + $1.count }
        let total = Swift.max(capacities.reduce(0, +), held)
        items = [Double](repeating: 0, count: total)
        starts = [Int](repeating: 0, count: levels.count + 1)
        var end = total
        starts[levels.count] = total
        for h in stride(from: levels.count - 1, through: 0, by: -1) {
            let level = levels[h]
            let begin = end - level.count
            for (j, x) in level.enumerated() { items[begin + j] = x }
            starts[h] = begin
            end = begin
        }
    }

    private var totalCapacity: Int { items.count }

    /// Adds one value (NaN is ignored: the moments count it).
    public mutating func add(_ x: Double) {
        guard !x.isNaN else { return }
        if x < min { min = x }
        if x > max { max = x }
        n += 1
        if starts[0] == 0 { compressIfFull() }
        starts[0] -= 1
        items[starts[0]] = x
        if starts[0] == 0 { compressIfFull() }
    }

    /// Adds a run of values; the same sketch as adding them one by one (compaction happens at
    /// the same points), with bulk copies in between.
    public mutating func add(contentsOf xs: UnsafeBufferPointer<Double>) {
        var i = 0
        var lo = min, hi = max, added = 0
        while i < xs.count {
            if starts[0] == 0 { compressIfFull() }
            var free = starts[0]
            items.withUnsafeMutableBufferPointer { b in
                while free > 0 && i < xs.count {
                    let x = xs[i]
                    i += 1
                    if x.isNaN { continue }
                    lo = Swift.min(lo, x)
                    hi = Swift.max(hi, x)
                    free -= 1
                    b[free] = x
                    added += 1
                }
            }
            starts[0] = free
            if free == 0 { compressIfFull() }
        }
        min = lo; max = hi
        n += UInt64(added)
    }

    mutating func compressIfFull() {
        while starts[0] == 0 {
            let count = starts.count - 1
            var h = 0
            while h < count && starts[h + 1] - starts[h] < capacities[h] { h += 1 }
            if h == count { h = count - 1 }   // only after a merge over capacity: compact the top
            compact(h)
        }
    }

    private mutating func nextBit() -> Bool {
        rngState &+= 0x9E37_79B9_7F4A_7C15
        return Hash64.mix(rngState) & 1 == 1
    }

    /// Adds an empty level on top: the capacities grow, and the buffer grows at the front.
    private mutating func addLevel() {
        let levels = starts.count     // after adding
        capacities = (0..<levels).map { Self.capacity(k: k, level: $0, levels: levels) }
        let grow = Swift.max(0, capacities.reduce(0, +) - items.count)
        if grow > 0 {
            items.insert(contentsOf: repeatElement(0, count: grow), at: 0)
            for j in starts.indices { starts[j] += grow }
        }
        starts.append(starts[starts.count - 1])
    }

    /// Halves level h into level h + 1 (one odd item stays behind, the largest): the level is
    /// sorted, every second item from the coin's offset moves to the bottom of level h + 1 (the
    /// slots the level frees, so nothing above moves), and the levels below shift up.
    private mutating func compact(_ h: Int) {
        if h + 2 == starts.count { addLevel() }
        let offset = nextBit() ? 1 : 0
        var starts = self.starts
        let a = starts[h], b = starts[h + 1]
        items.withUnsafeMutableBufferPointer { buf in
            Self.sort(UnsafeMutableBufferPointer(rebasing: buf[a..<b]))
            let odd = (b - a) % 2
            let half = (b - a - odd) / 2
            let oddItem = buf[b - 1]
            // Item a + offset + 2t lands at b − half + t, never below where it is read from;
            // copying from the last one down reads every item before it is overwritten.
            var t = half - 1
            while t >= 0 { buf[b - half + t] = buf[a + offset + 2 * t]; t -= 1 }
            let newStart = b - half - odd
            if odd == 1 { buf[newStart] = oddItem }
            let shift = newStart - a
            if shift > 0 {
                var i = a - 1
                while i >= starts[0] { buf[i + shift] = buf[i]; i -= 1 }
            }
            for l in 0..<h { starts[l] += shift }
            starts[h] = newStart
            starts[h + 1] = b - half
        }
        self.starts = starts
    }

    /// Sorts doubles in place (no NaN here): quicksort on the median of three, insertion sort
    /// below 24 items; a compaction sorts level 0 often, and Swift's stable sort allocates.
    static func sort(_ a: UnsafeMutableBufferPointer<Double>) {
        var lo = 0, hi = a.count - 1
        while hi - lo >= 24 {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
            if j - lo < hi - i {
                if lo < j { sort(UnsafeMutableBufferPointer(rebasing: a[lo...j])) }
                lo = i
            } else {
                if i < hi { sort(UnsafeMutableBufferPointer(rebasing: a[i...hi])) }
                hi = j
            }
        }
        if hi > lo {
            for i in (lo + 1)...hi {
                let x = a[i]
                var j = i - 1
                while j >= lo && a[j] > x { a[j + 1] = a[j]; j -= 1 }
                a[j + 1] = x
            }
        }
    }

    /// The sketch of both streams. Both must have the same k.
    public mutating func merge(_ other: KLLSketch) throws {
        guard other.k == k else { throw ProfilingError("KLL sketches with k \(k) and \(other.k) do not merge") }
        guard other.n > 0 else { return }
        var combined = levels
        let theirs = other.levels
        while combined.count < theirs.count { combined.append([]) }
        for (h, l) in theirs.enumerated() { combined[h].append(contentsOf: l) }
        n += other.n
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        // Both coin streams continue: mixing them keeps merge deterministic.
        rngState = Hash64.mix(rngState ^ other.rngState)
        layOut(combined)
        compressIfFull()
    }

    /// Items with their weights, sorted by value.
    public var weightedItems: [(value: Double, weight: UInt64)] {
        var out: [(Double, UInt64)] = []
        out.reserveCapacity(retained)
        for h in 0..<starts.count - 1 { for x in items[starts[h]..<starts[h + 1]] { out.append((x, 1 << UInt64(h))) } }
        out.sort { $0.0 < $1.0 }
        return out
    }

    /// The estimated fraction of values ≤ x (0 when empty).
    public func rank(_ x: Double) -> Double {
        guard n > 0 else { return 0 }
        var below: UInt64 = 0
        for h in 0..<starts.count - 1 {
            var c: UInt64 = 0
            for v in items[starts[h]..<starts[h + 1]] where v <= x { c += 1 }
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

extension KLLSketch: Equatable {
    /// Same parameters, counts, extremes, coin state and items level by level.
    public static func == (a: KLLSketch, b: KLLSketch) -> Bool {
        a.k == b.k && a.n == b.n && a.min.bitPattern == b.min.bitPattern && a.max.bitPattern == b.max.bitPattern
            && a.rngState == b.rngState && a.levels == b.levels
    }
}
