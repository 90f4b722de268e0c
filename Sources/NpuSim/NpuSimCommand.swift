import ArgumentParser
import ToolKit

/// npu-sim(1): run a placed program on a simulated chip (timing, and with `--check` the
/// numbers), or time layers on one systolic array as SCALE-Sim does (`--model scalesim`).
public struct NpuSimCommand: SluiceCommand {
    public static let configuration = CommandConfiguration(
        commandName: "npu-sim",
        abstract: "Simulate a placed program on its chip; write a sim stream.",
        discussion: """
            Reads a placed stream (place-route's output) and simulates it event by event: tiles on \
            cores, transfers on NoC links with contention, DRAM channels. --check also runs every \
            tile on its slice of the real tensors and compares the outputs with the interpreter. \
            With --model scalesim it times the layers of a SCALE-Sim topology file on one systolic \
            array instead. On a terminal the stream is shown as text. A failed check is exit status 3.
            """,
        version: Sluice.version)

    @OptionGroup public var common: CommonOptions

    @Argument(help: ArgumentHelp("The placed stream (as place-route writes it); none, or -, means standard input. Not read with --model scalesim.", valueName: "placed"))
    var placed: String?

    @Option(help: ArgumentHelp("What to simulate: mesh (a placed program) or scalesim (one systolic array, SCALE-Sim's timing).", valueName: "model"))
    var model: SimModel = .mesh

    @Flag(help: "Run every tile on its slice of the real tensors and compare the outputs with the interpreter on the whole graph (needs --graph).")
    var check = false

    @Option(help: ArgumentHelp("The graph stream the program was tiled from (graph-opt's output, its weights by reference), for --check.", valueName: "file"))
    var graph: String?

    @Option(name: .customLong("inject-fault"), help: ArgumentHelp("Run a deliberately wrong schedule, to see --check fail (see the man page for the faults).", valueName: "fault"))
    var injectFault: String?

    @Option(help: ArgumentHelp("Write the events as Chrome/Perfetto trace JSON: a track per core and per link.", valueName: "file"))
    var trace: String?

    @Option(help: ArgumentHelp("Write an SVG heat map of core utilization and link load over time on the mesh.", valueName: "file.svg"))
    var heatmap: String?

    @Flag(help: "Print the per-group analytic vs simulated table instead of the stream.")
    var report = false

    @OptionGroup var systolic: SystolicOptions

    public init() {}

    public func validate() throws {
        if check && graph == nil { throw ValidationError("--check needs --graph FILE (the graph stream the program was tiled from)") }
        // The two models read different inputs: an option of the other one would be ignored
        // silently, so it is refused.
        switch model {
        case .scalesim:
            let meshOnly = [("a placed stream argument", placed != nil), ("--check", check), ("--graph", graph != nil),
                            ("--inject-fault", injectFault != nil), ("--trace", trace != nil), ("--heatmap", heatmap != nil), ("--report", report)]
            if let (name, _) = meshOnly.first(where: { $0.1 }) { throw ValidationError("\(name) does not apply to --model scalesim (it reads --topology)") }
        case .mesh:
            let scalesimOnly = [("--topology", systolic.topology != nil), ("--scalesim-config", systolic.scalesimConfig != nil),
                                ("--dataflow", systolic.dataflow != nil), ("--array", systolic.array != nil),
                                ("--sram-kb", systolic.sramKB != nil), ("--bandwidth", systolic.bandwidth != nil)]
            if let (name, _) = scalesimOnly.first(where: { $0.1 }) { throw ValidationError("\(name) applies only to --model scalesim") }
        }
    }

    public func run(_ tool: ToolContext) throws {
        switch model {
        case .scalesim: try SystolicMode.run(systolic, tool)
        case .mesh: try MeshMode.run(self, tool)
        }
    }
}

/// `--model`.
enum SimModel: String, CaseIterable, ExpressibleByArgument {
    case mesh, scalesim
}
