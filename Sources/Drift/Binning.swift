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

    /// `np.histogram(sorted, edges)[0]`: bin i holds edges[i] ≤ x < edges[i+1], the last bin
    /// also x == its right edge; values outside are not counted.
    public static func histogram(sorted x: [Double], edges: [Double]) -> [Int] {
        var cum = [Int](repeating: 0, count: edges.count)
        for i in 0..<edges.count {
            cum[i] = i == edges.count - 1 ? upperBound(x, edges[i]) : lowerBound(x, edges[i])
        }
        return (1..<edges.count).map { cum[$0] - cum[$0 - 1] }
    }

    /// The first index whose value is ≥ v.
    static func lowerBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] < v { lo = m + 1 } else { hi = m } }
        return lo
    }

    /// The first index whose value is > v.
    static func upperBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] <= v { lo = m + 1 } else { hi = m } }
        return lo
    }

    /// The number of distinct values in a sorted array, counting no further than `cap`.
    static func distinctCount(sorted a: [Double], cap: Int) -> Int {
        guard !a.isEmpty else { return 0 }
        var n = 1
        for i in 1..<a.count where a[i] != a[i - 1] { n += 1; if n >= cap { return n } }
        return n
    }

    /// Counts per distinct value over both samples, aligned: the union of the values, and each
    /// sample's count of each (0 where it lacks one). The order is ascending for numbers and
    /// by byte order for strings; the statistics are sums, so order only moves the last bit.
    public static func valueCounts(_ ref: DriftSample, _ cur: DriftSample) throws -> (ref: [Int], cur: [Int]) {
        switch (ref, cur) {
        case (.numeric(let a, _), .numeric(let b, _)):
            var r: [Int] = [], c: [Int] = []
            var i = 0, j = 0
            while i < a.count || j < b.count {
                let v = j >= b.count ? a[i] : i >= a.count ? b[j] : Swift.min(a[i], b[j])
                var ca = 0, cb = 0
                while i < a.count && a[i] == v { ca += 1; i += 1 }
                while j < b.count && b[j] == v { cb += 1; j += 1 }
                r.append(ca); c.append(cb)
            }
            return (r, c)
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

    /// Evidently's `get_binned_data`: for a numeric column whose reference has more than 20
    /// distinct values, the share of each sample in each Sturges bin over both samples;
    /// otherwise the share of each distinct value. Shares divide by the sample's size.
    public static func binnedShares(_ ref: DriftSample, _ cur: DriftSample) throws -> (ref: [Double], cur: [Double]) {
        guard ref.count > 0, cur.count > 0 else { throw DriftError("an empty sample (no non-null values)") }
        let counts: (ref: [Int], cur: [Int])
        if case .numeric(let a, let integer) = ref, case .numeric(let b, _) = cur, distinctCount(sorted: a, cap: 21) > 20 {
            let edges = sturgesEdges(count: a.count + b.count, min: Swift.min(a.first!, b.first!),
                                     max: Swift.max(a.last!, b.last!), integer: integer)
            counts = (histogram(sorted: a, edges: edges), histogram(sorted: b, edges: edges))
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
        case (.numeric(let a, let integer), .numeric(let b, _)):
            if distinctCount(sorted: a, cap: 21) > 20 {
                let edges = sturgesEdges(count: a.count + b.count, min: Swift.min(a.first!, b.first!), max: Swift.max(a.last!, b.last!), integer: integer)
                labels = edges.dropLast().map { short($0) }
            } else {
                var all = a + b
                all.sort()
                var last: Double? = nil
                for v in all where v != last { labels.append(short(v)); last = v }
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
