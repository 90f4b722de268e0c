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
        var seen: [String: Int] = [:]
        var removed = Set<Int>()
        for (i, n) in graph.nodes.enumerated() {
            // Random ops must not merge; Dropout in inference is deterministic.
            if n.op.hasPrefix("Random") || n.op == "Multinomial" { continue }
            let attrs = n.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.key)" }.joined(separator: ",")
            let key = "\(n.domain)|\(n.op)|\(n.inputs)|\(n.outputs.count)|\(attrs)"
            if let j = seen[key] {
                let first = graph.nodes[j]
                var ok = true
                for (a, b) in zip(n.outputs, first.outputs) where a >= 0 {
                    if b < 0 || !graph.replaceUses(of: a, with: b) { ok = false }
                }
                if ok { removed.insert(i); changes += 1 }
            } else {
                seen[key] = i
            }
        }
        graph.removeNodes(removed)
        return changes
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
}
