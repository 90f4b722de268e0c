/// One dimension of a tensor shape: a known extent, a named symbol (`batch`, `seq`) that
/// stays symbolic through inference, or unknown.
public enum Dim: Hashable, Sendable, CustomStringConvertible {
    case known(Int)
    case symbol(String)
    case unknown

    /// The extent when it is known.
    public var value: Int? {
        if case .known(let v) = self { return v }
        return nil
    }

    public var description: String {
        switch self {
        case .known(let v): return String(v)
        case .symbol(let s): return s
        case .unknown: return "?"
        }
    }
}

/// A tensor shape of known rank; each dimension may be symbolic.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    public var dims: [Dim]

    public init(_ dims: [Dim]) { self.dims = dims }

    /// A fully known shape.
    public init(known: [Int]) { self.dims = known.map { .known($0) } }

    public var rank: Int { dims.count }

    /// The extents when every dimension is known.
    public var knownDims: [Int]? {
        var out: [Int] = []
        out.reserveCapacity(dims.count)
        for d in dims {
            guard let v = d.value else { return nil }
            out.append(v)
        }
        return out
    }

    /// Number of elements when every dimension is known (nil also when it would overflow).
    public var elementCount: Int? {
        guard let dims = knownDims else { return nil }
        var n = 1
        for d in dims {
            let (p, over) = n.multipliedReportingOverflow(by: d)
            if over { return nil }
            n = p
        }
        return n
    }

    public var description: String { "[" + dims.map(\.description).joined(separator: ",") + "]" }
}

/// The static type of a graph value: element type and, when known, its shape.
public struct TensorType: Hashable, Sendable, CustomStringConvertible {
    public var dtype: DType
    /// nil when even the rank is unknown.
    public var shape: Shape?

    public init(_ dtype: DType, _ shape: Shape?) {
        self.dtype = dtype
        self.shape = shape
    }

    public var description: String { "\(dtype)\(shape?.description ?? "[*]")" }
}
