/// The loop dimensions of a multiply-accumulate operator, the nest every MAC-array mapper
/// works on: groups, batch, output channels, input channels, output rows and columns, filter
/// rows and columns. A matrix product [m, k]·[k, n] is B=batch, K=n, C=k, OX=m.
public enum LoopDim: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case g, b, k, c, oy, ox, fy, fx

    public static func < (a: LoopDim, b: LoopDim) -> Bool { a.rawValue < b.rawValue }

    /// "G", "B", "K", "C", "OY", "OX", "FY", "FX".
    public var description: String { ["G", "B", "K", "C", "OY", "OX", "FY", "FX"][rawValue] }

    /// The dimension named `name` (as `description` spells it), or nil.
    public init?(name: String) {
        guard let i = ["G", "B", "K", "C", "OY", "OX", "FY", "FX"].firstIndex(of: name) else { return nil }
        self.init(rawValue: i)
    }
}

/// A MAC operator as an 8-deep loop nest with its window strides.
public struct MacLoops: Sendable, Hashable {
    /// Extent of each `LoopDim`, indexed by raw value.
    public var extents: [Int]
    public var strideY: Int
    public var strideX: Int
    /// Rows and columns of the stored input: a window reaching into the zero padding reads
    /// fewer (padding is generated, not stored). Unlimited when there is no padding.
    public var inputHeight: Int
    public var inputWidth: Int

    public init(extents: [Int], strideY: Int = 1, strideX: Int = 1, inputHeight: Int = .max, inputWidth: Int = .max) {
        precondition(extents.count == LoopDim.allCases.count)
        self.extents = extents
        self.strideY = strideY
        self.strideX = strideX
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
    }

    /// Builds from named extents; dimensions not given are 1.
    public init(_ named: [LoopDim: Int], strideY: Int = 1, strideX: Int = 1, inputHeight: Int = .max, inputWidth: Int = .max) {
        self.init(extents: LoopDim.allCases.map { named[$0] ?? 1 }, strideY: strideY, strideX: strideX,
                  inputHeight: inputHeight, inputWidth: inputWidth)
    }

    public subscript(_ d: LoopDim) -> Int { extents[d.rawValue] }

    /// Multiply-accumulates.
    public var macs: Double { extents.reduce(1.0) { $0 * Double($1) } }

    /// Input rows a window of `oy` output rows and `fy` filter rows reads: the window, or with a
    /// stride above the filter only the rows some filter tap lands on; at most the stored rows.
    public func inputRows(_ oy: Int, _ fy: Int) -> Int { min((oy - 1) * strideY + fy, oy * fy, inputHeight) }
    /// Input columns a window of `ox` output columns and `fx` filter columns reads (as `inputRows`).
    public func inputCols(_ ox: Int, _ fx: Int) -> Int { min((ox - 1) * strideX + fx, ox * fx, inputWidth) }

    /// Elements of each operand over the whole nest: weights, inputs (with the padded window), outputs.
    public var weightElements: Int { self[.g] * self[.k] * self[.c] * self[.fy] * self[.fx] }
    public var inputElements: Int { self[.g] * self[.b] * self[.c] * inputRows(self[.oy], self[.fy]) * inputCols(self[.ox], self[.fx]) }
    /// Inputs some MAC reads (rows and columns between strided windows excluded).
    public var touchedInputElements: Int { inputElements }
    public var outputElements: Int { self[.g] * self[.b] * self[.k] * self[.oy] * self[.ox] }
}

extension OpInstance {
    /// The loop nest of an operator that runs on a MAC array (matrix products and convolutions), or nil.
    public var macLoops: MacLoops? {
        switch self {
        case let .matmul(batch, m, n, k, _):
            return MacLoops([.b: batch, .k: n, .c: k, .ox: m])
        case let .lowPrecisionMatmul(_, m, n, k):
            return MacLoops([.k: n, .c: k, .ox: m])
        case let .conv2d(n, cin, h, w, cout, kh, kw, s, p, g):
            let (oh, ow) = Self.convOutput(h, w, kh, kw, s, p)
            return MacLoops([.g: g, .b: n, .k: cout / g, .c: cin / g, .oy: oh, .ox: ow, .fy: kh, .fx: kw], strideY: s, strideX: s,
                            inputHeight: h, inputWidth: w)
        default:
            return nil
        }
    }
}

extension OpInstance {
    /// Attention as the operators it runs, in order: Q·Kᵀ and P·V on a MAC array, the softmax
    /// between them (a causal mask skips no work here: the array computes the whole score tile).
    public var attentionStages: [(stage: String, op: OpInstance)]? {
        guard case let .attention(b, hq, _, sq, sk, d, _) = self else { return nil }
        return [("qk", .matmul(batch: b * hq, m: sq, n: sk, k: d, transposedB: true)),
                ("softmax", .softmax(rows: b * hq * sq, n: sk)),
                ("pv", .matmul(batch: b * hq, m: sq, n: d, k: sk, transposedB: false))]
    }
}
