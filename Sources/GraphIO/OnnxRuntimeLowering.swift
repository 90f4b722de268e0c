import GraphIR

/// The runtime an ONNX export is written for (`graph-opt --for`).
public enum OnnxTarget: String, CaseIterable, Sendable {
    /// Standard ONNX only: every fused form is written back as the standard operators it
    /// stands for, so any ONNX runtime loads the file.
    case standard = "onnx"
    /// onnxruntime: fused forms become its `com.microsoft` contrib operators where their
    /// semantics match exactly on float32 and its CPU execution provider has a kernel, so a
    /// session with graph optimizations disabled still runs the fused kernels.
    case onnxruntime
}

/// Export-time rewrites of standard nodes into onnxruntime's contrib operators (the
/// `com.microsoft` domain, version 1, as its ContribOperators.md defines them), for
/// `OnnxTarget.onnxruntime`. These are not graph passes: the rewritten nodes are opaque to
/// graph-opt's interpreter and to every other runtime, so they exist only in the written file.
///
///     Add(x, b) → Gelu              BiasGelu(x, b)     b 1-D of x's last dimension, the sum read only here
///     Add(x, b) → Gelu(tanh)        FastGelu(x, b)     likewise
///     Gelu / Gelu(tanh)             Gelu / FastGelu(x)
///     Mul(x, Sigmoid(x))            QuickGelu(x, alpha = 1)   (QuickGelu is x·σ(alpha·x))
///     MatMul(Transpose(a), Transpose(b)), either Transpose swapping only the last two axes and
///                                   read only there: FusedMatMul(a, b, transA, transB)
enum OnnxRuntimeLowering {
    static let domain = "com.microsoft"

    /// Rewrites `graph` in place; returns the number of contrib nodes it made.
    static func apply(_ graph: inout Graph) -> Int {
        let producers = graph.producers(), uses = graph.useCounts()
        var removed = Set<Int>()
        var made = 0
        func singleUse(_ v: ValueID) -> Bool { Self.singleUse(graph, uses, v) }
        /// For v = Add(x, b) with b a 1-D constant of x's last dimension and x of v's shape: (x, b, Add's index).
        func biasAdd(_ v: ValueID) -> (ValueID, ValueID, Int)? {
            guard singleUse(v), producers[v] >= 0, !removed.contains(producers[v]) else { return nil }
            let add = graph.nodes[producers[v]]
            guard add.op == "Add", add.domain.isEmpty, add.inputs.count == 2, let out = graph.shape(v), out.rank >= 1 else { return nil }
            for (xi, bi) in [(0, 1), (1, 0)] {
                let x = add.inputs[xi], b = add.inputs[bi]
                guard graph.shape(x) == out, graph.type(x)?.dtype == .float32, graph.constant(b) != nil,
                      let bs = graph.shape(b), bs.rank == 1, bs.dims[0] == out.dims[out.rank - 1], bs.dims[0].value != nil else { continue }
                return (x, b, producers[v])
            }
            return nil
        }
        var detached = Set<Int>()  // nodes a quantized rewrite stopped reading from
        /// For Mul(MatMul or FusedMatMul, scalar constant), the product read only here: (its node, the scalar).
        func scaledProduct(_ mul: Node) -> (Int, Float)? {
            for (a, b) in [(0, 1), (1, 0)] {
                let v = mul.inputs[a]
                guard singleUse(v), producers[v] >= 0, !removed.contains(producers[v]),
                      let c = graph.constant(mul.inputs[b]), c.elementCount == 1, c.dtype == .float32, let s = (try? c.scalarFloat()) ?? nil,
                      c.dims.isEmpty || (graph.shape(v) != nil && graph.shape(v) == graph.shape(mul.outputs[0])) else { continue }
                let p = graph.nodes[producers[v]]
                if (p.op == "MatMul" && p.domain.isEmpty && p.inputs.count == 2) || (p.op == "FusedMatMul" && p.domain == domain) {
                    return (producers[v], s)
                }
            }
            return nil
        }
        for i in graph.nodes.indices where !removed.contains(i) {
            if let (node, from) = quantized(graph, at: i, producers: producers, uses: uses) {
                graph.nodes[i] = node
                detached.formUnion(from)
                made += 1
                continue
            }
            let n = graph.nodes[i]
            guard n.domain.isEmpty, n.outputs.count == 1, graph.type(n.outputs[0])?.dtype == .float32 else { continue }
            switch n.op {
            case "Gelu":
                let tanh = n.string("approximate", "none") == "tanh"
                if let (x, b, add) = biasAdd(n.input(0)) {
                    graph.nodes[i] = Node(name: n.name, op: tanh ? "FastGelu" : "BiasGelu", domain: domain, inputs: [x, b], outputs: n.outputs)
                    removed.insert(add)
                } else {
                    graph.nodes[i] = Node(name: n.name, op: tanh ? "FastGelu" : "Gelu", domain: domain, inputs: [n.input(0)], outputs: n.outputs)
                }
                made += 1
            case "Mul" where n.inputs.count == 2:
                // A scalar scale after a MatMul is FusedMatMul's alpha (alpha · A·B).
                if let (p, s) = scaledProduct(n) {
                    var fused = graph.nodes[p]
                    if fused.domain.isEmpty {
                        fused = Node(name: fused.name, op: "FusedMatMul", domain: domain, inputs: fused.inputs, outputs: fused.outputs,
                                     attributes: ["alpha": .float(1)])
                        made += 1
                    }
                    fused.attributes["alpha"] = .float(fused.float("alpha", 1) * s)
                    fused.outputs = n.outputs
                    graph.nodes[p] = fused
                    removed.insert(i)
                    continue
                }
                for (a, b) in [(0, 1), (1, 0)] {
                    let x = n.inputs[a], s = n.inputs[b]
                    guard x >= 0, singleUse(s), producers[s] >= 0, !removed.contains(producers[s]) else { continue }
                    let sig = graph.nodes[producers[s]]
                    guard sig.op == "Sigmoid", sig.domain.isEmpty, sig.input(0) == x, graph.shape(x) == graph.shape(n.outputs[0]) else { continue }
                    graph.nodes[i] = Node(name: n.name, op: "QuickGelu", domain: domain, inputs: [x], outputs: n.outputs,
                                          attributes: ["alpha": .float(1)])
                    removed.insert(producers[s])
                    made += 1
                    break
                }
            case "MatMul" where n.inputs.count == 2:
                // FusedMatMul's transA/transB transpose the last two axes of its operand.
                var inputs = n.inputs
                var flags: [String: Attribute] = [:]
                for (k, flag) in [(0, "transA"), (1, "transB")] {
                    let v = n.inputs[k]
                    guard singleUse(v), producers[v] >= 0, !removed.contains(producers[v]) else { continue }
                    let t = graph.nodes[producers[v]]
                    guard t.op == "Transpose", t.domain.isEmpty, let rank = graph.shape(t.input(0))?.rank, rank >= 2,
                          t.ints("perm") == Array(0..<(rank - 2)) + [rank - 1, rank - 2] else { continue }
                    inputs[k] = t.input(0)
                    flags[flag] = .int(1)
                    removed.insert(producers[v])
                }
                guard !flags.isEmpty else { continue }
                graph.nodes[i] = Node(name: n.name, op: "FusedMatMul", domain: domain, inputs: inputs, outputs: n.outputs,
                                      attributes: flags.merging(["alpha": .float(1)]) { a, _ in a })
                made += 1
            default: break
            }
        }
        removed.formUnion(unread(graph, among: detached, removed: removed))
        if !removed.isEmpty { graph.nodes = graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element) }
        if made > 0 && graph.opsets[domain] == nil { graph.opsets[domain] = 1 }
        return made
    }

    /// `v` is read by exactly one node (`uses` as `Graph.useCounts` counts) and is no graph output.
    static func singleUse(_ graph: Graph, _ uses: [Int], _ v: ValueID) -> Bool {
        v >= 0 && uses[v] == 1 && !graph.outputs.contains(v)
    }

    /// The nodes of `candidates` (and, transitively, their producers) that nothing reads any
    /// more once `removed` is gone: a DequantizeLinear shared by two Convs goes only when both
    /// were rewritten. Only nodes a rewrite detached are considered, never others.
    static func unread(_ graph: Graph, among candidates: Set<Int>, removed: Set<Int>) -> Set<Int> {
        var gone = removed
        var uses = [Int](repeating: 0, count: graph.values.count)
        for (i, n) in graph.nodes.enumerated() where !gone.contains(i) { for v in n.reads where v >= 0 { uses[v] += 1 } }
        for v in graph.outputs { uses[v] += 1 }
        let producers = graph.producers()
        var work = Array(candidates)
        while let i = work.popLast() {
            guard !gone.contains(i), graph.nodes[i].outputs.allSatisfy({ $0 < 0 || uses[$0] == 0 }) else { continue }
            gone.insert(i)
            for v in graph.nodes[i].reads where v >= 0 {
                uses[v] -= 1
                if uses[v] == 0, producers[v] >= 0, candidates.contains(producers[v]) { work.append(producers[v]) }
            }
        }
        return gone.subtracting(removed)
    }
}
