/// The one error type of the Cap'n Proto runtime.
///
/// Every malformed input (truncated frames, out-of-bounds pointers, cycles, amplification,
/// over-deep nesting, bad packing) surfaces as a `CapnpError`; the runtime never traps on input.
/// `message` names what went wrong and where, e.g.
/// `pointer at segment 0 word 17: far pointer to segment 9 of 3`.
public struct CapnpError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The class of failure, for callers that branch on it.
    public enum Kind: Sendable {
        case truncated, outOfBounds, invalidPointer, wrongPointerType,
             traversalLimit, nestingLimit, segmentLimit, invalidFraming, invalidPacked, invalidText,
             unsupported
    }
    /// The class of failure.
    public var kind: Kind
    /// What went wrong and where, as one line.
    public var message: String
    /// Creates an error of `kind` described by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    /// The message, so `"\(error)"` prints the one-line description.
    public var description: String { message }
}

// Error constructors live out of line so the inlinable fast paths stay small.
extension CapnpError {
    @usableFromInline @inline(never)
    static func at(_ kind: Kind, segment: Int, word: Int, _ what: String) -> CapnpError {
        CapnpError(kind, "pointer at segment \(segment) word \(word): \(what)")
    }
}
