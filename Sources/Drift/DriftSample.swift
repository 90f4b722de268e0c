/// One column's non-null values, ready for the drift statistics: numbers sorted ascending, or
/// categories as strings. Nulls and non-finite numbers are dropped before a sample is made
/// (Evidently drops missing values too; a histogram cannot hold an infinity).
public enum DriftSample: Sendable {
    /// Finite numbers, sorted ascending. `integer` marks an integer column: NumPy's Sturges
    /// rule then never makes a bin narrower than 1.
    case numeric(sorted: [Double], integer: Bool)
    /// Category labels, in any order.
    case categorical([String])

    /// A numeric sample from unsorted values; non-finite values are dropped.
    public static func numbers<S: Sequence>(_ values: S, integer: Bool) -> DriftSample where S.Element == Double {
        var v = values.filter { $0.isFinite }
        v.sort()
        return .numeric(sorted: v, integer: integer)
    }

    /// The number of values.
    public var count: Int {
        switch self {
        case .numeric(let v, _): return v.count
        case .categorical(let v): return v.count
        }
    }

    /// Whether the sample is numeric.
    public var isNumeric: Bool { if case .numeric = self { return true } else { return false } }
}

/// A statistic could not be computed for these samples (empty, or the wrong kind of column).
public struct DriftError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
