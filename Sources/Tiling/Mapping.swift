import ChipArch
import OpCost

/// A point of the mapping space of one MAC problem on one core (or mesh of cores).
///
/// - `spatial[s]`: the loop dimension array dimension `s` unrolls and by how much (factor 1: idle).
/// - `temporal[m][d]`: the factor of loop dimension `d` iterated at memory level `m` (innermost
///   level 0); per dimension the spatial and temporal factors multiply to its extent.
/// - `orders[m]`: the loops of level `m` with a factor above 1, innermost first.
/// - `reach[o][i]`: how far up the tile of operand `o` in the `i`-th level of its chain extends:
///   the highest level whose loops it spans (from the level itself up to just below the next level
///   holding `o`). A weight register under an output register may keep its weights while the
///   output loops between them run: each operand is cut at its own place in the loop nest.
public struct Mapping: Sendable, Hashable {
    public var spatial: [SpatialChoice]
    public var temporal: [[Int]]
    public var orders: [[LoopDim]]
    public var reach: [[Int]]

    public init(spatial: [SpatialChoice], temporal: [[Int]], orders: [[LoopDim]], reach: [[Int]]) {
        self.spatial = spatial
        self.temporal = temporal
        self.orders = orders
        self.reach = reach
    }
}

/// What one array dimension unrolls.
public struct SpatialChoice: Sendable, Hashable {
    public var dim: LoopDim
    public var factor: Int
    public init(dim: LoopDim, factor: Int) {
        self.dim = dim
        self.factor = factor
    }
}

/// An array dimension as the mapper sees it: the core's PE-array dimensions, then one `mesh`
/// dimension over the enabled cores when there is more than one.
public struct SpatialDim: Sendable, Hashable {
    public var name: String
    public var size: Int
    public var unrolls: [LoopDim]
}

/// The core as the cost model walks it: spatial dimensions, memories, and for each operand
/// the chain of levels that hold it (innermost first).
public struct CoreModel: Sendable {
    public let arch: ChipArch
    public let core: CoreType
    public let spatialDims: [SpatialDim]
    /// Bit `s` set when level `m` spans spatial dimension `s`.
    let served: [UInt32]
    /// Level indices holding each operand, innermost first (the last is the backing level).
    let chains: [[Int]]
    /// Mean hops from a DRAM channel to a core, for NoC energy on a mesh.
    let meanHops: Double
    /// Per level, the figures the cost model reads on every costing (copying a `MemoryLevel`
    /// out of the array retains its name and lists each time).
    let figures: [LevelFigures]

    public init(arch: ChipArch) {
        self.arch = arch
        let core = arch.core
        self.core = core
        var dims = core.array.dims.map { SpatialDim(name: $0.name, size: $0.size, unrolls: $0.unrolls.compactMap(LoopDim.init(name:))) }
        if arch.coreCount > 1 {
            dims.append(SpatialDim(name: "mesh", size: arch.coreCount, unrolls: [.k, .oy, .ox, .b]))
        }
        spatialDims = dims
        served = core.memories.map { m in
            var mask: UInt32 = 0
            for (s, d) in dims.enumerated() where m.servedDims.contains(d.name) { mask |= 1 << s }
            return mask
        }
        chains = Operand.allCases.map { o in core.memories.indices.filter { core.memories[$0].holds(o) } }
        meanHops = CoreModel.meanHops(arch)
        figures = core.memories.map(LevelFigures.init)
    }

    var levelCount: Int { core.memories.count }

    /// The words a transfer of `bytes` per instance takes at level `m`, over its bytes (eq. 4′):
    /// a PE's own register file (a level no array dimension spans) is read and written a whole
    /// port word of `word` bytes at a time (a 16-bit partial sum in a 24-bit register file costs
    /// a 24-bit access); wider levels move tiles many words long, whose rounding is not charged.
    func words(_ m: Int, _ bytes: Double, _ word: Double) -> Double {
        guard served[m] == 0, bytes > 0, word > 0 else { return 1 }
        return max(1, (bytes / word - 1e-9).rounded(.up)) * word / bytes
    }

    /// Every choice of reaches: per operand and chain level, from the level itself up to just
    /// below the next level of the chain (the backing level reaches everything).
    var reachChoices: [[[Int]]] {
        var out: [[[Int]]] = [[]]
        for o in Operand.allCases {
            let chain = chains[o.rawValue]
            var perOperand: [[Int]] = [[]]
            for (i, m) in chain.enumerated() {
                let top = i + 1 < chain.count ? chain[i + 1] - 1 : m
                perOperand = perOperand.flatMap { prefix in (m...top).map { prefix + [$0] } }
            }
            out = out.flatMap { prefix in perOperand.map { prefix + [$0] } }
        }
        return out
    }

    static func meanHops(_ arch: ChipArch) -> Double {
        guard arch.coreCount > 1, !arch.dram.isEmpty else { return 0 }
        let off = Set(arch.mesh.disabled)
        var total = 0.0, n = 0.0
        for r in 0..<arch.mesh.rows {
            for c in 0..<arch.mesh.cols where !off.contains(MeshNode(row: r, col: c)) {
                total += Double(arch.dram.map { abs($0.row - r) + abs($0.col - c) }.min()!)
                n += 1
            }
        }
        return n > 0 ? total / n : 0
    }
}

/// The scalar figures of one memory level (see `MemoryLevel`), as the cost model uses them.
struct LevelFigures: Sendable {
    let readPjPerByte: Double
    let writePjPerByte: Double
    let readBytesPerCycle: Double
    let writeBytesPerCycle: Double
    let sharedPort: Bool
    let doubleBuffered: Bool
    let usableBytes: Int

    init(_ m: MemoryLevel) {
        readPjPerByte = m.readPjPerByte
        writePjPerByte = m.writePjPerByte
        readBytesPerCycle = m.readBytesPerCycle
        writeBytesPerCycle = m.writeBytesPerCycle
        sharedPort = m.sharedPort
        doubleBuffered = m.doubleBuffered
        usableBytes = m.usableBytes
    }

    /// `MemoryLevel.portCycles`, the same arithmetic.
    func portCycles(reads: Double, writes: Double) -> Double {
        MemoryLevel.portCycles(reads: reads, writes: writes, readBytesPerCycle: readBytesPerCycle,
                               writeBytesPerCycle: writeBytesPerCycle, sharedPort: sharedPort)
    }
}
