/// Why an encoded sequence block could not be decoded.
///
/// Every malformed input — truncated, corrupted or oversized — ends in one of these errors;
/// the decoder never traps on bad bytes. `description` names where and what, suitable for the
/// `tool: where: what` error line.
public struct SeqCodecError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The bytes end before a structure they announce.
        case truncated
        /// The checksum over the block does not match: the bytes were altered.
        case checksumMismatch
        /// A field holds a value the format does not allow (bad version, width, count, index).
        case malformed
        /// The block announces more events or columns than the decoder's limits allow.
        case limitExceeded
    }
    public var kind: Kind
    public var message: String
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
