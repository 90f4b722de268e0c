/// An error that knows where it happened and what went wrong, in the two parts of the one
/// line every tool prints (`tool: where: what`). Every module's error type conforms, so
/// `ToolRunner` reports any of them the same way and no command re-wraps or parses messages.
///
/// This module has no dependencies: a domain library can conform without knowing about the CLI.
public protocol LocatedError: Error, CustomStringConvertible {
    /// Where: a file, `stdin`, an option name, `record 3` of a stream...
    var location: String { get }
    /// What went wrong, one line.
    var reason: String { get }
    /// True when the user asked for something invalid (exit status 2), false for a runtime or
    /// data error (exit status 1).
    var isUsageError: Bool { get }
}

extension LocatedError {
    public var isUsageError: Bool { false }
    /// `where: what`.
    public var description: String { "\(location): \(reason)" }
}
