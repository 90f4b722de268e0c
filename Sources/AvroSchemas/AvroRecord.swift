/// A record (or an `error`, its twin for protocols): named, with ordered fields.
public struct AvroRecord: Sendable {
    /// The full name.
    public var name: AvroName
    /// Former names of this type, as written (a reader matches a renamed writer through them).
    public var aliases: [String]
    public var doc: String?
    /// The fields in order (the order values are encoded in).
    public var fields: [AvroField]
    /// Declared as `"type": "error"`.
    public var isError: Bool

    /// The field named `name`, if any.
    public func field(named name: String) -> AvroField? { fields.first { $0.name == name } }
}

/// One field of a record.
public struct AvroField: Sendable {
    public var name: String
    /// The field's type, a node of the same schema.
    public var type: AvroSchema.NodeID
    /// The default as written; nil when the field has none (`"default": null` is `.null`).
    public var defaultValue: JSONValue?
    /// Former names of the field (a reader matches a renamed writer field through them).
    public var aliases: [String]
    public var order: AvroFieldOrder
    public var doc: String?
    /// Attributes Avro does not define, including Sluice's `sluice.id`, `sluice.role`, `sluice.unit`.
    public var properties: [String: JSONValue]

    /// `sluice.id`: the field's stable id, which survives renames (a non-negative integer,
    /// unique within its record).
    public var sluiceID: Int64? {
        if case .integer(let i)? = properties[SluiceKeys.id] { return i }
        return nil
    }

    /// `sluice.role`: what the field means to the recommendation tools.
    public var sluiceRole: SluiceRole? { properties[SluiceKeys.role]?.stringValue.flatMap(SluiceRole.init(rawValue:)) }

    /// `sluice.unit`: the unit of a time field.
    public var sluiceUnit: SluiceTimeUnit? { properties[SluiceKeys.unit]?.stringValue.flatMap(SluiceTimeUnit.init(rawValue:)) }
}

/// A field's sort order (`order`), default ascending.
public enum AvroFieldOrder: String, Sendable {
    case ascending, descending, ignore
}
