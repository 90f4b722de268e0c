/// One tile group as the placed program schedules it: the fields of tile-plan's `group` record
/// and place-route's `placement` that decide what each tile computes and in which order. The
/// command library decodes them from the stream; tests build them by hand.
public struct GroupSchedule: Sendable, Equatable {
    /// A loop and its extent ("K", 64).
    public struct Loop: Sendable, Equatable {
        public var dim: String
        public var extent: Int
        public init(_ dim: String, _ extent: Int) {
            self.dim = dim
            self.extent = extent
        }
    }

    /// A spatial unroll: array dimension ("lanes", or "mesh" for the cores), the loop it unrolls, by how much.
    public struct Unroll: Sendable, Equatable {
        public var arrayDim: String
        public var dim: String
        public var factor: Int
        public init(_ arrayDim: String, _ dim: String, _ factor: Int) {
            self.arrayDim = arrayDim
            self.dim = dim
            self.factor = factor
        }
    }

    public var index: Int
    public var name: String
    public var ops: [String]
    /// Node indices in the graph.
    public var nodes: [Int]
    /// "array", "vector", "none" or "unplanned".
    public var unit: String
    /// The operator as a loop nest (G B K C OY OX FY FX for the array; ELEMENTS, OPS for the vector unit).
    public var loops: [Loop]
    public var spatial: [Unroll]
    /// Temporal loops per memory level, innermost level first, each level's loops outermost first.
    public var levelLoops: [[Loop]]
    public var tileShape: [Loop]
    public var tileCount: Int
    /// The cores place-route gave the group.
    public var cores: [Int]
    /// A fused group's kind ("conv-chain", "norm-gemm", "attention"); empty when not fused.
    public var fusion: String = ""
    /// A fused group's members, each with its own mapping (numbered as the fused group).
    public var members: [GroupSchedule] = []
    /// A fused conv chain's rows of the last output per depth-first tile.
    public var tileRows: Int = 0

    public init(index: Int, name: String, ops: [String], nodes: [Int], unit: String, loops: [Loop] = [], spatial: [Unroll] = [],
                levelLoops: [[Loop]] = [], tileShape: [Loop] = [], tileCount: Int = 1, cores: [Int] = []) {
        self.index = index
        self.name = name
        self.ops = ops
        self.nodes = nodes
        self.unit = unit
        self.loops = loops
        self.spatial = spatial
        self.levelLoops = levelLoops
        self.tileShape = tileShape
        self.tileCount = tileCount
        self.cores = cores
    }

    /// The extent of loop `dim` (1 when absent).
    public func extent(_ dim: String) -> Int { loops.first { $0.dim == dim }?.extent ?? 1 }
    /// The tile's extent along `dim` (the whole loop when absent).
    public func tileExtent(_ dim: String) -> Int { tileShape.first { $0.dim == dim }?.extent ?? extent(dim) }
}
