import Capnp
import Pipes
import Schemas
import SeqCodec

/// Reads the rows of an `events` or `seq-blocks` stream record by record: the one layout
/// record, then each batch (appended as is) or block (decoded zero-copy from the frame and
/// checked against its summary fields). seq-encode and the table readers share it.
public final class EventStreamReader {
    public let stream: RecordStreamReader
    /// The layout, once its record was read (before the first rows).
    public private(set) var layout: EventLayout? = nil
    private let scratch = ColumnCodec.Scratch()

    /// Wraps an open stream; its kind must be `.events` or `.seqBlocks`.
    public init(_ stream: RecordStreamReader) {
        precondition(stream.kind.name == StreamKind.events.name || stream.kind.name == StreamKind.seqBlocks.name,
                     "EventStreamReader: a \(stream.kind.name) stream")
        self.stream = stream
    }

    private var isBlocks: Bool { stream.kind.name == StreamKind.seqBlocks.name }

    private func bad(_ record: Int, _ what: String) -> PipesError {
        PipesError(.invalidMessage, source: stream.source, "record \(record): \(what)")
    }

    /// Replaces `out`'s rows with the next record's (an events batch or a decoded block).
    /// Returns false at the end of the stream, which must have had its layout record.
    public func next(into out: inout EventColumns) throws -> Bool {
        while let root = try stream.next() {
            let record = stream.recordCount - 1
            if isBlocks {
                switch try SeqFrame.Reader(root).which() {
                case .layout(let s): try adopt(s, record)
                case .block(let b):
                    guard let l = layout else { throw bad(record, "a block before the layout") }
                    do { try SeqBlock.decode(try b.data.bytes, into: &out, scratch: scratch) } catch let e as SeqCodecError {
                        throw bad(record, e.message)
                    }
                    guard out.count == Int(b.events), out.extraColumnCount == l.extraColumnCount,
                          out.count == 0 || (out.user.first == b.firstUser && out.user.last == b.lastUser) else {
                        throw bad(record, "the block's summary does not match its data")
                    }
                    return true
                default: throw bad(record, "not a layout or block")
                }
            } else {
                switch try EventsFrame.Reader(root).which() {
                case .layout(let s): try adopt(s, record)
                case .batch(let batch):
                    guard let l = layout else { throw bad(record, "a batch before the layout") }
                    out = EventColumns(extraColumnCount: l.extraColumnCount)
                    try EventBatchRecord.read(batch, layout: l, into: &out, source: stream.source, record: record)
                    return true
                default: throw bad(record, "not a layout or batch")
                }
            }
        }
        if layout == nil { throw PipesError(.invalidMessage, source: stream.source, "no layout record") }
        return false
    }

    private func adopt(_ s: EventSchema.Reader, _ record: Int) throws {
        guard layout == nil else { throw bad(record, "a second layout") }
        do { layout = try EventLayout.read(s, source: stream.source) } catch let e as EventTextError {
            throw PipesError(.invalidMessage, source: stream.source, e.message)
        }
    }
}
