import ArgumentParser
import Foundation
import Columns
import Drift
import Pipes
import TableRecords
import ToolKit


/// Opens the inputs of check, drift and explain: table, events or seq-blocks streams.
enum StreamInput {
    /// A reader for `path`; a `profile` stream gets its own one-line refusal.
    static func open(_ path: String, _ tool: ToolContext, timeUnit: TimeUnit) throws -> TableStreamReader {
        let source = path == "-" ? "stdin" : path
        let stream = try tool.openStream(path, resolve: { header in
            if header.kind == "profile" {
                throw ToolError(source, "profile streams are not supported by this subcommand yet; give the table, events or seq-blocks stream")
            }
            return try TableStreamReader.resolve(header, source: source)
        })
        return TableStreamReader(stream, timeUnit: timeUnit)
    }

    /// A stream for drift: table, events, seq-blocks, or a `profile` stream (approximate drift).
    static func openRowsOrProfile(_ path: String, _ tool: ToolContext) throws -> RecordStreamReader {
        let source = path == "-" ? "stdin" : path
        return try tool.openStream(path, resolve: { header in
            if header.kind == StreamKind.profile.name {
                guard header.schemaVersion == StreamKind.profile.schemaVersion else {
                    throw PipesError(.wrongKind, source: source, "profile schema version \(header.schemaVersion), this build reads \(StreamKind.profile.schemaVersion)")
                }
                return .profile
            }
            return try TableStreamReader.resolve(header, source: source)
        })
    }

    /// Whether the stream is sorted by user and time rather than in arrival order.
    static func isSorted(_ reader: TableStreamReader) -> Bool { reader.stream.kind.name == StreamKind.seqBlocks.name }
}

/// A whole table in memory, column by column, for the statistics that need every value.
struct LoadedTable {
    var schema: TableSchema
    var columns: [[Column]]
    var rows: Int
    /// Whether the input was a seq-blocks stream (sorted by user and time, not arrival order).
    var sorted = false

    static func read(_ path: String, _ tool: ToolContext, timeUnit: TimeUnit) throws -> LoadedTable {
        try read(try StreamInput.open(path, tool, timeUnit: timeUnit))
    }

    /// Every batch of an open reader.
    static func read(_ reader: TableStreamReader) throws -> LoadedTable {
        let schema = try reader.readSchema()
        var t = LoadedTable(schema: schema, columns: Array(repeating: [], count: schema.fields.count), rows: 0,
                            sorted: StreamInput.isSorted(reader))
        while let b = try reader.next() {
            for (i, c) in b.columns.enumerated() { t.columns[i].append(c) }
            t.rows += b.rows
        }
        return t
    }

    func index(of name: String) -> Int? { schema.fields.firstIndex { $0.name == name } }

    /// Whether drift can read the field (scalar numbers, strings and booleans).
    static func driftable(_ f: Field) -> Bool { !f.isList && f.type != .bytes }

    /// The field's non-null values as a drift sample, optionally only rows where `keep` holds.
    func sample(_ i: Int, keep: ((Int) -> Bool)? = nil) -> DriftSample {
        let f = schema.fields[i]
        var base = 0
        switch f.type {
        case .int32, .int64, .float32, .float64:
            var v: [Double] = []
            v.reserveCapacity(rows)
            for c in columns[i] {
                // One switch per batch, a tight loop per type; the common case (no nulls, no
                // segment filter) appends the converted column in one go.
                let valid = c.validity
                let plain = valid == nil && keep == nil
                func take(_ r: Int) -> Bool { (valid.map { $0[r] } ?? true) && (keep.map { $0(base + r) } ?? true) }
                switch c.values {
                case .int64(let x):
                    if plain { v.append(contentsOf: x.lazy.map { Double($0) }) } else { for r in x.indices where take(r) { v.append(Double(x[r])) } }
                case .int32(let x):
                    if plain { v.append(contentsOf: x.lazy.map { Double($0) }) } else { for r in x.indices where take(r) { v.append(Double(x[r])) } }
                case .float32(let x):
                    if plain { v.append(contentsOf: x.lazy.map { Double($0) }) } else { for r in x.indices where take(r) { v.append(Double(x[r])) } }
                case .float64(let x):
                    if plain { v.append(contentsOf: x) } else { for r in x.indices where take(r) { v.append(x[r]) } }
                default: break
                }
                base += c.rows
            }
            return .numbers(v, integer: f.type == .int32 || f.type == .int64)
        default:
            var v: [String] = []
            for c in columns[i] {
                for r in 0..<c.rows where !c.isNull(r) && (keep?(base + r) ?? true) {
                    switch c.values {
                    case .utf8(let x): v.append(String(decoding: x[r], as: UTF8.self))
                    case .bool(let x): v.append(x[r] ? "true" : "false")
                    default: break
                    }
                }
                base += c.rows
            }
            return .categorical(v)
        }
    }

    /// Every row's value of field `i` as text (nulls as nil), for segment keys.
    func texts(_ i: Int) -> [String?] {
        var out: [String?] = []
        out.reserveCapacity(rows)
        for c in columns[i] {
            for r in 0..<c.rows {
                if c.isNull(r) { out.append(nil); continue }
                switch c.values {
                case .int64(let x): out.append(String(x[r]))
                case .int32(let x): out.append(String(x[r]))
                case .float32(let x): out.append(String(x[r]))
                case .float64(let x): out.append(String(x[r]))
                case .bool(let x): out.append(x[r] ? "true" : "false")
                case .utf8(let x), .bytes(let x): out.append(String(decoding: x[r], as: UTF8.self))
                }
            }
        }
        return out
    }

    /// Every row's value of a numeric field (nulls and NaN as nil).
    func numbers(_ i: Int) -> [Double?] {
        var out: [Double?] = []
        out.reserveCapacity(rows)
        for c in columns[i] {
            for r in 0..<c.rows {
                if c.isNull(r) { out.append(nil); continue }
                let v: Double?
                switch c.values {
                case .int64(let x): v = Double(x[r])
                case .int32(let x): v = Double(x[r])
                case .float32(let x): v = Double(x[r])
                case .float64(let x): v = x[r]
                case .bool(let x): v = x[r] ? 1 : 0
                default: v = nil
                }
                out.append(v.flatMap { $0.isNaN ? nil : $0 })
            }
        }
        return out
    }
}
