import GraphIR

/// Read-only helpers the pattern-based fusions share: who produces a value, who reads it,
/// and whether a value is a particular scalar constant.
struct Matcher {
    let graph: Graph
    let producers: [Int]
    let consumers: [[Int]]
    let uses: [Int]

    init(_ graph: Graph) {
        self.graph = graph
        producers = graph.producers()
        consumers = graph.consumers()
        uses = graph.useCounts()
    }

    /// The node producing `v` when it has op `op` (default domain).
    func producer(_ v: ValueID, _ op: String) -> (Int, Node)? {
        guard v >= 0, v < producers.count, producers[v] >= 0 else { return nil }
        let n = graph.nodes[producers[v]]
        return n.op == op && n.domain.isEmpty ? (producers[v], n) : nil
    }

    /// The only reader of `v` when it has op `op` and `v` is not a graph output.
    func soleConsumer(_ v: ValueID, _ op: String) -> (Int, Node)? {
        guard v >= 0, v < uses.count, graph.isSingleUse(v, uses), let i = consumers[v].first else { return nil }
        let n = graph.nodes[i]
        return n.op == op && n.domain.isEmpty ? (i, n) : nil
    }

    /// True when `v` is a constant whose every element is `value` (within `tol`, relative).
    func isScalar(_ v: ValueID, _ value: Float, tol: Float = 1e-3) -> Bool {
        guard let s = graph.scalar(v) else { return false }
        return abs(s - value) <= tol * max(1, abs(value))
    }

    /// For a binary node, the input that is not `v` (nil when both or neither are `v`).
    func other(_ n: Node, than v: ValueID) -> ValueID? {
        guard n.inputs.count == 2 else { return nil }
        if n.inputs[0] == v && n.inputs[1] != v { return n.inputs[1] }
        if n.inputs[1] == v && n.inputs[0] != v { return n.inputs[0] }
        return nil
    }

    /// The normalized last-axis reduction of a ReduceMean (attribute or input axes).
    func reducesLastAxisOnly(_ n: Node) -> Bool {
        guard n.int("keepdims", 1) == 1, let rank = graph.shape(n.input(0))?.rank else { return false }
        let axes = n.ints("axes") ?? ((try? graph.constant(n.input(1))?.int64s())?.map { Int($0) } ?? nil)
        guard let axes, axes.count == 1 else { return false }
        return axes[0] == -1 || axes[0] == rank - 1
    }
}

extension Graph {
    /// Replaces the producer of `output` with `node` (which must write `output`); the nodes
    /// the old pattern used become dead and DCE removes them.
    mutating func replaceProducer(of output: ValueID, with node: Node) {
        let p = producers()[output]
        nodes[p] = node
    }
}
