/// A store operation failed: I/O, a damaged file, or a request the store cannot satisfy.
/// `message` names the file and what is wrong, for the `tool: where: what` line.
public struct StoreError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
