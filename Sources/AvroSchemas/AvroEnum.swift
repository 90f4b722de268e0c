/// An enum: its symbols, in order, and the symbol a reader uses for one it does not know.
public struct AvroEnum: Sendable {
    /// The full name.
    public var name: AvroName
    /// Former names, as written.
    public var aliases: [String]
    public var doc: String?
    /// The symbols in order (a value is encoded as its index).
    public var symbols: [String]
    /// The reader's fallback for writer symbols it lacks (must be one of `symbols`).
    public var defaultSymbol: String?
}
