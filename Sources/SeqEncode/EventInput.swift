import ArgumentParser
import EventRecords
import Capnp
import Pipes
import Schemas
import SeqCodec
import ToolKit

/// What `seq-encode` reads: event tables (TSV/CSV), events streams or seq-blocks streams.
public enum InputFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    case text, events, seqBlocks = "seq-blocks"
}

/// `--time-unit`: the timestamp unit of a new store.
public enum TimeUnit: String, CaseIterable, Sendable, ExpressibleByArgument {
    case s, ms, us, ns

    /// Timestamp units in one day.
    public var unitsPerDay: Int64 {
        switch self {
        case .s: return 86_400
        case .ms: return 86_400_000
        case .us: return 86_400_000_000
        case .ns: return 86_400_000_000_000
        }
    }
}

/// Reads events from a tool's inputs and hands them on in batches of at most `batchEvents`
/// rows, so input of any size is processed in bounded memory. All inputs must share one layout.
struct EventInput {
    let tool: ToolContext
    let format: InputFormat
    let mapping: EventLayout.Mapping
    let batchEvents: Int
    /// Field texts read as null in extra columns, besides the empty field.
    var nullTokens: [String] = []

    /// Collects rows from all inputs into batches; one object so the readers below can share it.
    final class Batcher {
        let limit: Int
        let body: (EventLayout, EventColumns) throws -> Void
        let progress: ProgressLine
        var layout: EventLayout? = nil
        var batch = EventColumns()
        var handedOn = 0

        init(limit: Int, progress: ProgressLine, body: @escaping (EventLayout, EventColumns) throws -> Void) {
            self.limit = limit
            self.progress = progress
            self.body = body
        }

        /// Every input must have the first input's columns.
        func adopt(_ l: EventLayout, _ source: String) throws {
            if let known = layout {
                guard known == l else { throw ToolError(source, "its columns differ from the first input's") }
            } else {
                layout = l
                batch = EventColumns(extraColumnCount: l.extraColumnCount)
            }
        }

        func flushIfFull() throws {
            progress.update("\(handedOn + batch.count) events read")
            if batch.count >= limit { try body(layout!, batch); handedOn += batch.count; batch.removeAll() }
        }
    }

    /// Calls `body` with the layout and each batch; returns the layout (also for empty input).
    @discardableResult
    func read(_ paths: [String], _ body: @escaping (EventLayout, EventColumns) throws -> Void) throws -> EventLayout {
        let b = Batcher(limit: batchEvents, progress: tool.progress, body: body)
        for path in paths {
            switch format {
            case .text: try readText(path, b)
            case .events: try readEvents(path, b)
            case .seqBlocks: try readBlocks(path, b)
            }
        }
        guard let l = b.layout else { throw ToolError("input", "no event table or stream found") }
        if b.batch.count > 0 { try body(l, b.batch) }
        return l
    }

    private func readText(_ path: String, _ b: Batcher) throws {
        let input = try tool.openInput(path)
        var parser = EventTextParser(mapping: mapping, nullTokens: nullTokens)
        var chunk = EventColumns()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        func move() throws {
            guard let l = parser.layout else { return }
            try b.adopt(l, input.name)
            if chunk.count > 0 { b.batch.append(chunk); chunk.removeAll(); try b.flushIfFull() }
        }
        do {
            while true {
                let n = try FileIO.read(input.fd, into: buffer, source: input.name)
                if n == 0 { break }
                try parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), into: &chunk)
                try move()
            }
            try parser.finish(into: &chunk)
            try move()
        } catch let e as EventTextError {
            throw ToolError(input.name, e.message)
        }
    }

    private func readEvents(_ path: String, _ b: Batcher) throws {
        let stream = try tool.openStream(path, expecting: .events)
        var layout: EventLayout? = nil
        while let root = try stream.next() {
            let record = stream.recordCount - 1
            switch try EventsFrame.Reader(root).which() {
            case .layout(let s):
                layout = try readLayoutRecord(s, after: layout, stream: stream, record: record)
                try b.adopt(layout!, stream.source)
            case .batch(let batch):
                guard let l = layout else { throw ToolError(stream.source, "record \(record): a batch before the layout") }
                try EventBatchRecord.read(batch, layout: l, into: &b.batch, source: stream.source, record: record)
                try b.flushIfFull()
            default:
                throw ToolError(stream.source, "record \(record): not a layout or batch")
            }
        }
        if layout == nil { throw ToolError(stream.source, "no layout record") }
    }

    private func readBlocks(_ path: String, _ b: Batcher) throws {
        var reader = try BlockInput(tool: tool, path: path)
        var block = EventColumns()
        while let layout = try reader.next(into: &block) {
            try b.adopt(layout, reader.stream.source)
            b.batch.append(block)
            try b.flushIfFull()
        }
        if let l = reader.layout { try b.adopt(l, reader.stream.source) }
    }
}

/// Reads a seq-blocks stream block by block, decoding each straight from the frame's Data
/// (zero-copy) and checking it against the record's summary fields.
struct BlockInput {
    let stream: RecordStreamReader
    private(set) var layout: EventLayout? = nil
    private let scratch = ColumnCodec.Scratch()

    init(tool: ToolContext, path: String) throws {
        stream = try tool.openStream(path, expecting: .seqBlocks)
    }

    /// Decodes the next block into `out` (replacing it); nil at the end of the stream.
    mutating func next(into out: inout EventColumns) throws -> EventLayout? {
        while let root = try stream.next() {
            let record = stream.recordCount - 1
            switch try SeqFrame.Reader(root).which() {
            case .layout(let s):
                layout = try readLayoutRecord(s, after: layout, stream: stream, record: record)
            case .block(let b):
                guard let l = layout else { throw ToolError(stream.source, "record \(record): a block before the layout") }
                do {
                    try SeqCodec.SeqBlock.decode(try b.data.bytes, into: &out, scratch: scratch)
                } catch let e as SeqCodecError {
                    throw ToolError(stream.source, "record \(record): \(e.message)")
                }
                guard out.count == Int(b.events), out.extraColumnCount == l.extraColumnCount,
                      out.count == 0 || (out.user.first == b.firstUser && out.user.last == b.lastUser) else {
                    throw ToolError(stream.source, "record \(record): the block's summary does not match its data")
                }
                return l
            default:
                throw ToolError(stream.source, "record \(record): not a layout or block")
            }
        }
        if layout == nil { throw ToolError(stream.source, "no layout record") }
        return nil
    }
}

/// The layout record of an events or seq-blocks stream, which has exactly one (`earlier`: the
/// layout already read from this stream, if any).
private func readLayoutRecord(_ s: EventSchema.Reader, after earlier: EventLayout?, stream: RecordStreamReader,
                              record: Int) throws -> EventLayout {
    guard earlier == nil else { throw ToolError(stream.source, "record \(record): a second layout") }
    do { return try EventLayout.read(s, source: stream.source) } catch let e as EventTextError { throw ToolError(stream.source, e.message) }
}
