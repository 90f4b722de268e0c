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
    public func value(_ objective: Objective) -> Double {
        switch objective {
        case .latency: return cycles
        case .energy: return energyPj
        case .edp: return cycles * energyPj
        }
    }

    /// The bound for `problem` on `model`, given the fewest compute iterations any spatial choice allows.
    static func of(_ problem: MacProblem, on model: CoreModel, minimumCompute: Double) -> LowerBound {
        let memories = model.core.memories
        let L = memories.count
        var energy = problem.loops.macs * model.core.macPj
        var backingRead = 0.0, backingWrite = 0.0
        for o in Operand.allCases {
            // Inputs: only those some MAC touches (a strided 1×1 skips rows); every tile's
            // window covers at least its share of them.
            let n = o == .input ? Double(problem.loops.touchedInputElements) : problem.totalElements(o)
            let chain = model.chains[o.rawValue]
            for (i, parent) in chain.enumerated() {
                let child = i == 0 ? -1 : chain[i - 1]
                let pm = memories[parent]
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
        }
        let backing = memories[L - 1]
        let traffic = backingRead / backing.readBytesPerCycle + backingWrite / backing.writeBytesPerCycle
        return LowerBound(cycles: max(minimumCompute, traffic), energyPj: energy)
    }
}
