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
            case .events: try readStream(path, .events, b)
            case .seqBlocks: try readStream(path, .seqBlocks, b)
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
        func move() throws {
            guard let l = parser.layout else { return }
            try b.adopt(l, input.name)
            if chunk.count > 0 { b.batch.append(chunk); chunk.removeAll(); try b.flushIfFull() }
        }
        do {
            try FileIO.forEachChunk(input.fd, source: input.name) { bytes in
                try parser.feed(bytes, into: &chunk)
                try move()
            }
            try parser.finish(into: &chunk)
            try move()
        } catch let e as EventTextError {
            throw ToolError(input.name, e.message)
        }
    }

    /// An events or seq-blocks stream: each batch or decoded block joins the current batch.
    private func readStream(_ path: String, _ kind: StreamKind, _ b: Batcher) throws {
        let reader = EventStreamReader(try tool.openStream(path, expecting: kind))
        var rows = EventColumns()
        while try reader.next(into: &rows) {
            try b.adopt(reader.layout!, reader.stream.source)
            b.batch.append(rows)
            try b.flushIfFull()
        }
        try b.adopt(reader.layout!, reader.stream.source)
    }
}
