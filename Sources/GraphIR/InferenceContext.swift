/// What a shape rule sees of one node: its input types, constant inputs and attributes,
/// plus helpers that turn a violated expectation into `GraphError.shapeMismatch`.
public struct InferenceContext {
    public let node: Node
    public let graph: Graph

    public init(node: Node, graph: Graph) {
        self.node = node
        self.graph = graph
    }

    public var inputCount: Int { node.inputs.count }
    public func has(_ i: Int) -> Bool { node.input(i) >= 0 }
    public func type(_ i: Int) -> TensorType? { graph.type(node.input(i)) }
    public func shape(_ i: Int) -> Shape? { type(i)?.shape }
    public func dtype(_ i: Int) -> DType { type(i)?.dtype ?? .float32 }

    /// The integer contents of constant input `i`, when it is constant (clamped to ±2⁴⁰
    /// like integer attributes).
    public func constInts(_ i: Int) -> [Int]? {
        guard let c = graph.constant(node.input(i)), c.elementCount <= 1 << 16,
              let v = try? c.int64s() else { return nil }
        return v.map { Int(min(max($0, -Node.attributeLimit), Node.attributeLimit)) }
    }

    /// An error naming this node.
    public func mismatch(_ detail: String) -> GraphError {
        .shapeMismatch(node: node.name, op: node.op, detail: detail)
    }

    /// Normalizes a possibly negative axis against `rank`, or throws.
    public func axis(_ a: Int, rank: Int) throws -> Int {
        let r = a < 0 ? a + rank : a
        guard r >= 0, r < max(rank, 1) else { throw mismatch("axis \(a) out of range for rank \(rank)") }
        return r
    }

    /// Numpy-style broadcast of two dims.
    public func broadcast(_ a: Dim, _ b: Dim) throws -> Dim {
        if a == b { return a }
        switch (a, b) {
        case (.known(1), _): return b
        case (_, .known(1)): return a
        case (.known(let x), .known(let y)): throw mismatch("cannot broadcast dimension \(x) with \(y)")
        case (.known, _): return a
        case (_, .known): return b
        default: return .unknown
        }
    }

    /// Numpy-style broadcast of shapes; nil when any rank is unknown.
    public func broadcast(_ shapes: [Shape?]) throws -> Shape? {
        // Same-shape operands (most element-wise ops in real models) need no dim work.
        if let first = shapes.first, let f = first, shapes.dropFirst().allSatisfy({ $0 == f }) { return f }
        var rank = 0
        for s in shapes {
            guard let s else { return nil }
            rank = max(rank, s.rank)
        }
        // Right-aligned in one buffer (missing leading dims are 1), no per-operand copies.
        var out = [Dim](repeating: .known(1), count: rank)
        for s in shapes {
            let dims = s!.dims, offset = rank - dims.count
            for (k, d) in dims.enumerated() { out[offset + k] = try broadcast(out[offset + k], d) }
        }
        return Shape(out)
    }
}

/// Dim arithmetic that keeps symbols when nothing can be computed.
extension Dim {
    static func * (a: Dim, b: Dim) -> Dim {
        if case .known(1) = a { return b }
        if case .known(1) = b { return a }
        if let x = a.value, let y = b.value, case let (p, false) = x.multipliedReportingOverflow(by: y) { return .known(p) }
        return .unknown
    }
    static func + (a: Dim, b: Dim) -> Dim {
        if let x = a.value, let y = b.value, case let (s, false) = x.addingReportingOverflow(y) { return .known(s) }
        return .unknown
    }
}
