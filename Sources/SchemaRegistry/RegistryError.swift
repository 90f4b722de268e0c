import Diagnostics

/// A registry that cannot be read or written as asked: a malformed config, a gap in the
/// versions, a bad subject name. `location` is the file or directory.
public struct RegistryError: LocatedError, Equatable, Sendable {
    public var location: String
    public var reason: String
    /// True for a subject name that cannot be a directory (exit status 2).
    public var isUsageError: Bool

    public init(_ location: String, _ reason: String, usage: Bool = false) {
        self.location = location
        self.reason = reason
        isUsageError = usage
    }
}
