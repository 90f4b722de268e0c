import Pipes
import Schemas

extension StreamKind {
    /// Graph streams (Formats/graph.capnp): what graph-opt writes and tile-plan reads.
    public static let graph = StreamKind(name: GraphSchema.kind, frameType: "GraphFrame",
                                         schemaVersion: GraphSchema.schemaVersion, trailerTag: 4,
                                         frameDataWords: GraphFrame.dataWordCount,
                                         framePointers: GraphFrame.pointerCount)
}
