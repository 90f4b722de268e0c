/// A parsed Avro schema (`.avsc`): a graph of type nodes with one root.
///
/// Named types (records, enums, fixed) are nodes like any other; a reference by name in the
/// JSON (`"type": "Address"`) points at the same node as the definition, so a recursive
/// record is a cycle in the graph rather than an infinite tree, and node identity (`NodeID`)
/// is what the compatibility checker remembers to stop on cycles.
///
/// ```swift
/// let schema = try AvroSchema.parse(bytes, source: "v2.avsc")
/// print(schema.canonicalForm, schema.fingerprintHex)
/// if case .record(let r) = schema[schema.root].kind { print(r.fields.map(\.name)) }
/// ```
public struct AvroSchema: Sendable {
    /// The index of a node in `nodes`.
    public typealias NodeID = Int

    /// Every node of the graph; named types appear once however often they are referenced.
    public let nodes: [AvroNode]
    /// The node the document describes.
    public let root: NodeID
    /// Named types by full name (`com.acme.Address`).
    public let namedTypes: [String: NodeID]

    init(nodes: [AvroNode], root: NodeID, namedTypes: [String: NodeID]) {
        self.nodes = nodes
        self.root = root
        self.namedTypes = namedTypes
    }

    /// The node with this id.
    public subscript(id: NodeID) -> AvroNode { nodes[id] }

    /// Parses schema JSON. `source` names the text in errors (a path, `stdin`).
    /// Throws `SchemaError` with the path of the first problem; never traps on bad input.
    public static func parse(_ bytes: [UInt8], source: String) throws -> AvroSchema {
        try parse(json: JSONValue.parse(bytes, source: source), source: source)
    }

    /// Parses schema JSON text.
    public static func parse(_ text: String, source: String) throws -> AvroSchema {
        try parse(Array(text.utf8), source: source)
    }

    /// Builds the schema from an already parsed JSON value.
    public static func parse(json: JSONValue, source: String) throws -> AvroSchema {
        var parser = SchemaParser(source: source)
        return try parser.parseDocument(json)
    }
}

extension AvroSchema {
    /// The root as a record, when it is one (Sluice's table schemas always are).
    public var rootRecord: AvroRecord? {
        if case .record(let r) = self[root].kind { return r }
        return nil
    }

    /// Sees through the usual encoding of an optional value, a union of `null` and one other
    /// type (in either order): returns that type and true; any other node comes back as itself
    /// and false.
    public func nonNull(_ id: NodeID) -> (type: NodeID, isNullable: Bool) {
        guard case .union(let branches) = self[id].kind, branches.count == 2 else { return (id, false) }
        let isNull = branches.map { if case .primitive(.null) = self[$0].kind { return true } else { return false } }
        if isNull[0] && !isNull[1] { return (branches[1], true) }
        if isNull[1] && !isNull[0] { return (branches[0], true) }
        return (id, false)
    }
}
