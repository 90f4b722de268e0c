import Diagnostics

/// A schema that cannot be used: bad JSON, an unknown type, a duplicate name, an invalid
/// default... `location` is the file (or the name the caller gave the text), `reason` starts
/// with the path inside the schema: `fields[2].type: unknown type 'strng'`.
public struct SchemaError: LocatedError, Equatable, Sendable {
    /// The file or source name.
    public var location: String
    /// Where inside the schema.
    public var path: SchemaPath
    /// What is wrong, without the path.
    public var detail: String

    /// An error at `path` inside the schema read from `source`.
    public init(source: String, path: SchemaPath, reason: String) {
        location = source
        self.path = path
        detail = reason
    }

    /// `path: detail`, or just the detail for the whole document.
    public var reason: String { path.isRoot ? detail : "\(path): \(detail)" }
}
