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

    /// Fills one column record from a column (which must match its field).
    public static func write(_ column: Column, into w: TableColumn.Builder) {
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

    /// Reads one column: `check` first, then the buffers copied into Swift arrays.
    public static func read(_ r: TableColumn.Reader, field: Field, rows: Int) throws -> Column {
        func bad(_ what: String) -> ColumnsError { ColumnsError("column '\(field.name)': \(what)") }
        try check(r, field: field, rows: rows)
        var validity: BitVector? = nil
        if r.hasValidity {
            let bytes = try r.validity
            if !bytes.isEmpty && r.nullCount > 0 { validity = BitVector(packed: bytes.bytes, count: rows) }
        }
        let offsets: [Int32]? = field.isList ? try array(try r.offsets, bad) : nil
        let values: ColumnValues
        switch try r.which() {
        case .int32(let l): values = .int32(try array(l, bad))
        case .int64(let l): values = .int64(try array(l, bad))
        case .float32(let l): values = .float32(try array(l, bad))
        case .float64(let l): values = .float64(try array(l, bad))
        case .bool(let l): values = .bool(BitVector(packed: l.raw.rawBytes, count: l.raw.count))
        case .text(let b): values = .utf8(try binary(b, bad))
        case .binary(let b): values = .bytes(try binary(b, bad))
        default: throw bad("values of a type this build does not know")
        }
        return Column(values: values, validity: validity, listOffsets: offsets)
    }

    /// Checks a column on the wire against its field and the batch's row count without copying
    /// it: the value type, counts, list and value offsets (from 0, never decreasing, within the
    /// data), the validity bitmap and null count, UTF-8 for text. A column that passes may be
    /// copied as it is (`copy`) or read (`read`).
    /// `checkText: false` skips the UTF-8 check of a text column that will be written as bytes.
    public static func check(_ r: TableColumn.Reader, field: Field, rows: Int, checkText: Bool = true) throws {
        func bad(_ what: String) -> ColumnsError { ColumnsError("column '\(field.name)': \(what)") }
        var nulls = 0
        if r.hasValidity, case let bytes = try r.validity, !bytes.isEmpty {
            guard bytes.count >= (rows + 7) / 8 else { throw bad("validity of \(bytes.count) bytes for \(rows) rows") }
            var present = 0
            let whole = rows / 8
            let raw = bytes.bytes.baseAddress!
            var i = 0
            while i + 8 <= whole { present += raw.loadUnaligned(fromByteOffset: i, as: UInt64.self).nonzeroBitCount; i += 8 }
            while i < whole { present += raw.load(fromByteOffset: i, as: UInt8.self).nonzeroBitCount; i += 1 }
            if rows % 8 != 0 { present += (raw.load(fromByteOffset: whole, as: UInt8.self) & UInt8((1 << (rows % 8)) - 1)).nonzeroBitCount }
            nulls = rows - present
        }
        guard nulls == Int(r.nullCount) else { throw bad("nullCount \(r.nullCount), the validity has \(nulls) nulls") }
        guard field.nullable || nulls == 0 else { throw bad("not nullable but has \(nulls) nulls") }
        var elements = rows
        if field.isList {
            guard r.hasOffsets else { throw bad("a list without offsets") }
            let offsets = try r.offsets
            guard offsets.count == rows + 1 else { throw bad("\(offsets.count) list offsets for \(rows) rows") }
            elements = try monotone(offsets, bad)
        } else if r.hasOffsets, try r.offsets.count > 0 {
            throw bad("list offsets but the field is not a list")
        }
        let which = try r.which()
        func count<T>(_ l: PrimitiveList<T>, _ t: ValueType) throws {
            guard field.type == t else { throw bad("\(t.rawValue) values, the schema says \(field.type.rawValue)") }
            guard l.count == 0 || l.raw.elementSize.bitsPerElement == MemoryLayout<T>.size * 8 else {
                throw bad("a list of \(l.raw.elementSize) elements where \(t.rawValue) values belong")
            }
            guard l.count == elements else { throw bad("\(l.count) values for \(elements)") }
        }
        func binary(_ b: TableColumn.Binary.Reader, _ t: ValueType) throws {
            guard field.type == t else { throw bad("\(t.rawValue) values, the schema says \(field.type.rawValue)") }
            guard b.hasValueOffsets else { throw bad("no value offsets") }
            let offsets = try b.valueOffsets
            guard offsets.count == elements + 1 else { throw bad("\(offsets.count) value offsets for \(elements) values") }
            let end = try monotone(offsets, bad)
            let data = try b.data
            guard end <= data.count else { throw bad("value offsets end at \(end), past the \(data.count) data bytes") }
            if t == .utf8 && checkText && !UTF8Check.isValid(UnsafeRawBufferPointer(rebasing: data.bytes[0..<end])) {
                throw bad("text that is not valid UTF-8")
            }
        }
        switch which {
        case .int32(let l): try count(l, .int32)
        case .int64(let l): try count(l, .int64)
        case .float32(let l): try count(l, .float32)
        case .float64(let l): try count(l, .float64)
        case .bool(let l):
            guard field.type == .bool else { throw bad("bool values, the schema says \(field.type.rawValue)") }
            guard l.raw.count == 0 || l.raw.elementSize == .bit else { throw bad("bool values are not a bit list") }
            guard l.raw.count == elements else { throw bad("\(l.raw.count) values for \(elements)") }
        case .text(let b): try binary(b, .utf8)
        case .binary(let b): try binary(b, .bytes)
        default: throw bad("values of a type this build does not know")
        }
    }

    /// Offsets that start at 0 and never decrease; returns the last.
    static func monotone(_ offsets: PrimitiveList<Int32>, _ bad: (String) -> ColumnsError) throws -> Int {
        guard offsets.count > 0, offsets.raw.elementSize == .fourBytes else { throw bad("offsets are not a list of int32") }
        let ok: Int? = offsets.withUnsafeBufferPointer { o -> Int? in
            guard o[0] == 0 else { return nil }
            var previous: Int32 = 0
            for v in o { if v < previous { return nil }; previous = v }
            return Int(previous)
        } ?? nil
        guard let last = ok else { throw bad("offsets that do not start at 0 or decrease") }
        return last
    }

    /// Copies a checked column's wire form into `w` (one copy per buffer, no decode). With
    /// `retag`, utf8 values land as `binary` (the same offsets and bytes).
    public static func copy(_ r: TableColumn.Reader, into w: TableColumn.Builder, asBytes retag: Bool = false) throws {
        // TableColumn's union tags in declaration order (int32 = 0 ... text = 5, binary = 6).
        let textTag: UInt16 = 5, binaryTag: UInt16 = 6
        w.raw.setScalar(retag && r.discriminant == textTag ? binaryTag : r.discriminant, at: 4)
        w.nullCount = r.nullCount
        for p in 0..<TableColumn.pointerCount { try w.raw.setAnyPointer(p, copying: r.raw.anyPointerField(p)) }
    }

    static func array<T: CapnpScalar>(_ list: PrimitiveList<T>, _ bad: (String) -> ColumnsError) throws -> [T] {
        if let a = list.withUnsafeBufferPointer({ Array($0) }) { return a }
        guard list.raw.count == 0 || list.raw.elementSize.bitsPerElement == MemoryLayout<T>.size * 8 else {
            throw bad("a list of \(list.raw.elementSize) elements where \(T.self) values belong")
        }
        return (0..<list.count).map { list[$0] }
    }

    static func binary(_ b: TableColumn.Binary.Reader, _ bad: (String) -> ColumnsError) throws -> VarBinary {
        let offsets = try array(try b.valueOffsets, bad)
        do { return try VarBinary(offsets: offsets, data: try b.data.array) } catch let e as ColumnsError { throw bad(e.message) }
    }
}
