/// Structural checks and shape inference over a whole graph.
public enum Validation {
    /// Checks that every edge is defined once and an order exists; puts the nodes in
    /// topological order. Throws the first problem found. Operators without a shape rule
    /// are kept as opaque nodes (`Node.isOpaque`), not refused.
    public static func check(_ graph: inout Graph) throws {
        var defined = [Bool](repeating: false, count: graph.values.count)
        for i in graph.inputs { defined[i] = true }
        for (i, v) in graph.values.enumerated() where v.constant != nil { defined[i] = true }
        for n in graph.nodes {
            for o in n.outputs where o >= 0 {
                guard o < defined.count else { throw GraphError.malformed("node '\(n.name)' writes an unknown value") }
                if defined[o] { throw GraphError.duplicateOutput(graph.values[o].name) }
                defined[o] = true
            }
        }
        for n in graph.nodes {
            for i in n.reads where i >= 0 {
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
        var memo: InferenceMemo? = nil
        try inferShapes(&graph, memo: &memo)
    }

    /// Shape inference that skips what cannot have changed since the run that filled
    /// `memo`: a node is re-inferred only when it is new or edited, or a value it reads or
    /// writes has a different type or constant than then (including types changed in this
    /// run). Gives the same types as a full run (inference is deterministic and merging
    /// an unchanged result is idempotent); with a nil memo it is a full run. The pass
    /// manager calls it after every rewriting pass, where a full run dominated the time.
    public static func inferShapes(_ graph: inout Graph, memo: inout InferenceMemo?) throws {
        let old = memo
        var changed = [Bool](repeating: false, count: graph.values.count)
        // Values downstream of an opaque node whose type nothing declares: a rule would
        // guess (a missing dtype reads as float32), so their readers are not inferred either.
        var untyped: [Bool] = []
        for n in graph.nodes {
            guard !n.isOpaque, let rule = ShapeRules.rule(for: n) else {
                if n.isOpaque { markUntyped(n, graph, &untyped) }
                continue
            }
            if !untyped.isEmpty, n.inputs.contains(where: { $0 >= 0 && untyped[$0] }) {
                markUntyped(n, graph, &untyped)
                continue
            }
            if let old, old.unchanged(n, graph, changed) { continue }
            let types = try rule(InferenceContext(node: n, graph: graph))
            for (k, o) in n.outputs.enumerated() where o >= 0 {
                guard k < types.count, let t = types[k] else { continue }
                let merged = merge(declared: graph.values[o].type, inferred: t)
                if merged != graph.values[o].type { changed[o] = true; graph.values[o].type = merged }
            }
        }
        memo = InferenceMemo(graph)
    }

    static func markUntyped(_ n: Node, _ graph: Graph, _ untyped: inout [Bool]) {
        for o in n.outputs where o >= 0 && graph.values[o].type == nil {
            if untyped.isEmpty { untyped = [Bool](repeating: false, count: graph.values.count) }
            untyped[o] = true
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

/// What shape inference saw at the end of a run: its nodes (found by the value they write
/// first, so no hashing), and every value's type and constant (by identity), so the next
/// run can tell which nodes a rewrite touched.
public struct InferenceMemo {
    var nodes: [Node]
    /// For each value, the index in `nodes` of the node whose first output it is, or -1.
    var writer: [Int]
    var types: [TensorType?]
    var constants: [ObjectIdentifier?]

    init(_ graph: Graph) {
        nodes = graph.nodes
        writer = [Int](repeating: -1, count: graph.values.count)
        for (i, n) in graph.nodes.enumerated() { if let o = n.outputs.first, o >= 0 { writer[o] = i } }
        types = graph.values.map(\.type)
        constants = graph.values.map { $0.constant.map(ObjectIdentifier.init) }
    }

    /// True when `n` is exactly a node of the memo's run and every value it touches has
    /// the type and constant it had then and has not changed earlier in this run.
    func unchanged(_ n: Node, _ graph: Graph, _ changedNow: [Bool]) -> Bool {
        guard let o = n.outputs.first, o >= 0, o < writer.count, writer[o] >= 0, nodes[writer[o]].sameAs(n) else { return false }
        func same(_ v: ValueID) -> Bool {
            v < 0 || v < types.count && !changedNow[v] && types[v] == graph.values[v].type
                && constants[v] == graph.values[v].constant.map(ObjectIdentifier.init)
        }
        return n.inputs.allSatisfy(same) && n.outputs.allSatisfy(same)
    }
}

extension Node {
    /// Field-by-field identity (tensor attributes by object identity).
    func sameAs(_ o: Node) -> Bool {
        guard name == o.name, op == o.op, domain == o.domain, inputs == o.inputs, outputs == o.outputs,
              attributes.count == o.attributes.count else { return false }
        for (k, a) in attributes {
            guard let b = o.attributes[k] else { return false }
            switch (a, b) {
            case (.int(let x), .int(let y)): if x != y { return false }
            case (.float(let x), .float(let y)): if x.bitPattern != y.bitPattern { return false }
            case (.string(let x), .string(let y)): if x != y { return false }
            case (.ints(let x), .ints(let y)): if x != y { return false }
            case (.floats(let x), .floats(let y)): if x.map(\.bitPattern) != y.map(\.bitPattern) { return false }
            case (.strings(let x), .strings(let y)): if x != y { return false }
            case (.tensor(let x), .tensor(let y)): if x !== y { return false }
            default: return false
            }
        }
        return true
    }
}

extension Node {
    /// True for an operator graph-opt has no shape rule for (an unknown standard op, another
    /// domain's op, If/Loop/Scan): it is kept as it is, its output types come from the
    /// model's value_info, passes never look through it and the interpreter refuses it.
    public var isOpaque: Bool {
        if domain == Node.sluiceDomain { return !ShapeRules.sluiceOps.contains(op) }
        if domain == ShapeRules.microsoftDomain { return ShapeRules.microsoftRules[op] == nil }
        return !(domain.isEmpty || domain == "ai.onnx") || ShapeRules.rules[op] == nil || ShapeRules.sluiceOps.contains(op)
    }
}
