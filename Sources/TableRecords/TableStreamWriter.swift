import Columns
import Pipes
import Schemas

/// Writes a table stream: the schema record first, then batches of at most `maxRows` rows
/// (bounded frames, whatever the caller hands in), the trailer with any named counts.
public final class TableStreamWriter {
    public let writer: RecordStreamWriter
    public let schema: Columns.TableSchema
    public let maxRows: Int
    private var wroteSchema = false
    /// Rows written so far.
    public private(set) var rows = 0

    public init(_ writer: RecordStreamWriter, schema: Columns.TableSchema, maxRows: Int = 65_536) {
        self.writer = writer
        self.schema = schema
        self.maxRows = maxRows
    }

    private func schemaIfNeeded() throws {
        guard !wroteSchema else { return }
        wroteSchema = true
        try writer.writeRecord { root in TableSchemaRecord.write(schema, into: TableFrame.Builder(root).initRowSchema()) }
    }

    /// Writes `batch`, which must match the schema.
    public func write(_ batch: ColumnBatch) throws {
        try schemaIfNeeded()
        guard batch.rows > 0 else { return }
        var start = 0
        while start < batch.rows {
            let end = min(batch.rows, start + maxRows)
            let part = start == 0 && end == batch.rows ? batch : Self.slice(batch, start..<end)
            try writer.writeRecord { root in TableBatchRecord.write(part, into: TableFrame.Builder(root).initBatch()) }
            start = end
        }
        rows += batch.rows
    }

    /// Writes the schema if no batch came, then the trailer with `counts`.
    public func finish(counts: [(name: String, value: UInt64)] = []) throws {
        try schemaIfNeeded()
        writer.trailerCounts = counts
        try writer.finish()
    }

    /// Rows `range` of a batch.
    public static func slice(_ batch: ColumnBatch, _ range: Range<Int>) -> ColumnBatch {
        ColumnBatch(rows: range.count, columns: batch.columns.map { c in
            if let offsets = c.listOffsets {
                let lo = Int(offsets[range.lowerBound]), hi = Int(offsets[range.upperBound])
                return Column(values: c.values.slice(lo..<hi), validity: c.validity?.slice(range),
                              listOffsets: offsets[range.lowerBound...range.upperBound].map { $0 - Int32(lo) })
            }
            return Column(values: c.values.slice(range), validity: c.validity?.slice(range))
        })
    }
}
