import GraphIR

/// Resolves the shape arithmetic exporters emit around Reshape (Shape → Gather →
/// Unsqueeze → Concat) when dims are symbolic, so it cannot simply be folded:
/// - `Gather(Shape(x), k)` of a dim that is known becomes a constant;
/// - `Reshape(x, Concat(...))` whose parts are constants or `Unsqueeze(Gather(Shape(x), k))`
///   at position k becomes `Reshape(x, constant)` with 0 ("copy this dim") at those places.
/// What is left of the arithmetic is then dead.
public struct ShapeSimplification: GraphPass {
    public let name = "simplify-shapes"
    public let summary = "resolve Shape/Gather/Concat arithmetic feeding Reshape with symbolic dims"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let producers = graph.producers()
        var changes = 0
        // Values added by this pass (new constants) lie past `producers` and have no producer.
        func producer(_ v: ValueID) -> Node? { v >= 0 && v < producers.count && producers[v] >= 0 ? graph.nodes[producers[v]] : nil }
        /// (x, k) when `v` is Gather(Shape(x), scalar k) over a full Shape.
        func shapeGather(_ v: ValueID) -> (ValueID, Int)? {
            guard let g = producer(v), g.op == "Gather", g.int("axis", 0) == 0,
                  let idx = try? graph.constant(g.input(1))?.int64s(), idx.count == 1,
                  graph.constant(g.input(1))?.dims.isEmpty == true,
                  let s = producer(g.input(0)), s.op == "Shape", s.attributes["start"] == nil, s.attributes["end"] == nil,
                  let rank = graph.shape(s.input(0))?.rank else { return nil }
            let k = Int(idx[0]) < 0 ? Int(idx[0]) + rank : Int(idx[0])
            return (0..<rank).contains(k) ? (s.input(0), k) : nil
        }
        func gatherOfShape(_ g: Node) -> (ValueID, Int)? { shapeGather(g.outputs[0]) }
        for i in graph.nodes.indices {
            let n = graph.nodes[i]
            if n.op == "Gather", n.outputs[0] >= 0, let (x, k) = gatherOfShape(n),
               let d = graph.shape(x)?.dims[k].value, !graph.outputs.contains(n.outputs[0]) {
                let c = graph.addConstant(n.name + ".value", .int64([Int64(d)], dims: []))
                if graph.replaceUses(of: n.outputs[0], with: c) { changes += 1 }
                continue
            }
            guard n.op == "Reshape", n.int("allowzero", 0) == 0, let concat = producer(n.input(1)), concat.op == "Concat" else { continue }
            var target: [Int64] = []
            var ok = true
            for part in concat.inputs {
                if let c = graph.constant(part), c.dims.count == 1, let v = try? c.int64s() {
                    target += v
                } else if let u = producer(part), u.op == "Unsqueeze",
                          (u.ints("axes") ?? ((try? graph.constant(u.input(1))?.int64s()) ?? nil)?.map { Int($0) }) == [0],
                          let (x, k) = shapeGather(u.input(0)), x == n.input(0), k == target.count {
                    target.append(0)
                } else {
                    ok = false
                    break
                }
            }
            guard ok else { continue }
            graph.nodes[i].inputs[1] = graph.addConstant(n.name + ".shape", .int64(target, dims: [target.count]))
            changes += 1
        }
        return changes
    }
}
