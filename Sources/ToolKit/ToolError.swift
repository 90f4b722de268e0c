import Pipes

/// An error a tool throws to fail with a message and exit status. The runner prints it as one
/// line `tool: where: what` on stderr.
public struct ToolError: Error, CustomStringConvertible {
    /// Exit status 1: bad or truncated input, limits, I/O.
    public static let runtimeStatus: Int32 = 1
    /// Exit status 2: a usage error (bad option values, conflicting flags).
    public static let usageStatus: Int32 = 2

    /// Where: an input name ("stdin", a path), an option ("--head"), a record ("record 3").
    public var location: String
    /// What went wrong.
    public var message: String
    /// The exit status (1 or 2).
    public var status: Int32

    /// A failure at `location` (exit status 1 unless `status` says otherwise).
    public init(_ location: String, _ message: String, status: Int32 = ToolError.runtimeStatus) {
        self.location = location
        self.message = message
        self.status = status
    }

    /// A usage error (exit 2), e.g. `ToolError.usage("--head", "must be at least 0")`.
    public static func usage(_ location: String, _ message: String) -> ToolError {
        ToolError(location, message, status: usageStatus)
    }

    /// `location: message`.
    public var description: String { "\(location): \(message)" }
}
