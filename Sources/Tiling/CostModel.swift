import ChipArch
import OpCost

/// What one mapping costs: time, energy, and the traffic of every memory level.
public struct MappingCost: Sendable, Hashable {
    public var cycles: Double
    public var computeCycles: Double
    public var stallCycles: Double
    public var fillDrainCycles: Double
    public var energyPj: Double
    public var macEnergyPj: Double
    public var levels: [LevelTraffic]
    /// False when some level cannot hold its tiles (the mapping is invalid).
    public var fits: Bool

    /// The value the mapper minimizes.
    public func value(_ objective: Objective) -> Double { objective.value(cycles: cycles, energyPj: energyPj) }
}

/// Traffic at one memory level, all instances together.
public struct LevelTraffic: Sendable, Hashable {
    public var readBytes = 0.0
    public var writeBytes = 0.0
    public var energyPj = 0.0
    /// Port time, per instance, of transfers that overlap compute (to the PEs, into double buffers).
    public var overlappedCycles = 0.0
    /// Port time of refills the compute waits for.
    public var serialCycles = 0.0
    /// Bytes of each operand's tile held here (0 when not held), per instance.
    public var tileBytes: [Double] = [0, 0, 0]

    /// Adds one edge's reads and writes at `memory` (all `instances` together): bytes, energy,
    /// and port time on the overlapped or the serial side.
    mutating func charge(_ memory: LevelFigures, reads: Double, writes: Double, instances: Double, overlapped: Bool) {
        readBytes += reads
        writeBytes += writes
        energyPj += reads * memory.readPjPerByte + writes * memory.writePjPerByte
        let time = memory.portCycles(reads: reads / instances, writes: writes / instances)
        if overlapped { overlappedCycles += time } else { serialCycles += time }
    }
}

/// What the mapper minimizes.
public enum Objective: String, Sendable, CaseIterable {
    case latency, energy, edp

    /// The objective of a plan that takes `cycles` and `energyPj`.
    public func value(cycles: Double, energyPj: Double) -> Double {
        switch self {
        case .latency: return cycles
        case .energy: return energyPj
        case .edp: return cycles * energyPj
        }
    }
}

/// The analytical cost model (Docs/tile.md, equation by equation).
public enum CostModel {
    /// Costs `mapping` of `problem` on `model`. The mapping must cover the loop nest
    /// (spatial × temporal factors = extent per dimension); `fits` says whether every tile fits.
    public static func evaluate(_ problem: MacProblem, _ mapping: Mapping, on model: CoreModel) -> MappingCost {
        let memories = model.figures
        let L = memories.count
        let S = model.spatialDims.count
        let dims = LoopDim.allCases.count
        // (1) Cumulative temporal tile per level: t[m][d] = Π_{j≤m} f_j[d].
        var cumulative = [SIMD8<Int>](repeating: SIMD8(repeating: 1), count: L)
        for m in 0..<L {
            for d in 0..<dims { cumulative[m][d] = (m > 0 ? cumulative[m - 1][d] : 1) * mapping.temporal[m][d] }
        }
        // (2) Spatial factor per dimension over the array dimensions a mask selects.
        func spatialTile(_ mask: UInt32) -> SIMD8<Int> {
            var t = SIMD8<Int>(repeating: 1)
            for s in 0..<S where mask & (1 << s) != 0 { t[mapping.spatial[s].dim.rawValue] *= mapping.spatial[s].factor }
            return t
        }
        // (3) Instances of a level in use: the product of the unrolls of the dimensions it does not span.
        func instances(_ mask: UInt32) -> Double {
            var n = 1.0
            for s in 0..<S where mask & (1 << s) == 0 { n *= Double(mapping.spatial[s].factor) }
            return n
        }
        let extents = SIMD8<Int>(problem.loops.extents)
        // A tile never exceeds the problem: an unrolling that pads a dimension (its last pass
        // partly idle) reads and writes no data beyond the extent.
        func tile(_ m: Int, _ mask: UInt32) -> SIMD8<Int> {
            let t = (m >= 0 ? cumulative[m] : SIMD8(repeating: 1)) &* spatialTile(mask)
            return pointwiseMin(t, extents)
        }
        // (4) Fills of a child level's tile and the distinct tiles among them: every loop above
        // the child, less the innermost run of loops that do not index the operand (reuse).
        func fills(_ reach: Int, _ o: Operand) -> (fills: Double, distinct: Double) {
            // The PEs (reach −1) hold nothing between MACs: every MAC reads its operands from,
            // and accumulates into, the innermost level holding them; no reuse run there.
            var total = 1.0, distinct = 1.0, reuse = 1.0, inRun = reach >= 0
            for j in (reach + 1)..<L {
                for d in mapping.orders[j] {
                    let f = Double(mapping.temporal[j][d.rawValue])
                    guard f > 1 else { continue }
                    total *= f
                    if MacProblem.relevant(o, d) { distinct *= f; inRun = false } else if inRun { reuse *= f }
                }
            }
            return (total / reuse, distinct)
        }
        let macs = problem.loops.macs
        var levels = [LevelTraffic](repeating: LevelTraffic(), count: L)
        var fits = true
        // (5) Capacity: every operand a level holds, at its tile (up to its reach), within the usable bytes.
        var used = [Double](repeating: 0, count: L)
        for o in Operand.allCases {
            for (i, m) in model.chains[o.rawValue].enumerated() {
                let b = problem.footprint(o, tile(mapping.reach[o.rawValue][i], model.served[m])) * problem.bytes(o)
                levels[m].tileBytes[o.rawValue] = b
                used[m] += b
            }
        }
        for m in 0..<L where used[m] > Double(memories[m].usableBytes) { fits = false }
        let hopPj = model.arch.noc.pjPerByteHop * model.meanHops
        let meshBit: UInt32 = model.spatialDims.last?.name == "mesh" ? 1 << (S - 1) : 0
        var nocPj = 0.0
        // (6) Traffic on every edge of every operand's chain: PE ← m0 ← m1 ← … ← backing.
        for o in Operand.allCases {
            let chain = model.chains[o.rawValue]
            for (i, parent) in chain.enumerated() {
                let child = i == 0 ? -1 : chain[i - 1]
                let reach = i == 0 ? -1 : mapping.reach[o.rawValue][i - 1]
                let childMask: UInt32 = child >= 0 ? model.served[child] : 0
                let parentMask = model.served[parent]
                let (f, dist) = fills(reach, o)
                let childTile = problem.footprint(o, tile(reach, childMask))
                let union = problem.footprint(o, tile(reach, parentMask))
                let pInst = instances(parentMask), cInst = instances(childMask)
                let overlapped = child < 0 || memories[child].doubleBuffered
                var pRead = 0.0, pWrite = 0.0, cRead = 0.0, cWrite = 0.0
                if o == .output {
                    let isBacking = parent == L - 1
                    let outB = isBacking ? problem.outputBytes : problem.accumulatorBytes
                    pWrite = (dist * outB + (f - dist) * problem.accumulatorBytes) * union * pInst
                    pRead = (f - dist) * problem.accumulatorBytes * union * pInst
                    if child >= 0 {
                        cRead = f * problem.accumulatorBytes * childTile * cInst
                        cWrite = (f - dist) * problem.accumulatorBytes * childTile * cInst
                    }
                } else {
                    pRead = f * problem.bytes(o) * union * pInst
                    if child >= 0 { cWrite = f * problem.bytes(o) * childTile * cInst }
                }
                levels[parent].charge(memories[parent], reads: pRead, writes: pWrite, instances: pInst, overlapped: overlapped)
                if child >= 0 {
                    levels[child].charge(memories[child], reads: cRead, writes: cWrite, instances: cInst, overlapped: overlapped)
                }
                // (7) Bytes that leave a mesh-wide level for one core's cross the NoC.
                if meshBit != 0, parentMask & meshBit != 0, childMask & meshBit == 0 {
                    nocPj += (pRead + pWrite) * hopPj
                }
            }
        }
        // (8) Time: compute iterations, ports that cannot keep up, refills the compute waits for,
        // systolic fill/drain per new stationary tile, and each level's first-access latency.
        var compute = 1.0
        for m in 0..<L { for d in 0..<dims { compute *= Double(mapping.temporal[m][d]) } }
        let overlappedMax = levels.map(\.overlappedCycles).max() ?? 0
        let serial = levels.reduce(0) { $0 + $1.serialCycles }
        var fillDrain = Double(model.core.memories.reduce(0) { $0 + $1.latencyCycles })
        if model.core.array.systolic, let stationary = stationaryOperand(model.core.array.dataflow),
           let m0 = model.chains[stationary.rawValue].first {
            let skew = Double(model.core.array.dims.reduce(0) { $0 + $1.size })
            let refills = memories[m0].doubleBuffered ? 1 : fills(mapping.reach[stationary.rawValue][0], stationary).fills
            fillDrain += skew * refills
        }
        let body = max(compute, overlappedMax) + serial
        let macPj = macs * model.core.macPj
        let energy = macPj + levels.reduce(0) { $0 + $1.energyPj } + nocPj
        return MappingCost(cycles: body + fillDrain, computeCycles: compute, stallCycles: body - compute,
                           fillDrainCycles: fillDrain, energyPj: energy, macEnergyPj: macPj, levels: levels, fits: fits)
    }

    /// Energy of the traffic between the PEs and the innermost level of each operand: it depends
    /// on the spatial unrolling and the total temporal iterations only (no reuse inside a PE), so
    /// the lower bound of a spatial choice uses it exactly. `mapping` needs its spatial choice and
    /// temporal factors whose product per dimension is right; levels and reach are not used.
    static func peTrafficEnergy(_ problem: MacProblem, _ mapping: Mapping, on model: CoreModel) -> Double {
        let memories = model.core.memories
        let L = memories.count
        var iterations = 1.0
        var temporal = [Int](repeating: 1, count: 8)
        for m in 0..<L { for d in 0..<8 { temporal[d] *= mapping.temporal[m][d]; iterations *= Double(mapping.temporal[m][d]) } }
        var energy = 0.0
        for o in Operand.allCases {
            guard let m0 = model.chains[o.rawValue].first, m0 != L - 1 else { continue }
            var union = [Int](repeating: 1, count: 8)
            var instances = 1.0
            for (s, c) in mapping.spatial.enumerated() {
                if model.served[m0] & (1 << s) != 0 { union[c.dim.rawValue] *= c.factor } else { instances *= Double(c.factor) }
            }
            for d in 0..<8 { union[d] = min(union[d], problem.loops.extents[d]) }
            let u = problem.footprint(o, union) * instances
            let m = memories[m0]
            if o == .output {
                var distinct = 1.0
                for d in LoopDim.allCases where MacProblem.relevant(.output, d) { distinct *= Double(temporal[d.rawValue]) }
                let b = problem.accumulatorBytes
                energy += iterations * b * u * m.writePjPerByte + (iterations - distinct) * b * u * m.readPjPerByte
            } else {
                energy += iterations * problem.bytes(o) * u * m.readPjPerByte
            }
        }
        return energy
    }

    static func stationaryOperand(_ d: Dataflow) -> Operand? {
        switch d {
        case .weightStationary: return .weight
        case .outputStationary: return .output
        case .inputStationary: return .input
        case .rowStationary: return nil
        }
    }
}
