import GraphIO
import GraphIR
import Benchmarking
import Pipes
import ToolKit

/// `op-bench --graph`: reads a graph stream (Formats/graph.capnp, what graph-opt writes) and
/// turns its nodes into bench cases; says on stderr which operators it could not time.
enum GraphInput {
    static func cases(_ path: String, symbols: [String: Int], _ tool: ToolContext) throws -> [BenchCase] {
        let stream = try tool.openStream(path, expecting: .graph)
        let graph: Graph
        do {
            graph = try GraphStreamInput.read(stream)
        } catch let e as GraphError {
            throw ToolError(path == "-" ? "stdin" : path, e.description)
        }
        let selection = GraphCases.cases(of: graph, symbols: symbols)
        let skipped = selection.skipped.map { "\($0.op) ×\($0.count)" }.joined(separator: ", ")
        ToolRunner.writeToStandardError("op-bench: \(graph.nodes.count) nodes, \(selection.cases.count) distinct cases"
                                        + (skipped.isEmpty ? "" : "; not timed: \(skipped)") + "\n")
        return selection.cases
    }
}
