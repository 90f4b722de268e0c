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

    /// The next batch, checked against the schema and copied into Swift arrays; nil at the end
    /// of the stream.
    public func next() throws -> ColumnBatch? {
        if let p = readAhead { readAhead = nil; return p }
        if events != nil { return try nextEvents() }
        let view: TableBatchView
        if let v = readAheadView { readAheadView = nil; view = v } else {
            guard let record = try nextRecord() else { return nil }
            do { return try TableBatchRecord.read(record, schema: schema!) }
            catch let e as ColumnsError { throw bad(e.message) }
            catch let e as CapnpError { throw bad(e.message) }
        }
        do { return try view.batch() }
        catch let e as ColumnsError { throw bad(e.message) }
        catch let e as CapnpError { throw bad(e.message) }
    }

    /// The next batch, checked, its columns read in place (`TableBatchView`); nil at the end of
    /// the stream. The view is valid until the next `next`/`nextView` call. For an events or
    /// seq-blocks stream the view holds the converted batch (there is nothing to view in place).
    public func nextView() throws -> TableBatchView? {
        if let p = readAhead {
            readAhead = nil
            return p.map { TableBatchView(owned: $0, schema: schema!) }
        }
        if let v = readAheadView { readAheadView = nil; return v }
        if events != nil { return try nextEvents().map { TableBatchView(owned: $0, schema: schema!) } }
        guard let record = try nextRecord() else { return nil }
        do { return try TableBatchView(record: record, schema: schema!) }
        catch let e as ColumnsError { throw bad(e.message) }
        catch let e as CapnpError { throw bad(e.message) }
    }

    private func nextEvents() throws -> ColumnBatch? {
        let events = events!
        guard try events.next(into: &rows) else {
            if schema == nil, let l = events.layout { schema = EventTable.schema(of: l, timeUnit: timeUnit) }
            return nil
        }
        if schema == nil { layout = events.layout; schema = EventTable.schema(of: layout!, timeUnit: timeUnit) }
        return EventTable.batch(rows, layout: layout!)
    }

    /// Reads a table stream's records up to the next batch record (the schema record on the
    /// way); nil at the end. `schema` is set when a batch is returned.
    private func nextRecord() throws -> TableBatch.Reader? {
        while let root = try stream.next() {
            if let b = try take(root) { return b }
        }
        if schema == nil { throw PipesError(.invalidMessage, source: stream.source, "no schema record") }
        return nil
    }

    /// One table record: a schema record sets `schema`, a batch record is returned.
    private func take(_ root: StructReader) throws -> TableBatch.Reader? {
        do {
            switch try TableFrame.Reader(root).which() {
            case .rowSchema(let r):
                guard schema == nil else { throw bad("a second schema record") }
                schema = try TableSchemaRecord.read(r)
                return nil
            case .batch(let b):
                guard schema != nil else { throw bad("a batch before the schema record") }
                return b
            default: throw bad("not a schema or batch record")
            }
        } catch let e as ColumnsError {
            throw bad(e.message)
        } catch let e as CapnpError {
            throw bad(e.message)
        }
    }

    /// Reads up to the schema record: for tools that must know the schema before they write
    /// anything. The first batch, read and checked on the way, is kept for the next
    /// `next`/`nextView` (a table stream's batch stays in the frame buffer: nothing reads the
    /// stream in between).
    public func readSchema() throws -> Columns.TableSchema {
        if let s = schema { return s }
        if events != nil {
            readAhead = try nextEvents()
        } else if let record = try nextRecord() {
            do { readAheadView = try TableBatchView(record: record, schema: schema!) }
            catch let e as ColumnsError { throw bad(e.message) }
            catch let e as CapnpError { throw bad(e.message) }
        } else {
            readAhead = .some(nil)
        }
        guard let s = schema else { throw PipesError(.invalidMessage, source: stream.source, "no schema record") }
        return s
    }
    private var readAhead: ColumnBatch?? = nil
    private var readAheadView: TableBatchView? = nil
}
