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
