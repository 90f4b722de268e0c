import GraphIR

/// Scaled dot-product attention as exporters spell it,
///   Softmax(MatMul(Q [· s₁], Kᵀ) [· s₂ or / s₂] [+ mask | Where(mask, ·, -inf)], axis -1) · V,
/// becomes one `sluice.Attention(Q, K, V [, mask])` with the combined `scale`. Variants
/// handled: pre-scaled Q, scale after the product, K transposed by its own Transpose (the
/// last two axes swapped, or [0,2,3,1] straight from [batch, seq, heads, dim]) or by
/// anything else (a Transpose is inserted and folded by remove-noops), additive float
/// masks and boolean masks (True = attend; the inverted Where form gets a Not). Grouped
/// K/V heads pass through: the fused op repeats KV heads like grouped-query attention.
public struct AttentionFusion: GraphPass {
    public let name = "fuse-attention"
    public let summary = "MatMul/scale/mask/Softmax/MatMul attention (MHA, GQA, variants) becomes sluice.Attention"

    public init() {}

    struct Match {
        var softmax: Node
        var output: ValueID
        var q: ValueID
        var kTransposed: ValueID
        var v: ValueID
        var scale: Float
        var mask: ValueID = Graph.absent
        var invertMask = false
    }

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        guard graph.opset >= 13 else { return 0 }
        var changes = 0
        while let match = find(graph) {
            let anchor = match.softmax.name
            // K in [..., seq, dim] layout.
            var k = match.kTransposed
            let m = Matcher(graph)
            let rank = graph.shape(match.q)?.rank ?? 4
            var swap = Array(0..<rank)
            swap.swapAt(rank - 1, rank - 2)
            if let (_, t) = m.producer(k, "Transpose"), let perm = t.ints("perm"), perm == swap {
                k = t.input(0)
            } else {
                k = graph.addValue(anchor + ".k")
                graph.nodes.append(Node(name: anchor + ".k_transpose", op: "Transpose", inputs: [match.kTransposed], outputs: [k],
                                        attributes: ["perm": .ints(swap.map { Int64($0) })]))
            }
            var mask = match.mask
            if match.invertMask {
                let inverted = graph.addValue(anchor + ".mask")
                graph.nodes.append(Node(name: anchor + ".mask_not", op: "Not", inputs: [mask], outputs: [inverted]))
                mask = inverted
            }
            graph.replaceProducer(of: match.output, with: Node(name: anchor + ".attention", op: "Attention", domain: Node.sluiceDomain,
                                                               inputs: [match.q, k, match.v] + (mask >= 0 ? [mask] : []),
                                                               outputs: [match.output], attributes: ["scale": .float(match.scale)]))
            try graph.sortTopologically()
            changes += 1
        }
        return changes
    }

    func find(_ graph: Graph) -> Match? {
        let m = Matcher(graph)
        for s in graph.nodes where s.op == "Softmax" && s.domain.isEmpty {
            guard let rank = graph.shape(s.input(0))?.rank, rank >= 2,
                  s.int("axis", -1) == -1 || s.int("axis", -1) == rank - 1,
                  let (_, pv) = m.soleConsumer(s.outputs[0], "MatMul"), pv.inputs.count == 2, pv.inputs[0] == s.outputs[0],
                  m.uses[pv.outputs[0]] > 0 else { continue }
            var scores = s.input(0)
            var scale: Float = 1
            var mask = Graph.absent, invert = false
            // Mask: Add(scores, mask) or Where(cond, scores, -inf) / Where(cond, -inf, scores).
            if let (_, add) = m.producer(scores, "Add"), m.uses[scores] == 1, add.inputs.count == 2 {
                for (a, b) in [(0, 1), (1, 0)] where isScores(m, add.inputs[a]) {
                    mask = add.inputs[b]; scores = add.inputs[a]; break
                }
            } else if let (_, w) = m.producer(scores, "Where"), m.uses[scores] == 1, w.inputs.count == 3 {
                if veryNegative(m, w.inputs[2]) { mask = w.inputs[0]; scores = w.inputs[1] }
                else if veryNegative(m, w.inputs[1]) { mask = w.inputs[0]; scores = w.inputs[2]; invert = true }
            }
            // Scale after the product.
            if let (_, mul) = m.producer(scores, "Mul"), m.uses[scores] == 1, mul.inputs.count == 2 {
                for (a, b) in [(0, 1), (1, 0)] { if let f = m.graph.scalar(mul.inputs[b]), isProduct(m, mul.inputs[a]) { scale *= f; scores = mul.inputs[a]; break } }
            } else if let (_, div) = m.producer(scores, "Div"), m.uses[scores] == 1, div.inputs.count == 2,
                      let f = m.graph.scalar(div.inputs[1]), f != 0, isProduct(m, div.inputs[0]) {
                scale /= f; scores = div.inputs[0]
            }
            guard let (_, qk) = m.producer(scores, "MatMul"), m.uses[scores] == 1, qk.inputs.count == 2 else { continue }
            var q = qk.inputs[0]
            // Pre-scaled Q.
            if let (_, mul) = m.producer(q, "Mul"), m.uses[q] == 1, mul.inputs.count == 2 {
                for (a, b) in [(0, 1), (1, 0)] { if let f = m.graph.scalar(mul.inputs[b]) { scale *= f; q = mul.inputs[a]; break } }
            }
            let kt = qk.inputs[1]
            guard graph.shape(q)?.rank == rank, graph.shape(kt)?.rank == rank, graph.shape(pv.inputs[1])?.rank == rank else { continue }
            if mask >= 0, graph.type(mask)?.dtype != .bool, graph.type(mask)?.dtype.isFloat != true { continue }
            return Match(softmax: s, output: pv.outputs[0], q: q, kTransposed: kt, v: pv.inputs[1], scale: scale, mask: mask, invertMask: invert)
        }
        return nil
    }

    func isProduct(_ m: Matcher, _ v: ValueID) -> Bool { m.producer(v, "MatMul") != nil }

    /// The scores side of the mask Add: a MatMul, possibly scaled.
    func isScores(_ m: Matcher, _ v: ValueID) -> Bool {
        if isProduct(m, v) { return true }
        if let (_, n) = m.producer(v, "Mul") { return n.inputs.contains { isProduct(m, $0) } }
        if let (_, n) = m.producer(v, "Div") { return isProduct(m, n.input(0)) }
        return false
    }

    func veryNegative(_ m: Matcher, _ v: ValueID) -> Bool {
        guard let s = m.graph.scalar(v) else { return false }
        return s == -.infinity || s <= -1e4
    }
}
