import GraphIR

/// Removes nodes that pass their input through unchanged: Identity, inference Dropout,
/// Cast to the same type, Reshape/Flatten/Expand to the same shape, identity Transpose,
/// single-input Concat, Add of 0 and Mul by 1 that do not broadcast; composes Transpose
/// pairs into one Transpose (or nothing).
public struct NoOpRemoval: GraphPass {
    public let name = "remove-noops"
    public let summary = "drop Identity, Dropout, same-type Cast, same-shape Reshape, identity Transpose; compose Transpose pairs"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        var changes = 0
        var removed = Set<Int>()
        let producers = graph.producers()
        var uses = graph.useCounts()
        for i in graph.nodes.indices {
            let n = graph.nodes[i]
            guard n.domain.isEmpty, let out = n.outputs.first, out >= 0 else { continue }
            let x = n.input(0)
            var passthrough = false
            switch n.op {
            case "Identity":
                passthrough = true
            case "Dropout":
                passthrough = n.outputs.count < 2 || n.outputs[1] < 0 || uses[n.outputs[1]] == 0
            case "Cast":
                passthrough = graph.type(x)?.dtype.rawValue == Int32(n.int("to", 0))
            case "Reshape", "Flatten", "Expand", "Squeeze", "Unsqueeze":
                if let a = graph.shape(x), let b = graph.shape(out), a == b, a.dims.allSatisfy({ $0 != .unknown }) { passthrough = true }
            case "Concat":
                passthrough = n.inputs.filter { $0 >= 0 }.count == 1
            case "Transpose":
                let rank = graph.shape(x)?.rank ?? -1
                let perm = n.ints("perm") ?? Array((0..<max(rank, 0)).reversed())
                if perm == Array(0..<perm.count), rank == perm.count {
                    passthrough = true
                } else if producers[x] >= 0, !removed.contains(producers[x]), graph.nodes[producers[x]].op == "Transpose",
                          let inner = graph.nodes[producers[x]].ints("perm") {
                    // Transpose(Transpose(y, p), q) == Transpose(y, p∘q).
                    let composed = perm.map { inner[$0] }
                    graph.nodes[i].inputs[0] = graph.nodes[producers[x]].inputs[0]
                    uses[x] -= 1
                    if composed == Array(0..<composed.count) { passthrough = true }
                    else { graph.nodes[i].attributes["perm"] = .ints(composed.map { Int64($0) }) }
                    changes += 1
                }
            case "Add", "Sub", "Mul", "Div":
                let identity: Float = (n.op == "Mul" || n.op == "Div") ? 1 : 0
                if graph.scalar(n.input(1)) == identity, graph.shape(out) == graph.shape(x), graph.shape(x) != nil,
                   graph.type(out)?.dtype == graph.type(x)?.dtype {
                    passthrough = true
                }
            default: break
            }
            guard passthrough else { continue }
            let src = graph.nodes[i].inputs[0]
            if graph.replaceUses(of: out, with: src) {
                removed.insert(i)
                uses[src] += uses[out] - 1
                changes += 1
            }
        }
        graph.removeNodes(removed)
        return changes
    }
}
