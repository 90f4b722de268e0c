/// A fixed-size byte string.
public struct AvroFixed: Sendable {
    /// The full name.
    public var name: AvroName
    /// Former names, as written.
    public var aliases: [String]
    /// The number of bytes of every value.
    public var size: Int
}
