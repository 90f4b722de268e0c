import GraphIR

/// Folds the element-wise activation that follows a Conv or Gemm into it. A fused
/// activation is the attribute `activation` (an ONNX op name, or `Silu` for x·σ(x)) with
/// its numeric parameters in `activation_params` and GELU's mode in
/// `activation_approximate`; the interpreter runs it and the exporter writes it back as
/// onnxruntime's FusedConv/FusedGemm or as the standard ops (`OnnxExporter`).
public struct ActivationFusion: GraphPass {
    public let name = "fuse-activation"
    public let summary = "fold Relu/Clip/Sigmoid/Tanh/LeakyRelu/HardSigmoid/SiLU/GELU into the Conv or Gemm that feeds it"

    public init() {}

    /// Single-input activations fused as they stand (their op name becomes `activation`).
    static let fusible: Set<String> = ["Relu", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid", "Clip", "Gelu"]

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let producers = graph.producers(), uses = graph.useCounts()
        var removed = Set<Int>()
        /// The Conv/Gemm producing `v` when it can take an activation, else nil.
        func fusibleProducer(_ v: ValueID) -> Int? {
            guard v >= 0, producers[v] >= 0, !removed.contains(producers[v]), !graph.outputs.contains(v) else { return nil }
            let n = graph.nodes[producers[v]]
            let isConv = n.op == "Conv" && n.domain.isEmpty || n.op == "FusedConv" && n.domain == Node.sluiceDomain
            let isGemm = n.op == "Gemm" && n.domain.isEmpty || n.op == "FusedGemm" && n.domain == Node.sluiceDomain
            return (isConv || isGemm) && n.attributes["activation"] == nil ? producers[v] : nil
        }
        for (i, act) in graph.nodes.enumerated() where act.domain.isEmpty && !removed.contains(i) {
            var activation = act.op
            var params: [Float] = []
            var extra: [String: Attribute] = [:]
            var absorbed: [Int] = [i]
            let p: Int
            switch act.op {
            case "Mul" where act.inputs.count == 2:
                // SiLU as exporters write it: Mul(v, Sigmoid(v)) in either order, v read only by the two.
                guard let (v, sig) = siluOperands(graph, act, producers, uses), uses[v] == 2,
                      let q = fusibleProducer(v) else { continue }
                activation = "Silu"
                absorbed.append(sig)
                p = q
            case _ where Self.fusible.contains(act.op):
                let v = act.input(0)
                guard graph.isSingleUse(v, uses), let q = fusibleProducer(v) else { continue }
                p = q
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
                case "Gelu": if let a = act.attributes["approximate"] { extra["activation_approximate"] = a }
                default: break
                }
            default: continue
            }
            var n = graph.nodes[p]
            let isConv = n.op == "Conv" || n.op == "FusedConv"
            n.op = isConv ? "FusedConv" : "FusedGemm"
            n.domain = Node.sluiceDomain
            n.attributes["activation"] = .string(activation)
            if !params.isEmpty { n.attributes["activation_params"] = .floats(params) }
            n.attributes.merge(extra) { _, new in new }
            n.outputs = [act.outputs[0]]
            graph.nodes[p] = n
            removed.formUnion(absorbed)
        }
        graph.removeNodes(removed)
        return removed.count
    }

    /// For Mul(v, Sigmoid(v)) (either order, the Sigmoid read only here): v and the Sigmoid's node index.
    func siluOperands(_ graph: Graph, _ mul: Node, _ producers: [Int], _ uses: [Int]) -> (ValueID, Int)? {
        for (a, b) in [(0, 1), (1, 0)] {
            let v = mul.inputs[a], s = mul.inputs[b]
            guard v >= 0, s >= 0, producers[s] >= 0, graph.isSingleUse(s, uses) else { continue }
            let sig = graph.nodes[producers[s]]
            if sig.op == "Sigmoid" && sig.domain.isEmpty && sig.input(0) == v { return (v, producers[s]) }
        }
        return nil
    }
}
