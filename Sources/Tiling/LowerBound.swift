import ChipArch
import OpCost

/// A lower bound on every mapping of a problem (the certificate's denominator): no mapping in
/// the space costs less. Latency: the compute of the best spatial unrolling, or the compulsory
/// traffic of the backing level over its ports, whichever is longer. Energy: the MACs, plus
/// every operand element crossing every edge of its chain once (a tile can be reused, never
/// skipped).
public struct LowerBound: Sendable, Hashable {
    public var cycles: Double
    public var energyPj: Double

    /// The bound of `objective`.
    public func value(_ objective: Objective) -> Double { objective.value(cycles: cycles, energyPj: energyPj) }

    /// The bound for `problem` on `model` within one spatial choice: its compute iterations are
    /// fixed, and so is the traffic between the PEs and the innermost level of each operand
    /// (every MAC reads its operands there, eq. 4 of Docs/tile.md), which is then exact.
    static func of(_ problem: MacProblem, on model: CoreModel, spatial: [SpatialChoice]) -> LowerBound {
        var left = problem.loops.extents
        for s in spatial { left[s.dim.rawValue] = (left[s.dim.rawValue] + s.factor - 1) / s.factor }
        let compute = left.reduce(1.0) { $0 * Double($1) }
        var bound = of(problem, on: model, minimumCompute: compute, skipPEs: true)
        let mapping = Mapping(spatial: spatial, temporal: [[Int]](repeating: [Int](repeating: 1, count: 8), count: model.levelCount - 1) + [left],
                              orders: [[LoopDim]](repeating: [], count: model.levelCount), reach: [])
        bound.energyPj += CostModel.peTrafficEnergy(problem, mapping, on: model)
        return bound
    }

    /// The bound over every spatial choice: the smallest of theirs, term by term.
    static func of(_ problem: MacProblem, on model: CoreModel, choices: [[SpatialChoice]]) -> LowerBound {
        let bounds = choices.map { of(problem, on: model, spatial: $0) }
        return LowerBound(cycles: bounds.map(\.cycles).min() ?? 0, energyPj: bounds.map(\.energyPj).min() ?? 0)
    }

    /// The bound for `problem` on `model`, given the fewest compute iterations any spatial choice
    /// allows; `skipPEs` leaves out the edges between the PEs and the innermost levels.
    static func of(_ problem: MacProblem, on model: CoreModel, minimumCompute: Double, skipPEs: Bool = false) -> LowerBound {
        let memories = model.core.memories
        let L = memories.count
        var energy = problem.loops.macs * model.core.macPj
        // Backing-level port time of each operand's compulsory traffic, split as eq. 8 splits it:
        // serial when the level below it is single-buffered, overlapped otherwise.
        let backing = memories[L - 1]
        var serial = 0.0, overlapped = 0.0
        for o in Operand.allCases {
            let n = o == .input ? Double(problem.loops.touchedInputElements) : problem.totalElements(o)
            let chain = model.chains[o.rawValue]
            var backingRead = 0.0, backingWrite = 0.0
            for (i, parent) in chain.enumerated() {
                let child = i == 0 ? -1 : chain[i - 1]
                let pm = memories[parent]
                if child < 0 && skipPEs && parent != L - 1 { continue }
                if o == .output {
                    let b = parent == L - 1 ? problem.outputBytes : problem.accumulatorBytes
                    energy += n * b * pm.writePjPerByte
                    if child >= 0 { energy += n * problem.accumulatorBytes * memories[child].readPjPerByte }
                    if parent == L - 1 { backingWrite += n * b }
                } else {
                    let b = problem.bytes(o)
                    energy += n * b * pm.readPjPerByte
                    if child >= 0 { energy += n * b * memories[child].writePjPerByte }
                    if parent == L - 1 { backingRead += n * b }
                }
            }
            let below = chain.count >= 2 ? chain[chain.count - 2] : -1
            let t = backing.portCycles(reads: backingRead, writes: backingWrite)
            if below >= 0 && !memories[below].doubleBuffered { serial += t } else { overlapped += t }
        }
        let latencies = Double(memories.reduce(0) { $0 + $1.latencyCycles })
        return LowerBound(cycles: max(minimumCompute, overlapped) + serial + latencies, energyPj: energy)
    }
}
