import ToolKit

/// `--model mesh`: the placed program simulated event by event.
enum MeshMode {
    static func run(_ command: NpuSimCommand, _ tool: ToolContext) throws {
        let path = command.placed ?? "-"
        let frames = try PlacedFrames.read(try tool.openStream(path, expecting: .placed), source: path == "-" ? "stdin" : path)
        throw ToolError(frames.source, "the mesh simulation is not built yet")
    }
}
