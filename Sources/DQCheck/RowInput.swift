import ArgumentParser
import Columns
import Pipes
import TableRecords
import ToolKit

extension TimeUnit: ExpressibleByArgument {}

/// Reads table, events or seq-blocks streams as column batches: every input of one command
/// must have the first one's columns.
struct RowInput {
    let tool: ToolContext
    /// The unit of an events stream's times (they do not say).
    let timeUnit: TimeUnit

    /// Calls `onSchema` once (before any batch), then `body` per batch, for every path in order.
    func read(_ paths: [String], onSchema: (TableSchema) throws -> Void, _ body: (ColumnBatch) throws -> Void) throws {
        var first: TableSchema? = nil
        for path in paths {
            let source = path == "-" ? "stdin" : path
            let reader = TableStreamReader(try tool.openStream(path, resolve: { try TableStreamReader.resolve($0, source: source) }),
                                           timeUnit: timeUnit)
            let schema = try reader.readSchema()
            if let f = first {
                guard Self.sameColumns(f, schema) else { throw ToolError(reader.stream.source, "its columns differ from the first input's") }
            } else {
                first = schema
                try onSchema(schema)
            }
            while let batch = try reader.next() { try body(batch) }
        }
    }

    /// Same fields (names, types, list-ness, nullability) in the same order.
    static func sameColumns(_ a: TableSchema, _ b: TableSchema) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy {
            $0.name == $1.name && $0.type == $1.type && $0.isList == $1.isList && $0.nullable == $1.nullable
        }
    }
}
