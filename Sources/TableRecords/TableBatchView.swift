import Capnp
import Columns
import Schemas

/// A scalar numeric column's values in place: a buffer of the column's own type.
public enum NumberBuffer {
    case int32(UnsafeBufferPointer<Int32>)
    case int64(UnsafeBufferPointer<Int64>)
    case float32(UnsafeBufferPointer<Float>)
    case float64(UnsafeBufferPointer<Double>)

    /// The number of values.
    public var count: Int {
        switch self {
        case .int32(let b): return b.count
        case .int64(let b): return b.count
        case .float32(let b): return b.count
        case .float64(let b): return b.count
        }
    }
}

/// One batch of a table stream, borrowed: its columns are read where they lie in the stream's
/// frame buffer instead of being copied into Swift arrays (`TableStreamReader.nextView`).
///
/// Every column was checked (`TableBatchRecord.check`: types, counts, offsets, validity, UTF-8)
/// before the view was made, so the buffers it hands out are safe to read. The view, and every
/// buffer from it, is valid only until the reader's next `next`/`nextView` call: the frame
/// buffer is reused for the next record. Copy (`ColumnView.column()`) what must live longer.
public struct TableBatchView {
    /// Rows in the batch.
    public let rows: Int
    /// The schema the batch was checked against.
    public let schema: Columns.TableSchema
    let storage: Storage

    enum Storage {
        /// The record in the frame buffer.
        case wire(TableBatch.Reader)
        /// A batch made by conversion (events and seq-blocks streams have no table columns to view).
        case owned(ColumnBatch)
    }

    init(record: TableBatch.Reader, schema: Columns.TableSchema) throws {
        let list = try record.columns
        guard list.count == schema.fields.count else {
            throw ColumnsError("\(list.count) columns, the schema has \(schema.fields.count) fields")
        }
        let rows = Int(record.rows)
        for (i, field) in schema.fields.enumerated() {
            try TableBatchRecord.check(try list.get(i), field: field, rows: rows)
        }
        self.rows = rows
        self.schema = schema
        storage = .wire(record)
    }

    init(owned batch: ColumnBatch, schema: Columns.TableSchema) {
        rows = batch.rows
        self.schema = schema
        storage = .owned(batch)
    }

    /// Column `i` (in schema order).
    public func column(_ i: Int) throws -> ColumnView {
        switch storage {
        case .wire(let r): return ColumnView(storage: .wire(try r.columns.get(i)), field: schema.fields[i], rows: rows)
        case .owned(let b): return ColumnView(storage: .owned(b.columns[i]), field: schema.fields[i], rows: rows)
        }
    }

    /// The whole batch copied into Swift arrays (what `TableStreamReader.next` returns).
    public func batch() throws -> ColumnBatch {
        switch storage {
        case .wire(let r): return try TableBatchRecord.read(r, schema: schema)
        case .owned(let b): return b
        }
    }
}

/// One column of a `TableBatchView`, read in place; valid as long as its view.
public struct ColumnView {
    enum Storage {
        case wire(TableColumn.Reader)
        case owned(Column)
    }
    let storage: Storage
    /// The column's field.
    public let field: Field
    /// Rows in the batch.
    public let rows: Int

    /// Null rows (from the record's checked null count).
    public var nullCount: Int {
        switch storage {
        case .wire(let r): return Int(r.nullCount)
        case .owned(let c): return c.nullCount
        }
    }

    /// Calls `body` with the validity bitmap in place (bit i set when row i is present, least
    /// significant bit first, at least ⌈rows / 8⌉ bytes), or nil when no row is null.
    public func withValidity<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) throws -> R {
        switch storage {
        case .wire(let r):
            guard r.nullCount > 0, r.hasValidity else { return try body(nil) }
            return try body(try r.validity.bytes)
        case .owned(let c):
            guard let v = c.validity, c.nullCount > 0 else { return try body(nil) }
            return try v.bytes.withUnsafeBytes { try body($0) }
        }
    }

    /// Calls `body` with a scalar numeric column's values in place (one per row; a null row
    /// holds a zero) and its validity as `withValidity` gives it. Nil for any other column.
    public func withNumbers<R>(_ body: (NumberBuffer, UnsafeRawBufferPointer?) throws -> R) throws -> R? {
        guard !field.isList, field.type.isNumeric else { return nil }
        return try withValidity { validity -> R? in
            switch storage {
            case .wire(let r):
                func view<T: CapnpScalar>(_ l: PrimitiveList<T>, _ wrap: (UnsafeBufferPointer<T>) -> NumberBuffer) throws -> R {
                    if l.count == 0 { return try body(wrap(UnsafeBufferPointer(start: nil, count: 0)), validity) }
                    if let r = try l.withUnsafeBufferPointer({ try body(wrap($0), validity) }) { return r }
                    // Not aligned in the buffer (a checked list always has the element size): copy.
                    let copy = Array(l)
                    return try copy.withUnsafeBufferPointer { try body(wrap($0), validity) }
                }
                switch try r.which() {
                case .int32(let l): return try view(l) { .int32($0) }
                case .int64(let l): return try view(l) { .int64($0) }
                case .float32(let l): return try view(l) { .float32($0) }
                case .float64(let l): return try view(l) { .float64($0) }
                default: return nil
                }
            case .owned(let c):
                switch c.values {
                case .int32(let v): return try v.withUnsafeBufferPointer { try body(.int32($0), validity) }
                case .int64(let v): return try v.withUnsafeBufferPointer { try body(.int64($0), validity) }
                case .float32(let v): return try v.withUnsafeBufferPointer { try body(.float32($0), validity) }
                case .float64(let v): return try v.withUnsafeBufferPointer { try body(.float64($0), validity) }
                default: return nil
                }
            }
        }
    }

    /// Calls `body` with a scalar utf8 or bytes column in place: rows + 1 value offsets (from 0,
    /// never decreasing) into `data`, and the validity. Nil for any other column.
    public func withBinary<R>(_ body: (_ offsets: UnsafeBufferPointer<Int32>, _ data: UnsafeRawBufferPointer, _ validity: UnsafeRawBufferPointer?) throws -> R) throws -> R? {
        guard !field.isList, field.type == .utf8 || field.type == .bytes else { return nil }
        return try withValidity { validity -> R? in
            switch storage {
            case .wire(let r):
                let b: TableColumn.Binary.Reader
                switch try r.which() {
                case .text(let t): b = t
                case .binary(let t): b = t
                default: return nil
                }
                let offsets = try b.valueOffsets
                let data = try b.data.bytes
                if let r = try offsets.withUnsafeBufferPointer({ try body($0, data, validity) }) { return r }
                let copy = Array(offsets)
                return try copy.withUnsafeBufferPointer { try body($0, data, validity) }
            case .owned(let c):
                switch c.values {
                case .utf8(let v), .bytes(let v):
                    return try v.offsets.withUnsafeBufferPointer { o in try v.data.withUnsafeBytes { try body(o, $0, validity) } }
                default: return nil
                }
            }
        }
    }

    /// Calls `body` with a scalar bool column's packed bits in place (least significant first)
    /// and the validity. Nil for any other column.
    public func withBits<R>(_ body: (_ bits: UnsafeRawBufferPointer, _ validity: UnsafeRawBufferPointer?) throws -> R) throws -> R? {
        guard !field.isList, field.type == .bool else { return nil }
        return try withValidity { validity -> R? in
            switch storage {
            case .wire(let r):
                guard case .bool(let l) = try r.which() else { return nil }
                return try body(l.raw.count == 0 ? UnsafeRawBufferPointer(start: nil, count: 0) : l.raw.rawBytes, validity)
            case .owned(let c):
                guard case .bool(let v) = c.values else { return nil }
                return try v.bytes.withUnsafeBytes { try body($0, validity) }
            }
        }
    }

    /// The column copied into Swift arrays.
    public func column() throws -> Column {
        switch storage {
        case .wire(let r): return try TableBatchRecord.read(r, field: field, rows: rows)
        case .owned(let c): return c
        }
    }
}
