/// Rows of a table as one column per schema field.
public struct ColumnBatch: Equatable, Sendable {
    public var rows: Int
    public var columns: [Column]

    public init(rows: Int, columns: [Column]) {
        self.rows = rows
        self.columns = columns
    }

    /// An empty batch for `schema`.
    public init(schema: TableSchema) {
        rows = 0
        columns = schema.fields.map { Column(for: $0) }
    }

    /// Checks every column against the schema and the row count.
    public func validate(against schema: TableSchema) throws {
        guard columns.count == schema.fields.count else {
            throw ColumnsError("\(columns.count) columns, the schema has \(schema.fields.count) fields")
        }
        for (column, field) in zip(columns, schema.fields) { try column.validate(against: field, rows: rows) }
    }

    /// Equal including float bit patterns (NaN payloads, signed zeros).
    public func bitwiseEqual(_ other: ColumnBatch) -> Bool {
        guard rows == other.rows, columns.count == other.columns.count else { return false }
        return zip(columns, other.columns).allSatisfy {
            $0.values.bitwiseEqual($1.values) && $0.validity == $1.validity && $0.listOffsets == $1.listOffsets
        }
    }
}
