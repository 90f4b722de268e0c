import Columns
import EventRecords
import SeqCodec

/// Events (the `events` and `seq-blocks` streams' columns) as a table and back, value for
/// value: user, time, item and action become int64 fields with their roles, integer extras
/// int64 fields, float extras float64 fields (the same binary64 bits).
///
/// Null extras (`EventNull`, from blank fields) are table nulls: extra fields are nullable.
///
/// Field names drop the header's RecBole type suffix (`rating:float` → `rating`), since
/// registry names may not hold a colon; going back, float fields get `:float` again, so the
/// values and column order round-trip exactly and only the role columns' suffixes normalize.
public enum EventTable {
    /// The table schema of an event layout. A table whose events never had an action column
    /// still gets one (events streams always carry it, as zeros): dropping it would lose a
    /// column a later tool may expect.
    public static func schema(of layout: EventLayout, timeUnit: TimeUnit = .none) -> Columns.TableSchema {
        var fields: [Field] = []
        for (i, column) in layout.columns.enumerated() {
            let id = UInt32(i + 1)
            switch column.role {
            case .user: fields.append(Field(id: id, name: column.name, type: .int64, role: .user))
            case .time: fields.append(Field(id: id, name: column.name, type: .int64, role: .time, timeUnit: timeUnit))
            case .item: fields.append(Field(id: id, name: column.name, type: .int64, role: .item))
            case .action: fields.append(Field(id: id, name: column.name, type: .int64, role: .action))
            case .extraInt: fields.append(Field(id: id, name: column.name, type: .int64, nullable: true))
            case .extraFloat: fields.append(Field(id: id, name: column.name, type: .float64, nullable: true))
            }
        }
        return Columns.TableSchema(fields: fields)
    }

    /// The events of one batch as table columns in the layout's column order.
    public static func batch(_ events: EventColumns, layout: EventLayout) -> ColumnBatch {
        let columns = layout.columns.map { column -> Column in
            switch column.role {
            case .user: return Column(values: .int64(events.user))
            case .time: return Column(values: .int64(events.time))
            case .item: return Column(values: .int64(events.item))
            case .action: return Column(values: .int64(events.action))
            case .extraInt(let c):
                let values = events.extras[c]
                return Column(values: .int64(values.map { $0 == EventNull.int ? 0 : $0 }), validity: validity(values, null: EventNull.int))
            case .extraFloat(let c):
                let bits = events.extras[c]
                return Column(values: .float64(bits.map { $0 == EventNull.floatBits ? 0 : Double(bitPattern: UInt64(bitPattern: $0)) }),
                              validity: validity(bits, null: EventNull.floatBits))
            }
        }
        return ColumnBatch(rows: events.count, columns: columns)
    }

    /// The validity of a column whose nulls are `null`; nil when it has none.
    static func validity(_ values: [Int64], null: Int64) -> BitVector? {
        guard values.contains(null) else { return nil }
        return BitVector(values.lazy.map { $0 != null })
    }

    /// The event layout a table maps onto: its user, time and item fields by role (an action
    /// field is optional), every other field an extra column. Only non-null, non-list int64
    /// and float64 fields fit an events stream.
    public static func layout(of schema: Columns.TableSchema) throws -> EventLayout {
        var columns: [EventLayout.Column] = []
        var extras = 0
        for f in schema.fields {
            guard !f.isList, f.type == .int64 || f.type == .float64 else {
                throw ColumnsError("field '\(f.name)' is \(f.typeDescription); events hold only int64 and float64 columns")
            }
            switch f.role {
            case .user, .time, .item, .action:
                guard f.type == .int64, !f.nullable else {
                    throw ColumnsError("field '\(f.name)' has role \(f.role.rawValue) but is \(f.typeDescription), not a non-null int64")
                }
                let role: EventLayout.Role = f.role == .user ? .user : f.role == .time ? .time : f.role == .item ? .item : .action
                columns.append(.init(header: f.name, role: role))
            case .none:
                columns.append(.init(header: f.type == .float64 ? f.name + ":float" : f.name,
                                     role: f.type == .float64 ? .extraFloat(extras) : .extraInt(extras)))
                extras += 1
            }
        }
        for role in [FieldRole.user, .time, .item] where !schema.fields.contains(where: { $0.role == role }) {
            throw ColumnsError("no field has role \(role.rawValue); an events stream needs user, time and item")
        }
        return EventLayout(columns: columns)
    }

    /// A table batch as events, for the layout `layout(of:)` made from the same schema.
    public static func events(_ batch: ColumnBatch, layout: EventLayout) -> EventColumns {
        var out = EventColumns(extraColumnCount: layout.extraColumnCount)
        out.action = [Int64](repeating: 0, count: batch.rows)
        for (column, c) in zip(layout.columns, batch.columns) {
            var ints: [Int64]
            switch c.values {
            case .int64(let v): ints = v
            case .float64(let v): ints = v.map { Int64(bitPattern: $0.bitPattern) }
            default: preconditionFailure("EventTable.events: the batch does not match the layout")
            }
            if let valid = c.validity {
                let null = c.values.type == .float64 ? EventNull.floatBits : EventNull.int
                for r in 0..<batch.rows where !valid[r] { ints[r] = null }
            }
            switch column.role {
            case .user: out.user = ints
            case .time: out.time = ints
            case .item: out.item = ints
            case .action: out.action = ints
            case .extraInt(let e), .extraFloat(let e): out.extras[e] = ints
            }
        }
        return out
    }
}
