import GraphIR

/// Control flow decided by constants: an `If` whose condition is a constant is replaced by
/// the nodes of the branch it takes, and a `Loop` that runs zero times (trip count 0 or a
/// false condition, both constant) by its initial loop-carried values, as the spec defines.
///
/// Inlined values keep their names when the graph has none of that name and get a numbered
/// suffix otherwise; a branch whose nested bodies read by name a value that would be renamed
/// stays an If (the nested bodies' bytes name it). The node's outputs keep their names and
/// are wired with Identity nodes, which remove-noops then drops where it can.
public struct ControlFlowFolding: GraphPass {
    public let name = "fold-control-flow"
    public let summary = "inline the branch of an If with a constant condition; drop a Loop that runs zero times"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        guard let loader = options.subgraphs else { return 0 }
        var changes = 0
        var k = 0
        // Inlining appends nodes: indices before `k` are settled, the rest are revisited.
        while k < graph.nodes.count {
            let node = graph.nodes[k]
            guard node.isControlFlow else { k += 1; continue }
            var replacement: [Node]? = nil
            if node.op == "If", let cond = try? graph.constant(node.input(0))?.int64s().first ?? nil,
               let attribute = node.attributes[cond != 0 ? "then_branch" : "else_branch"],
               let body = try? loader(attribute, graph), body.formalInputs == 0, body.graph.outputs.count == node.outputs.count {
                replacement = inline(body.graph, into: &graph, for: node)
            } else if node.op == "Loop", let outputs = zeroTripOutputs(node, graph) {
                replacement = outputs
            }
            guard let replacement else { k += 1; continue }
            graph.nodes.remove(at: k)
            graph.nodes.append(contentsOf: replacement)
            changes += 1
        }
        if changes > 0 { try graph.sortTopologically() }
        return changes
    }

    /// For a Loop that never runs its body: Identity(v_initial) for each final value, when
    /// no scan output (whose empty shape the body would have to say) is read.
    func zeroTripOutputs(_ node: Node, _ graph: Graph) -> [Node]? {
        let trip = node.input(0) >= 0 ? (try? graph.constant(node.input(0))?.int64s().first ?? nil) : nil
        let cond = node.input(1) >= 0 ? (try? graph.constant(node.input(1))?.int64s().first ?? nil) : nil
        // Runs zero times: trip count 0 (or negative), or a false initial condition.
        guard trip.map({ $0 <= 0 }) == true || cond == 0 else { return nil }
        let carried = Array(node.inputs.dropFirst(2))
        let uses = graph.useCounts()
        for (j, o) in node.outputs.enumerated() where j >= carried.count && o >= 0 && uses[o] > 0 { return nil }
        var out: [Node] = []
        for (j, o) in node.outputs.enumerated() where j < carried.count && o >= 0 {
            out.append(Node(name: "\(node.name)/initial_\(j)", op: "Identity", inputs: [carried[j]], outputs: [o]))
        }
        return out
    }

    /// Copies `body`'s nodes and constants into `graph` and returns them plus one Identity per
    /// If output; nil when a renamed value would be read by name in a nested body.
    func inline(_ body: Graph, into graph: inout Graph, for node: Node) -> [Node]? {
        let formal = Set(body.inputs)
        // Outer names the branch reads resolve here; one that does not stays an If (the runtime judges).
        for id in body.inputs where graph.value(named: body.values[id].name) == nil { return nil }
        var local = Set<ValueID>()
        for n in body.nodes { for o in n.outputs where o >= 0 { local.insert(o) } }
        for (v, value) in body.values.enumerated() where value.constant != nil { local.insert(v) }
        for n in body.nodes {
            for c in n.captures where local.contains(c) && graph.value(named: body.values[c].name) != nil { return nil }
        }
        var map = [ValueID](repeating: Graph.absent, count: body.values.count)
        for id in formal { map[id] = graph.value(named: body.values[id].name)! }
        func mapped(_ v: ValueID) -> ValueID {
            if v < 0 { return v }
            if map[v] == Graph.absent {
                let value = body.values[v]
                map[v] = value.constant.map { graph.addConstant(value.name, $0) } ?? graph.addValue(value.name, type: value.type)
            }
            return map[v]
        }
        var nodes: [Node] = []
        for n in body.nodes {
            var copy = n
            copy.name = "\(node.name)/\(n.name)"
            copy.inputs = n.inputs.map(mapped)
            copy.outputs = n.outputs.map(mapped)
            copy.captures = n.captures.map(mapped)
            nodes.append(copy)
        }
        for (j, o) in node.outputs.enumerated() where o >= 0 {
            nodes.append(Node(name: "\(node.name)/out_\(j)", op: "Identity", inputs: [mapped(body.outputs[j])], outputs: [o]))
        }
        return nodes
    }
}
