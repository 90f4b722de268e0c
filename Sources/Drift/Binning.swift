import Foundation

/// Histograms and value counts exactly as NumPy and pandas make them, so the binned statistics
/// equal Evidently's (which bins with `np.histogram_bin_edges(..., bins="sturges")` over the
/// reference and current data together, then `np.histogram` with those edges).
public enum Binning {
    /// NumPy's `linspace(start, stop, num)`: `i * step + start`, the last edge exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        let div = Double(num - 1)
        let delta = stop - start
        let step = delta / div
        var y = [Double](repeating: 0, count: num)
        for i in 0..<num {
            y[i] = (step == 0 ? Double(i) / div * delta : Double(i) * step) + start
        }
        if num > 1 { y[num - 1] = stop }
        return y
    }

    /// Sturges bin edges for data with this count, minimum and maximum (NumPy's
    /// `histogram_bin_edges(bins="sturges")`): width = range / (log2(n) + 1), at least 1 for
    /// integer data, ceil(range / width) equal bins; a zero range widens to ±0.5.
    public static func sturgesEdges(count n: Int, min lo: Double, max hi: Double, integer: Bool) -> [Double] {
        guard n > 0 else { return linspace(0, 1, 2) }
        let ptp = hi - lo
        var first = lo, last = hi
        if first == last { first -= 0.5; last += 0.5 }
        var width = ptp / (log2(Double(n)) + 1.0)
        var bins = 1
        if width != 0 {
            if integer && width < 1 { width = 1 }
            bins = Int((( last - first) / width).rounded(.up))
        }
        return linspace(first, last, bins + 1)
    }

    /// `np.histogram(values, edges)[0]` for equal-width edges: bin i holds edges[i] ≤ x <
    /// edges[i+1], the last bin also x == its right edge; values outside are not counted. The
    /// bin comes from the width, then is corrected against the edges themselves, so the counts
    /// equal a binary search on the edges (what NumPy does for an array of edges).
    public static func histogram(_ x: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count - 1)
        edges.withUnsafeBufferPointer { e in
            let b = Bins(e)
            counts.withUnsafeMutableBufferPointer { c in
                x.withUnsafeBufferPointer { for v in $0 { if let i = b.bin(v) { c[i] &+= 1 } } }
            }
        }
        return counts
    }

    /// `histogram` of a sample: a counted sample adds each distinct value's count to its bin.
    public static func histogram(_ s: NumericSample, edges: [Double]) -> [Int] {
        guard let (keys, n) = s.distinct else { return histogram(s.values, edges: edges) }
        var counts = [Int](repeating: 0, count: edges.count - 1)
        edges.withUnsafeBufferPointer { e in
            let b = Bins(e)
            for (v, k) in zip(keys, n) { if let i = b.bin(v) { counts[i] += k } }
        }
        return counts
    }

    /// Equal-width edges, and the bin of a value: from the width, then corrected against the
    /// edges themselves.
    struct Bins {
        let edges: UnsafeBufferPointer<Double>
        let bins: Int, first: Double, last: Double, scale: Double
        init(_ edges: UnsafeBufferPointer<Double>) {
            self.edges = edges
            bins = edges.count - 1
            first = edges[0]
            last = edges[bins]
            scale = Double(bins) / (last - first)
        }

        /// The bin of `v` (nil outside the edges).
        @inline(__always)
        func bin(_ v: Double) -> Int? {
            guard v >= first && v <= last else { return nil }
            var i = min(max(Int((v - first) * scale), 0), bins - 1)
            while i > 0 && v < edges[i] { i -= 1 }
            while i < bins - 1 && v >= edges[i + 1] { i += 1 }
            return i
        }
    }

    /// Counts per distinct value over both samples, aligned: the union of the values, and each
    /// sample's count of each (0 where it lacks one). The order is ascending for numbers and
    /// by byte order for strings; the statistics are sums, so order only moves the last bit.
    public static func valueCounts(_ ref: DriftSample, _ cur: DriftSample) throws -> (ref: [Int], cur: [Int]) {
        switch (ref, cur) {
        case (.numeric(let a), .numeric(let b)):
            if let (ka, na) = a.distinct, let (kb, nb) = b.distinct { return mergeCounts(ka, na, kb, nb) }
            var keys: [Double] = [], r: [Int] = [], c: [Int] = []
            count(a.values, keys: &keys, into: &r, other: &c)
            count(b.values, keys: &keys, into: &c, other: &r)
            let order = keys.indices.sorted { keys[$0] < keys[$1] }
            return (order.map { r[$0] }, order.map { c[$0] })
        case (.categorical(let a), .categorical(let b)):
            var counts: [String: (Int, Int)] = [:]
            for s in a { counts[s, default: (0, 0)].0 += 1 }
            for s in b { counts[s, default: (0, 0)].1 += 1 }
            let keys = counts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return (keys.map { counts[$0]!.0 }, keys.map { counts[$0]!.1 })
        default:
            throw DriftError("one sample is numeric and the other categorical")
        }
    }

    /// Two counted samples' keys (ascending) merged: the union ascending, each side's counts.
    static func mergeCounts(_ ka: [Double], _ na: [Int], _ kb: [Double], _ nb: [Int]) -> (ref: [Int], cur: [Int]) {
        var r: [Int] = [], c: [Int] = []
        var i = 0, j = 0
        while i < ka.count || j < kb.count {
            if j == kb.count || (i < ka.count && ka[i] < kb[j]) { r.append(na[i]); c.append(0); i += 1 }
            else if i == ka.count || kb[j] < ka[i] { r.append(0); c.append(nb[j]); j += 1 }
            else { r.append(na[i]); c.append(nb[j]); i += 1; j += 1 }
        }
        return (r, c)
    }

    /// Counts each value of `xs` into `mine` at its key's index, adding keys (with a zero count
    /// in `other`) as they appear. Few distinct values (ratings, actions, flags: the usual case)
    /// are found by a scan of a small array, remembering the last one; past 32 keys a dictionary
    /// takes over.
    static func count(_ xs: [Double], keys: inout [Double], into mine: inout [Int], other: inout [Int]) {
        var index: [Double: Int]? = keys.count > 32 ? Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }) : nil
        var lastValue = Double.nan, lastSlot = -1
        for x in xs {
            if x == lastValue { mine[lastSlot] += 1; continue }
            var slot: Int
            if let d = index {
                slot = d[x] ?? -1
            } else {
                slot = -1
                for k in keys.indices where keys[k] == x { slot = k; break }
            }
            if slot < 0 {
                slot = keys.count
                keys.append(x); mine.append(0); other.append(0)
                if index != nil { index![x] = slot } else if keys.count > 32 {
                    index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
                }
            }
            mine[slot] += 1
            lastValue = x; lastSlot = slot
        }
    }

    /// Evidently's `get_binned_data`: for a numeric column whose reference has more than 20
    /// distinct values, the share of each sample in each Sturges bin over both samples;
    /// otherwise the share of each distinct value. Shares divide by the sample's size.
    public static func binnedShares(_ ref: DriftSample, _ cur: DriftSample) throws -> (ref: [Double], cur: [Double]) {
        guard ref.count > 0, cur.count > 0 else { throw DriftError("an empty sample (no non-null values)") }
        let counts: (ref: [Int], cur: [Int])
        if case .numeric(let a) = ref, case .numeric(let b) = cur, a.manyDistinct {
            let (ea, eb) = (a.extremes!, b.extremes!)
            let edges = sturgesEdges(count: a.count + b.count, min: Swift.min(ea.min, eb.min),
                                     max: Swift.max(ea.max, eb.max), integer: a.integer)
            counts = (histogram(a, edges: edges), histogram(b, edges: edges))
        } else {
            counts = try valueCounts(ref, cur)
        }
        let nr = Double(ref.count), nc = Double(cur.count)
        return (counts.ref.map { Double($0) / nr }, counts.cur.map { Double($0) / nc })
    }

    /// Evidently's zero filling for PSI: zero shares become the smallest nonzero share / 10⁶
    /// when that is at most 10⁻⁴, else 10⁻⁴, so the logarithms stay finite.
    public static func fillZeroes(_ p: [Double]) -> [Double] {
        guard let m = p.filter({ $0 != 0 }).min() else { return p }
        let fill = m <= 0.0001 ? m / 1_000_000 : 0.0001
        return p.map { $0 == 0 ? fill : $0 }
    }
}

extension Binning {
    /// The shares `binnedShares` compares, with a label per bin for plots: the bin's left edge
    /// for Sturges bins, the value otherwise.
    public static func labeledShares(_ ref: DriftSample, _ cur: DriftSample) throws -> (labels: [String], ref: [Double], cur: [Double]) {
        let (r, c) = try binnedShares(ref, cur)
        var labels: [String] = []
        switch (ref, cur) {
        case (.numeric(let a), .numeric(let b)):
            if a.manyDistinct {
                let (ea, eb) = (a.extremes!, b.extremes!)
                let edges = sturgesEdges(count: a.count + b.count, min: Swift.min(ea.min, eb.min),
                                         max: Swift.max(ea.max, eb.max), integer: a.integer)
                labels = edges.dropLast().map { short($0) }
            } else {
                labels = Set(a.values).union(b.values).sorted().map { short($0) }
            }
        case (.categorical(let a), .categorical(let b)):
            labels = Array(Set(a).union(b)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        default: break
        }
        return (labels, r, c)
    }

    static func short(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(Double(String(format: "%.4g", x)) ?? x)
    }
}
