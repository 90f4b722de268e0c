import EventRecords
import ArgumentParser
import Pipes
import SeqCodec
import SeqStore
import ToolKit

/// `seq-encode`: encode behaviour events into compact sequence blocks, decode them back, and
/// keep them in a time-partitioned store. See seq-encode(1).
public struct SeqEncodeCommand: SluiceCommand {
    public static let configuration = CommandConfiguration(
        commandName: "seq-encode",
        abstract: "Encode behaviour events into compact per-user sequence blocks, decode them, store them by day.",
        discussion: "Reads TSV/CSV event tables (or events / seq-blocks streams) and writes a seq-blocks stream; -d decodes back to a table bit-exact. --store DIR appends to, scans, compacts or rebuilds a day-partitioned store. See seq-encode(1).",
        version: Sluice.version)

    @OptionGroup public var common: CommonOptions
    @OptionGroup var inputs: InputFiles

    @Flag(name: [.customShort("d"), .customLong("decode")], help: "Decode: write events as a TSV table (or, with --events, an events stream).")
    var decode = false

    @Flag(help: "With -d: write an events stream instead of a table.")
    var events = false

    @Option(help: ArgumentHelp("What the inputs are: text (TSV/CSV table), events or seq-blocks.", valueName: "format"))
    var inputFormat: InputFormat = .text

    @Option(help: ArgumentHelp("Table column holding the user id.", valueName: "name"))
    var userColumn = "user_id"
    @Option(help: ArgumentHelp("Table column holding the timestamp.", valueName: "name"))
    var timeColumn = "timestamp"
    @Option(help: ArgumentHelp("Table column holding the item id.", valueName: "name"))
    var itemColumn = "item_id"
    @Option(help: ArgumentHelp("Table column holding the action, e.g. rating; without one every action is 0.", valueName: "name"))
    var actionColumn = "action"

    @Option(name: .customLong("null"), help: ArgumentHelp("Also read <token> as null in extra columns (repeatable, e.g. NA); an empty field always is.", valueName: "token"))
    var nullTokens: [String] = []

    @Option(help: ArgumentHelp("Target events per encoded block, cut at user boundaries.", valueName: "n"))
    var blockEvents = 32_768
    @Flag(help: "Bit-pack every column (no entropy code): about a quarter larger, decodes about twice as fast.")
    var fastDecode = false
    @Option(help: ArgumentHelp("Events read before sorting and encoding a batch (bounds memory).", valueName: "n"))
    var batchEvents = 4_194_304

    @Option(help: ArgumentHelp("Use the event store in <dir>: append the inputs unless another store action is given.", valueName: "dir"))
    var store: String?
    @Option(help: ArgumentHelp("Timestamp unit of a new store: s, ms, us or ns (default: ms); an existing store keeps its own.", valueName: "unit"))
    var timeUnit: TimeUnit?
    @Flag(help: "Merge each day's runs of the store into one.")
    var compact = false
    @Flag(help: "Write the store's events matching --user, --from and --to.")
    var scan = false
    @Option(help: ArgumentHelp("Replace day <day> (YYYY-MM-DD) of the store with the inputs, atomically.", valueName: "day"))
    var replaceDay: String?
    @Flag(help: "Read the whole store and check every file; print a summary.")
    var verify = false
    @Option(help: ArgumentHelp("With --scan: only this user's events.", valueName: "id"))
    var user: Int64?
    @Option(help: ArgumentHelp("With --scan: only events at or after time <t>.", valueName: "t"))
    var from: Int64?
    @Option(help: ArgumentHelp("With --scan: only events before time <t>.", valueName: "t"))
    var to: Int64?

    @Option(help: ArgumentHelp("Encode and decode the inputs in memory <n> times; print sizes and speeds as JSON.", valueName: "n"))
    var bench: Int?
    @Flag(help: "With --bench: then run one more timed decode per line read on standard input and print its seconds (lets a benchmark script interleave its peer).")
    var benchStdin = false

    public init() {}

    var inputsPaths: [String] { inputs.paths }


    public func validate() throws {
        if timeUnit != nil && store == nil { throw ValidationError("--time-unit goes with --store") }
        guard blockEvents >= 1 && blockEvents <= 1 << 22 else { throw ValidationError("--block-events must be 1...4194304") }
        guard batchEvents >= 1 else { throw ValidationError("--batch-events must be at least 1") }
        let actions = [compact, scan, replaceDay != nil, verify].filter { $0 }.count
        if actions > 1 { throw ValidationError("--compact, --scan, --replace-day and --verify exclude each other") }
        if actions > 0 && store == nil { throw ValidationError("--compact, --scan, --replace-day and --verify need --store") }
        if (user != nil || from != nil || to != nil) && !scan { throw ValidationError("--user, --from and --to go with --scan") }
        if events && !decode { throw ValidationError("--events goes with -d") }
        if decode && store != nil && !scan { throw ValidationError("-d with --store goes with --scan") }
        if let d = replaceDay, CivilDate.day(from: d) == nil { throw ValidationError("--replace-day wants a date YYYY-MM-DD, not '\(d)'") }
        if let n = bench {
            if n < 1 { throw ValidationError("--bench must be at least 1") }
            if store != nil || decode { throw ValidationError("--bench excludes --store and -d") }
            if benchStdin && inputs.paths.isEmpty { throw ValidationError("--bench-stdin needs input files (it reads requests on standard input)") }
        } else if benchStdin { throw ValidationError("--bench-stdin goes with --bench") }
    }

    var mapping: EventLayout.Mapping {
        var m = EventLayout.Mapping()
        m.user = userColumn; m.time = timeColumn; m.item = itemColumn; m.action = actionColumn
        return m
    }

    func input(_ tool: ToolContext, batch: Int? = nil) -> EventInput {
        EventInput(tool: tool, format: inputFormat, mapping: mapping, batchEvents: batch ?? batchEvents, nullTokens: nullTokens)
    }

    public func run(_ tool: ToolContext) throws {
        let planner = BlockPlanner(targetEvents: blockEvents, entropy: !fastDecode)
        if let repetitions = bench {
            var all = EventColumns()
            try input(tool, batch: .max).read(inputs.paths) { _, batch in all = batch }
            let benchmark = CodecBenchmark(planner: planner, repetitions: repetitions)
            let (encodedResult, encoded) = try benchmark.encode(all)
            var result = encodedResult
            for _ in 0..<repetitions {
                let (seconds, sums) = try benchmark.decodeOnce(encoded)
                result.decodeRuns.append(seconds)
                result.sums = sums
            }
            let out = try tool.frameWriter()
            try out.write(text: result.json + "\n")
            try out.flush()
            while benchStdin, readLine() != nil {
                let (seconds, _) = try benchmark.decodeOnce(encoded)
                try out.write(text: "\(seconds)\n")
                try out.flush()
            }
        } else if let dir = store {
            try StoreCommand(command: self, tool: tool, directory: dir, planner: planner).run()
        } else if decode {
            try decodeBlocks(tool)
        } else {
            var output: BlockOutput? = nil
            let layout = try input(tool).read(inputs.paths) { layout, batch in
                if output == nil { output = try BlockOutput(tool: tool, layout: layout, planner: planner) }
                try output!.write(batch.sortedByUserTime())
            }
            if output == nil { output = try BlockOutput(tool: tool, layout: layout, planner: planner) }
            try output!.finish()
        }
    }

    func output(_ tool: ToolContext, layout: EventLayout) throws -> EventOutput {
        events ? try EventsStreamOutput(tool: tool, layout: layout) : try TextOutput(tool: tool, layout: layout)
    }

    private func decodeBlocks(_ tool: ToolContext) throws {
        var out: EventOutput? = nil
        var first: EventLayout? = nil
        var block = EventColumns()
        for path in inputs.paths {
            let reader = EventStreamReader(try tool.openStream(path, expecting: .seqBlocks))
            while try reader.next(into: &block) {
                let layout = reader.layout!
                if out == nil { first = layout; out = try output(tool, layout: layout) }
                guard layout == first else { throw ToolError(reader.stream.source, "its columns differ from the first input's") }
                try out!.write(block)
            }
            if out == nil, let layout = reader.layout { first = layout; out = try output(tool, layout: layout) }
        }
        try out?.finish()
    }
}

extension String {
    func trimmingPrefix(_ p: String) -> String { hasPrefix(p) ? String(dropFirst(p.count)) : self }
}
