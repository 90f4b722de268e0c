/// SCALE-Sim's USER-mode memory system replayed demand line by demand line, for layers whose
/// operands do not fit their SRAMs (Docs/systolic.md, "When operands do not fit").
///
/// The array's demand is generated arithmetically (no matrices): line x of fold (fc, fr) asks
/// each read SRAM for the addresses the skewed operand blocks put on that line. A read SRAM
/// holds a window of "sets" of its prefetch stream (the operand's folds in DRAM order, cut into
/// sets of ⌈words/100⌉ real words); an address outside the window slides it on by one prefetch
/// half, which DRAM delivers `bandwidth` words per cycle back to back after the previous one,
/// and the array waits for it. The OFMAP SRAM drains half its size at a time.
struct SystolicMemoryReplay {
    var stallCycles = 0
    var totalCycles = 0
    var cyclesWithPrefetch = 0
    var ifmapDramReads = 0
    var filterDramReads = 0
    var ofmapDramWrites = 0

    init(layer: SystolicLayerShape, config: SystolicConfig, dims d: SpatioTemporalDims, rowFolds: Int, colFolds: Int,
         foldCycles: Int, bandwidth bw: Int) {
        let r = config.rows, c = config.cols, t = d.t
        let ops = OperandAddresses(layer)
        let rowsUsed = { (fr: Int) in min(r, d.sr - fr * r) }
        let colsUsed = { (fc: Int) in min(c, d.sc - fc * c) }
        // The prefetch streams: each operand's folds stacked, padded to the array, some read
        // along anti-diagonals (SCALE-Sim rolls the skewed operands so DRAM order follows demand).
        let ifmapStream: PrefetchStream, filterStream: PrefetchStream
        switch config.dataflow {
        case .weightStationary:
            ifmapStream = PrefetchStream(rows: rowFolds * t, cols: r, diagonal: true) { row, col in
                let (fr, tt) = row.quotientAndRemainder(dividingBy: t)
                return col < rowsUsed(fr) ? ops.ifmap(tt, fr * r + col) : -1
            }
            filterStream = PrefetchStream(rows: colFolds * d.sr, cols: c, diagonal: false) { row, col in
                let (fc, k) = row.quotientAndRemainder(dividingBy: d.sr)
                return col < colsUsed(fc) ? ops.filter(k, fc * c + col) : -1
            }
        case .outputStationary:
            ifmapStream = PrefetchStream(rows: rowFolds * t, cols: r, diagonal: true) { row, col in
                let (fr, k) = row.quotientAndRemainder(dividingBy: t)
                return col < rowsUsed(fr) ? ops.ifmap(fr * r + col, k) : -1
            }
            filterStream = PrefetchStream(rows: colFolds * t, cols: c, diagonal: true) { row, col in
                let (fc, k) = row.quotientAndRemainder(dividingBy: t)
                return col < colsUsed(fc) ? ops.filter(k, fc * c + col) : -1
            }
        case .inputStationary:
            ifmapStream = PrefetchStream(rows: colFolds * d.sr, cols: c, diagonal: false) { row, col in
                let (fc, k) = row.quotientAndRemainder(dividingBy: d.sr)
                return col < colsUsed(fc) ? ops.ifmap(fc * c + col, k) : -1
            }
            filterStream = PrefetchStream(rows: rowFolds * t, cols: r, diagonal: true) { row, col in
                let (fr, n) = row.quotientAndRemainder(dividingBy: t)
                return col < rowsUsed(fr) ? ops.filter(fr * r + col, n) : -1
            }
        }
        var ifmap = ReadSram(stream: ifmapStream, words: config.ifmapKB * 1024, bandwidth: bw, addresses: ops.ifmapWords)
        var filter = ReadSram(stream: filterStream, words: config.filterKB * 1024, bandwidth: bw, addresses: ops.filterWords)
        var ofmap = WriteSram(words: config.ofmapKB * 1024, bandwidth: bw)

        var ifLine = [Int](repeating: -1, count: config.dataflow == .inputStationary ? c : r)
        var fLine = [Int](repeating: -1, count: config.dataflow == .inputStationary ? r : c)
        var stalls = 0, line = 0, lastOut = 0
        for fc in 0..<colFolds {
            for fr in 0..<rowFolds {
                let ru = rowsUsed(fr), cu = colsUsed(fc)
                for x in 0..<foldCycles {
                    var writes = 0
                    switch config.dataflow {
                    case .weightStationary:
                        for col in 0..<r { let tt = x - col - r; ifLine[col] = col < ru && tt >= 0 && tt < t ? ops.ifmap(tt, fr * r + col) : -1 }
                        let p = r - 1 - x  // the fold's filter rows enter bottom row first
                        for j in 0..<c { fLine[j] = x < r && p < ru && j < cu ? ops.filter(fr * r + p, fc * c + j) : -1 }
                        for j in 0..<cu { let tt = x - j - (2 * r - 1); if tt >= 0 && tt < t { writes += 1 } }
                    case .outputStationary:
                        for col in 0..<r { let k = x - col; ifLine[col] = col < ru && k >= 0 && k < t ? ops.ifmap(fr * r + col, k) : -1 }
                        for j in 0..<c { let k = x - j; fLine[j] = j < cu && k >= 0 && k < t ? ops.filter(k, fc * c + j) : -1 }
                        for j in 0..<cu { let y = x - j - (t - 1); if y >= 0 && y < r && r - 1 - y < ru { writes += 1 } }
                    case .inputStationary:
                        let p = r - 1 - x
                        for j in 0..<c { ifLine[j] = x < r && p < ru && j < cu ? ops.ifmap(fc * c + j, fr * r + p) : -1 }
                        for col in 0..<r { let n = x - col - r; fLine[col] = col < ru && n >= 0 && n < t ? ops.filter(fr * r + col, n) : -1 }
                        for j in 0..<cu { let n = x - j - (2 * r - 1); if n >= 0 && n < t { writes += 1 } }
                    }
                    let cycle = line + stalls
                    let ifOut = ifmap.serve(ifLine, at: cycle)
                    let fOut = filter.serve(fLine, at: cycle)
                    let oOut = ofmap.serve(writes, at: cycle)
                    lastOut = max(lastOut, oOut)
                    stalls += max(ifOut - cycle - 1, fOut - cycle - 1, oOut - cycle)
                    line += 1
                }
            }
        }
        ofmap.drainAll(from: lastOut)
        stallCycles = stalls
        totalCycles = lastOut
        cyclesWithPrefetch = ofmap.lastDrainCycle + max(ifmap.firstFillLines, filter.firstFillLines)
        ifmapDramReads = ifmap.dramWords
        filterDramReads = filter.dramWords
        ofmapDramWrites = ofmap.dramWords
    }
}

/// Operand addresses as SCALE-Sim lays them out, relative to each operand's offset: the IFMAP
/// is row-major H × W × C, a filter is one R·S·C column per filter, -1 where a window runs off
/// the input.
struct OperandAddresses {
    let layer: SystolicLayerShape
    // Tables instead of divisions in the replay's inner loop: each output pixel's top-left input
    // row and column, each window position's row, column and channel.
    let pixelRow: [Int32], pixelCol: [Int32]
    let windowRow: [Int32], windowCol: [Int32], windowChannel: [Int32]

    init(_ layer: SystolicLayerShape) {
        self.layer = layer
        let ow = layer.ofmapWidth
        pixelRow = (0..<layer.outputPixels).map { Int32($0 / ow * layer.strideHeight) }
        pixelCol = (0..<layer.outputPixels).map { Int32($0 % ow * layer.strideWidth) }
        let rowWords = layer.filterWidth * layer.channels
        windowRow = (0..<layer.window).map { Int32($0 / rowWords) }
        windowCol = (0..<layer.window).map { Int32($0 % rowWords / layer.channels) }
        windowChannel = (0..<layer.window).map { Int32($0 % layer.channels) }
    }
    var ifmapWords: Int { layer.ifmapHeight * layer.ifmapWidth * layer.channels }
    var filterWords: Int { layer.window * layer.filters }

    /// The input element of output pixel `pixel` at window position `w`.
    @inline(__always) func ifmap(_ pixel: Int, _ w: Int) -> Int {
        let row = Int(pixelRow[pixel] + windowRow[w]), col = Int(pixelCol[pixel] + windowCol[w])
        guard row < layer.ifmapHeight, col < layer.ifmapWidth else { return -1 }
        return (row * layer.ifmapWidth + col) * layer.channels + Int(windowChannel[w])
    }

    @inline(__always) func filter(_ w: Int, _ n: Int) -> Int { n * layer.window + w }
}

/// An operand's prefetch matrix, read row by row or along anti-diagonals (bottom-left first).
struct PrefetchStream {
    let rows: Int
    let cols: Int
    let diagonal: Bool
    let element: (Int, Int) -> Int

    var words: Int { rows * cols }

    func forEach(_ body: (Int) -> Void) {
        if !diagonal {
            for row in 0..<rows { for col in 0..<cols { body(element(row, col)) } }
            return
        }
        for diag in 0..<(rows + cols) {
            let top = max(0, diag - cols + 1)
            var row = min(diag, rows - 1)
            while row >= top { body(element(row, diag - row)); row -= 1 }
        }
    }
}

/// One double-buffered read SRAM (IFMAP or filter) in SCALE-Sim's USER bandwidth mode.
struct ReadSram {
    let bandwidth: Int
    let sets: Int              // sets the prefetch stream is cut into
    let activeSets: Int
    let prefetchSets: Int
    let prefetchLines: Int     // DRAM lines of one prefetch half
    let firstFillLines: Int    // DRAM lines of the fill before cycle 0
    var windowStart = 0
    var lastPrefetchCycle = -1
    var dramWords = 0
    var started = false
    // The sets each address is in (CSR): setIndex[setStart[a]..<setStart[a + 1]].
    var setStart: [Int32]
    var setIndex: [Int32]

    init(stream: PrefetchStream, words: Int, bandwidth: Int, addresses: Int) {
        self.bandwidth = bandwidth
        let active = (words + 1) / 2, prefetch = words - (words + 1) / 2
        let setWords = max(1, (words + 99) / 100)
        var counts = [Int32](repeating: 0, count: addresses + 1)
        var lastSet = [Int32](repeating: -1, count: addresses)
        var valid = 0
        stream.forEach { a in
            guard a >= 0 else { return }
            let s = Int32(valid / setWords)
            if lastSet[a] != s { lastSet[a] = s; counts[a + 1] += 1 }
            valid += 1
        }
        for i in 0..<addresses { counts[i + 1] += counts[i] }
        var fill = Array(counts.dropLast())
        var index = [Int32](repeating: 0, count: Int(counts[addresses]))
        lastSet = [Int32](repeating: -1, count: addresses)
        valid = 0
        stream.forEach { a in
            guard a >= 0 else { return }
            let s = Int32(valid / setWords)
            if lastSet[a] != s { lastSet[a] = s; index[Int(fill[a])] = s; fill[a] += 1 }
            valid += 1
        }
        setStart = counts
        setIndex = index
        sets = valid / setWords + 1
        activeSets = min((active + setWords - 1) / setWords, sets)
        prefetchSets = min((prefetch + setWords - 1) / setWords, sets - activeSets)
        prefetchLines = (prefetch + bandwidth - 1) / bandwidth
        firstFillLines = min((active + bandwidth - 1) / bandwidth, (stream.words + bandwidth - 1) / bandwidth)
    }

    func holds(_ address: Int) -> Bool {
        let end = (windowStart + activeSets) % sets
        for k in Int(setStart[address])..<Int(setStart[address + 1]) {
            let s = Int(setIndex[k])
            if windowStart < end ? (s >= windowStart && s < end) : (s >= windowStart || s < end) { return true }
        }
        return false
    }

    /// The cycle the line's reads complete, asked for at `cycle`.
    mutating func serve(_ line: [Int], at cycle: Int) -> Int {
        if !started {
            started = true
            dramWords += firstFillLines * bandwidth
        }
        var offset = 1
        for a in line where a >= 0 {
            // An address in no set is never demanded by SCALE-Sim's own matrices; the guard
            // only keeps a malformed layer from looping.
            guard setStart[a] < setStart[a + 1] else { continue }
            var slides = 0
            while !holds(a) && slides <= sets {
                windowStart = (windowStart + prefetchSets) % sets
                lastPrefetchCycle += prefetchLines + 1
                dramWords += prefetchLines * bandwidth
                // SCALE-Sim adds the gap to the line's offset (also when negative, letting a later
                // address finish earlier), and a positive gap a second time.
                let gap = lastPrefetchCycle - (cycle + offset)
                offset += gap
                if gap > 0 { offset += gap }
                slides += 1
            }
        }
        return cycle + offset
    }
}

/// The OFMAP SRAM: outputs collect in lines of `bandwidth` words; past half full, half of it
/// drains to DRAM one line per cycle while the array goes on; full, the array waits.
struct WriteSram {
    let bandwidth: Int
    let total: Int
    let drainHalf: Int
    let drainLines: Int
    var free: Int
    var drainedLines = 0
    var partialWords = 0      // words in the open line
    var drainEnd = 0
    var lastDrainCycle = 0
    var dramWords = 0
    var lineWords: [Int] = [] // real words of each closed line

    init(words: Int, bandwidth: Int) {
        self.bandwidth = bandwidth
        total = words
        drainHalf = words - (words + 1) / 2
        drainLines = (drainHalf + bandwidth - 1) / bandwidth
        free = words
    }

    private mutating func closeOpenLine() {
        if partialWords > 0 { lineWords.append(partialWords); partialWords = 0 }
    }

    private mutating func drain(from start: Int) -> Int {
        let end = min(drainedLines + drainLines, lineWords.count)
        let lines = end - drainedLines
        guard lines > 0 else { return start - 1 }
        // SCALE-Sim counts every word of the lines but the padding of the last one (a line
        // closed early by an earlier drain counts whole).
        let counted = (lines - 1) * bandwidth + lineWords[end - 1]
        dramWords += counted
        free += counted
        drainedLines = end
        lastDrainCycle = max(lastDrainCycle, start + lines - 1)
        return start + lines - 1
    }

    /// The cycle `count` writes asked for at `cycle` are accepted.
    mutating func serve(_ count: Int, at cycle: Int) -> Int {
        var current = cycle
        for _ in 0..<count {
            partialWords += 1
            free -= 1
            if partialWords == bandwidth { lineWords.append(partialWords); partialWords = 0 }
            if current < drainEnd {
                if free <= 0 { current = max(current, drainEnd) }
            } else if free < total - drainHalf {
                closeOpenLine()
                drainEnd = drain(from: current)
            }
        }
        return current
    }

    /// Everything left, drained from `cycle` on.
    mutating func drainAll(from cycle: Int) {
        closeOpenLine()
        var at = cycle
        while drainedLines < lineWords.count { drainEnd = drain(from: at); at = drainEnd + 1 }
    }
}
