import GraphIR

/// Removes nodes whose outputs no graph output depends on.
public struct DeadCodeElimination: GraphPass {
    public let name = "dce"
    public let summary = "remove nodes that no graph output depends on"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        var live = [Bool](repeating: false, count: graph.values.count)
        for o in graph.outputs { live[o] = true }
        var keep = [Bool](repeating: false, count: graph.nodes.count)
        for i in stride(from: graph.nodes.count - 1, through: 0, by: -1) {
            let n = graph.nodes[i]
            guard n.outputs.contains(where: { $0 >= 0 && live[$0] }) else { continue }
            keep[i] = true
            for v in n.reads where v >= 0 { live[v] = true }
        }
        let dead = Set(keep.indices.filter { !keep[$0] })
        graph.removeNodes(dead)
        return dead.count
    }
}
