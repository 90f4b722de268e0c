/// How a segment of the graph runs.
public enum ExecutionMode: String, Sendable, CaseIterable {
    /// Per segment, whichever of layer-by-layer and pipelined is faster and fits.
    case auto
    /// One group at a time on every core (tile-plan's own schedule).
    case layer
    /// Consecutive groups on disjoint core regions at once, streaming tiles, weights resident.
    case pipeline
    /// Every group split over the whole mesh, one after another: with a cost that comes from
    /// the mapping's own mesh unroll this is the layer-by-layer schedule, named for what it does.
    case split
}

/// What `Placer.place` may do.
public struct PlaceOptions: Sendable {
    public var mode: ExecutionMode = .auto
    /// Negotiated-congestion passes after the dimension-order routes; then it stops and reports.
    public var maxIterations = 40
    /// Seed of the placement refinement (same seed, same bytes).
    public var seed: UInt64 = 1
    /// Refinement moves per pipelined segment, per core of the mesh.
    public var refineMovesPerCore = 24
    /// And at most this many per segment: each move re-costs the transfers of two stages, which
    /// on a 32×32 mesh span hundreds of cores.
    public var maxRefineMoves = 3072
    /// Most groups one pipelined segment holds.
    public var maxStages = 12
    /// Broadcasts as multicast trees: nil follows the arch's `noc.multicast`; false forces one
    /// unicast per destination (to compare).
    public var multicast: Bool? = nil
    public init() {}
}

/// A run of consecutive groups executed one way.
public struct SegmentPlan: Sendable, Hashable {
    public var firstGroup: Int
    public var lastGroup: Int
    /// "layer", "split" or "pipeline".
    public var mode: String
    public var stages: Int
    public var cycles: Double
    public var pipelineTiles: Int
}

/// Where and when one group runs.
public struct GroupSlot: Sendable, Hashable {
    public var group: Int
    public var segment: Int
    public var stage: Int
    public var epoch: Int
    public var cores: [Int]
    public var start: Double
    public var end: Double
    public var cycles: Double
    public var dramBytes: Double
}

/// A transfer over the NoC: part of a tiles edge between two cores, or DRAM traffic.
public struct Flow: Sendable, Hashable {
    /// Index of the program edge, -1 for DRAM traffic.
    public var edge: Int
    /// -1: from a DRAM channel (`source` is the channel).
    public var fromGroup: Int
    /// -1: to a DRAM channel (`destination` is the channel).
    public var toGroup: Int
    public var source: Int
    public var destination: Int
    public var bytes: Double
    public var epoch: Int
    /// The links, from source to destination; for a multicast tree every link of the tree once,
    /// each after the link that reaches its start.
    public var links: [Int]
    /// A multicast tree's destinations (`destination` is the first); empty for a unicast.
    public var destinations: [Int] = []
    public var isTree: Bool { !destinations.isEmpty }
}

/// A time window whose transfers share the links at constant rates.
public struct EpochPlan: Sendable, Hashable {
    public var start: Double
    public var end: Double
    public var computeCycles: Double
}

/// Traffic on one link.
public struct LinkUse: Sendable, Hashable {
    public var link: Int
    public var bytes: Double
    public var peakBytesPerCycle: Double
    public var peakEpoch: Int
    public var overused: Bool
}

/// One buffer on one core and the epochs it is live in.
public struct CoreBuffer: Sendable, Hashable {
    public var owner: Int
    /// "weights", "input", "output", "double-buffer" or "noc-staging".
    public var what: String
    public var bytes: Double
    public var firstEpoch: Int
    public var lastEpoch: Int
}

/// Every buffer of one core against its capacity.
public struct CoreBudget: Sendable, Hashable {
    public var core: Int
    public var capacity: Double
    public var peak: Double
    public var peakEpoch: Int
    public var buffers: [CoreBuffer]
    public var overflow: Double { max(0, peak - capacity) }
}

/// What the negotiated-congestion router did.
public struct RouterReport: Sendable, Hashable {
    public var iterations: Int
    public var overusedPerIteration: [Int]
    public var converged: Bool
    public var overusedLinks: [Int]
}

/// A whole placement: space, time, routes, memory, and how close to the bounds it is.
public struct PlacementResult: Sendable {
    public var mode: ExecutionMode
    public var segments: [SegmentPlan]
    public var slots: [GroupSlot]
    public var flows: [Flow]
    public var epochs: [EpochPlan]
    public var links: [LinkUse]
    public var cores: [CoreBudget]
    public var router: RouterReport
    public var makespan: Double
    public var computeCycles: Double
    public var layerByLayerCycles: Double
    public var slowestStage: Double
    public var stageBound: Double
    public var maxLinkBytesPerCycle: Double
    public var cutBoundBytesPerCycle: Double
    public var linkBytesPerCycle: Double
    public var refineMoves: Int
    public var refineAccepted: Int
    public var seed: UInt64
    public var sramPerCore: Double
    /// Whether broadcasts went as multicast trees, and how many trees.
    public var multicast = false
    public var multicastTrees = 0

    /// The core furthest over its capacity, if any is.
    public var worstOverflow: CoreBudget? {
        cores.filter { $0.overflow > 0 }.max { ($0.overflow, -$0.core) < ($1.overflow, -$1.core) }
    }
}
