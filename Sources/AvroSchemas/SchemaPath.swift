/// A place inside a schema, written the way a person reads the JSON: `fields[2].type`,
/// `fields[0].type[1].items`, `symbols`. Parse errors and compatibility reports both use it.
public struct SchemaPath: Hashable, Sendable, CustomStringConvertible {
    /// One step down the schema.
    public enum Step: Hashable, Sendable {
        /// An object key: `type`, `items`, `values`, `symbols`, `size`, `name`, `default`.
        case key(String)
        /// An array index: a field in `fields`, a union branch, a symbol.
        case index(Int)
    }

    /// The steps from the document root.
    public private(set) var steps: [Step]

    /// The root of the document.
    public init(_ steps: [Step] = []) { self.steps = steps }

    /// True for the root.
    public var isRoot: Bool { steps.isEmpty }

    /// This path extended by an object key.
    public func key(_ name: String) -> SchemaPath { SchemaPath(steps + [.key(name)]) }
    /// This path extended by an array index.
    public func index(_ i: Int) -> SchemaPath { SchemaPath(steps + [.index(i)]) }
    /// This path followed by `other`.
    public func appending(_ other: SchemaPath) -> SchemaPath { SchemaPath(steps + other.steps) }

    /// `fields[2].type`; the root prints as `(root)`.
    public var description: String {
        if steps.isEmpty { return "(root)" }
        var s = ""
        for step in steps {
            switch step {
            case .key(let k): s += s.isEmpty ? k : ".\(k)"
            case .index(let i): s += "[\(i)]"
            }
        }
        return s
    }
}
