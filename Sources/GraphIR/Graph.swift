import HeapModule

/// Index of a value in `Graph.values`. `Graph.absent` marks an omitted optional input.
public typealias ValueID = Int

/// A tensor-valued edge: produced by one node, a graph input, or a constant.
public struct Value: Sendable {
    public var name: String
    /// nil until import or shape inference knows it.
    public var type: TensorType?
    /// Set for initializers, Constant values and folded results.
    public var constant: ConstantTensor?

    public init(name: String, type: TensorType?, constant: ConstantTensor? = nil) {
        self.name = name
        self.type = type
        self.constant = constant
    }
}

/// One operator application. Standard ONNX operators use domain ""; fusions graph-opt
/// creates use domain `Node.sluiceDomain`.
public struct Node: Sendable {
    public static let sluiceDomain = "sluice"

    public var name: String
    public var op: String
    public var domain: String
    public var inputs: [ValueID]
    public var outputs: [ValueID]
    public var attributes: [String: Attribute]
    /// Values of the enclosing graph the node's subgraph attributes (If/Loop/Scan bodies)
    /// read by name without listing them as inputs. They count as reads (use counts, DCE,
    /// topological order), and `replaceUses` refuses to rename them.
    public var captures: [ValueID] = []

    public init(name: String, op: String, domain: String = "", inputs: [ValueID], outputs: [ValueID],
                attributes: [String: Attribute] = [:], captures: [ValueID] = []) {
        self.name = name
        self.op = op
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.captures = captures
    }

    /// Every value the node reads: its inputs, then its captures.
    public var reads: [ValueID] { captures.isEmpty ? inputs : inputs + captures }

    /// `op` qualified by a non-default domain, the key op counts and `--stats` use.
    public var qualifiedOp: String { domain.isEmpty || domain == "ai.onnx" ? op : "\(domain).\(op)" }

    /// Integer attributes are clamped to ±2⁴⁰: no meaningful axis, pad, stride or size is
    /// larger, and shape arithmetic on clamped values cannot overflow.
    public static let attributeLimit: Int64 = 1 << 40

    public func int(_ name: String, _ defaultValue: Int) -> Int {
        attributes[name]?.int.map { Int(min(max($0, -Node.attributeLimit), Node.attributeLimit)) } ?? defaultValue
    }
    public func float(_ name: String, _ defaultValue: Float) -> Float {
        attributes[name]?.float ?? defaultValue
    }
    public func ints(_ name: String) -> [Int]? {
        attributes[name]?.ints.map { $0.map { Int(min(max($0, -Node.attributeLimit), Node.attributeLimit)) } }
    }
    public func string(_ name: String, _ defaultValue: String) -> String {
        attributes[name]?.string ?? defaultValue
    }
    /// The input at `i`, or `Graph.absent` when it is omitted.
    public func input(_ i: Int) -> ValueID { i < inputs.count ? inputs[i] : Graph.absent }
}

/// A dataflow graph in single-assignment form. Values are addressed by index; nodes are
/// kept in topological order by every pass (`sortTopologically` restores it after edits).
public struct Graph: Sendable {
    public static let absent: ValueID = -1

    public var name: String
    public var values: [Value] = []
    public var nodes: [Node] = []
    public var inputs: [ValueID] = []
    public var outputs: [ValueID] = []
    /// Imported operator sets: domain ("" for ONNX) → version.
    public var opsets: [String: Int] = ["": 17]
    private var names: [String: ValueID] = [:]
    private var counter = 0

    public init(name: String) { self.name = name }

    /// The default-domain opset version.
    public var opset: Int { opsets[""] ?? 1 }

    /// Adds a value; a clashing name gets a numbered suffix so names stay unique.
    @discardableResult
    public mutating func addValue(_ name: String, type: TensorType? = nil, constant: ConstantTensor? = nil) -> ValueID {
        var unique = name
        while unique.isEmpty || names[unique] != nil {
            counter += 1
            unique = "\(name.isEmpty ? "v" : name)__\(counter)"
        }
        let id = values.count
        values.append(Value(name: unique, type: type ?? constant?.type, constant: constant))
        names[unique] = id
        return id
    }

    /// Adds a constant value.
    @discardableResult
    public mutating func addConstant(_ name: String, _ tensor: ConstantTensor) -> ValueID {
        addValue(name, type: tensor.type, constant: tensor)
    }

    /// The value named `name`, if any.
    public func value(named name: String) -> ValueID? { names[name] }

    /// The constant behind `id`, if it is one.
    public func constant(_ id: ValueID) -> ConstantTensor? {
        id >= 0 && id < values.count ? values[id].constant : nil
    }

    public func type(_ id: ValueID) -> TensorType? { id >= 0 && id < values.count ? values[id].type : nil }
    public func shape(_ id: ValueID) -> Shape? { type(id)?.shape }

    /// For each value, the index of the node that produces it, or -1.
    public func producers() -> [Int] {
        var p = [Int](repeating: -1, count: values.count)
        for (i, n) in nodes.enumerated() { for o in n.outputs where o >= 0 { p[o] = i } }
        return p
    }

    /// For each value, how many node inputs and graph outputs read it.
    public func useCounts() -> [Int] {
        var c = [Int](repeating: 0, count: values.count)
        for n in nodes { for i in n.reads where i >= 0 { c[i] += 1 } }
        for o in outputs { c[o] += 1 }
        return c
    }

    /// For each value, the indices of the nodes that read it.
    public func consumers() -> [[Int]] {
        var c = [[Int]](repeating: [], count: values.count)
        for (i, n) in nodes.enumerated() { for v in n.reads where v >= 0 { c[v].append(i) } }
        return c
    }

    /// Makes every reader of `old` read `new` instead. If `old` is a graph output, `new`
    /// takes over the output position and, when it is an intermediate, the name, so the
    /// graph's interface is unchanged. Returns false (and changes nothing) when that is
    /// impossible: `new` is already an interface value or a constant, or a subgraph reads
    /// by name (a node's `captures`) `old`, or `new` when it would take the output's name.
    @discardableResult
    public mutating func replaceUses(of old: ValueID, with new: ValueID) -> Bool {
        if old == new { return true }
        if isCaptured(old) { return false }
        if outputs.contains(old) {
            if inputs.contains(new) || outputs.contains(new) || values[new].constant != nil || isCaptured(new) { return false }
            let outName = values[old].name
            names[values[new].name] = nil
            names[outName] = new
            values[old].name = outName + "__replaced"
            names[values[old].name] = old
            values[new].name = outName
            // Downstream of an opaque node `new` may be untyped where the output was declared.
            if values[new].type == nil { values[new].type = values[old].type }
            for k in outputs.indices where outputs[k] == old { outputs[k] = new }
        }
        for n in nodes.indices {
            for k in nodes[n].inputs.indices where nodes[n].inputs[k] == old { nodes[n].inputs[k] = new }
        }
        return true
    }

    /// True when some node's subgraph reads `v` by name.
    public func isCaptured(_ v: ValueID) -> Bool { nodes.contains { !$0.captures.isEmpty && $0.captures.contains(v) } }

    /// Op counts by qualified op type.
    public func opCounts() -> [String: Int] {
        var c: [String: Int] = [:]
        for n in nodes { c[n.qualifiedOp, default: 0] += 1 }
        return c
    }

    /// Orders nodes so every producer precedes its consumers (stable for already-ordered
    /// graphs). Throws `GraphError.cycle` when no order exists.
    public mutating func sortTopologically() throws {
        let prod = producers()
        // Passes mostly leave the order valid: check that in one scan before sorting (the
        // sort below would return the same order; a self-loop falls through to it).
        if nodes.indices.allSatisfy({ i in nodes[i].reads.allSatisfy { $0 < 0 || prod[$0] < i } }) { return }
        var indegree = [Int](repeating: 0, count: nodes.count)
        var readers = [[Int]](repeating: [], count: nodes.count)
        for (i, n) in nodes.enumerated() {
            for v in Set(n.reads) where v >= 0 && prod[v] >= 0 {
                indegree[i] += 1
                readers[prod[v]].append(i)
            }
        }
        // A min-heap on the original index keeps the existing order when it is valid.
        var ready = Heap<Int>(indegree.indices.filter { indegree[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let i = ready.popMin() {
            order.append(i)
            for r in readers[i] {
                indegree[r] -= 1
                if indegree[r] == 0 { ready.insert(r) }
            }
        }
        if order.count != nodes.count {
            let stuck = indegree.indices.filter { indegree[$0] > 0 }.map { nodes[$0].name }
            throw GraphError.cycle(nodes: stuck)
        }
        if order != Array(nodes.indices) { nodes = order.map { nodes[$0] } }
    }

    /// A fresh node name derived from `base`.
    public mutating func freshNodeName(_ base: String) -> String {
        counter += 1
        return "\(base)__\(counter)"
    }
}
