import Columns
import EventRecords
import SeqCodec

/// Parses TSV or CSV event tables incrementally: feed chunks of any size (a line may span
/// chunks), get rows appended to `EventColumns`.
///
/// Lines and fields come from Columns' `DelimitedReader` (the table readers use the same one):
/// the first line is the header, the delimiter a tab unless the header has no tab and has a
/// comma, quoted CSV fields allowed. Integers are parsed straight from the bytes (no String per
/// field); float extras go through strtod, which reads the shortest round-trip form back exactly.
///
/// Nulls: an empty field (and any of `nullTokens`) in an extra column is stored as
/// `EventNull`; the user, time, item and action of an event cannot be null.
public struct EventTextParser {
    public let mapping: EventLayout.Mapping
    public private(set) var layout: EventLayout?
    private var reader = DelimitedReader()
    private var roleOfField: [EventLayout.Role?] = []
    private var hasAction = false
    private let nullTokens: [[UInt8]]

    public init(mapping: EventLayout.Mapping = .init(), nullTokens: [String] = []) {
        self.mapping = mapping
        self.nullTokens = nullTokens.map { Array($0.utf8) }
    }

    /// Parses the complete lines in `chunk` (keeping a trailing partial line for the next call).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into out: inout EventColumns) throws {
        var r = reader
        defer { reader = r }
        do { try r.feed(chunk) { try self.take($0, into: &out) } } catch let e as ColumnsError { throw EventTextError(e.message) }
    }

    /// Parses a final line without a newline and checks a header was seen.
    public mutating func finish(into out: inout EventColumns) throws {
        var r = reader
        defer { reader = r }
        do { try r.finish { try self.take($0, into: &out) } } catch let e as ColumnsError { throw EventTextError(e.message) }
        if layout == nil { throw EventTextError("input: empty, expected a header line") }
    }

    /// Parses a whole table in memory.
    public static func parse(_ text: String, mapping: EventLayout.Mapping = .init(), nullTokens: [String] = []) throws -> (EventLayout, EventColumns) {
        var p = EventTextParser(mapping: mapping, nullTokens: nullTokens)
        var out = EventColumns()
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { try p.feed(UnsafeRawBufferPointer($0), into: &out) }
        try p.finish(into: &out)
        return (p.layout!, out)
    }

    private mutating func take(_ record: DelimitedRecord, into out: inout EventColumns) throws {
        if layout == nil {
            let s = try EventLayout.fromHeader(record.strings, mapping: mapping)
            layout = s
            roleOfField = s.columns.map(\.role)
            hasAction = roleOfField.contains(.action)
            out = EventColumns(extraColumnCount: s.extraColumnCount)
        } else {
            try parseRow(record, into: &out)
        }
    }

    private func isNull(_ text: UnsafeRawBufferPointer) -> Bool {
        text.isEmpty || nullTokens.contains { $0.count == text.count && $0.withUnsafeBytes { $0.elementsEqual(text) } }
    }

    private func parseRow(_ record: DelimitedRecord, into out: inout EventColumns) throws {
        guard record.count == roleOfField.count else {
            throw EventTextError("line \(record.line): \(record.count) fields, the header has \(roleOfField.count)")
        }
        var u: Int64 = 0, t: Int64 = 0, it: Int64 = 0, a: Int64 = 0
        for field in 0..<record.count {
            let text = record[field]
            switch roleOfField[field]! {
            case .user: u = try integer(text, field, record.line)
            case .time: t = try integer(text, field, record.line)
            case .item: it = try integer(text, field, record.line)
            case .action: a = try integer(text, field, record.line)
            case .extraInt(let c):
                if isNull(text) { out.extras[c].append(EventNull.int); continue }
                let v = try integer(text, field, record.line)
                guard v != EventNull.int else { throw bad(text, field, record.line, "is reserved for null (the smallest int64)") }
                out.extras[c].append(v)
            case .extraFloat(let c):
                if isNull(text) { out.extras[c].append(EventNull.floatBits); continue }
                guard let d = DecimalText.float64(text) else { throw bad(text, field, record.line, "is not a number") }
                out.extras[c].append(Int64(bitPattern: d.bitPattern))
            }
        }
        out.append(user: u, time: t, item: it, action: hasAction ? a : 0)
    }

    private func integer(_ text: UnsafeRawBufferPointer, _ field: Int, _ line: Int) throws -> Int64 {
        switch DecimalText.int64(text) {
        case .success(let v): return v
        case .failure(.outOfRange): throw bad(text, field, line, "is out of the 64-bit range")
        case .failure(.notAnInteger):
            throw bad(text, field, line, isNull(text) ? "is null; every event needs its user, time, item and action" : "is not an integer")
        }
    }

    private func bad(_ text: UnsafeRawBufferPointer, _ field: Int, _ line: Int, _ what: String) -> EventTextError {
        let shown = String(decoding: text.prefix(40), as: UTF8.self)
        return EventTextError("line \(line): \(layout!.columns[field].name) '\(shown)' \(what)")
    }
}
