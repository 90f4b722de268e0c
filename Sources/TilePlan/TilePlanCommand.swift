import ArchRecords
import ArgumentParser
import ChipArch
import GraphIO
import GraphIR
import OpCost
import Pipes
import Schemas
import Tiling
import ToolKit

/// tile-plan(1): cut every operator of a graph stream into tiles on an accelerator and write
/// a tiles stream, each group with its mapping, cost, lower bound and gap.
public struct TilePlanCommand: SluiceCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tile-plan",
        abstract: "Map every operator of a graph stream onto an accelerator; write a tiles stream.",
        discussion: "Presets: \(ChipArch.presets.map(\.name).joined(separator: ", ")). On a terminal the stream is shown as text.",
        version: Sluice.version)

    @OptionGroup public var common: CommonOptions

    @Argument(help: ArgumentHelp("The graph stream (as graph-opt writes it); none, or -, means standard input.", valueName: "graph"))
    var graph: String?

    @Option(help: ArgumentHelp("The accelerator: a preset name or the path of an arch stream.", valueName: "name|file"))
    var arch: String = "mesh-8x8"

    @Flag(name: .customLong("list-archs"), help: "List the preset accelerators, then exit.")
    var listArchs = false

    @Flag(name: .customLong("print-arch"), help: "Write the --arch accelerator as an arch stream, then exit.")
    var printArch = false

    @Option(help: ArgumentHelp("What the mapper minimizes: latency, energy or edp.", valueName: "objective"))
    var objective: ObjectiveArgument = .latency

    @Option(name: .customLong("max-visits"), help: ArgumentHelp("Cost at most <n> mappings per operator (deterministic; 0: no limit).", valueName: "n"))
    var maxVisits: Int = 200_000

    @Option(name: .customLong("time-limit"), help: ArgumentHelp("Search each operator for at most <seconds> and keep the best found (not deterministic).", valueName: "seconds"))
    var timeLimit: Double?

    @Option(name: .customLong("evaluate-mapping"), help: ArgumentHelp("Cost the mappings in the JSON file <file> (by group name) instead of searching for them.", valueName: "file"))
    var evaluateMapping: String?

    @Flag(name: .customLong("no-fuse"), help: "Plan every operator as its own group (no conv chains, norm+GEMM or attention fused).")
    var noFuse = false

    @Option(name: .customLong("kv-cache"), help: ArgumentHelp("Charge a decode step's KV cache (graph inputs feeding a Concat that is a graph output) as copy (the graph's Concat), streamed (appended in DRAM, read each step) or resident (kept in SRAM where it fits).", valueName: "mode"))
    var kvCache: KVCacheArgument = .copy

    @Option(name: .customLong("kv-sram"), help: ArgumentHelp("SRAM set aside for resident KV caches, in bytes over the whole chip (default: half the largest on-chip weight memory).", valueName: "bytes"))
    var kvSram: Int?

    @Option(name: .customLong("dim"), help: ArgumentHelp("Give the symbolic dimension <name> the extent <n> (repeatable), e.g. batch=1.", valueName: "name=n"))
    var dims: [String] = []

    public init() {}

    public func validate() throws {
        guard maxVisits >= 0 else { throw ValidationError("--max-visits must not be negative") }
        if let t = timeLimit { guard t > 0, t.isFinite else { throw ValidationError("--time-limit must be a positive number of seconds") } }
        if let kvSram { guard kvSram >= 0 else { throw ValidationError("--kv-sram must not be negative") } }
        guard symbols != nil else { throw ValidationError("--dim must be <name>=<positive integer>") }
    }

    /// The --dim bindings, nil when one is malformed.
    var symbols: [String: Int]? { ValueShapes.bindings(dims) }

    public func run(_ tool: ToolContext) throws {
        if listArchs {
            let text = ChipArch.presets.map { "\($0.name)\t\($0.coreCount) core\($0.coreCount == 1 ? "" : "s"), \($0.totalPEs) PEs\t\($0.description)" }
            let w = try tool.frameWriter()
            try w.write(text: text.joined(separator: "\n") + "\n")
            try w.flush()
            return
        }
        let chip = try ArchSource.resolve(arch, tool)
        if printArch {
            let out = try tool.streamWriter(kind: .arch)
            try out.writeRecord { ArchCodec.write(chip, into: ArchFrame.Builder($0).initArch()) }
            try out.finish()
            return
        }
        let path = graph ?? "-"
        let source = path == "-" ? "stdin" : path
        let stream = try tool.openStream(path, expecting: .graph)
        let g: Graph
        do { g = try GraphStreamInput.read(stream) } catch let e as GraphError { throw ToolError(source, e.description) }
        var options = PlanOptions()
        options.objective = objective.value
        options.symbols = symbols!
        options.fuse = !noFuse
        options.kvCache = kvCache.value
        options.kvSramBytes = kvSram.map(Double.init)
        options.limits = SearchLimits(maxVisits: maxVisits == 0 ? nil : maxVisits, seconds: timeLimit)
        if let evaluateMapping { options.given = try GivenMappings.load(evaluateMapping, model: CoreModel(arch: chip)) }
        let plan: GraphPlan
        do { plan = try Planner.plan(g, on: chip, options) } catch let e as PlanError { throw ToolError(source, e.description) }
        var unplanned: [String: Int] = [:]
        for group in plan.groups { if case .unplanned = group.unit { unplanned[group.ops[0], default: 0] += 1 } }
        if !unplanned.isEmpty {
            let list = unplanned.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            ToolRunner.writeToStandardError("tile-plan: \(source): not planned, shape unknown after inference: \(list)\n")
        }
        if let kv = plan.kvCache, kv.mode == .resident {
            let streamed = kv.entries.filter { !$0.resident }
            if kv.entries.isEmpty {
                ToolRunner.writeToStandardError("tile-plan: \(source): --kv-cache resident: no KV cache (no graph input feeds a Concat that is a graph output)\n")
            } else if !streamed.isEmpty {
                let mib = { (b: Double) in String(format: "%.2f MiB", b / 1_048_576) }
                ToolRunner.writeToStandardError("tile-plan: \(source): KV cache: \(streamed.count) of \(kv.entries.count) cache tensors (\(mib(kv.streamedBytes))) do not fit the \(mib(kv.setAsideBytes)) of \(kv.level.isEmpty ? "SRAM" : kv.level) set aside; charged streamed from DRAM\n")
            }
        }
        // Everything is planned before the first frame: a failure leaves no partial stream.
        let out = try tool.streamWriter(kind: .tiles)
        try out.writeRecord { ArchCodec.write(chip, into: TilesFrame.Builder($0).initArch()) }
        try out.writeRecord { TilesRecords.writeSummary(plan, name: g.name, nodeCount: g.nodes.count, into: TilesFrame.Builder($0).initGraph()) }
        for group in plan.groups {
            try out.writeRecord { TilesRecords.writeGroup(group, chip, plan.objective, into: TilesFrame.Builder($0).initGroup()) }
        }
        for edge in plan.edges {
            try out.writeRecord { TilesRecords.writeEdge(edge, plan, into: TilesFrame.Builder($0).initEdge()) }
        }
        try out.finish()
    }
}

/// `--kv-cache`.
enum KVCacheArgument: String, CaseIterable, ExpressibleByArgument {
    case copy, streamed, resident
    var value: KVCacheMode { KVCacheMode(rawValue: rawValue)! }
}

/// `--objective`.
enum ObjectiveArgument: String, CaseIterable, ExpressibleByArgument {
    case latency, energy, edp
    var value: Objective { Objective(rawValue: rawValue)! }
}
