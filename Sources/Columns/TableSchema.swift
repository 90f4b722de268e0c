/// The value type of a table field (of its list elements when the field is a list).
public enum ValueType: String, CaseIterable, Sendable {
    case int32, int64, float32, float64, bool, utf8, bytes

    public var isInteger: Bool { self == .int32 || self == .int64 }
    public var isFloat: Bool { self == .float32 || self == .float64 }
    public var isNumeric: Bool { isInteger || isFloat }
}

/// What a field means to sequence-aware tools (dq-check's per-user checks, feat-etl's
/// sequences): which column is the user, the event time, the item, the action.
public enum FieldRole: String, CaseIterable, Sendable {
    case none, user, time, item, action
}

/// The unit of a `time` field's integers.
public enum TimeUnit: String, CaseIterable, Sendable {
    case none, s, ms, us, ns
}

/// One column of a table.
public struct Field: Equatable, Sendable {
    /// Stable across renames (the `.avsc` key `sluice.id`); 0 when the field has none.
    public var id: UInt32
    public var name: String
    public var type: ValueType
    public var isList: Bool
    /// Rows may be null (a whole list row, not its elements).
    public var nullable: Bool
    public var role: FieldRole
    public var timeUnit: TimeUnit

    public init(id: UInt32 = 0, name: String, type: ValueType, isList: Bool = false, nullable: Bool = false,
                role: FieldRole = .none, timeUnit: TimeUnit = .none) {
        self.id = id
        self.name = name
        self.type = type
        self.isList = isList
        self.nullable = nullable
        self.role = role
        self.timeUnit = timeUnit
    }

    /// `int64`, `list<utf8>`, `float64?` (nullable): the type as people write it.
    public var typeDescription: String {
        let base = isList ? "list<\(type.rawValue)>" : type.rawValue
        return nullable ? base + "?" : base
    }
}

/// The columns of a table and the registry schema its rows were written under.
public struct TableSchema: Equatable, Sendable {
    /// Registry subject; empty when the table never met a registry.
    public var subject: String
    /// Registry version (1, 2, ...); 0 when unknown.
    public var version: UInt32
    /// CRC-64-AVRO fingerprint of the registry schema's canonical form; 0 when unknown.
    public var fingerprint: UInt64
    public var fields: [Field]

    public init(subject: String = "", version: UInt32 = 0, fingerprint: UInt64 = 0, fields: [Field]) {
        self.subject = subject
        self.version = version
        self.fingerprint = fingerprint
        self.fields = fields
    }

    /// The index of the field named `name`.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// Checks the schema itself: names unique and non-empty, at most one field per sequence role.
    public func validate() throws {
        var names = Set<String>()
        for (i, f) in fields.enumerated() {
            guard !f.name.isEmpty else { throw ColumnsError("fields[\(i)]: empty name") }
            guard names.insert(f.name).inserted else { throw ColumnsError("field '\(f.name)' appears twice") }
        }
        for role in FieldRole.allCases where role != .none {
            let holders = fields.filter { $0.role == role }
            if holders.count > 1 {
                throw ColumnsError("fields \(holders.map { "'\($0.name)'" }.joined(separator: " and ")) both have role \(role.rawValue)")
            }
        }
        var ids = Set<UInt32>()
        for f in fields where f.id != 0 {
            guard ids.insert(f.id).inserted else { throw ColumnsError("field id \(f.id) appears twice (field '\(f.name)')") }
        }
    }
}

/// A malformed table, schema or value; `message` says where and what.
public struct ColumnsError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
