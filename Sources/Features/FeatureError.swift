import Diagnostics

/// A bad spec, fit or input column: `location` is the file (or `input`), `reason` names the
/// key path inside it (`features[2].buckets: ...`) or the column.
public struct FeatureError: LocatedError, Equatable, Sendable {
    public var location: String
    public var reason: String

    public init(_ location: String, _ reason: String) {
        self.location = location
        self.reason = reason
    }
}
