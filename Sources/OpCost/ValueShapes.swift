import GraphIR

/// The concrete shapes of a graph's values, with symbolic dimensions ("batch", "seq") bound
/// to extents. A value with a dimension still unknown, or too large to be real, has none.
public struct ValueShapes: Sendable {
    public let graph: Graph
    public let symbols: [String: Int]
    /// Only float32 values have shapes (op-bench's cases are fp32 kernels).
    public let float32Only: Bool

    /// Largest value counted: 2^28 elements. Keeps a hostile or absurd shape from overflowing
    /// every product below (and op-bench from allocating more than 1 GiB for one value).
    public static let elementLimit = 1 << 28

    public init(graph: Graph, symbols: [String: Int] = [:], float32Only: Bool = false) {
        self.graph = graph
        self.symbols = symbols
        self.float32Only = float32Only
    }

    /// The fully known shape of value `id`, if it has at most `elementLimit` elements.
    public func callAsFunction(_ id: ValueID) -> [Int]? {
        guard let type = graph.type(id), !float32Only || type.dtype == .float32, let shape = type.shape else { return nil }
        var dims: [Int] = []
        for d in shape.dims {
            switch d {
            case .known(let v): dims.append(v)
            case .symbol(let name): guard let v = symbols[name] else { return nil }; dims.append(v)
            case .unknown: return nil
            }
        }
        guard dims.allSatisfy({ $0 >= 0 && $0 <= Self.elementLimit }) else { return nil }
        var product = 1
        for d in dims {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Self.elementLimit else { return nil }
            product = p
        }
        return dims
    }

    /// `--dim` values (`name=n`, n in 1...2^28) as bindings; nil when one is malformed. What
    /// op-bench and tile-plan both accept.
    public static func bindings(_ texts: [String]) -> [String: Int]? {
        var result: [String: Int] = [:]
        for d in texts {
            let parts = d.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let v = Int(parts[1]), v >= 1, v <= elementLimit else { return nil }
            result[parts[0]] = v
        }
        return result
    }

    /// The symbolic dimensions of value `id` no binding covers (for an error that says which `--dim` to give).
    public func unboundSymbols(_ id: ValueID) -> [String] {
        guard let shape = graph.type(id)?.shape else { return [] }
        return shape.dims.compactMap { if case .symbol(let s) = $0, symbols[s] == nil { return s } else { return nil } }
    }
}
