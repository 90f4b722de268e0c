import Columns
import Foundation
import Pipes
import ProfileRecords
import Profiling
import TableRecords
import TestSupport
import Testing
import ToolKit
@testable import DQCheck

/// dq-check profile / merge / align through the runner `main` uses: exit statuses, error lines,
/// and the profile of shards merged by the CLI equal to the profile of the whole.
struct DQCheckCommandTests {
    let root: String

    init() {
        var template = Array("/tmp/dq-check-test-XXXXXX".utf8CString)
        root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func run(_ arguments: [String]) -> (status: Int32, errors: [String]) {
        var errors: [String] = []
        let status = ToolRunner.run(DQCheck.self, arguments: arguments) { errors.append($0) }
        return (status, errors)
    }

    func writeTable(_ name: String, _ batch: ColumnBatch, schema: TableSchema = Rows.schema) throws -> String {
        let path = root + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let w = RecordStreamWriter(frames: try FrameWriter(fd: fd, source: path), kind: .table,
                                   header: StreamHeader(kind: .table, tool: "test", toolVersion: "0"))
        let t = TableStreamWriter(w, schema: schema, maxRows: 1_000)
        try t.write(batch)
        try t.finish()
        return path
    }

    func readProfile(_ path: String) throws -> ProfileSet {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let r = try RecordStreamReader(frames: FrameReader(fd: fd, source: path), resolve: { _ in .profile })
        return try ProfileRecord.read(r)
    }

    @Test func profileShardsThenMergeEqualsProfileOfWhole() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let rows = Rows.batch(6_000, seed: 3)
        let whole = try writeTable("whole.tbl", rows)
        let a = try writeTable("a.tbl", TableStreamWriter.slice(rows, 0..<2_500))
        let b = try writeTable("b.tbl", TableStreamWriter.slice(rows, 2_500..<6_000))
        for (input, out) in [(whole, "whole.prof"), (a, "a.prof"), (b, "b.prof")] {
            let r = run(["profile", "--segment-by", "country", "-o", root + "/" + out, input])
            #expect(r.status == 0, "\(r.errors)")
        }
        #expect(run(["merge", "-o", root + "/ab.prof", root + "/b.prof", root + "/a.prof"]).status == 0)
        let w = try readProfile(root + "/whole.prof"), m = try readProfile(root + "/ab.prof")
        #expect(w.rows == 6_000 && m.rows == 6_000 && w.columns.count == m.columns.count)
        for (x, y) in zip(w.columns, m.columns) {
            #expect(x.column == y.column && x.segment == y.segment && x.rows == y.rows && x.nulls == y.nulls)
            #expect(x.histogram == y.histogram && x.distinct == y.distinct && x.moments.min == y.moments.min)
        }
        // Two inputs to one profile = the profile of both.
        #expect(run(["profile", "-o", root + "/two.prof", a, b]).status == 0)
        #expect(try readProfile(root + "/two.prof").rows == 6_000)
        #expect(run(["profile", "--format", "json", "-o", root + "/w.json", whole]).status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/w.json"))) as! [String: Any]
        #expect(json["rows"] as? Int == 6_000)
    }

    @Test func badInputIsOneLineAndExitOne() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let t = try writeTable("t.tbl", Rows.batch(100, seed: 4))
        var r = run(["profile", "--segment-by", "nope", t])
        #expect(r.status == 1 && r.errors == ["dq-check: --segment-by: no column 'nope'\n"])
        r = run(["merge", t])
        #expect(r.status == 1 && r.errors.count == 1 && r.errors[0].contains("expected"), "\(r.errors)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: t))
        try bytes.prefix(bytes.count - 9).write(to: URL(fileURLWithPath: root + "/cut.tbl"))
        r = run(["profile", "-o", root + "/cut.prof", root + "/cut.tbl"])
        #expect(r.status == 1 && r.errors.count == 1)
        #expect(!FileManager.default.fileExists(atPath: root + "/cut.prof"))
        #expect(run(["profile", "--sequence", "user", t]).status == 2)
        #expect(run(["profile", "--now", "5", t]).status == 2)
        #expect(run(["align", t]).status == 2)
        #expect(run([]).status == 2)
    }

    @Test func alignReportsCoverageSkewAndExitsThree() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let schema = TableSchema(fields: [Field(name: "item", type: .int64), Field(name: "t", type: .int64)])
        func table(_ items: [Int64], _ times: [Int64]) -> ColumnBatch {
            ColumnBatch(rows: items.count, columns: [Column(values: .int64(items)), Column(values: .int64(times))])
        }
        // A: items 0..<100 (item 7 twice); B: items 10..<100 and 100..<110, times +3 (item 50: +1000).
        let a = try writeTable("a.tbl", table(Array(0..<100) + [7], (0..<101).map { Int64($0) * 10 }), schema: schema)
        let bItems = Array(Int64(10)..<110)
        let b = try writeTable("b.tbl", table(bItems, bItems.map { $0 * 10 + ($0 == 50 ? 1_000 : 3) }), schema: schema)
        #expect(run(["align", a, b, "--on", "item", "-o", root + "/r.txt"]).status == 0)
        let text = try String(contentsOfFile: root + "/r.txt", encoding: .utf8)
        #expect(text.contains("coverage A→B 0.9 (90 of 100 keys)"), "\(text)")
        #expect(text.contains("coverage B→A 0.9 (90 of 100 keys)"))
        #expect(text.contains("duplicated keys 1 (2 rows)"))
        var r = run(["align", a, b, "--on", "item", "--min-coverage", "0.95"])
        #expect(r.status == 3 && r.errors == ["dq-check: align: coverage A→B 0.9 below 0.95; coverage B→A 0.9 below 0.95\n"])
        r = run(["align", a, b, "--on", "item", "--time-col", "t", "--tolerance", "5", "-o", root + "/s.txt"])
        #expect(r.status == 3 && r.errors == ["dq-check: align: 1 of 90 matched keys skewed beyond ±5 (max share 0.0)\n"], "\(r.errors)")
        #expect(run(["align", a, b, "--on", "item", "--time-col", "t", "--tolerance", "5", "--max-skewed", "0.02"]).status == 0)
        r = run(["align", a, b, "--on", "missing"])
        #expect(r.status == 1 && r.errors == ["dq-check: \(a): no key column 'missing'\n"])
    }
}
