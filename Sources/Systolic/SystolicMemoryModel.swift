/// SCALE-Sim's double-buffered SRAMs in front of DRAM, as closed formulas (Docs/systolic.md).
///
/// Each read SRAM is split into an active half, which the array reads, and a prefetch half,
/// which DRAM fills; the IFMAP and filter SRAMs start with their active half filled before the
/// first compute cycle (the "prefetch" SCALE-Sim counts in its total), one line of `bandwidth`
/// words per cycle. The OFMAP SRAM collects outputs and writes them back `bandwidth` words per
/// cycle once half of it is full, and whatever is left after the last compute cycle.
///
/// When every operand fits its active half no read ever misses and the array never waits: the
/// figures are closed formulas. Otherwise SCALE-Sim re-fetches windows of its operand streams
/// in an order that depends on address duplicates within them, and `SystolicMemoryReplay`
/// replays its demand line by line (`model` says which case applied).
struct SystolicMemoryModel {
    var stallCycles = 0
    var cyclesWithPrefetch: Int?
    var model = "none"
    var ifmapDramReads = 0
    var filterDramReads = 0
    var ofmapDramWrites = 0

    init(layer: SystolicLayerShape, config: SystolicConfig, dims d: SpatioTemporalDims, rowFolds: Int, colFolds: Int,
         foldCycles: Int, computeCycles: Int, ofmapWrites: Int) {
        let r = config.rows, c = config.cols
        // The prefetch matrices, folds padded to the array's width, and the words in them that are real.
        let ifmap: Operand, filter: Operand
        switch config.dataflow {
        case .weightStationary:
            ifmap = Operand(padded: d.t * r * rowFolds, valid: d.t * d.sr)
            filter = Operand(padded: d.sr * c * colFolds, valid: d.sr * d.sc)
        case .outputStationary:
            ifmap = Operand(padded: d.t * r * rowFolds, valid: d.t * d.sr)
            filter = Operand(padded: d.t * c * colFolds, valid: d.t * d.sc)
        case .inputStationary:
            ifmap = Operand(padded: d.sr * c * colFolds, valid: d.sr * d.sc)
            filter = Operand(padded: d.t * r * rowFolds, valid: d.t * d.sr)
        }
        // Outputs written back: every output of every row fold (OS writes each once; the R + C
        // extra SRAM writes it counts per fold are not data).
        let writes = config.dataflow == .outputStationary ? d.sr * d.sc : ofmapWrites
        ofmapDramWrites = writes
        guard let bw = config.bandwidth else {
            // CALC mode: SCALE-Sim sizes the interfaces so that nothing stalls, and fetches each
            // distinct word the array asks for once (a lower bound where an operand outgrows its
            // active half and evicted words come back).
            ifmapDramReads = Self.touchedInputWords(layer)
            filterDramReads = layer.window * layer.filters
            return
        }
        let ifBuffer = ReadBuffer(words: config.ifmapKB * 1024), fBuffer = ReadBuffer(words: config.filterKB * 1024)
        let ofmapWords = config.ofmapKB * 1024
        let ofmapHalf = ofmapWords - (ofmapWords + 1) / 2   // the drain half; writes start past it
        // The first fill: the active half (or the whole matrix, if smaller), in lines of bw words,
        // ending just before compute cycle 0.
        let ifFirstLines = min(ceilDiv(ifBuffer.active, bw), ceilDiv(ifmap.padded, bw))
        let fFirstLines = min(ceilDiv(fBuffer.active, bw), ceilDiv(filter.padded, bw))
        let writeLines = ceilDiv(writes, bw)
        if ifBuffer.holds(ifmap.valid) && fBuffer.holds(filter.valid) && writes <= ofmapHalf {
            model = "exact"
            ifmapDramReads = ifFirstLines * bw
            filterDramReads = fFirstLines * bw
            // Reads start max(first lines) cycles before cycle 0; the writes drain from the
            // last compute cycle on, one line per cycle.
            cyclesWithPrefetch = max(ifFirstLines, fFirstLines) + computeCycles + writeLines - 1
            return
        }
        model = "replay"
        let replay = SystolicMemoryReplay(layer: layer, config: config, dims: d, rowFolds: rowFolds, colFolds: colFolds,
                                          foldCycles: foldCycles, bandwidth: bw)
        stallCycles = replay.stallCycles
        cyclesWithPrefetch = replay.cyclesWithPrefetch
        ifmapDramReads = replay.ifmapDramReads
        filterDramReads = replay.filterDramReads
        ofmapDramWrites = replay.ofmapDramWrites
    }

    /// Distinct input words some window reads: the rows and columns windows cover, times channels.
    static func touchedInputWords(_ layer: SystolicLayerShape) -> Int {
        func covered(_ size: Int, _ filter: Int, _ stride: Int, _ outputs: Int) -> Int {
            var count = 0, reached = 0   // windows start in increasing order: count their union
            for o in 0..<outputs {
                let start = max(o * stride, reached), end = min(o * stride + filter, size)
                if end > start { count += end - start }
                reached = max(reached, end)
            }
            return count
        }
        return covered(layer.ifmapHeight, layer.filterHeight, layer.strideHeight, layer.ofmapHeight)
            * covered(layer.ifmapWidth, layer.filterWidth, layer.strideWidth, layer.ofmapWidth) * layer.channels
    }

    /// An operand's prefetch matrix: `padded` words (folds padded to the array), `valid` of them real.
    struct Operand { var padded: Int; var valid: Int }

    /// A read SRAM of `words` one-byte words, as SCALE-Sim divides it: the active half (rounded
    /// up), looked up in sets of ⌈words / 100⌉ words.
    struct ReadBuffer {
        var active: Int
        var setWords: Int
        init(words: Int) {
            active = (words + 1) / 2
            setWords = max(1, ceilDiv(words, 100))
        }
        /// Whether `valid` words of a prefetch stream fit the sets of the active half: SCALE-Sim
        /// cuts the stream into sets of `setWords` (the last one possibly empty) and keeps
        /// ⌈active / setWords⌉ of them active.
        func holds(_ valid: Int) -> Bool { valid / setWords + 1 <= ceilDiv(active, setWords) }
    }
}
