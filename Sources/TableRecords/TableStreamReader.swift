import Capnp
import Columns
import EventRecords
import Pipes
import Schemas
import SeqCodec

/// The rows of a stream as table batches: a `table` stream as written, or an `events` /
/// `seq-blocks` stream converted losslessly (`EventTable`). The schema is known once the
/// stream's schema (or layout) record was read, before the first batch.
public final class TableStreamReader {
    public let stream: RecordStreamReader
    /// The rows' schema; set by the first `next()` call (nil before, and for a stream without rows' schema).
    public private(set) var schema: Columns.TableSchema? = nil
    private let events: EventStreamReader?
    private var layout: EventLayout? = nil
    private var rows = EventColumns()
    private let timeUnit: TimeUnit

    /// The kinds this reader accepts (for `RecordStreamReader(frames:resolve:)`).
    public static let kinds: [StreamKind] = [.table, .events, .seqBlocks]

    /// Wraps an open stream of one of `kinds`; `timeUnit` is the unit of an events stream's
    /// times (they do not say).
    public init(_ stream: RecordStreamReader, timeUnit: TimeUnit = .none) {
        self.stream = stream
        self.timeUnit = timeUnit
        events = stream.kind.name == StreamKind.table.name ? nil : EventStreamReader(stream)
    }

    /// The kind a header names, when this reader takes it.
    public static func resolve(_ header: StreamHeader, source: String) throws -> StreamKind {
        for k in kinds where k.name == header.kind {
            guard header.schemaVersion == k.schemaVersion else {
                throw PipesError(.wrongKind, source: source, "\(header.kind) schema version \(header.schemaVersion), this build reads \(k.schemaVersion)")
            }
            return k
        }
        throw PipesError(.wrongKind, source: source, "expected a table, events or seq-blocks stream, got \(header)")
    }

    private func bad(_ what: String) -> PipesError {
        PipesError(.invalidMessage, source: stream.source, "record \(stream.recordCount - 1): \(what)")
    }

    /// The next batch, checked against the schema; nil at the end of the stream.
    public func next() throws -> ColumnBatch? {
        if let p = readAhead { readAhead = nil; return p }
        return try read()
    }

    private func read() throws -> ColumnBatch? {
        if let events {
            guard try events.next(into: &rows) else {
                if schema == nil, let l = events.layout { schema = EventTable.schema(of: l, timeUnit: timeUnit) }
                return nil
            }
            if schema == nil { layout = events.layout; schema = EventTable.schema(of: layout!, timeUnit: timeUnit) }
            return EventTable.batch(rows, layout: layout!)
        }
        while let root = try stream.next() {
            do {
                switch try TableFrame.Reader(root).which() {
                case .rowSchema(let r):
                    guard schema == nil else { throw bad("a second schema record") }
                    schema = try TableSchemaRecord.read(r)
                case .batch(let b):
                    guard let s = schema else { throw bad("a batch before the schema record") }
                    return try TableBatchRecord.read(b, schema: s)
                default: throw bad("not a schema or batch record")
                }
            } catch let e as ColumnsError {
                throw bad(e.message)
            } catch let e as CapnpError {
                throw bad(e.message)
            }
        }
        if schema == nil { throw PipesError(.invalidMessage, source: stream.source, "no schema record") }
        return nil
    }

    /// Reads up to the schema record: for tools that must know the schema before they write
    /// anything. A batch read on the way is kept for the next `next()`.
    public func readSchema() throws -> Columns.TableSchema {
        if let s = schema { return s }
        readAhead = try read()
        guard let s = schema else { throw PipesError(.invalidMessage, source: stream.source, "no schema record") }
        return s
    }
    private var readAhead: ColumnBatch?? = nil
}
