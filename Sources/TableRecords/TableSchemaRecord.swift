import Capnp
import Columns
import Schemas

/// `Columns.TableSchema` to and from the `RowSchema` record of a table stream.
public enum TableSchemaRecord {
    static let types: [(ValueType, RowSchema.ValueType)] = [
        (.int32, .int32), (.int64, .int64), (.float32, .float32), (.float64, .float64), (.bool, .bool), (.utf8, .utf8), (.bytes, .bytes),
    ]
    static let roles: [(FieldRole, RowSchema.Role)] = [(.none, .none), (.user, .user), (.time, .time), (.item, .item), (.action, .action)]
    static let units: [(TimeUnit, RowSchema.TimeUnit)] = [(.none, .none), (.s, .s), (.ms, .ms), (.us, .us), (.ns, .ns)]

    /// Fills a `RowSchema` record.
    public static func write(_ schema: Columns.TableSchema, into record: RowSchema.Builder) {
        record.setSubject(schema.subject)
        record.version = schema.version
        record.fingerprint = schema.fingerprint
        let list = record.initFields(count: schema.fields.count)
        for (i, f) in schema.fields.enumerated() {
            let w = RowSchema.Field.Builder(list.structElement(at: i))
            w.id = f.id
            w.setName(f.name)
            w.type = types.first { $0.0 == f.type }!.1
            w.isList = f.isList
            w.nullable = f.nullable
            w.role = roles.first { $0.0 == f.role }!.1
            w.timeUnit = units.first { $0.0 == f.timeUnit }!.1
        }
    }

    /// Reads and checks a `RowSchema` record; an enum value this build does not know, or a
    /// schema that names a field twice, throws.
    public static func read(_ record: RowSchema.Reader) throws -> Columns.TableSchema {
        var fields: [Field] = []
        for f in try record.fields {
            let name = try f.name.string
            guard let type = types.first(where: { $0.1 == f.type })?.0 else {
                throw ColumnsError("schema: field '\(name)' has an unknown type \(f.type.rawValue)")
            }
            guard let role = roles.first(where: { $0.1 == f.role })?.0 else {
                throw ColumnsError("schema: field '\(name)' has an unknown role \(f.role.rawValue)")
            }
            guard let unit = units.first(where: { $0.1 == f.timeUnit })?.0 else {
                throw ColumnsError("schema: field '\(name)' has an unknown time unit \(f.timeUnit.rawValue)")
            }
            fields.append(Field(id: f.id, name: name, type: type, isList: f.isList, nullable: f.nullable, role: role, timeUnit: unit))
        }
        let schema = Columns.TableSchema(subject: try record.subject.string, version: record.version, fingerprint: record.fingerprint, fields: fields)
        try schema.validate()
        return schema
    }
}
