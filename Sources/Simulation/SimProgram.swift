import ChipArch

/// What the simulator runs: the groups of a placed program with the per-core figures the
/// timing needs, the values passed between groups, and every transfer with its route. The
/// command library fills it from a placed stream; tests build small ones by hand.
public struct SimProgram: Sendable {
    public var groups: [SimGroup]
    public var dependencies: [SimDependency]
    public var transfers: [SimTransfer]
    /// Mesh nodes (`rows × cols`, disabled ones included): cores are numbered below this.
    public var nodeCount: Int
    /// Links of the network, DRAM channel links included (numbering of Formats/placed.capnp).
    public var linkCount: Int

    public init(groups: [SimGroup], dependencies: [SimDependency], transfers: [SimTransfer], nodeCount: Int, linkCount: Int) {
        self.groups = groups
        self.dependencies = dependencies
        self.transfers = transfers
        self.nodeCount = nodeCount
        self.linkCount = linkCount
    }

    /// The multicast trees of `transfers`: each the indices of its branches (in transfer order),
    /// the union of their links (each once, in first-seen order) and the union's mesh links.
    /// Branches belong to one tree when they share tree number, source core and both groups.
    public func multicastTrees() -> [SimMulticastTree] {
        var index: [SimTreeKey: Int] = [:]
        var trees: [SimMulticastTree] = []
        var seen: [Set<Int>] = []
        for (k, t) in transfers.enumerated() where t.multicast > 0 && t.fromGroup >= 0 && t.toGroup >= 0 {
            let key = SimTreeKey(tree: t.multicast, source: t.source, fromGroup: t.fromGroup, toGroup: t.toGroup)
            let at: Int
            if let i = index[key] { at = i } else {
                at = trees.count
                index[key] = at
                trees.append(SimMulticastTree(branches: [], links: [], meshHops: 0, longestBranchHops: 0))
                seen.append([])
            }
            trees[at].branches.append(k)
            trees[at].longestBranchHops = max(trees[at].longestBranchHops, t.links.count)
            for l in t.links where seen[at].insert(l).inserted {
                trees[at].links.append(l)
                if l < 4 * nodeCount { trees[at].meshHops += 1 }
            }
        }
        return trees
    }
}

/// One multicast tree of a program: one source's bytes copied at the forks to several cores.
public struct SimMulticastTree: Sendable, Hashable {
    /// Indices into `SimProgram.transfers` of its branches (one per destination).
    public var branches: [Int]
    /// Every link of the tree once.
    public var links: [Int]
    /// Links of `links` between mesh nodes.
    public var meshHops: Int
    /// Links of the longest branch: the hops to the farthest destination.
    public var longestBranchHops: Int
}

struct SimTreeKey: Hashable {
    var tree: Int, source: Int, fromGroup: Int, toGroup: Int
}

/// One group of operators on its cores.
public struct SimGroup: Sendable, Hashable {
    public var name: String
    /// `.macArray` or `.vectorUnit`; nil for a group that moves no data and does no work (a
    /// view): it passes its producers' readiness on to its consumers, with no event of its own.
    public var unit: SimUnit?
    public var cores: [Int]
    /// The placement's epoch (segment); groups of one pipelined epoch stream chunk by chunk.
    public var epoch: Int
    public var pipelined: Bool
    /// Pieces each core's share is cut into, in order (the pipeline's pieces when pipelined;
    /// otherwise the tiles, coalesced to at most `SimOptions.maxChunks`).
    public var chunks: Int
    /// Tiles each core runs; chunk `i` starts at tile `i × tiles / chunks` (the trace's `tile`).
    public var tiles: Int
    /// Cycles of compute one core spends on its whole share (MAC array or vector unit,
    /// with the in-core buffers' ports: tile-plan's figures for one core, times the slices it runs).
    public var computeCycles: Double
    /// Multiply-accumulates of the whole group (over all its cores).
    public var macs: Double
    /// Vector-unit operations of the whole group.
    public var vectorOps: Double
    /// Energy of the group's on-chip memory traffic (every level but the backing one), pJ.
    public var sramPj: Double
    /// The placement's window for the group and its length (its cost model), for the comparison
    /// with the simulated window (first event start to last event end).
    public var analyticStart: Double
    public var analyticEnd: Double
    public var analyticCycles: Double

    public init(name: String, unit: SimUnit?, cores: [Int], epoch: Int, pipelined: Bool, chunks: Int, tiles: Int,
                computeCycles: Double, macs: Double = 0, vectorOps: Double = 0, sramPj: Double = 0,
                analyticStart: Double = 0, analyticEnd: Double = 0, analyticCycles: Double = 0) {
        self.name = name
        self.unit = unit
        self.cores = cores
        self.epoch = epoch
        self.pipelined = pipelined
        self.chunks = chunks
        self.tiles = tiles
        self.computeCycles = computeCycles
        self.macs = macs
        self.vectorOps = vectorOps
        self.sramPj = sramPj
        self.analyticStart = analyticStart
        self.analyticEnd = analyticEnd
        self.analyticCycles = analyticCycles
    }
}

/// A value one group passes to another (a tiles edge).
public struct SimDependency: Sendable, Hashable {
    public var from: Int
    public var to: Int
    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }
}

/// One routed transfer: part of a value between two cores, or a group's DRAM traffic of one core.
public struct SimTransfer: Sendable, Hashable {
    /// Index into `SimProgram.dependencies`, or -1 for DRAM traffic.
    public var dependency: Int
    /// -1: from DRAM channel `source`.
    public var fromGroup: Int
    /// -1: to DRAM channel `destination`.
    public var toGroup: Int
    public var source: Int
    public var destination: Int
    public var bytes: UInt64
    /// In order from source to destination.
    public var links: [Int]
    /// Links of `links` between mesh nodes (the byte-hops the NoC energy counts).
    public var meshHops: Int
    /// 0: a unicast. Otherwise the number of the multicast tree this transfer is one branch of
    /// (Formats/placed.capnp): the branches of one tree leave one source core for one consumer
    /// group with the same bytes, and every link they share carries those bytes once.
    public var multicast: Int

    public init(dependency: Int, fromGroup: Int, toGroup: Int, source: Int, destination: Int, bytes: UInt64, links: [Int], meshHops: Int,
                multicast: Int = 0) {
        self.dependency = dependency
        self.fromGroup = fromGroup
        self.toGroup = toGroup
        self.source = source
        self.destination = destination
        self.bytes = bytes
        self.links = links
        self.meshHops = meshHops
        self.multicast = multicast
    }

    public var isDramRead: Bool { fromGroup < 0 }
    public var isDramWrite: Bool { toGroup < 0 }
    /// The DRAM channel it uses, if any.
    public var channel: Int? { fromGroup < 0 ? source : (toGroup < 0 ? destination : nil) }
}

/// Knobs of the simulation (defaults are what npu-sim uses).
public struct SimOptions: Sendable {
    /// Most chunks one core's share of a layer-by-layer group is cut into: consecutive tiles
    /// are identical, so coalescing them keeps the trace of a whole network bounded.
    public var maxChunks = 4
    public init() {}
}
