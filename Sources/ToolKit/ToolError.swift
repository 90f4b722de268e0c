import Pipes

/// An error a tool throws to fail with a message and exit status. The runner prints it as one
/// line `tool: where: what` on stderr.
public struct ToolError: Error, CustomStringConvertible {
    /// Exit status 1: bad or truncated input, limits, I/O.
    public static let runtimeStatus: Int32 = 1
    /// Exit status 2: a usage error (bad option values, conflicting flags).
    public static let usageStatus: Int32 = 2
    /// Exit status 3: the check ran and the data or schema failed it (schema-migrate's
    /// compatibility checks and gates, dq-check), so CI can tell "bad data" from "could not run".
    public static let checkFailedStatus: Int32 = 3

    /// Where: an input name ("stdin", a path), an option ("--head"), a record ("record 3").
    public var location: String
    /// What went wrong.
    public var message: String
    /// The exit status (1, 2 or 3).
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

    /// A check that ran and failed (exit 3), e.g.
    /// `ToolError.checkFailed("new.avsc", "incompatible with v3 under BACKWARD")`.
    public static func checkFailed(_ location: String, _ message: String) -> ToolError {
        ToolError(location, message, status: checkFailedStatus)
    }

    /// `location: message`.
    public var description: String { "\(location): \(message)" }
}
