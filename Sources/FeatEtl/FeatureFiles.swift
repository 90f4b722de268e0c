import AvroSchemas
import Columns
import Features
import Pipes
import TableRecords
import ToolKit

/// Reading spec and fit files, and the row inputs, the same way in every subcommand.
enum FeatureFiles {
    /// The spec at `path`, parsed, with its JSON (which a fit keeps).
    static func spec(_ path: String, _ tool: ToolContext) throws -> (spec: FeatureSpec, json: JSONValue, source: String) {
        let input = try tool.openInput(path)
        let bytes = try input.readAll()
        let json: JSONValue
        do { json = try JSONValue.parse(bytes, source: input.name) } catch let e as SchemaError {
            throw FeatureError(input.name, e.reason)
        }
        return (try FeatureSpec.parse(json, source: input.name), json, input.name)
    }

    /// The fit at `path`, parsed and checked.
    static func fit(_ path: String, _ tool: ToolContext) throws -> (fit: FeatureFit, source: String) {
        let input = try tool.openInput(path)
        return (try FeatureFit.parse(try input.readAll(), source: input.name), input.name)
    }

    /// Writes `text` to the output (stdout or `-o`).
    static func write(_ text: String, _ tool: ToolContext) throws {
        let out = try tool.frameWriter()
        try out.write(text: text)
        try out.flush()
    }

    /// Every input's rows: `onSchema` once per input (all inputs must have the first one's
    /// columns), then `body` per batch, in order.
    static func read(_ paths: [String], _ tool: ToolContext, shard: Shard?,
                     onSchema: (TableSchema, String) throws -> Void, _ body: (ColumnBatch) throws -> Void) throws {
        var first: TableSchema? = nil
        for path in paths {
            let source = path == "-" ? "stdin" : path
            let reader = TableStreamReader(try tool.openStream(path, resolve: { try TableStreamReader.resolve($0, source: source) }))
            let schema = try reader.readSchema()
            if let f = first {
                guard f.fields.map(\.name) == schema.fields.map(\.name), f.fields.map(\.type) == schema.fields.map(\.type) else {
                    throw ToolError(source, "its columns differ from the first input's")
                }
            } else {
                first = schema
                try onSchema(schema, source)
            }
            let userColumn = try shard.map { try $0.userColumn(in: schema, source: source) }
            while let batch = try reader.next() {
                if let shard, let u = userColumn { try body(shard.rows(of: batch, userColumn: u)) } else { try body(batch) }
            }
        }
    }
}

/// `--shard i/N`: only the rows whose user id hashes to shard i of N (xxh64 seed 0 of the user
/// id's 8 little-endian bytes, modulo N), so each user's rows, and so its sequence, stay in one shard.
struct Shard {
    let index: UInt64
    let count: UInt64

    init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = UInt64(parts[0]), let n = UInt64(parts[1]), n >= 1, i < n else {
            throw ToolError.usage("--shard", "wants i/N with 0 <= i < N, not '\(text)'")
        }
        index = i
        count = n
    }

    func userColumn(in schema: TableSchema, source: String) throws -> Int {
        guard let i = schema.fields.firstIndex(where: { $0.role == .user }), schema.fields[i].type.isInteger, !schema.fields[i].isList else {
            throw ToolError(source, "--shard needs an integer column with role user")
        }
        return i
    }

    func rows(of batch: ColumnBatch, userColumn: Int) -> ColumnBatch {
        let h = HashFunction(algorithm: .xxh64, seed: 0, buckets: count)
        let users: [Int64]
        switch batch.columns[userColumn].values {
        case .int64(let v): users = v
        case .int32(let v): users = v.map(Int64.init)
        default: return batch
        }
        let keep = users.indices.filter { UInt64(h.id(int64: users[$0])) == index }
        return BatchRows.take(batch, keep)
    }
}
