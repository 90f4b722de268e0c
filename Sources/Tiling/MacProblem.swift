import ChipArch
import OpCost

/// A MAC operator to map: its loop nest and the bytes of one element of each operand.
public struct MacProblem: Sendable, Hashable {
    public var loops: MacLoops
    /// Bytes of a weight, an input, a partial sum and a final output element.
    public var weightBytes: Double
    public var inputBytes: Double
    public var accumulatorBytes: Double
    public var outputBytes: Double

    public init(loops: MacLoops, core: CoreType) {
        self.loops = loops
        weightBytes = Double(core.weightBits) / 8
        inputBytes = Double(core.inputBits) / 8
        accumulatorBytes = Double(core.accumulatorBits) / 8
        outputBytes = Double(core.outputBits) / 8
    }

    /// Bytes per element of `o` as it moves between levels (outputs as partial sums).
    func bytes(_ o: Operand) -> Double {
        switch o {
        case .weight: return weightBytes
        case .input: return inputBytes
        case .output: return accumulatorBytes
        }
    }

    /// Whether loop dimension `d` indexes operand `o`. Input rows and columns depend on both
    /// the output and the filter position; the model takes no credit for the sliding-window
    /// overlap between consecutive tiles (a conservative choice, see Docs/tile.md).
    static func relevant(_ o: Operand, _ d: LoopDim) -> Bool {
        switch o {
        case .weight: return d == .g || d == .k || d == .c || d == .fy || d == .fx
        case .input: return d != .k
        case .output: return d == .g || d == .b || d == .k || d == .oy || d == .ox
        }
    }

    /// Elements of `o` in a tile with extents `t` (indexed by LoopDim raw value).
    public func footprint(_ o: Operand, _ t: [Int]) -> Double {
        switch o {
        case .weight: return Double(t[0] * t[2] * t[3] * t[6] * t[7])
        case .input:
            return Double(t[0] * t[1] * t[3]) * Double(loops.inputRows(t[4], t[6])) * Double(loops.inputCols(t[5], t[7]))
        case .output: return Double(t[0] * t[1] * t[2] * t[4] * t[5])
        }
    }

    /// `footprint(_:_:)` of a tile held in a SIMD vector (no array to allocate: the cost model
    /// calls it a dozen times per mapping). The same arithmetic, so the same value.
    func footprint(_ o: Operand, _ t: SIMD8<Int>) -> Double {
        switch o {
        case .weight: return Double(t[0] * t[2] * t[3] * t[6] * t[7])
        case .input:
            return Double(t[0] * t[1] * t[3]) * Double(loops.inputRows(t[4], t[6])) * Double(loops.inputCols(t[5], t[7]))
        case .output: return Double(t[0] * t[1] * t[2] * t[4] * t[5])
        }
    }

    /// Elements of `o` over the whole problem.
    public func totalElements(_ o: Operand) -> Double { footprint(o, loops.extents) }
}
