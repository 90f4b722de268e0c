/// A checksummed set of equal-length Int64 columns, each coded with `ColumnCodec`: the
/// building block for small indexes (the store's per-run user index pages) that want the
/// codec's compression and damage checks without the event block's fixed columns.
///
/// Layout: `rows:varint columns:varint` then per column `[length:varint column]`, then a
/// checksum:u64 over everything before it.
public enum ColumnSet {
    public static func encode(_ columns: [[Int64]]) -> [UInt8] {
        let rows = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == rows }, "ColumnSet: columns differ in length")
        var out = ByteWriter(capacity: rows * 4 * columns.count + 32)
        out.varint(rows)
        out.varint(columns.count)
        for c in columns {
            var col = ByteWriter(capacity: rows * 4 + 16)
            c.withUnsafeBufferPointer { ColumnCodec.encode($0, into: &col) }
            out.varint(col.count)
            out.append(col.bytes)
        }
        out.uint64LE(Checksum.of(out.bytes))
        return out.bytes
    }

    /// Decodes a set written by `encode`; `expectedColumns` guards against a foreign layout.
    public static func decode(_ bytes: [UInt8], expectedColumns: Int, maxRows: Int = 1 << 24) throws -> [[Int64]] {
        try bytes.withUnsafeBytes { raw in
            var reader = try SeqBlock.openReader(raw)
            let rows = try reader.count("column set rows", maximum: min(maxRows, reader.limit * 32))
            let count = try reader.count("column set columns", maximum: 64)
            guard count == expectedColumns else {
                throw SeqCodecError(.malformed, "column set: \(count) columns, expected \(expectedColumns)")
            }
            let scratch = ColumnCodec.Scratch()
            var columns: [[Int64]] = []
            for c in 0..<count {
                let length = try reader.count("column \(c) length", maximum: reader.remaining)
                let start = try reader.skip(length, "column \(c)")
                var sub = ByteReader(raw, offset: start, limit: start + length)
                var values = [Int64](repeating: 0, count: rows)
                try values.withUnsafeMutableBufferPointer { buffer in
                    if let base = buffer.baseAddress {
                        try ColumnCodec.decode(&sub, count: rows, into: base, scratch: scratch)
                    }
                }
                guard sub.remaining == 0 else { throw SeqCodecError(.malformed, "column \(c): \(sub.remaining) bytes left over") }
                columns.append(values)
            }
            guard reader.remaining == 0 else { throw SeqCodecError(.malformed, "column set: trailing bytes") }
            return columns
        }
    }
}
