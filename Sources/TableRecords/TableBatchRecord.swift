import Capnp
import Columns
import Schemas

/// `ColumnBatch` to and from the `TableBatch` record: bulk copies between Swift arrays and the
/// record's Arrow-layout buffers.
public enum TableBatchRecord {
    /// Fills a `TableBatch` record; the batch must match the schema (`ColumnBatch.validate`).
    public static func write(_ batch: ColumnBatch, into record: TableBatch.Builder) {
        record.rows = UInt32(batch.rows)
        let list = record.initColumns(count: batch.columns.count)
        for (i, column) in batch.columns.enumerated() {
            write(column, into: TableColumn.Builder(list.structElement(at: i)))
        }
    }

    static func write(_ column: Column, into w: TableColumn.Builder) {
        let nulls = column.nullCount
        if nulls > 0, let v = column.validity { w.setValidity(v.bytes) }
        w.nullCount = UInt32(nulls)
        if let offsets = column.listOffsets { w.setOffsets(offsets) }
        switch column.values {
        case .int32(let v): w.setInt32(v)
        case .int64(let v): w.setInt64(v)
        case .float32(let v): w.setFloat32(v)
        case .float64(let v): w.setFloat64(v)
        case .bool(let v):
            let list = w.initBool(count: v.count)
            // List(Bool) packs bits as BitVector does: one byte copy.
            if let dst = list.asReader().rawBytes.baseAddress, !v.bytes.isEmpty {
                v.bytes.withUnsafeBytes { UnsafeMutableRawPointer(mutating: dst).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        case .utf8(let v): writeBinary(v, into: w.initText())
        case .bytes(let v): writeBinary(v, into: w.initBinary())
        }
    }

    static func writeBinary(_ v: VarBinary, into w: TableColumn.Binary.Builder) {
        w.setValueOffsets(v.offsets)
        w.setData(v.data)
    }

    /// Reads a `TableBatch` record and checks it against the schema: column types, counts,
    /// offsets and validity (a reader never trusts a stream's lengths).
    public static func read(_ record: TableBatch.Reader, schema: Columns.TableSchema) throws -> ColumnBatch {
        let rows = Int(record.rows)
        let list = try record.columns
        guard list.count == schema.fields.count else {
            throw ColumnsError("\(list.count) columns, the schema has \(schema.fields.count) fields")
        }
        var columns: [Column] = []
        columns.reserveCapacity(list.count)
        for (i, field) in schema.fields.enumerated() {
            columns.append(try read(try list.get(i), field: field, rows: rows))
        }
        return ColumnBatch(rows: rows, columns: columns)
    }

    static func read(_ r: TableColumn.Reader, field: Field, rows: Int) throws -> Column {
        func bad(_ what: String) -> ColumnsError { ColumnsError("column '\(field.name)': \(what)") }
        var validity: BitVector? = nil
        if r.hasValidity {
            let bytes = try r.validity
            if !bytes.isEmpty {
                guard bytes.count >= (rows + 7) / 8 else { throw bad("validity of \(bytes.count) bytes for \(rows) rows") }
                validity = BitVector(packed: bytes.bytes, count: rows)
            }
        }
        var offsets: [Int32]? = nil
        if r.hasOffsets { offsets = try array(try r.offsets, bad) }
        let values: ColumnValues
        switch try r.which() {
        case .int32(let l): values = .int32(try array(l, bad))
        case .int64(let l): values = .int64(try array(l, bad))
        case .float32(let l): values = .float32(try array(l, bad))
        case .float64(let l): values = .float64(try array(l, bad))
        case .bool(let l):
            guard l.raw.elementSize == .bit || l.raw.count == 0 else { throw bad("bool values are not a bit list") }
            values = .bool(BitVector(packed: l.raw.rawBytes, count: l.raw.count))
        case .text(let b): values = .utf8(try binary(b, bad))
        case .binary(let b): values = .bytes(try binary(b, bad))
        default: throw bad("values of a type this build does not know")
        }
        let column = Column(values: values, validity: validity, listOffsets: offsets)
        try column.validate(against: field, rows: rows)
        if case .utf8(let v) = values {
            guard UTF8Check.isValid(v.data) else { throw bad("text that is not valid UTF-8") }
        }
        guard column.nullCount == Int(r.nullCount) else { throw bad("nullCount \(r.nullCount), the validity has \(column.nullCount) nulls") }
        return column
    }

    static func array<T: CapnpScalar>(_ list: PrimitiveList<T>, _ bad: (String) -> ColumnsError) throws -> [T] {
        if let a = list.withUnsafeBufferPointer({ Array($0) }) { return a }
        guard list.raw.count == 0 || list.raw.elementSize.bitsPerElement == MemoryLayout<T>.size * 8 else {
            throw bad("a list of \(list.raw.elementSize) elements where \(T.self) values belong")
        }
        return (0..<list.count).map { list[$0] }
    }

    static func binary(_ b: TableColumn.Binary.Reader, _ bad: (String) -> ColumnsError) throws -> VarBinary {
        let offsets = b.hasValueOffsets ? try array(try b.valueOffsets, bad) : [0]
        do { return try VarBinary(offsets: offsets, data: try b.data.array) } catch let e as ColumnsError { throw bad(e.message) }
    }
}
