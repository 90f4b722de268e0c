import AtomicFiles
import Simulation
import TiledExecution
import ToolKit

/// `--model mesh`: the placed program simulated event by event; with `--check` also run on
/// the real tensors. Everything is decided before the first frame is written; the trace and
/// heat map files appear (renamed into place) only when the run succeeds.
enum MeshMode {
    static func run(_ command: NpuSimCommand, _ tool: ToolContext) throws {
        let path = command.placed ?? "-"
        let frames = try PlacedFrames.read(try tool.openStream(path, expecting: .placed), source: path == "-" ? "stdin" : path)
        let input = try PlacedProgram.decode(frames)
        var checks: [TensorCheckResult]?
        if command.check {
            guard let graph = command.graph else { throw ToolError.usage("--check", "needs --graph FILE (the graph stream the program was tiled from)") }
            checks = try CheckStage.run(frames, graphPath: graph, fault: command.injectFault, tool)
        }
        let result = Simulator.run(input.program, on: input.chip)
        var files: [AtomicFile] = []
        if let trace = command.trace {
            let file = try AtomicFile(path: trace)
            files.append(file)
            try TraceJSON.write(result, input) { try file.write($0) }
        }
        if let heatmap = command.heatmap {
            let file = try AtomicFile(path: heatmap)
            files.append(file)
            try file.write(Array(HeatMap.svg(result, input).utf8))
        }
        if command.report {
            let w = try tool.frameWriter()
            try w.write(text: SimReport.text(result, input))
            try w.flush()
        } else {
            let out = try tool.streamWriter(kind: .sim)
            try SimRecords.writeAll(result, input, checks: checks, fault: command.injectFault, to: out)
            try out.finish()
        }
        for f in files { try f.commit() }
        if let failed = checks?.first(where: { !$0.passed }) {
            let n = checks!.filter { !$0.passed }.count
            throw ToolError.checkFailed(frames.source, "\(n) of \(checks!.count) checked values differ from the interpreter; first '\(failed.value)' (group \(failed.group)): max abs error \(failed.maxAbsError), tolerance \(failed.absTolerance) + \(failed.relTolerance)·|x|")
        }
    }
}
