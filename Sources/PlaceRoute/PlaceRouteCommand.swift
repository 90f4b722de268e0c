import ArgumentParser
import ChipArch
import Foundation
import Pipes
import Placement
import Schemas
import Tiling
import ToolKit

/// place-route(1): lay a tiles stream out over the mesh in space and time, route its
/// transfers over the NoC, budget every core's SRAM, and write a placed stream.
public struct PlaceRouteCommand: SluiceCommand {
    public static let configuration = CommandConfiguration(
        commandName: "place-route",
        abstract: "Place and route a tiles stream on its mesh; write a placed stream.",
        discussion: "On a terminal the stream is shown as text. An SRAM overflow is exit status 1.",
        version: Sluice.version)

    @OptionGroup public var common: CommonOptions

    @Argument(help: ArgumentHelp("The tiles stream (as tile-plan writes it); none, or -, means standard input.", valueName: "tiles"))
    var tiles: String?

    @Option(help: ArgumentHelp("How segments run: auto, layer, pipeline or split.", valueName: "mode"))
    var mode: ModeArgument = .auto

    @Option(name: .customLong("max-iterations"), help: ArgumentHelp("Negotiated-congestion passes before the router stops and reports the overused links.", valueName: "n"))
    var maxIterations: Int = 40

    @Option(help: ArgumentHelp("Seed of the placement refinement.", valueName: "n"))
    var seed: UInt64 = 1

    @Flag(name: .customLong("no-multicast"), help: "Send broadcasts as one unicast per destination even where the NoC has multicast.")
    var noMulticast = false

    @Flag(name: .customLong("no-feedback"), help: "Do not ask Tiling to re-map a group whose tiles overflow a core's SRAM: report the overflow (exit status 1).")
    var noFeedback = false

    @Flag(help: "Print the per-core memory table and the per-link loads instead of the stream.")
    var report = false

    public init() {}

    public func validate() throws {
        guard maxIterations >= 0 else { throw ValidationError("--max-iterations must not be negative") }
    }

    public func run(_ tool: ToolContext) throws {
        let path = tiles ?? "-"
        let source = path == "-" ? "stdin" : path
        let stream = try tool.openStream(path, expecting: .tiles)
        var input = try TilesInput.read(stream, source: source)
        var options = PlaceOptions()
        options.mode = mode.value
        options.maxIterations = maxIterations
        options.seed = seed
        if noMulticast { options.multicast = false }
        var result = Placer.place(input.program, on: input.arch, options)
        var changes: [FeedbackChange] = []
        if !noFeedback, result.worstOverflow != nil {
            // tile-plan's default search budget per operator.
            (result, changes) = Feedback.run(&input, options, first: result, limits: SearchLimits())
        }
        if report {
            let w = try tool.frameWriter()
            try w.write(text: PlaceReport.text(result, input, feedback: changes))
            try w.flush()
        }
        if let worst = result.worstOverflow {
            let topo = Topology(arch: input.arch)
            let kib = { (x: Double) in String(format: "%.1f KiB", x / 1024) }
            throw ToolError(source, "core \(worst.core) (row \(worst.core / topo.cols), col \(worst.core % topo.cols)) needs \(kib(worst.peak)) of SRAM in epoch \(worst.peakEpoch), has \(kib(worst.capacity)): short by \(kib(worst.overflow))\(report ? "" : " (--report lists its buffers)")")
        }
        if report { return }
        let out = try tool.streamWriter(kind: .placed)
        try PlacedRecords.writeAll(result, input, feedback: changes, to: out)
        try out.finish()
    }
}

/// `--mode`.
enum ModeArgument: String, CaseIterable, ExpressibleByArgument {
    case auto, layer, pipeline, split
    var value: ExecutionMode { ExecutionMode(rawValue: rawValue)! }
}
