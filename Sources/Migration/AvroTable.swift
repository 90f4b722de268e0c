import AvroSchemas
import Columns

/// Registry schemas (Avro records) as table schemas and back. A table column is one Avro field
/// of a primitive type (int, long, float, double, boolean, string, bytes), an array of one, or
/// either in a union with null (`["null", T]`: nullable). Sluice's keys carry the rest:
/// `sluice.id`, `sluice.role`, `sluice.unit`; a `long` with logical type `timestamp-millis`
/// (or `-micros`, `-nanos`) is a time field in that unit unless the keys say otherwise.
public enum AvroTable {
    static let primitives: [(AvroPrimitive, ValueType)] = [
        (.int, .int32), (.long, .int64), (.float, .float32), (.double, .float64), (.boolean, .bool), (.string, .utf8), (.bytes, .bytes),
    ]

    /// The table schema of a registry version, and what resolution needs to migrate to it
    /// (aliases, defaults).
    public static func target(_ avro: AvroSchema, subject: String, version: Int) throws -> MigrationTarget {
        guard case .record(let record) = avro[avro.root].kind else {
            throw ColumnsError("\(subject) v\(version): the schema is \(avro[avro.root].kind.typeName), a table needs a record")
        }
        var fields: [Field] = []
        var aliases: [[String]] = []
        var defaults: [DefaultValue?] = []
        for f in record.fields {
            func bad(_ what: String) -> ColumnsError { ColumnsError("\(subject) v\(version): field '\(f.name)': \(what)") }
            var node = avro[f.type]
            var nullable = false
            if case .union(let branches) = node.kind {
                let nonNull = branches.filter { if case .primitive(.null) = avro[$0].kind { return false } else { return true } }
                guard branches.count == 2, nonNull.count == 1 else {
                    throw bad("a union other than [\"null\", T] has no table column")
                }
                nullable = true
                node = avro[nonNull[0]]
            }
            var isList = false
            if case .array(let items) = node.kind { isList = true; node = avro[items] }
            guard case .primitive(let p) = node.kind, let type = primitives.first(where: { $0.0 == p })?.1 else {
                throw bad("\(node.kind.typeName) has no table column (int, long, float, double, boolean, string, bytes, an array of one, or one of these with null)")
            }
            var role = FieldRole(rawValue: f.sluiceRole?.rawValue ?? "none") ?? .none
            var unit = TimeUnit(rawValue: f.sluiceUnit?.rawValue ?? "none") ?? .none
            if p == .long, let logical = node.logicalType, logical.hasPrefix("timestamp-") {
                if f.sluiceRole == nil { role = .time }
                if f.sluiceUnit == nil {
                    unit = ["timestamp-millis": TimeUnit.ms, "timestamp-micros": .us, "timestamp-nanos": .ns][logical] ?? .none
                }
            }
            guard let id = UInt32(exactly: f.sluiceID ?? 0) else { throw bad("sluice.id \(f.sluiceID!) is out of range") }
            fields.append(Field(id: id, name: f.name, type: type, isList: isList, nullable: nullable, role: role, timeUnit: unit))
            aliases.append(f.aliases)
            if let d = f.defaultValue {
                guard let value = MigrationSpec.defaultValue(d, type: type), !isList || value == .null else {
                    throw bad("default \(d.kindName) does not fit \(type.rawValue)")
                }
                defaults.append(value)
            } else {
                defaults.append(nil)
            }
        }
        let schema = TableSchema(subject: subject, version: UInt32(version), fingerprint: avro.fingerprint, fields: fields)
        try schema.validate()
        return MigrationTarget(schema: schema, aliases: aliases, defaults: defaults)
    }

    /// An Avro record schema (JSON text) for a table schema: what `infer` prints and a first
    /// registry version starts from. Nullable fields become `["null", T]` with default null.
    public static func avroJSON(_ schema: TableSchema, name: String) -> String {
        let fields = schema.fields.map { f -> JSONValue in
            var type = JSONValue.string(primitives.first { $0.1 == f.type }!.0.rawValue)
            if f.isList { type = .object(["type": .string("array"), "items": type]) }
            var o: [String: JSONValue] = ["name": .string(f.name)]
            if f.nullable {
                o["type"] = .array([.string("null"), type])
                o["default"] = .null
            } else {
                o["type"] = type
            }
            if f.id != 0 { o[SluiceKeys.id] = .integer(Int64(f.id)) }
            if f.role != .none { o[SluiceKeys.role] = .string(f.role.rawValue) }
            if f.timeUnit != .none { o[SluiceKeys.unit] = .string(f.timeUnit.rawValue) }
            return .object(o)
        }
        return JSONValue.object(["type": .string("record"), "name": .string(name), "fields": .array(fields)]).text() + "\n"
    }
}
