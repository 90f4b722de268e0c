/// A record (or an `error`, its twin for protocols): named, with ordered fields.
public struct AvroRecord: Sendable {
    public var name: AvroName
    /// Former names of this type, as written (a reader matches a renamed writer through them).
    public var aliases: [String]
    public var doc: String?
    public var fields: [AvroField]
    /// Declared as `"type": "error"`.
    public var isError: Bool

    /// The field named `name`, if any.
    public func field(named name: String) -> AvroField? { fields.first { $0.name == name } }
}

/// One field of a record.
public struct AvroField: Sendable {
    public var name: String
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

/// The extension keys Sluice adds to Avro fields. Avro tools ignore unknown attributes, so a
/// Sluice `.avsc` stays a valid schema for every other Avro implementation.
public enum SluiceKeys {
    /// Stable field id (integer).
    public static let id = "sluice.id"
    /// Field role: one of `SluiceRole`.
    public static let role = "sluice.role"
    /// Time unit: one of `SluiceTimeUnit`.
    public static let unit = "sluice.unit"
}

/// What a field means to the recommendation tools (`sluice.role`).
public enum SluiceRole: String, Sendable, CaseIterable {
    case user, time, item, action, none
}

/// The unit of a time value (`sluice.unit`).
public enum SluiceTimeUnit: String, Sendable, CaseIterable {
    case s, ms, us, ns
}
