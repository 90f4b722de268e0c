import GraphIR

/// A residual Add feeding a LayerNormalization over the last axis becomes one
/// `sluice.SkipLayerNorm(input, skip, gamma [, beta])` whose second output is the sum, so the
/// residual stream that continues past the norm needs no separate Add (exported as
/// onnxruntime's com.microsoft SkipLayerNormalization, output 3 being the sum).
public struct SkipLayerNormFusion: GraphPass {
    public let name = "fuse-skip-layernorm"
    public let summary = "residual Add + LayerNormalization becomes sluice.SkipLayerNorm (sum as a second output)"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        var changes = 0
        var removed = Set<Int>()
        let m = Matcher(graph)
        for (i, ln) in graph.nodes.enumerated() where ln.op == "LayerNormalization" && ln.domain.isEmpty {
            let x = ln.input(0)
            guard let rank = graph.shape(x)?.rank, rank >= 2,
                  ln.int("axis", -1) == -1 || ln.int("axis", -1) == rank - 1,
                  ln.outputs.dropFirst().allSatisfy({ $0 < 0 || m.uses[$0] == 0 }),
                  let (a, add) = m.producer(x, "Add"), !removed.contains(a), add.inputs.count == 2,
                  let sa = graph.shape(add.inputs[0]), sa == graph.shape(add.inputs[1]), sa == graph.shape(x),
                  graph.type(x)?.dtype == .float32 else { continue }
            // The sum stays available as output 1 when anything else reads it.
            let sumUsed = m.uses[x] > 1 || graph.outputs.contains(x)
            var fused = Node(name: ln.name + ".skip", op: "SkipLayerNorm", domain: Node.sluiceDomain,
                             inputs: [add.inputs[0], add.inputs[1]] + Array(ln.inputs.dropFirst()),
                             outputs: [ln.outputs[0]] + (sumUsed ? [x] : []),
                             attributes: ["epsilon": .float(ln.float("epsilon", 1e-5))])
            if fused.inputs.count < 3 { continue }
            fused.inputs = Array(fused.inputs.prefix(4))
            graph.nodes[i] = fused
            removed.insert(a)
            changes += 1
        }
        graph.removeNodes(removed)
        if changes > 0 { try graph.sortTopologically() }
        return changes
    }
}
