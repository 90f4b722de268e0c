/// Structural checks and shape inference over a whole graph.
public enum Validation {
    /// Checks that every edge is defined once, every op is known and an order exists;
    /// puts the nodes in topological order. Throws the first problem found.
    public static func check(_ graph: inout Graph) throws {
        var defined = [Bool](repeating: false, count: graph.values.count)
        for i in graph.inputs { defined[i] = true }
        for (i, v) in graph.values.enumerated() where v.constant != nil { defined[i] = true }
        for n in graph.nodes {
            let known = n.domain == Node.sluiceDomain ? ShapeRules.sluiceOps.contains(n.op)
                : (n.domain.isEmpty || n.domain == "ai.onnx") && ShapeRules.rules[n.op] != nil && !ShapeRules.sluiceOps.contains(n.op)
            if !known {
                throw GraphError.unsupportedOp(op: n.op, domain: n.domain, node: n.name,
                                               opset: graph.opsets[n.domain] ?? graph.opset)
            }
            for o in n.outputs where o >= 0 {
                guard o < defined.count else { throw GraphError.malformed("node '\(n.name)' writes an unknown value") }
                if defined[o] { throw GraphError.duplicateOutput(graph.values[o].name) }
                defined[o] = true
            }
        }
        for n in graph.nodes {
            for i in n.inputs where i >= 0 {
                guard i < defined.count else { throw GraphError.malformed("node '\(n.name)' reads an unknown value") }
                if !defined[i] { throw GraphError.danglingInput(node: n.name, value: graph.values[i].name) }
            }
        }
        for o in graph.outputs where !defined[o] { throw GraphError.unknownOutput(graph.values[o].name) }
        try graph.sortTopologically()
    }

    /// Infers every node's output types in order. Known dims that contradict an
    /// operator throw `shapeMismatch`; declared output types are refined, not trusted.
    public static func inferShapes(_ graph: inout Graph) throws {
        for n in graph.nodes {
            guard let rule = ShapeRules.rules[n.op] else { continue }
            let types = try rule(InferenceContext(node: n, graph: graph))
            for (k, o) in n.outputs.enumerated() where o >= 0 {
                guard k < types.count, let t = types[k] else { continue }
                graph.values[o].type = merge(declared: graph.values[o].type, inferred: t)
            }
        }
    }

    /// Prefers inferred facts, but keeps a declared symbolic or known dim where inference
    /// could only say "unknown".
    static func merge(declared: TensorType?, inferred: TensorType) -> TensorType {
        guard let d = declared?.shape, let s = inferred.shape, d.rank == s.rank else {
            if inferred.shape == nil, let declared { return TensorType(inferred.dtype, declared.shape) }
            return inferred
        }
        let dims = zip(d.dims, s.dims).map { decl, inf -> Dim in inf == .unknown ? decl : inf }
        return TensorType(inferred.dtype, Shape(dims))
    }
}
