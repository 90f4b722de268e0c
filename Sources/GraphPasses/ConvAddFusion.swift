import GraphIR

/// Target-specific fusion into `sluice.FusedConv`: a residual Add into the Conv (input Z,
/// added before the activation; `ActivationFusion` then folds the activation that follows).
/// This is the fused kernel an accelerator (and onnxruntime's com.microsoft FusedConv) runs
/// in one pass over the output tile.
public struct ConvAddFusion: GraphPass {
    public let name = "fuse-conv-add"
    public let summary = "fold a same-shape residual Add/Sum into the Conv that feeds it (FusedConv input Z)"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let producers = graph.producers(), uses = graph.useCounts()
        var removed = Set<Int>()
        for (i, add) in graph.nodes.enumerated() where (add.op == "Add" || add.op == "Sum") && add.domain.isEmpty && add.inputs.count == 2 {
            guard let outShape = graph.shape(add.outputs[0]), outShape.knownDims != nil else { continue }
            for (ci, zi) in [(0, 1), (1, 0)] {
                let v = add.inputs[ci], z = add.inputs[zi]
                guard graph.isSingleUse(v, uses), producers[v] >= 0, !removed.contains(producers[v]),
                      graph.shape(z) == outShape, graph.shape(v) == outShape, graph.constant(z) == nil else { continue }
                let c = producers[v]
                let conv = graph.nodes[c]
                guard conv.domain.isEmpty && conv.op == "Conv" || conv.domain == Node.sluiceDomain && conv.op == "FusedConv"
                        && conv.attributes["activation"] == nil && conv.input(3) < 0 else { continue }
                var fused = conv
                fused.op = "FusedConv"
                fused.domain = Node.sluiceDomain
                while fused.inputs.count < 3 { fused.inputs.append(Graph.absent) }
                fused.inputs = Array(fused.inputs.prefix(3)) + [z]
                fused.outputs = [add.outputs[0]]
                graph.nodes[c] = fused
                removed.insert(i)
                break
            }
        }
        graph.removeNodes(removed)
        // The Conv now reads Z, which may be produced after it: restore the order.
        if !removed.isEmpty { try graph.sortTopologically() }
        return removed.count
    }
}
