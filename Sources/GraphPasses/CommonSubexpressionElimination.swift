import GraphIR

/// Merges nodes that apply the same op with the same attributes to the same inputs, and
/// small constants with identical contents.
public struct CommonSubexpressionElimination: GraphPass {
    public let name = "cse"
    public let summary = "merge identical nodes and identical small constants"

    public init() {}

    /// Constants up to this many bytes are compared by content.
    static let constantByteLimit = 4096

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        var changes = 0
        // Identical small constants first, so nodes reading them become identical too.
        var byContent: [ConstantKey: ValueID] = [:]
        byContent.reserveCapacity(graph.values.count)
        var alias: [ValueID: ValueID] = [:]
        let reads = Set(graph.nodes.flatMap(\.inputs))
        for (id, v) in graph.values.enumerated() where reads.contains(id) && !graph.outputs.contains(id) {
            guard let c = v.constant, let key = ConstantKey(c) else { continue }
            if let first = byContent[key] { alias[id] = first } else { byContent[key] = id }
        }
        if !alias.isEmpty {
            for n in graph.nodes.indices {
                for k in graph.nodes[n].inputs.indices {
                    if let a = alias[graph.nodes[n].inputs[k]] { graph.nodes[n].inputs[k] = a; changes += 1 }
                }
            }
        }
        // One pass in topological order: a merged node's outputs are aliased to the first
        // node's, and each later node's inputs go through the alias before its key is made,
        // so chains of duplicates merge in one run without a whole-graph rewrite per merge.
        var seen: [NodeKey: Int] = [:]
        var removed = Set<Int>()
        var outputAlias: [ValueID: ValueID] = [:]
        // Values a subgraph reads by name go through replaceUses too, which refuses them.
        let graphOutputs = Set(graph.outputs).union(graph.nodes.flatMap(\.captures))
        for i in graph.nodes.indices {
            if !outputAlias.isEmpty {
                for k in graph.nodes[i].inputs.indices {
                    if let a = outputAlias[graph.nodes[i].inputs[k]] { graph.nodes[i].inputs[k] = a }
                }
            }
            let n = graph.nodes[i]
            // Random ops must not merge; Dropout in inference is deterministic. Opaque
            // nodes may be random or stateful: they never merge either.
            if n.op.hasPrefix("Random") || n.op == "Multinomial" || n.isOpaque { continue }
            let key = NodeKey(n)
            guard let j = seen[key] else { seen[key] = i; continue }
            let first = graph.nodes[j]
            guard zip(n.outputs, first.outputs).allSatisfy({ a, b in a < 0 || b >= 0 }) else { continue }
            // A graph output keeps its name through replaceUses (rare: one whole-graph rewrite).
            var ok = true
            for (a, b) in zip(n.outputs, first.outputs) where a >= 0 && graphOutputs.contains(a) {
                if !graph.replaceUses(of: a, with: b) { ok = false }
            }
            guard ok else { continue }
            for (a, b) in zip(n.outputs, first.outputs) where a >= 0 && !graphOutputs.contains(a) { outputAlias[a] = b }
            removed.insert(i)
            changes += 1
        }
        graph.removeNodes(removed)
        return changes
    }
}

/// What makes two nodes compute the same thing: op, inputs, output count and attributes.
struct NodeKey: Hashable {
    let op: String
    let domain: String
    let inputs: [ValueID]
    let outputCount: Int
    let attributes: [String: AttributeIdentity]

    init(_ n: Node) {
        op = n.op
        domain = n.domain
        inputs = n.inputs
        outputCount = n.outputs.count
        attributes = n.attributes.mapValues(AttributeIdentity.init)
    }
}

/// An attribute's value as a hashable key (floats by bit pattern, tensors by identity),
/// without formatting it as text (`Attribute.key` printed arrays and cost most of CSE).
enum AttributeIdentity: Hashable {
    case int(Int64), float(UInt32), string(String), ints([Int64]), floats([UInt32]), strings([String])
    case tensor(ObjectIdentifier), opaque([UInt8])

    init(_ a: Attribute) {
        switch a {
        case .int(let v): self = .int(v)
        case .float(let v): self = .float(v.bitPattern)
        case .string(let v): self = .string(v)
        case .ints(let v): self = .ints(v)
        case .floats(let v): self = .floats(v.map(\.bitPattern))
        case .strings(let v): self = .strings(v)
        case .tensor(let t): self = .tensor(ObjectIdentifier(t))
        case .opaque(let b): self = .opaque(b)
        }
    }
}

/// Content identity of a small in-memory constant (splats compare by their one element).
/// Large constants are weights: merging two that happen to be equal (the light zoo's
/// constant-filled weights) would merge parallel convolutions and block their fusions.
struct ConstantKey: Hashable {
    let dtype: DType
    let dims: [Int]
    let splat: Bool
    let bytes: [UInt8]

    init?(_ c: ConstantTensor) {
        guard c.byteCount <= CommonSubexpressionElimination.constantByteLimit else { return nil }
        switch c.storage {
        case .splat(let one): splat = true; bytes = one
        case .bytes(let b): splat = false; bytes = b
        default: return nil
        }
        dtype = c.dtype
        dims = c.dims
    }

    /// Hashes the shape and a prefix of the contents (equality still compares all bytes):
    /// CSE runs every round, and hashing every byte of every small constant dominated it.
    func hash(into h: inout Hasher) {
        h.combine(dtype)
        h.combine(dims)
        h.combine(splat)
        h.combine(bytes.count)
        bytes.withUnsafeBytes { h.combine(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(32))) }
    }
}
