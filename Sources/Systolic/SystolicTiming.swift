/// A layer timed on one systolic array the way SCALE-Sim 3.0.0 times it (Docs/systolic.md
/// derives every formula from its demand matrices).
public struct SystolicTiming: Sendable, Equatable {
    public var dims: SpatioTemporalDims
    public var rowFolds: Int
    public var colFolds: Int
    /// Cycles of one fold: the stationary operand loaded, the streamed one flowing through the
    /// skewed array, the last partial sums drained.
    public var foldCycles: Int
    /// SCALE-Sim's compute cycles with no memory stall: the index of the last cycle of the
    /// last fold, folds × foldCycles − 1.
    public var computeCycles: Int
    /// Cycles the array waits for DRAM (always 0 in CALC mode; see `stallModel`).
    public var stallCycles: Int
    /// computeCycles + stallCycles: SCALE-Sim's "Total Cycles".
    public var totalCycles: Int
    /// From the first DRAM read (the prefetch before compute) to the last DRAM write: SCALE-Sim's
    /// "Total Cycles (incl. prefetch)"; nil in CALC mode, whose bandwidth estimate is not modelled.
    public var cyclesWithPrefetch: Int?
    /// How the stalls were found: "none" (CALC mode: no stalls), "exact" (every operand fits its
    /// active buffer: closed formulas) or "replay" (SCALE-Sim's memory system replayed per demand line).
    public var stallModel: String
    /// Mean over folds of the PEs mapped / PEs.
    public var mappingEfficiency: Double
    /// Mean over folds of the MACs done / (PEs × the fold's cycles), as SCALE-Sim averages it.
    public var computeUtilization: Double
    /// MACs / (PEs × totalCycles) (SCALE-Sim's "Overall Util").
    public var overallUtilization: Double
    public var ifmapSramReads: Int
    public var filterSramReads: Int
    public var ofmapSramWrites: Int
    public var ifmapDramReads: Int
    public var filterDramReads: Int
    public var ofmapDramWrites: Int
}

/// SCALE-Sim's timing as closed formulas.
public enum SystolicModel {
    /// Why `layer` cannot be timed on `config` (its cycle count would not fit 63 bits), or nil.
    public static func problem(_ layer: SystolicLayerShape, _ config: SystolicConfig) -> String? {
        let d = SpatioTemporalDims(layer, config.dataflow)
        let folds = ceilDiv(d.sr, config.rows).multipliedReportingOverflow(by: ceilDiv(d.sc, config.cols))
        let fold = 2 * config.rows + config.cols + d.t
        let cycles = folds.partialValue.multipliedReportingOverflow(by: fold)
        if folds.overflow || cycles.overflow || cycles.partialValue > 1 << 62 { return "\(layer.name): over 2^62 cycles on a \(config.rows)x\(config.cols) array" }
        return nil
    }

    /// The timing of `layer` on the array of `config`. Precondition: `layer.problem` and
    /// `config.problem` and `problem(layer, config)` are nil.
    public static func time(_ layer: SystolicLayerShape, _ config: SystolicConfig) -> SystolicTiming {
        let r = config.rows, c = config.cols, df = config.dataflow
        let d = SpatioTemporalDims(layer, df)
        let rowFolds = ceilDiv(d.sr, r), colFolds = ceilDiv(d.sc, c)
        let folds = rowFolds * colFolds
        // WS and IS first load the stationary operand (R cycles, bottom row first) and keep the
        // array busy for R + C + T − 2 more while the streamed operand passes and drains; OS has
        // nothing to preload: both operands enter skewed, T + R + C − 2.
        let foldCycles = df == .outputStationary ? d.t + r + c - 2 : 2 * r + c + d.t - 2
        let compute = folds * foldCycles - 1
        // Σ over folds of the PEs used is sr·sc: every stationary element is mapped once.
        let pes = Double(r * c)
        let mapping = Double(d.sr) * Double(d.sc) / (Double(folds) * pes)
        // SCALE-Sim divides each fold's MACs by the cycles of its own padded demand block:
        // 2R + 2C + T − 3 for WS and IS, T + R + C − 2 for OS.
        let utilCycles = df == .outputStationary ? d.t + r + c - 2 : 2 * r + 2 * c + d.t - 3
        let util = Double(d.sr) * Double(d.sc) * Double(d.t) / (Double(folds) * pes * Double(utilCycles))
        let streamed = d.t * d.sr * colFolds      // the streamed operand, once per column fold
        let sram: (ifmap: Int, filter: Int, ofmap: Int)
        switch df {
        case .weightStationary: sram = (streamed, d.sr * d.sc, d.t * d.sc * rowFolds)
        // OS counts R + C extra writes per fold (the drained diagonal of its skewed block).
        case .outputStationary: sram = (streamed, d.t * d.sc * rowFolds, d.sr * d.sc + folds * (r + c))
        case .inputStationary: sram = (d.sr * d.sc, streamed, d.t * d.sc * rowFolds)
        }
        let memory = SystolicMemoryModel(layer: layer, config: config, dims: d, rowFolds: rowFolds, colFolds: colFolds,
                                         foldCycles: foldCycles, computeCycles: compute, ofmapWrites: sram.ofmap)
        let total = compute + memory.stallCycles
        return SystolicTiming(
            dims: d, rowFolds: rowFolds, colFolds: colFolds, foldCycles: foldCycles, computeCycles: compute,
            stallCycles: memory.stallCycles, totalCycles: total, cyclesWithPrefetch: memory.cyclesWithPrefetch,
            stallModel: memory.model, mappingEfficiency: mapping, computeUtilization: util,
            overallUtilization: Double(layer.macs) / (pes * Double(max(total, 1))),
            ifmapSramReads: sram.ifmap, filterSramReads: sram.filter, ofmapSramWrites: sram.ofmap,
            ifmapDramReads: memory.ifmapDramReads, filterDramReads: memory.filterDramReads,
            ofmapDramWrites: memory.ofmapDramWrites)
    }
}

@inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
