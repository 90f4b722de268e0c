import Schemas
import ToolKit

/// `--model mesh`: the placed program simulated event by event.
enum MeshMode {
    static func run(_ command: NpuSimCommand, _ tool: ToolContext) throws {
        let path = command.placed ?? "-"
        let frames = try PlacedFrames.read(try tool.openStream(path, expecting: .placed), source: path == "-" ? "stdin" : path)
        if command.check {
            guard let graph = command.graph else { throw ToolError.usage("npu-sim", "--check needs --graph FILE (the graph stream the program was tiled from)") }
            let results = try CheckStage.run(frames, graphPath: graph, fault: command.injectFault, tool)
            // Until the timing simulation lands here: the summary and the check records only.
            let failed = results.filter { !$0.passed }
            let out = try tool.streamWriter(kind: .sim)
            try out.writeRecord { r in
                let s = SimFrame.Builder(r).initSummary()
                s.setModel("mesh")
                s.checked = true
                s.checksFailed = UInt32(clamping: failed.count)
                s.setFault(command.injectFault ?? "")
            }
            for result in results { try out.writeRecord { CheckStage.fill(SimFrame.Builder($0).initCheck(), result) } }
            try out.finish()
            if let first = failed.first {
                throw ToolError.checkFailed(frames.source, "\(failed.count) of \(results.count) values differ from the interpreter; first '\(first.value)' (group \(first.group)): max abs error \(first.maxAbsError), tolerance \(first.absTolerance) + \(first.relTolerance)·|x|")
            }
            return
        }
        throw ToolError(frames.source, "the mesh simulation is not built yet")
    }
}
