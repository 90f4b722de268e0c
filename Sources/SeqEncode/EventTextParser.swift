import EventRecords
import SeqCodec

/// Parses TSV or CSV event tables incrementally: feed chunks of any size (a line may span
/// chunks), get rows appended to `EventColumns`.
///
/// The first line is the header. The delimiter is a tab unless the header has no tab and
/// has a comma. Integers are parsed straight from the bytes (no String per field); float
/// extras go through `Double`'s parser, which reads the shortest round-trip form back exactly.
public struct EventTextParser {
    public let mapping: EventLayout.Mapping
    public private(set) var layout: EventLayout?
    private var delimiter: UInt8 = 9
    private var carry: [UInt8] = []
    private var line = 0
    private var roleOfField: [EventLayout.Role?] = []
    private var hasAction = false

    public init(mapping: EventLayout.Mapping = .init()) { self.mapping = mapping }

    /// Parses the complete lines in `chunk` (keeping a trailing partial line for the next call).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into out: inout EventColumns) throws {
        guard !chunk.isEmpty else { return }
        var start = 0
        if !carry.isEmpty {
            guard let nl = chunk.firstIndex(of: 10) else { carry.append(contentsOf: chunk); return }
            carry.append(contentsOf: chunk[0...nl])
            let joined = carry
            carry.removeAll(keepingCapacity: true)
            try joined.withUnsafeBytes { try parseLines($0, into: &out) }
            start = nl + 1
        }
        var end = chunk.count
        while end > start && chunk[end - 1] != 10 { end -= 1 }
        if end > start { try parseLines(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), into: &out) }
        carry.append(contentsOf: chunk[end..<chunk.count])
    }

    /// Parses a final line without a newline and checks a header was seen.
    public mutating func finish(into out: inout EventColumns) throws {
        if !carry.isEmpty {
            carry.append(10)
            let rest = carry
            carry = []
            try rest.withUnsafeBytes { try parseLines($0, into: &out) }
        }
        if layout == nil { throw EventTextError("input: empty, expected a header line") }
    }

    /// Parses a whole table in memory.
    public static func parse(_ text: String, mapping: EventLayout.Mapping = .init()) throws -> (EventLayout, EventColumns) {
        var p = EventTextParser(mapping: mapping)
        var out = EventColumns()
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { try p.feed(UnsafeRawBufferPointer($0), into: &out) }
        try p.finish(into: &out)
        return (p.layout!, out)
    }

    private mutating func parseLines(_ bytes: UnsafeRawBufferPointer, into out: inout EventColumns) throws {
        var i = 0
        let n = bytes.count
        while i < n {
            var end = i
            while bytes[end] != 10 { end += 1 }          // every line here ends with '\n'
            var stop = end
            if stop > i && bytes[stop - 1] == 13 { stop -= 1 } // CRLF
            line += 1
            if layout == nil {
                try parseHeader(UnsafeRawBufferPointer(rebasing: bytes[i..<stop]), into: &out)
            } else if stop > i {
                try parseRow(bytes, from: i, to: stop, into: &out)
            }
            i = end + 1
        }
    }

    private mutating func parseHeader(_ bytes: UnsafeRawBufferPointer, into out: inout EventColumns) throws {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        delimiter = !text.contains("\t") && text.contains(",") ? 44 : 9
        let fields = text.split(separator: Character(UnicodeScalar(delimiter)), omittingEmptySubsequences: false).map(String.init)
        let s = try EventLayout.fromHeader(fields, mapping: mapping)
        layout = s
        roleOfField = s.columns.map(\.role)
        hasAction = roleOfField.contains(.action)
        out = EventColumns(extraColumnCount: s.extraColumnCount)
    }

    private func parseRow(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int, into out: inout EventColumns) throws {
        var field = 0
        var i = from
        var u: Int64 = 0, t: Int64 = 0, it: Int64 = 0, a: Int64 = 0
        while true {
            var end = i
            while end < to && bytes[end] != delimiter { end += 1 }
            guard field < roleOfField.count, let role = roleOfField[field] else {
                throw EventTextError("line \(line): more than \(roleOfField.count) fields")
            }
            switch role {
            case .user: u = try integer(bytes, i, end, field)
            case .time: t = try integer(bytes, i, end, field)
            case .item: it = try integer(bytes, i, end, field)
            case .action: a = try integer(bytes, i, end, field)
            case .extraInt(let c): out.extras[c].append(try integer(bytes, i, end, field))
            case .extraFloat(let c):
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
                guard let d = Double(text) else {
                    throw EventTextError("line \(line): \(layout!.columns[field].name) '\(text)' is not a number")
                }
                out.extras[c].append(Int64(bitPattern: d.bitPattern))
            }
            field += 1
            if end >= to { break }
            i = end + 1
        }
        guard field == roleOfField.count else {
            throw EventTextError("line \(line): \(field) fields, the header has \(roleOfField.count)")
        }
        out.append(user: u, time: t, item: it, action: hasAction ? a : 0)
    }

    /// A decimal Int64; an integral float such as `881250949.0` (RecBole writes timestamps as
    /// floats) is accepted too, since it names the same integer.
    private func integer(_ bytes: UnsafeRawBufferPointer, _ from: Int, _ to: Int, _ field: Int) throws -> Int64 {
        var i = from
        var negative = false
        if i < to && (bytes[i] == 45 || bytes[i] == 43) { negative = bytes[i] == 45; i += 1 }
        var value: Int64 = 0
        let digitsStart = i
        while i < to {
            let d = bytes[i] &- 48
            guard d < 10 else { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { throw bad(bytes, from, to, field, "is out of the 64-bit range") }
            value = s
            i += 1
        }
        if i < to && bytes[i] == 46 { // ".000" fraction of zeros only
            i += 1
            while i < to && bytes[i] == 48 { i += 1 }
        }
        guard i == to, i > digitsStart else { throw bad(bytes, from, to, field, "is not an integer") }
        return value
    }

    private func bad(_ bytes: UnsafeRawBufferPointer, _ from: Int, _ to: Int, _ field: Int, _ what: String) -> EventTextError {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<min(to, from + 40)]), as: UTF8.self)
        return EventTextError("line \(line): \(layout!.columns[field].name) '\(text)' \(what)")
    }
}
