/// A malformed profile or an impossible request (merging profiles built with different
/// parameters); `message` says what.
public struct ProfilingError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
