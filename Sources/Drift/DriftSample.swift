/// One column's non-null values, ready for the drift statistics: numbers, or categories as
/// strings. Nulls and non-finite numbers are dropped before a sample is made (Evidently drops
/// missing values too; a histogram cannot hold an infinity).
public enum DriftSample {
    /// Finite numbers in input order; sorted on first use by the statistics that need order.
    case numeric(NumericSample)
    /// Category labels, in any order.
    case categorical([String])

    /// A numeric sample; non-finite values are dropped. `integer` marks an integer column:
    /// NumPy's Sturges rule then never makes a bin narrower than 1.
    public static func numbers(_ values: [Double], integer: Bool) -> DriftSample {
        // Integers converted to binary64 are always finite: nothing to drop.
        if integer || values.allSatisfy({ $0.isFinite }) { return .numeric(NumericSample(values, integer: integer)) }
        return .numeric(NumericSample(values.filter { $0.isFinite }, integer: integer))
    }

    /// The number of values.
    public var count: Int {
        switch self {
        case .numeric(let v): return v.count
        case .categorical(let v): return v.count
        }
    }

    /// Whether the sample is numeric.
    public var isNumeric: Bool { if case .numeric = self { return true } else { return false } }
}

/// Finite numbers with the summaries the statistics share, each computed once: the binned
/// statistics (PSI, JS, L∞) need only the extremes, a small distinct count and one pass, so
/// they never pay for a sort; KS, Wasserstein and Hellinger sort once.
///
/// A sample is held one of two ways: its values, or — for a column of few distinct values
/// (ratings, actions, flags), as `NumericSampleBuilder` makes it — each distinct value with its
/// count. Every statistic is a function of the multiset of values, so the two give the same
/// results; the counted form makes value counts and histograms cost one step per distinct
/// value instead of one per row.
public final class NumericSample {
    /// Whether the column is an integer column.
    public let integer: Bool
    /// The number of values.
    public let count: Int
    /// The counted form: distinct values ascending (−0 counted as 0) and their counts.
    let distinct: (keys: [Double], counts: [Int])?
    /// Built from counts that overflowed the builder's cap: more distinct values than it kept.
    let manyByConstruction: Bool

    public init(_ values: [Double], integer: Bool) {
        self.integer = integer
        count = values.count
        distinct = nil
        manyByConstruction = false
        self.values = values
    }

    init(keys: [Double], counts: [Int], integer: Bool) {
        self.integer = integer
        count = counts.reduce(0, +)
        distinct = (keys, counts)
        manyByConstruction = false
    }

    init(values: [Double], integer: Bool, manyDistinct: Bool) {
        self.integer = integer
        count = values.count
        distinct = nil
        manyByConstruction = manyDistinct
        self.values = values
    }

    /// The values: in input order, or ascending for a counted sample (expanded on first use).
    public private(set) lazy var values: [Double] = {
        guard let (keys, counts) = distinct else { return [] }
        var v: [Double] = []
        v.reserveCapacity(count)
        for (k, c) in zip(keys, counts) { v.append(contentsOf: repeatElement(k, count: c)) }
        return v
    }()

    /// The values sorted ascending.
    public private(set) lazy var sorted: [Double] = distinct != nil ? values : values.sorted()

    /// The smallest and largest value (nil when empty).
    public private(set) lazy var extremes: (min: Double, max: Double)? = {
        if let (keys, _) = distinct { return keys.isEmpty ? nil : (keys.first!, keys.last!) }
        guard var lo = values.first else { return nil }
        var hi = lo
        for x in values { if x < lo { lo = x } else if x > hi { hi = x } }
        return (lo, hi)
    }()

    /// More than 20 distinct values: Evidently's test for binning a numeric column.
    public private(set) lazy var manyDistinct: Bool = {
        if let (keys, _) = distinct { return keys.count > 20 }
        return manyByConstruction || smallDistinct(cap: 20) == nil
    }()

    /// The distinct values while there are at most `cap` of them, else nil.
    func smallDistinct(cap: Int) -> [Double]? {
        if let (keys, _) = distinct { return keys.count <= cap ? keys : nil }
        var keys: [Double] = []
        var last = Double.nan
        for x in values where x != last {
            last = x
            if !keys.contains(x) {
                if keys.count == cap { return nil }
                keys.append(x)
            }
        }
        return keys
    }
}

/// Builds a `NumericSample` in one pass over a column's values as they stream by, with no
/// allocation per value: values are counted per distinct value while there are at most
/// `countCap` of them (a small open-addressing table keyed by the bit pattern), and kept as an
/// array once there are more. Non-finite values are dropped (as `DriftSample.numbers` does);
/// null rows are skipped through a validity bitmap (bit i set when row i is present).
public struct NumericSampleBuilder {
    public let integer: Bool
    let cap: Int
    // The counting table: `slotKeys` holds bit patterns (`empty` when free), `slotCounts` counts.
    var slotKeys: [UInt64]
    var slotCounts: [Int]
    var used = 0
    let shift: UInt64
    /// Non-nil once the table overflowed: every value so far.
    var stored: [Double]? = nil

    /// A quiet NaN's pattern: never a key, since non-finite values are dropped.
    static let empty: UInt64 = 0x7FF8_0000_0000_0001

    /// `countCap` (at least 21, so that an overflow answers Evidently's "more than 20 distinct
    /// values" by itself) bounds the distinct values counted before the builder keeps values.
    public init(integer: Bool, countCap: Int = 64) {
        self.integer = integer
        cap = max(countCap, 21)
        var size = 4
        while size < 2 * cap { size *= 2 }
        slotKeys = [UInt64](repeating: Self.empty, count: size)
        slotCounts = [Int](repeating: 0, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// Too many distinct values: keeps the values instead (the counted ones expanded).
    mutating func spill() {
        var v: [Double] = []
        v.reserveCapacity(1 << 16)
        for (k, c) in zip(slotKeys, slotCounts) where k != Self.empty {
            v.append(contentsOf: repeatElement(Double(bitPattern: k), count: c))
        }
        stored = v
        slotKeys = []; slotCounts = []
    }

    /// Makes room for `n` more stored values, growing geometrically.
    mutating func reserve(_ n: Int) {
        guard stored != nil else { return }
        let need = stored!.count + n
        if stored!.capacity < need { stored!.reserveCapacity(Swift.max(need, stored!.capacity * 2)) }
    }

    @inline(__always)
    mutating func append<T>(_ values: UnsafeBufferPointer<T>, validity: UnsafeRawBufferPointer?, _ convert: (T) -> Double) {
        var i = 0
        let n = values.count
        // Counting: the table's storage borrowed once for the run, until a value finds no room.
        if stored == nil {
            let cap = self.cap, shift = self.shift
            var used = self.used
            // The index of the first value that found no room (n when all were counted).
            i = slotKeys.withUnsafeMutableBufferPointer { keys in
                slotCounts.withUnsafeMutableBufferPointer { counts in
                    let mask = keys.count &- 1
                    for j in 0..<n {
                        if let v = validity, v[j &>> 3] &>> UInt8(j & 7) & 1 == 0 { continue }
                        let x = convert(values[j])
                        guard x.isFinite else { continue }
                        let bits = (x + 0).bitPattern
                        var s = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> shift)
                        while true {
                            let k = keys[s]
                            if k == bits { break }
                            if k == Self.empty {
                                if used == cap { return j }
                                keys[s] = bits
                                used &+= 1
                                break
                            }
                            s = (s &+ 1) & mask
                        }
                        counts[s] &+= 1
                    }
                    return n
                }
            }
            self.used = used
            guard i < n else { return }
            spill()
        }
        // Keeping: the rest of the run appended (value i, which overflowed the table, first).
        reserve(n - i)
        var kept = stored.take()!   // moved out, so appending never copies
        if let v = validity {
            while i < n {
                if v[i &>> 3] &>> UInt8(i & 7) & 1 != 0 { let x = convert(values[i]); if x.isFinite { kept.append(x) } }
                i &+= 1
            }
        } else {
            while i < n { let x = convert(values[i]); if x.isFinite { kept.append(x) }; i &+= 1 }
        }
        stored = kept
    }

    /// Adds a column's values; rows whose validity bit is clear are skipped.
    public mutating func append(_ values: UnsafeBufferPointer<Int64>, validity: UnsafeRawBufferPointer?) { append(values, validity: validity) { Double($0) } }
    /// Adds a column's values; rows whose validity bit is clear are skipped.
    public mutating func append(_ values: UnsafeBufferPointer<Int32>, validity: UnsafeRawBufferPointer?) { append(values, validity: validity) { Double($0) } }
    /// Adds a column's values; rows whose validity bit is clear are skipped.
    public mutating func append(_ values: UnsafeBufferPointer<Float>, validity: UnsafeRawBufferPointer?) { append(values, validity: validity) { Double($0) } }
    /// Adds a column's values; rows whose validity bit is clear are skipped.
    public mutating func append(_ values: UnsafeBufferPointer<Double>, validity: UnsafeRawBufferPointer?) { append(values, validity: validity) { $0 } }

    /// The sample.
    public func finish() -> DriftSample {
        if let v = stored { return .numeric(NumericSample(values: v, integer: integer, manyDistinct: true)) }
        var pairs: [(Double, Int)] = []
        for (k, c) in zip(slotKeys, slotCounts) where k != Self.empty { pairs.append((Double(bitPattern: k), c)) }
        pairs.sort { $0.0 < $1.0 }
        return .numeric(NumericSample(keys: pairs.map(\.0), counts: pairs.map(\.1), integer: integer))
    }
}

/// A statistic could not be computed for these samples (empty, or the wrong kind of column).
public struct DriftError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
