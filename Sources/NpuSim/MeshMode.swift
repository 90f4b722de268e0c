import ToolKit

/// `--model mesh`: the placed program simulated event by event.
enum MeshMode {
    static func run(_ command: NpuSimCommand, _ tool: ToolContext) throws {
        let path = command.placed ?? "-"
        let frames = try PlacedFrames.read(try tool.openStream(path, expecting: .placed), source: path == "-" ? "stdin" : path)
        if command.check {
            guard let graph = command.graph else { throw ToolError.usage("npu-sim", "--check needs --graph FILE (the graph stream the program was tiled from)") }
            _ = try CheckStage.run(frames, graphPath: graph, fault: command.injectFault, tool)
        }
        throw ToolError(frames.source, "the mesh simulation is not built yet")
    }
}
