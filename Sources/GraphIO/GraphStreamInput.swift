import GraphIR
import Pipes
import Schemas

/// Reads a whole graph stream (as graph-opt writes it) back into a `Graph`: what every tool
/// that consumes graphs (op-bench --graph, tile-plan) and the round-trip tests call.
public enum GraphStreamInput {
    /// Consumes every record of `stream` (already past its header) and validates the graph.
    public static func read(_ stream: RecordStreamReader) throws -> Graph {
        var decoder = GraphStreamDecoder()
        while let root = try stream.next() {
            try decoder.consume(GraphFrame.Reader(root))
        }
        return try decoder.finish()
    }
}
