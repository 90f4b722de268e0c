/// One reason a reader schema cannot read what a writer schema wrote.
public struct Incompatibility: Hashable, Sendable, CustomStringConvertible {
    /// The rule that failed (the categories of Avro's own checkers).
    public enum Kind: String, Hashable, Sendable {
        case typeMismatch = "type mismatch"
        case nameMismatch = "name mismatch"
        case fixedSizeMismatch = "fixed size mismatch"
        case missingEnumSymbols = "missing enum symbols"
        case readerFieldMissingDefault = "reader field missing default"
        case missingUnionBranch = "missing union branch"
    }

    /// Which rule.
    public var kind: Kind
    /// Where, in the reader schema (`fields[1].type`); writer-only places are named in `message`.
    public var path: SchemaPath
    /// What is wrong, for a person.
    public var message: String

    /// An incompatibility at `path`.
    public init(_ kind: Kind, at path: SchemaPath, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
