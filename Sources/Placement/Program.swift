/// What place-route lays out: the groups of a tiled graph with the figures the placement
/// needs, in graph (topological) order. The command library fills it from a tiles stream;
/// tests build synthetic ones.
public struct Program: Sendable {
    public var groups: [ProgramGroup]
    public var edges: [ProgramEdge]
    public init(groups: [ProgramGroup], edges: [ProgramEdge]) {
        self.groups = groups
        self.edges = edges
    }
}

/// One group of operators as tile-plan mapped it.
public struct ProgramGroup: Sendable {
    public var name: String
    /// Cycles of the group as tile-plan costed it, on `meshFactor` cores.
    public var cycles: Double
    /// Cores the mapping spreads the group over (its `mesh` spatial unroll; 1 on a single
    /// core). 0 for a group that moves no data and does no work (a view).
    public var meshFactor: Int
    /// How many pieces the group can hand to a consumer one after another (its tiles, or its
    /// output rows): the granularity of inter-layer pipelining.
    public var streamUnits: Int
    /// Weights the group reads (they stay on its cores when it is pipelined).
    public var weightBytes: Double
    /// Everything the group reads and writes once (inputs, weights, outputs).
    public var compulsoryBytes: Double
    /// The on-chip working set of one core while the group runs: its tile at every on-chip
    /// level, by what it holds.
    public var tileBytes: TileFootprint
    /// Whether every core of the group needs its whole input: the mapping splits it over cores
    /// along a dimension its input does not have (output channels, `K`), so a producer's value
    /// is broadcast to all of them, not divided among them.
    public var replicatesInput: Bool

    public init(name: String, cycles: Double, meshFactor: Int, streamUnits: Int, weightBytes: Double,
                compulsoryBytes: Double, tileBytes: TileFootprint, replicatesInput: Bool = false) {
        self.replicatesInput = replicatesInput
        self.name = name
        self.cycles = cycles
        self.meshFactor = meshFactor
        self.streamUnits = streamUnits
        self.weightBytes = weightBytes
        self.compulsoryBytes = compulsoryBytes
        self.tileBytes = tileBytes
    }

    /// Whether the group does any work (views and unplanned groups do none).
    public var hasWork: Bool { meshFactor > 0 && cycles > 0 }
}

/// Bytes of one core's on-chip tiles while a group runs.
public struct TileFootprint: Sendable, Hashable {
    public var weights: Double
    public var inputs: Double
    public var outputs: Double
    /// The shadow copies of double-buffered levels (the next tile, filling while this one is used).
    public var doubleBuffer: Double
    public init(weights: Double = 0, inputs: Double = 0, outputs: Double = 0, doubleBuffer: Double = 0) {
        self.weights = weights
        self.inputs = inputs
        self.outputs = outputs
        self.doubleBuffer = doubleBuffer
    }
    public var total: Double { weights + inputs + outputs + doubleBuffer }
}

/// A value one group passes to another.
public struct ProgramEdge: Sendable, Hashable {
    public var from: Int
    public var to: Int
    public var bytes: Double
    public init(from: Int, to: Int, bytes: Double) {
        self.from = from
        self.to = to
        self.bytes = bytes
    }
}

/// How long a group takes on a number of cores: the interface between placement and the
/// tiling cost model. Placement never costs an operator itself; it asks this.
public protocol GroupCost: Sendable {
    /// Cycles of `group` on `cores` cores (at least 1).
    func cycles(_ group: ProgramGroup, cores: Int) -> Double
}

/// The cost a tiles stream implies: tile-plan's mapping unrolls a group over `meshFactor`
/// cores, so on `k` cores each core runs ⌈meshFactor / k⌉ of those parallel slices in turn,
/// each as long as the whole mapping took; more cores than the mapping uses do not help
/// (a new mapping would be needed: tile-plan with a smaller `--arch` answers that).
public struct MeshScaling: GroupCost {
    public init() {}
    public func cycles(_ group: ProgramGroup, cores: Int) -> Double {
        guard group.hasWork else { return 0 }
        let k = max(cores, 1)
        return group.cycles * Double((group.meshFactor + k - 1) / k)
    }
}
