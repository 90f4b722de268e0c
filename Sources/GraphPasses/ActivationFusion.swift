import GraphIR

/// Target-specific fusions into `sluice.FusedConv` / `sluice.FusedGemm`: a residual Add
/// into the Conv (input Z, added before the activation) and an element-wise activation
/// into the Conv or Gemm that feeds it. These are the fused kernels an accelerator (and
/// onnxruntime's com.microsoft FusedConv) runs in one pass over the output tile.
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

public struct ActivationFusion: GraphPass {
    public let name = "fuse-activation"
    public let summary = "fold Relu/Clip/Sigmoid/Tanh/LeakyRelu/HardSigmoid into the Conv or Gemm that feeds it"

    public init() {}

    static let fusible: Set<String> = ["Relu", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid", "Clip"]

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let producers = graph.producers(), uses = graph.useCounts()
        var removed = Set<Int>()
        for (i, act) in graph.nodes.enumerated() where Self.fusible.contains(act.op) && act.domain.isEmpty {
            let v = act.input(0)
            guard graph.isSingleUse(v, uses), producers[v] >= 0, !removed.contains(producers[v]) else { continue }
            let p = producers[v]
            var n = graph.nodes[p]
            let isConv = n.op == "Conv" && n.domain.isEmpty || n.op == "FusedConv" && n.domain == Node.sluiceDomain
            let isGemm = n.op == "Gemm" && n.domain.isEmpty || n.op == "FusedGemm" && n.domain == Node.sluiceDomain
            guard isConv || isGemm, n.attributes["activation"] == nil else { continue }
            var params: [Float] = []
            switch act.op {
            case "Clip":
                if graph.opset < 11 {
                    params = [act.float("min", -Float.greatestFiniteMagnitude), act.float("max", Float.greatestFiniteMagnitude)]
                } else {
                    let lo = act.input(1) < 0 ? -Float.greatestFiniteMagnitude : graph.scalar(act.input(1))
                    let hi = act.input(2) < 0 ? Float.greatestFiniteMagnitude : graph.scalar(act.input(2))
                    guard let lo, let hi else { continue }
                    params = [lo, hi]
                }
            case "LeakyRelu": params = [act.float("alpha", 0.01)]
            case "HardSigmoid": params = [act.float("alpha", 0.2), act.float("beta", 0.5)]
            default: break
            }
            n.op = isConv ? "FusedConv" : "FusedGemm"
            n.domain = Node.sluiceDomain
            n.attributes["activation"] = .string(act.op)
            if !params.isEmpty { n.attributes["activation_params"] = .floats(params) }
            n.outputs = [act.outputs[0]]
            graph.nodes[p] = n
            removed.insert(i)
        }
        graph.removeNodes(removed)
        return removed.count
    }
}
