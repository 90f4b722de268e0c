import Diagnostics

/// A store operation failed. `location` is the file or request, `reason` what is wrong; `kind`
/// lets callers tell the cases apart without reading the text.
public struct StoreError: LocatedError, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The operating system refused (open, read, write, lock...).
        case io
        /// A file's contents are not what the store wrote (checksums, ranges, counts).
        case damaged
        /// The events' columns differ from the store's schema.
        case schemaMismatch
        /// The request cannot be satisfied (no store, wrong time unit, events outside a day...).
        case request
    }

    public var kind: Kind
    public var location: String
    public var reason: String

    public init(_ kind: Kind, _ location: String, _ reason: String) {
        self.kind = kind
        self.location = location
        self.reason = reason
    }
}
