import GraphIR

/// Rewrites MatMul(A, B) + C on 2-D operands as one Gemm.
public struct MatMulAddFusion: GraphPass {
    public let name = "fuse-matmul-add"
    public let summary = "MatMul followed by Add of a broadcastable bias on 2-D operands becomes Gemm"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let producers = graph.producers(), uses = graph.useCounts()
        var removed = Set<Int>()
        for (i, add) in graph.nodes.enumerated() where add.op == "Add" && add.domain.isEmpty && add.inputs.count == 2 {
            for (mi, ci) in [(0, 1), (1, 0)] {
                let mmOut = add.inputs[mi], c = add.inputs[ci]
                guard graph.isSingleUse(mmOut, uses), producers[mmOut] >= 0, !removed.contains(producers[mmOut]) else { continue }
                let mm = graph.nodes[producers[mmOut]]
                guard mm.op == "MatMul", mm.domain.isEmpty,
                      let a = graph.shape(mm.inputs[0]), a.rank == 2,
                      let b = graph.shape(mm.inputs[1]), b.rank == 2,
                      let out = graph.shape(mmOut), let cs = graph.shape(c), cs.rank <= 2,
                      graph.shape(add.outputs[0]) == out,
                      graph.type(c)?.dtype == .float32 || graph.type(c)?.dtype == nil else { continue }
                // C must broadcast to [M, N] without growing the result.
                if cs.rank == 2, cs.dims[0] != .known(1), cs.dims[0] != out.dims[0] { continue }
                if cs.rank >= 1, cs.dims[cs.rank - 1] != .known(1), cs.dims[cs.rank - 1] != out.dims[1] { continue }
                let p = producers[mmOut]
                graph.nodes[p] = Node(name: mm.name, op: "Gemm", inputs: [mm.inputs[0], mm.inputs[1], c], outputs: [add.outputs[0]])
                removed.insert(i)
                break
            }
        }
        graph.removeNodes(removed)
        return removed.count
    }
}
