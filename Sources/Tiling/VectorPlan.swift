import ChipArch
import OpCost

/// An operator on the vector unit: streamed through the largest on-chip level that can hold
/// its inputs and outputs, in tiles that fit it.
public struct VectorPlan: Sendable, Hashable {
    public var cycles: Double
    public var computeCycles: Double
    public var stallCycles: Double
    public var fillDrainCycles: Double
    public var energyPj: Double
    public var opEnergyPj: Double
    public var levels: [LevelTraffic]
    public var tileCount: Int
    public var tileElements: Int
    public var bound: LowerBound

    /// Costs `op` on the vector units of `model`'s enabled cores.
    public static func plan(_ op: OpInstance, on model: CoreModel) -> VectorPlan {
        let core = model.core
        let memories = core.memories
        let L = memories.count
        let cores = Double(model.arch.coreCount)
        let inBytes = Double(op.inputElements) * Double(core.inputBits) / 8
        let outBytes = Double(op.outputElements) * Double(core.outputBits) / 8
        let ops = op.flops + op.transcendentals * Double(core.vector.transcendentalCycles - 1)
        let compute = (ops / (Double(core.vector.lanes) * cores)).rounded(.up)
        var levels = [LevelTraffic](repeating: LevelTraffic(), count: L)
        let backing = memories[L - 1]
        levels[L - 1].readBytes = inBytes
        levels[L - 1].writeBytes = outBytes
        levels[L - 1].energyPj = inBytes * backing.readPjPerByte + outBytes * backing.writePjPerByte
        let backingTime = backing.portCycles(reads: inBytes, writes: outBytes)
        levels[L - 1].overlappedCycles = backingTime
        // The staging level: the largest on-chip level that holds inputs and outputs.
        let staging = (0..<(L - 1)).filter { memories[$0].holds(.input) && memories[$0].holds(.output) }
            .max { memories[$0].bytes < memories[$1].bytes }
        var tileCount = 1, tileElements = max(op.outputElements, 1), serial = 0.0, latency = Double(backing.latencyCycles)
        var doubleBuffered = true
        if let s = staging {
            let m = memories[s]
            let perElement = (inBytes + outBytes) / Double(max(op.outputElements, 1))
            let instances = model.instancesOf(s)
            let capacity = Double(m.usableBytes) * instances
            tileElements = max(1, min(op.outputElements, Int(capacity / max(perElement, 1e-9))))
            tileCount = max(1, (op.outputElements + tileElements - 1) / max(tileElements, 1))
            levels[s].writeBytes = inBytes + outBytes
            levels[s].readBytes = inBytes + outBytes
            levels[s].energyPj = (inBytes + outBytes) * (m.readPjPerByte + m.writePjPerByte)
            let t = m.portCycles(reads: (inBytes + outBytes) / instances, writes: (inBytes + outBytes) / instances)
            doubleBuffered = m.doubleBuffered || tileCount == 1
            if doubleBuffered { levels[s].overlappedCycles = t } else { levels[s].serialCycles = t }
            serial += levels[s].serialCycles
            latency += Double(m.latencyCycles)
        }
        // Without double buffering a tile's load and store do not overlap its compute.
        if !doubleBuffered { serial += backingTime; levels[L - 1].serialCycles = backingTime; levels[L - 1].overlappedCycles = 0 }
        let overlapped = levels.map(\.overlappedCycles).max() ?? 0
        let body = max(compute, overlapped) + serial
        let opPj = ops * core.vector.pjPerOp
        let energy = opPj + levels.reduce(0) { $0 + $1.energyPj }
        let bound = LowerBound(cycles: max(compute, backingTime), energyPj: opPj + levels[L - 1].energyPj
                               + (staging.map { _ in levels[staging!].energyPj } ?? 0))
        return VectorPlan(cycles: body + latency, computeCycles: compute, stallCycles: body - compute, fillDrainCycles: latency,
                          energyPj: energy, opEnergyPj: opPj, levels: levels, tileCount: tileCount, tileElements: tileElements, bound: bound)
    }
}

extension CoreModel {
    /// Instances of level `m` over the whole array and mesh (all units in use).
    func instancesOf(_ m: Int) -> Double {
        var n = 1.0
        for (s, d) in spatialDims.enumerated() where served[m] & (1 << s) == 0 { n *= Double(d.size) }
        return n
    }
}
