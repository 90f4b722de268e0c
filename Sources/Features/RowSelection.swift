import Columns

/// Rows of a batch picked by index (a shard's rows): values, validity and list offsets.
public enum BatchRows {
    /// The rows `rows` (ascending indexes) of `batch`.
    public static func take(_ batch: ColumnBatch, _ rows: [Int]) -> ColumnBatch {
        if rows.count == batch.rows { return batch }
        return ColumnBatch(rows: rows.count, columns: batch.columns.map { take($0, rows) })
    }

    static func take(_ c: Column, _ rows: [Int]) -> Column {
        let validity = c.validity.map { v in BitVector(rows.lazy.map { v[$0] }) }
        var elements = rows
        var offsets: [Int32]? = nil
        if let o = c.listOffsets {
            elements = []
            var out: [Int32] = [0]
            for r in rows {
                elements.append(contentsOf: Int(o[r])..<Int(o[r + 1]))
                out.append(Int32(elements.count))
            }
            offsets = out
        }
        let values: ColumnValues
        switch c.values {
        case .int32(let v): values = .int32(elements.map { v[$0] })
        case .int64(let v): values = .int64(elements.map { v[$0] })
        case .float32(let v): values = .float32(elements.map { v[$0] })
        case .float64(let v): values = .float64(elements.map { v[$0] })
        case .bool(let v): values = .bool(BitVector(elements.lazy.map { v[$0] }))
        case .utf8(let v), .bytes(let v):
            var out = VarBinary()
            for e in elements { out.append(v[e]) }
            values = c.values.type == .utf8 ? .utf8(out) : .bytes(out)
        }
        return Column(values: values, validity: validity, listOffsets: offsets)
    }
}
