/// One kind of core: a PE array, its precisions and MAC energy, a vector unit for the
/// operators that are not multiply-accumulates, and the memory hierarchy feeding both.
public struct CoreType: Sendable, Hashable {
    public var name: String
    public var array: PEArray
    /// Operand precisions in bits; partial sums are kept at `accumulatorBits` between passes.
    public var weightBits: Int
    public var inputBits: Int
    public var outputBits: Int
    public var accumulatorBits: Int
    /// Energy of one multiply-accumulate, pJ.
    public var macPj: Double
    public var vector: VectorUnit
    /// Innermost first; the last level is the backing store (DRAM or the core's share of it).
    public var memories: [MemoryLevel]

    public init(name: String, array: PEArray, weightBits: Int, inputBits: Int, outputBits: Int, accumulatorBits: Int,
                macPj: Double, vector: VectorUnit, memories: [MemoryLevel]) {
        self.name = name
        self.array = array
        self.weightBits = weightBits
        self.inputBits = inputBits
        self.outputBits = outputBits
        self.accumulatorBits = accumulatorBits
        self.macPj = macPj
        self.vector = vector
        self.memories = memories
    }

    /// Bits of one element of `operand` as stored (outputs at accumulator width: while a tile
    /// is being reduced its partial sums are what moves).
    public func bits(_ operand: Operand) -> Int {
        switch operand {
        case .weight: return weightBits
        case .input: return inputBits
        case .output: return accumulatorBits
        }
    }
}

/// How the PEs of an array are connected and which loops they may unroll.
public struct PEArray: Sendable, Hashable {
    public var dims: [ArrayDim]
    public var dataflow: Dataflow
    /// Operands hop from PE to PE: each new stationary tile costs a fill and a drain.
    public var systolic: Bool

    public init(dims: [ArrayDim], dataflow: Dataflow, systolic: Bool) {
        self.dims = dims
        self.dataflow = dataflow
        self.systolic = systolic
    }

    /// PEs in one core.
    public var peCount: Int { dims.reduce(1) { $0 * $1.size } }
}

/// One named dimension of a PE array.
public struct ArrayDim: Sendable, Hashable {
    public var name: String
    public var size: Int
    /// Loop dimensions this array dimension may unroll, preferred first (names of
    /// `ChipArch.loopDimNames`).
    public var unrolls: [String]
    /// One read feeds every PE along it.
    public var multicast: Bool
    /// Partial sums add up along it inside the array.
    public var reduction: Bool

    public init(name: String, size: Int, unrolls: [String], multicast: Bool = true, reduction: Bool = true) {
        self.name = name
        self.size = size
        self.unrolls = unrolls
        self.multicast = multicast
        self.reduction = reduction
    }
}

/// Which operand stays in the PEs while the others stream past (Chen et al., ISCA 2016, §3).
public enum Dataflow: String, Sendable, Hashable, CaseIterable {
    case weightStationary, outputStationary, inputStationary, rowStationary
}

/// The unit that runs elementwise operators, norms, softmax, pooling and resampling.
public struct VectorUnit: Sendable, Hashable {
    /// Elementwise operations per cycle.
    public var lanes: Int
    public var pjPerOp: Double
    /// Cycles per lane for exp/erf/rsqrt (1 = fully pipelined).
    public var transcendentalCycles: Int

    public init(lanes: Int, pjPerOp: Double, transcendentalCycles: Int) {
        self.lanes = lanes
        self.pjPerOp = pjPerOp
        self.transcendentalCycles = transcendentalCycles
    }
}

extension ChipArch {
    /// The loop dimensions a MAC array can unroll: groups, batch, output and input channels,
    /// output rows and columns, filter rows and columns (a matrix product is B, K=N, C=K, OX=M).
    public static let loopDimNames = ["G", "B", "K", "C", "OY", "OX", "FY", "FX"]
}
