import GraphIR

/// A matched normalization: `x` normalized over the last axis with `eps`, optionally scaled
/// and shifted, its result written to `output`.
struct NormMatch {
    var anchor: String
    var x: ValueID
    var eps: Float
    var gamma: ValueID = Graph.absent
    var beta: ValueID = Graph.absent
    var output: ValueID
    var width: Int
}

/// The shared tail of LayerNorm and RMSNorm: given `s` (squared) and `num` (divided),
///   num / Sqrt(ReduceMean(s²) + eps)    or    num * Reciprocal(Sqrt(...))
/// with s² as Pow(s, 2) or s*s. Returns eps and the normalized value.
func matchNormalizeTail(_ m: Matcher, square s: ValueID, numerator num: ValueID) -> (Float, ValueID)? {
    for c in m.consumers[s] {
        let sq = m.graph.nodes[c]
        guard sq.domain.isEmpty, (sq.op == "Pow" && sq.inputs.count == 2 && sq.inputs[0] == s && m.isScalar(sq.inputs[1], 2))
                || (sq.op == "Mul" && sq.inputs == [s, s]) else { continue }
        guard let (_, mean) = m.soleConsumer(sq.outputs[0], "ReduceMean"), m.reducesLastAxisOnly(mean),
              let (_, add) = m.soleConsumer(mean.outputs[0], "Add"), let epsV = m.other(add, than: mean.outputs[0]),
              let eps = m.graph.scalar(epsV), eps >= 0, eps < 1,
              let (_, sqrt) = m.soleConsumer(add.outputs[0], "Sqrt") else { continue }
        let r = sqrt.outputs[0]
        if let (_, div) = m.soleConsumer(r, "Div"), div.inputs == [num, r] { return (eps, div.outputs[0]) }
        if let (_, rec) = m.soleConsumer(r, "Reciprocal"), let (_, mul) = m.soleConsumer(rec.outputs[0], "Mul"),
           m.other(mul, than: rec.outputs[0]) == num { return (eps, mul.outputs[0]) }
    }
    return nil
}

/// Optional `* gamma` and (for LayerNorm) `+ beta` after the normalization, with vector
/// constants of the normalized width.
func matchAffine(_ m: Matcher, _ match: inout NormMatch, shift: Bool) {
    func vector(_ v: ValueID) -> Bool {
        guard let c = m.graph.constant(v), c.dtype == .float32, c.elementCount == match.width else { return false }
        return c.dims.last == match.width
    }
    if let (_, mul) = m.soleConsumer(match.output, "Mul"), let g = m.other(mul, than: match.output), vector(g) {
        match.gamma = g
        match.output = mul.outputs[0]
        if shift, let (_, add) = m.soleConsumer(match.output, "Add"), let b = m.other(add, than: match.output), vector(b) {
            match.beta = b
            match.output = add.outputs[0]
        }
    }
}

/// Writes a matched normalization as one node (scale defaults to ones).
func rewriteNorm(_ graph: inout Graph, _ match: NormMatch, op: String, minOpset: Int) {
    var gamma = match.gamma
    if gamma < 0 { gamma = graph.addConstant(match.anchor + ".scale", .float32(Array(repeating: 1, count: match.width), dims: [match.width])) }
    // Parameters of shape [1, ..., width] are reshaped to the [width] the fused op expects.
    func flat(_ v: ValueID) -> ValueID {
        guard let c = graph.constant(v), c.dims.count != 1, let f = try? c.floats() else { return v }
        return graph.addConstant(graph.values[v].name + ".flat", .float32(f, dims: [f.count]))
    }
    let inputs = [match.x, flat(gamma)] + (match.beta >= 0 ? [flat(match.beta)] : [])
    graph.replaceProducer(of: match.output, with: Node(name: match.anchor + "." + op, op: op, inputs: inputs, outputs: [match.output],
                                                      attributes: ["axis": .int(-1), "epsilon": .float(match.eps)]))
    graph.opsets[""] = max(graph.opset, minOpset)
}

/// Decomposed LayerNorm, d = x - ReduceMean(x); d / Sqrt(ReduceMean(d²) + eps) [* γ] [+ β],
/// over the last axis → LayerNormalization (ONNX opset 17).
public struct LayerNormFusion: GraphPass {
    public let name = "fuse-layernorm"
    public let summary = "decomposed LayerNorm (mean, variance, eps, sqrt, scale, shift) becomes LayerNormalization"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        // Fusing raises the opset; below 13 that would change Softmax's meaning.
        guard graph.opset >= 13 else { return 0 }
        var changes = 0
        while let match = find(graph) {
            rewriteNorm(&graph, match, op: "LayerNormalization", minOpset: 17)
            changes += 1
        }
        return changes
    }

    func find(_ graph: Graph) -> NormMatch? {
        let m = Matcher(graph)
        for n in graph.nodes where n.op == "ReduceMean" && n.domain.isEmpty && m.reducesLastAxisOnly(n) {
            let x = n.input(0)
            guard let width = graph.shape(x)?.dims.last?.value,
                  let (_, sub) = m.soleConsumer(n.outputs[0], "Sub"), sub.inputs == [x, n.outputs[0]],
                  m.uses[sub.outputs[0]] == 2,
                  let (eps, out) = matchNormalizeTail(m, square: sub.outputs[0], numerator: sub.outputs[0]) else { continue }
            var match = NormMatch(anchor: n.name, x: x, eps: eps, output: out, width: width)
            matchAffine(m, &match, shift: true)
            // A pattern already replaced leaves a dead copy until DCE: skip it.
            if m.uses[match.output] > 0 { return match }
        }
        return nil
    }
}

/// Decomposed RMSNorm, x / Sqrt(ReduceMean(x²) + eps) [* γ] (or x * Reciprocal(...)), over
/// the last axis → RMSNormalization (ONNX opset 23).
public struct RMSNormFusion: GraphPass {
    public let name = "fuse-rmsnorm"
    public let summary = "decomposed RMSNorm (mean square, eps, sqrt, reciprocal, scale) becomes RMSNormalization"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        guard graph.opset >= 13 else { return 0 }
        var changes = 0
        while let match = find(graph) {
            rewriteNorm(&graph, match, op: "RMSNormalization", minOpset: 23)
            changes += 1
        }
        return changes
    }

    func find(_ graph: Graph) -> NormMatch? {
        let m = Matcher(graph)
        for (i, x) in graph.values.indices.map({ ($0, $0) }) where m.consumers[i].count >= 2 && graph.constant(x) == nil {
            guard let width = graph.shape(x)?.dims.last?.value,
                  let (eps, out) = matchNormalizeTail(m, square: x, numerator: x) else { continue }
            var match = NormMatch(anchor: graph.values[x].name, x: x, eps: eps, output: out, width: width)
            matchAffine(m, &match, shift: false)
            if m.uses[match.output] > 0 { return match }
        }
        return nil
    }
}
