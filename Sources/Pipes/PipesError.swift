/// Every failure Pipes reports: what went wrong, where (`source`: "stdin", a path, an option),
/// and a message that reads well after `tool: source: `.
public struct PipesError: Error, Equatable, CustomStringConvertible {
    /// What kind of failure; tools map kinds to exit status (`.brokenPipe` ends quietly).
    public enum Kind: Sendable, Equatable {
        /// read/write/open failed (errno in the message).
        case io
        /// The reader closed the pipe (EPIPE): not an error for a Unix filter, see `| head`.
        case brokenPipe
        /// EOF in the middle of a frame.
        case truncated
        /// The bytes are not valid Cap'n Proto stream framing, or a frame is over the size limit.
        case framing
        /// The first frame is not a readable header.
        case badHeader
        /// The header names a different stream kind or schema version than the consumer reads.
        case wrongKind
        /// EOF after records but before the trailer: the producer died.
        case missingTrailer
        /// The trailer disagrees with what was read, or frames follow it.
        case badTrailer
        /// A frame that is not a record where a record was expected (a second header, ...).
        case unexpectedFrame
        /// A Cap'n Proto error inside a frame (pointer out of bounds, limits, ...).
        case invalidMessage
        /// A bad option or environment value (maps to a usage error).
        case invalidArgument
        /// Memory allocation failed.
        case outOfMemory
    }

    /// What kind of failure.
    public var kind: Kind
    /// Where: "stdin", a file path, an option name.
    public var source: String
    /// What, without the source prefix.
    public var message: String

    /// An error of `kind` at `source` saying `message`.
    public init(_ kind: Kind, source: String, _ message: String) {
        self.kind = kind
        self.source = source
        self.message = message
    }

    /// `source: message`, the part after `tool: ` in the one-line report.
    public var description: String { "\(source): \(message)" }
}
