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
    /// `readWords` and `writeWords` scale the bytes to the whole port words they take (eq. 4′).
    mutating func charge(_ memory: LevelFigures, reads: Double, writes: Double, instances: Double, overlapped: Bool,
                         readWords: Double = 1, writeWords: Double = 1) {
        readBytes += reads
        writeBytes += writes
        energyPj += reads * readWords * memory.readPjPerByte + writes * writeWords * memory.writePjPerByte
        let time = memory.portCycles(reads: reads * readWords / instances, writes: writes * writeWords / instances)
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
        var cumulative = [[Int]](repeating: [Int](repeating: 1, count: dims), count: L)
        for m in 0..<L {
            for d in 0..<dims { cumulative[m][d] = (m > 0 ? cumulative[m - 1][d] : 1) * mapping.temporal[m][d] }
        }
        // (2) Spatial factor per dimension over the array dimensions a mask selects: whole PEs
        // for what a level must hold, the mean over the passes for what moves (`effective`).
        let effective = effectiveSpatial(problem, mapping)
        func spatialTile(_ mask: UInt32) -> [Int] {
            var t = [Int](repeating: 1, count: dims)
            for s in 0..<S where mask & (1 << s) != 0 { t[mapping.spatial[s].dim.rawValue] *= mapping.spatial[s].factor }
            return t
        }
        // (3) Instances of a level in use: the product of the unrolls of the dimensions it does
        // not span, each at its mean over the passes (idle PEs of a padded pass are gated).
        func instances(_ mask: UInt32) -> Double {
            var n = 1.0
            for s in 0..<S where mask & (1 << s) == 0 { n *= effective[s] }
            return n
        }
        // A tile never exceeds the problem: an unrolling that pads a dimension (its last pass
        // partly idle) holds no data beyond the extent.
        func tile(_ m: Int, _ mask: UInt32) -> [Int] {
            let sp = spatialTile(mask)
            return (0..<dims).map { min((m >= 0 ? cumulative[m][$0] : 1) * sp[$0], problem.loops.extents[$0]) }
        }
        // The tile that moves: the mean over the passes of a padded unrolling (eq. 1), so that
        // fills × tile × instances counts the real iterations, never the padded ones.
        func movingTile(_ m: Int, _ mask: UInt32) -> [Double] {
            var t = (0..<dims).map { Double(m >= 0 ? cumulative[m][$0] : 1) }
            for s in 0..<S where mask & (1 << s) != 0 { t[mapping.spatial[s].dim.rawValue] *= effective[s] }
            return (0..<dims).map { min(t[$0], Double(problem.loops.extents[$0])) }
        }
        // (4) Fills of a child level's tile and the distinct tiles among them: every loop above
        // the child, less the innermost run of loops that do not index the operand (reuse).
        func fills(_ reach: Int, _ o: Operand, latched: Bool = false) -> (fills: Double, distinct: Double) {
            // The PEs (reach −1) keep no partial sum between MACs: every MAC accumulates into the
            // innermost level holding outputs. A weight or an input is `latched` at the MAC's
            // operand input when one read of the innermost level delivers it (eq. 3): it stays
            // there while the innermost loops do not index it, and only then is read again.
            var total = 1.0, distinct = 1.0, reuse = 1.0, inRun = reach >= 0 || latched
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
                let childTile = problem.footprint(o, movingTile(reach, childMask))
                let union = problem.footprint(o, movingTile(reach, parentMask))
                let latched = child < 0 && o != .output && union * problem.bytes(o) <= memories[parent].readBytesPerCycle
                let (f, dist) = fills(reach, o, latched: latched)
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
                let b = problem.bytes(o)
                levels[parent].charge(memories[parent], reads: pRead, writes: pWrite, instances: pInst, overlapped: overlapped,
                                      readWords: model.words(parent, union * b, memories[parent].readBytesPerCycle),
                                      writeWords: model.words(parent, union * b, memories[parent].writeBytesPerCycle))
                if child >= 0 {
                    levels[child].charge(memories[child], reads: cRead, writes: cWrite, instances: cInst, overlapped: overlapped,
                                         readWords: model.words(child, childTile * b, memories[child].readBytesPerCycle),
                                         writeWords: model.words(child, childTile * b, memories[child].writeBytesPerCycle))
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

    /// The least energy of the traffic between the PEs and the innermost level of each operand
    /// over every mapping with `mapping`'s spatial choice: exact for outputs (it depends on the
    /// spatial unrolling and the total temporal iterations only), and for a latched weight or
    /// input (eq. 3) its reads with every loop that does not index it innermost. The lower bound
    /// of a spatial choice uses it. `mapping` needs its spatial choice and temporal factors whose
    /// product per dimension is right; levels, orders and reach are not used.
    static func peTrafficEnergy(_ problem: MacProblem, _ mapping: Mapping, on model: CoreModel) -> Double {
        let memories = model.core.memories
        let L = memories.count
        var iterations = 1.0
        var temporal = [Int](repeating: 1, count: 8)
        for m in 0..<L { for d in 0..<8 { temporal[d] *= mapping.temporal[m][d]; iterations *= Double(mapping.temporal[m][d]) } }
        let effective = effectiveSpatial(problem, mapping)
        // Elements of `o` per instance of `level` one iteration moves, and the instances.
        func union(_ o: Operand, _ level: Int) -> (perInstance: Double, instances: Double) {
            var t = [Double](repeating: 1, count: 8)
            var instances = 1.0
            for (s, c) in mapping.spatial.enumerated() {
                if model.served[level] & (1 << s) != 0 { t[c.dim.rawValue] *= effective[s] } else { instances *= effective[s] }
            }
            for d in 0..<8 { t[d] = min(t[d], Double(problem.loops.extents[d])) }
            return (problem.footprint(o, t), instances)
        }
        var energy = 0.0
        // What latching (eq. 3) can save on a weight or an input: its unlatched reads and the
        // longest run any order gives it (every loop not indexing it innermost).
        var latchable: [(reads: Double, run: Double)] = []
        for o in Operand.allCases {
            guard let m0 = model.chains[o.rawValue].first, m0 != L - 1 else { continue }
            let (perInstance, instances) = union(o, m0)
            let u = perInstance * instances
            let m = memories[m0]
            let b = problem.bytes(o)
            let readWords = model.words(m0, perInstance * b, m.readBytesPerCycle)
            if o == .output {
                var distinct = 1.0
                for d in LoopDim.allCases where MacProblem.relevant(.output, d) { distinct *= Double(temporal[d.rawValue]) }
                let writeWords = model.words(m0, perInstance * b, m.writeBytesPerCycle)
                energy += iterations * b * u * m.writePjPerByte * writeWords + (iterations - distinct) * b * u * m.readPjPerByte * readWords
            } else {
                let reads = iterations * b * u * m.readPjPerByte * readWords
                energy += reads
                if perInstance * b <= m.readBytesPerCycle {
                    var run = 1.0
                    for d in LoopDim.allCases where !MacProblem.relevant(o, d) { run *= Double(temporal[d.rawValue]) }
                    if run > 1 { latchable.append((reads, run)) }
                }
            }
        }
        // At most one of them latches at a time: the loops that do not index weights (B, OY, OX)
        // all index inputs and the one that does not index inputs (K) indexes weights, so the
        // innermost loop breaks one of the two runs. Every such loop indexes outputs: a run of R
        // iterations either stays inside the tile of the outputs' innermost level (R ≤ what it
        // holds, in partial sums) or sends partial sums up and back once per iteration above
        // that tile, at least iterations / held of them.
        let outChain = model.chains[Operand.output.rawValue]
        var held = Double.infinity, spillPj = 0.0, spilled = 0.0
        if outChain.count >= 2, outChain[0] != L - 1 {
            held = max(1, Double(memories[outChain[0]].usableBytes) / problem.accumulatorBytes)
            let parent = memories[outChain[1]], child = memories[outChain[0]]
            let (perInstance, instances) = union(.output, outChain[1])
            spilled = iterations / held * perInstance * instances - problem.totalElements(.output)
            let acc = problem.accumulatorBytes, final = outChain[1] == L - 1 ? problem.outputBytes : acc
            spillPj = min(final, acc) * parent.writePjPerByte + acc * (parent.readPjPerByte + child.readPjPerByte + child.writePjPerByte)
        }
        var saving = 0.0
        for (reads, run) in latchable {
            let inside = reads * (1 - 1 / min(run, held))
            let beyond = run > held ? reads * (1 - 1 / run) - max(0, spilled) * spillPj : 0
            saving = max(saving, inside, beyond)
        }
        return energy - saving
    }

    /// Per array dimension, its unroll factor averaged over the passes: a dimension whose extent
    /// the spatial × temporal factors overshoot (K = 64 as 14 PEs × 5 passes) runs
    /// extent / (spatial × temporal) of its PEs on average (64 / 5 = 12.8), the rest idle and
    /// gated. The shortfall is put on the first array dimension unrolling that loop dimension.
    static func effectiveSpatial(_ problem: MacProblem, _ mapping: Mapping) -> [Double] {
        var iterations = [Int](repeating: 1, count: LoopDim.allCases.count)
        for level in mapping.temporal { for d in iterations.indices { iterations[d] *= level[d] } }
        return effectiveSpatial(problem, mapping.spatial, temporalIterations: iterations)
    }

    /// `effectiveSpatial` from the spatial choice and the temporal iterations per dimension over
    /// the whole nest (all a partial mapping needs: the product is known before its levels are).
    static func effectiveSpatial(_ problem: MacProblem, _ spatial: [SpatialChoice], temporalIterations: [Int]) -> [Double] {
        var effective = spatial.map { Double($0.factor) }
        for d in LoopDim.allCases {
            let unrolled = spatial.indices.filter { spatial[$0].dim == d && spatial[$0].factor > 1 }
            guard let first = unrolled.first else { continue }
            let padded = unrolled.reduce(1.0) { $0 * Double(spatial[$1].factor) } * Double(temporalIterations[d.rawValue])
            let extent = Double(problem.loops.extents[d.rawValue])
            if padded > extent { effective[first] *= extent / padded }
        }
        return effective
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
