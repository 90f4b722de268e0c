import EventRecords
import Capnp
import Pipes
import Schemas
import SeqCodec
import ToolKit

/// Where decoded or encoded events go: a seq-blocks stream, an events stream, or a table.
/// Each writes its header (and layout record) before the first rows; `finish()` ends it.
protocol EventOutput: AnyObject {
    /// Writes events; for seq-blocks they must be sorted by (user, time).
    func write(_ events: EventColumns) throws
    func finish() throws
}

/// Writes seq-blocks: cuts sorted events into blocks and writes one record per block.
final class BlockOutput: EventOutput {
    let writer: RecordStreamWriter
    let layout: EventLayout
    let planner: BlockPlanner
    private var wroteLayout = false
    private(set) var sizes = SeqCodec.SeqBlock.Sizes()

    init(tool: ToolContext, layout: EventLayout, planner: BlockPlanner) throws {
        writer = try tool.streamWriter(kind: .seqBlocks, render: StreamCatalog.textRenderer(for: .seqBlocks))
        self.layout = layout
        self.planner = planner
    }

    private func layoutIfNeeded() throws {
        guard !wroteLayout else { return }
        wroteLayout = true
        try writer.writeRecord { root in layout.write(into: SeqFrame.Builder(root).initLayout()) }
    }

    func write(_ events: EventColumns) throws {
        try layoutIfNeeded()
        for range in planner.ranges(events) {
            let bytes = planner.encode(events, range: range, sizes: &sizes)
            try writer.writeRecord { root in
                let block = SeqFrame.Builder(root).initBlock()
                block.setData(bytes)
                block.events = UInt32(range.count)
                block.firstUser = events.user[range.lowerBound]
                block.lastUser = events.user[range.upperBound - 1]
                block.minTime = events.time[range].min()!
                block.maxTime = events.time[range].max()!
            }
        }
    }

    func finish() throws { try layoutIfNeeded(); try writer.finish() }
}

/// Writes an events stream, at most `batchRows` events per batch record.
final class EventsStreamOutput: EventOutput {
    let writer: RecordStreamWriter
    let layout: EventLayout
    let batchRows = 65_536
    private var wroteLayout = false

    init(tool: ToolContext, layout: EventLayout) throws {
        writer = try tool.streamWriter(kind: .events, render: StreamCatalog.textRenderer(for: .events))
        self.layout = layout
    }

    private func layoutIfNeeded() throws {
        guard !wroteLayout else { return }
        wroteLayout = true
        try writer.writeRecord { root in layout.write(into: EventsFrame.Builder(root).initLayout()) }
    }

    func write(_ events: EventColumns) throws {
        try layoutIfNeeded()
        var start = 0
        while start < events.count {
            let range = start..<min(events.count, start + batchRows)
            let part = range.count == events.count ? events : events.slice(range)
            try writer.writeRecord { root in EventBatchRecord.write(part, layout: layout, into: EventsFrame.Builder(root).initBatch()) }
            start = range.upperBound
        }
    }

    func finish() throws { try layoutIfNeeded(); try writer.finish() }
}

/// Writes a TSV table with the layout's header.
final class TextOutput: EventOutput {
    let frames: FrameWriter
    let writer: EventTextWriter
    private var buffer: [UInt8] = []

    init(tool: ToolContext, layout: EventLayout) throws {
        frames = try tool.frameWriter()
        writer = EventTextWriter(layout: layout)
        buffer = writer.header()
    }

    func write(_ events: EventColumns) throws {
        writer.rows(events, into: &buffer)
        try buffer.withUnsafeBytes { try frames.writeBytes($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try buffer.withUnsafeBytes { try frames.writeBytes($0) }
        buffer.removeAll()
        try frames.flush()
    }
}
