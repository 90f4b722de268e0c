import Capnp
import Columns
import Migration
import Pipes
import Schemas
import TableRecords

/// Migrates a table stream batch record by batch record. A column whose values pass through
/// every hop unchanged (renamed or made nullable at most) is checked on the wire and copied in
/// its wire form; only columns that a computed field reads are decoded into arrays. So the cost
/// of a migration is close to a pass-through plus the work of its casts and derivations.
struct StreamMigrator {
    let plans: [MigrationPlan]
    let source: Columns.TableSchema
    /// Per output field: the source column it is, when every hop passes it through.
    let origin: [Int?]
    /// Per source column: whether a computed field reads its values.
    let decode: [Bool]
    /// Per source column: whether its values reach the output as text (so must be checked as UTF-8).
    let keepsText: [Bool]
    /// Per output field: a pass-through text column written as bytes (its union tag changes).
    let retag: [Bool]

    init(plans: [MigrationPlan], source: Columns.TableSchema) {
        self.plans = plans
        self.source = source
        // Where a field of hop h's source came from in the original columns (nil: computed).
        var fromOriginal: [Int?] = source.fields.indices.map { $0 }
        var decode = [Bool](repeating: false, count: source.fields.count)
        for p in plans {
            for r in p.reads { if let o = fromOriginal[r] { decode[o] = true } }
            fromOriginal = p.passthrough.map { $0.flatMap { fromOriginal[$0] } }
        }
        origin = fromOriginal
        self.decode = decode
        // A text column that every output carrying it writes as bytes needs no UTF-8 check;
        // one that is decoded (read by a computed field) is checked by the reader anyway.
        let outputTypes = plans.last?.target.fields.map(\.type) ?? source.fields.map(\.type)
        keepsText = source.fields.indices.map { i in
            source.fields[i].type == .utf8 && zip(fromOriginal, outputTypes).contains { $0.0 == i && $0.1 == .utf8 }
        }
        retag = zip(fromOriginal, outputTypes).map { o, t in o.map { source.fields[$0].type == .utf8 && t == .bytes } ?? false }
    }

    /// The output fields' count.
    var outputCount: Int { plans.last?.target.fields.count ?? source.fields.count }

    /// Migrates one batch record into `out` (a fresh `TableBatch` builder).
    func migrate(_ record: TableBatch.Reader, into out: TableBatch.Builder, losses: inout LossCounts) throws {
        let rows = Int(record.rows)
        let wire = try record.columns
        guard wire.count == source.fields.count else {
            throw ColumnsError("\(wire.count) columns, the schema has \(source.fields.count) fields")
        }
        var columns: [Column] = []
        columns.reserveCapacity(wire.count)
        for (i, field) in source.fields.enumerated() {
            let w = try wire.get(i)
            if decode[i] {
                columns.append(try TableBatchRecord.read(w, field: field, rows: rows))
            } else {
                try TableBatchRecord.check(w, field: field, rows: rows, checkText: keepsText[i])
                columns.append(Column(for: Field(name: field.name, type: field.type)))   // moved, never read
            }
        }
        var batch = ColumnBatch(rows: rows, columns: columns)
        for p in plans { batch = try p.apply(batch, losses: &losses) }
        out.rows = UInt32(rows)
        let list = out.initColumns(count: outputCount)
        for t in 0..<outputCount {
            let target = TableColumn.Builder(list.structElement(at: t))
            if let i = origin[t] {
                try TableBatchRecord.copy(try wire.get(i), into: target, asBytes: retag[t])
            } else {
                TableBatchRecord.write(batch.columns[t], into: target)
            }
        }
    }
}
