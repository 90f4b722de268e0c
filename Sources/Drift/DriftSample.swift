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
        case .numeric(let v): return v.values.count
        case .categorical(let v): return v.count
        }
    }

    /// Whether the sample is numeric.
    public var isNumeric: Bool { if case .numeric = self { return true } else { return false } }
}

/// Finite numbers with the summaries the statistics share, each computed once: the binned
/// statistics (PSI, JS, L∞) need only the extremes, a small distinct count and one pass, so
/// they never pay for a sort; KS, Wasserstein and Hellinger sort once.
public final class NumericSample {
    /// The values, in input order.
    public let values: [Double]
    /// Whether the column is an integer column.
    public let integer: Bool

    public init(_ values: [Double], integer: Bool) {
        self.values = values
        self.integer = integer
    }

    /// The values sorted ascending.
    public private(set) lazy var sorted: [Double] = values.sorted()

    /// The smallest and largest value (nil when empty).
    public private(set) lazy var extremes: (min: Double, max: Double)? = {
        guard var lo = values.first else { return nil }
        var hi = lo
        for x in values { if x < lo { lo = x } else if x > hi { hi = x } }
        return (lo, hi)
    }()

    /// More than 20 distinct values: Evidently's test for binning a numeric column.
    public private(set) lazy var manyDistinct: Bool = smallDistinct(cap: 20) == nil

    /// The distinct values while there are at most `cap` of them, else nil.
    func smallDistinct(cap: Int) -> [Double]? {
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

/// A statistic could not be computed for these samples (empty, or the wrong kind of column).
public struct DriftError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
