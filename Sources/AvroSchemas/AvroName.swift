/// The full name of a named type: `namespace.name`, or just `name` in the null namespace.
public struct AvroName: Hashable, Sendable, CustomStringConvertible {
    /// The last component (`Address`).
    public var name: String
    /// The dotted namespace (`com.acme`), empty for the null namespace.
    public var namespace: String

    /// A name in a namespace.
    public init(name: String, namespace: String) {
        self.name = name
        self.namespace = namespace
    }

    /// `com.acme.Address`.
    public var fullName: String { namespace.isEmpty ? name : "\(namespace).\(name)" }
    public var description: String { fullName }

    /// Resolves a name as written in a schema: a dotted name is already full; a simple one
    /// takes the enclosing namespace (Avro's rule for names and references alike).
    static func resolve(_ written: String, in namespace: String) -> AvroName {
        if let dot = written.lastIndex(of: ".") {
            return AvroName(name: String(written[written.index(after: dot)...]), namespace: String(written[..<dot]))
        }
        return AvroName(name: written, namespace: namespace)
    }

    /// Avro names: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isValidSimpleName(_ s: String) -> Bool {
        guard let first = s.utf8.first, isNameStart(first) else { return false }
        return s.utf8.allSatisfy { isNameStart($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// A namespace or full name: valid simple names joined by dots.
    static func isValidDottedName(_ s: String) -> Bool {
        s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isValidSimpleName(String($0)) }
    }

    private static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f
    }
}
