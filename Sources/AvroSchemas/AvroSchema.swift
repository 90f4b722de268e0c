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

/// One type in a schema graph: what kind it is, plus what the author attached to it.
public struct AvroNode: Sendable {
    /// The type and its structure.
    public var kind: AvroKind
    /// `logicalType` (`timestamp-millis`, `decimal`, ...). Kept as an attribute: Avro's
    /// resolution and canonical form work on the underlying type.
    public var logicalType: String?
    /// Every other attribute of the type's JSON object that Avro itself does not define
    /// (logical type parameters such as `precision`, extension keys such as `sluice.unit`).
    public var properties: [String: JSONValue]
}

/// The kinds of Avro type.
public enum AvroKind: Sendable {
    case primitive(AvroPrimitive)
    case record(AvroRecord)
    case enumeration(AvroEnum)
    case array(items: AvroSchema.NodeID)
    case map(values: AvroSchema.NodeID)
    case fixed(AvroFixed)
    /// Branches in order; never directly another union, never two of one unnamed kind.
    case union([AvroSchema.NodeID])

    /// The name Avro uses for this kind in JSON (`record`, `int`, `union`...).
    public var typeName: String {
        switch self {
        case .primitive(let p): return p.rawValue
        case .record(let r): return r.isError ? "error" : "record"
        case .enumeration: return "enum"
        case .array: return "array"
        case .map: return "map"
        case .fixed: return "fixed"
        case .union: return "union"
        }
    }

    /// The full name of a named type (record, enum, fixed), nil otherwise.
    public var name: AvroName? {
        switch self {
        case .record(let r): return r.name
        case .enumeration(let e): return e.name
        case .fixed(let f): return f.name
        default: return nil
        }
    }
}

/// Avro's eight primitive types.
public enum AvroPrimitive: String, Sendable, CaseIterable {
    case null, boolean, int, long, float, double, bytes, string
}

/// An enum: its symbols, in order, and the symbol a reader uses for one it does not know.
public struct AvroEnum: Sendable {
    public var name: AvroName
    public var aliases: [String]
    public var doc: String?
    public var symbols: [String]
    /// The reader's fallback for writer symbols it lacks (must be one of `symbols`).
    public var defaultSymbol: String?
}

/// A fixed-size byte string.
public struct AvroFixed: Sendable {
    public var name: AvroName
    public var aliases: [String]
    public var size: Int
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
