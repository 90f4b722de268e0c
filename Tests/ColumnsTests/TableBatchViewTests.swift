import Columns
import Foundation
import Pipes
import TableRecords
import TestSupport
import Testing

/// `TableStreamReader.nextView`: every column seen in place equals the column `next` copies.
@Suite struct TableBatchViewTests {
    /// A table stream of `batches` random batches (every type, nulls, lists) in a temporary file.
    static func stream(batches: [ColumnBatch]) throws -> String {
        var template = Array("/tmp/table-view-test-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        let path = dir + "/t.tbl"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let w = RecordStreamWriter(frames: try FrameWriter(fd: fd, source: path), kind: .table,
                                   header: StreamHeader(kind: .table, tool: "test", toolVersion: "0"))
        let t = TableStreamWriter(w, schema: TableRecordTests.schema, maxRows: 1_000_000)
        for b in batches { try t.write(b) }
        try t.finish()
        return path
    }

    static func reader(_ path: String) throws -> (TableStreamReader, Int32) {
        let fd = open(path, O_RDONLY)
        let r = try RecordStreamReader(frames: FrameReader(fd: fd, source: path), resolve: { try TableStreamReader.resolve($0, source: path) })
        return (TableStreamReader(r), fd)
    }

    static func bits(_ b: UnsafeRawBufferPointer?, _ rows: Int) -> [Bool]? {
        b.map { v in (0..<rows).map { v[$0 >> 3] >> UInt8($0 & 7) & 1 != 0 } }
    }

    /// Checks one view's columns against the copied batch.
    static func compare(_ view: TableBatchView, _ batch: ColumnBatch) throws {
        #expect(view.rows == batch.rows)
        for (i, field) in view.schema.fields.enumerated() {
            let v = try view.column(i), c = batch.columns[i]
            #expect(try v.column().values.bitwiseEqual(c.values))
            #expect(v.nullCount == c.nullCount)
            let validity = try v.withValidity { bits($0, batch.rows) }
            #expect(validity == (c.nullCount > 0 ? (0..<batch.rows).map { !c.isNull($0) } : nil))
            let numbers: [UInt64]? = try v.withNumbers { buffer, _ in
                switch buffer {
                case .int32(let b): return b.map { UInt64(bitPattern: Int64($0)) }
                case .int64(let b): return b.map { UInt64(bitPattern: $0) }
                case .float32(let b): return b.map { UInt64($0.bitPattern) }
                case .float64(let b): return b.map { $0.bitPattern }
                }
            }
            let binary: [[UInt8]]? = try v.withBinary { offsets, data, _ in
                (0..<batch.rows).map { Array(data[Int(offsets[$0])..<Int(offsets[$0 + 1])]) }
            }
            let flags: [Bool]? = try v.withBits { b, _ in bits(b, batch.rows)! }
            switch (field.isList, c.values) {
            case (false, .int32(let x)): #expect(numbers == x.map { UInt64(bitPattern: Int64($0)) })
            case (false, .int64(let x)): #expect(numbers == x.map { UInt64(bitPattern: $0) })
            case (false, .float32(let x)): #expect(numbers == x.map { UInt64($0.bitPattern) })
            case (false, .float64(let x)): #expect(numbers == x.map { $0.bitPattern })
            case (false, .utf8(let x)), (false, .bytes(let x)): #expect(binary == (0..<x.count).map { Array(x[$0]) })
            case (false, .bool(let x)): #expect(flags == (0..<x.count).map { x[$0] })
            default: #expect(numbers == nil && binary == nil && flags == nil)  // list columns: copy only
            }
        }
    }

    @Test func viewsEqualCopiedBatches() throws {
        var rng = SplitMix64(seed: TestSeed.resolve("table-view", default: 5))
        let batches = [0, 1, 300, 77].map { TableRecordTests.randomBatch(rows: $0, rng: &rng) }
        let path = try Self.stream(batches: batches)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let (copying, fd1) = try Self.reader(path), (viewing, fd2) = try Self.reader(path)
        defer { close(fd1); close(fd2) }
        // readSchema keeps the first batch; nextView returns it.
        #expect(try viewing.readSchema() == TableRecordTests.schema)
        var seen = 0
        while let view = try viewing.nextView() {
            let batch = try #require(try copying.next())
            try Self.compare(view, batch)
            #expect(try view.batch().bitwiseEqual(batch))
            seen += 1
        }
        #expect(try copying.next() == nil)
        #expect(seen == batches.filter { $0.rows > 0 }.count || seen == batches.count)
    }

    @Test func aTruncatedStreamFailsInViewsAsInCopies() throws {
        var rng = SplitMix64(seed: TestSeed.resolve("table-view-cut", default: 9))
        let path = try Self.stream(batches: [TableRecordTests.randomBatch(rows: 500, rng: &rng)])
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(truncate(path, off_t(size - 40)) == 0)
        func drain(_ body: (TableStreamReader) throws -> Bool) -> String? {
            do {
                let (r, fd) = try Self.reader(path)
                defer { close(fd) }
                while try body(r) {}
                return nil
            } catch { return "\(error)" }
        }
        let copied = drain { try $0.next() != nil }
        let viewed = drain { try $0.nextView() != nil }
        #expect(copied != nil)
        #expect(viewed == copied)
    }
}
