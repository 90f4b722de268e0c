/// An independent model of a systolic array, stepped one cycle at a time with registers between
/// the PEs, used to check the closed formulas. It computes real products, so a wrong data
/// movement shows up as a wrong number as well as a wrong cycle count.
///
/// Conventions follow SCALE-Sim's: folds run one after another (no overlap); in WS and IS a fold
/// first shifts its stationary block in from the top, one row per cycle, then streams; in OS both
/// operands enter skewed at once. A fold ends the cycle after its last useful event (the last
/// output leaving the bottom edge in WS/IS, the last MAC in OS); the layer's cycle count is the
/// index of its last cycle, as SCALE-Sim reports it.
struct SteppedArray {
    let rows: Int
    let cols: Int

    /// Stationary `w` (kDim × nDim) held in the PEs, `a` (mDim × kDim) streamed from the left,
    /// partial sums flowing down: returns (a·w, cycles). IS is this with the roles swapped.
    func runStationary(a: [[Int]], w: [[Int]]) -> (out: [[Int]], cycles: Int) {
        let m = a.count, k = w.count, n = w[0].count
        var out = Array(repeating: Array(repeating: 0, count: n), count: m)
        var cycles = 0
        for n0 in stride(from: 0, to: n, by: cols) {
            for k0 in stride(from: 0, to: k, by: rows) {
                // Load phase: the block shifts down one row per cycle, bottom row first in.
                var weight = Array(repeating: Array(repeating: 0, count: cols), count: rows)
                var foldCycle = 0
                for step in 0..<rows {
                    for i in stride(from: rows - 1, to: 0, by: -1) { weight[i] = weight[i - 1] }
                    let src = k0 + rows - 1 - step
                    weight[0] = (0..<cols).map { j in src < k && n0 + j < n ? w[src][n0 + j] : 0 }
                    foldCycle += 1
                }
                // Stream phase: input registers move right, partial-sum registers move down;
                // a bottom-row partial sum leaves the array at the end of the cycle it is made.
                // Padded columns (past n) carry zeros but still take their slot, as in SCALE-Sim.
                var inReg = Array(repeating: Array(repeating: (row: -1, value: 0), count: cols), count: rows)
                var psum = Array(repeating: Array(repeating: (row: -1, value: 0), count: cols), count: rows)
                var collected = 0
                let expected = m * cols
                var t = 0
                while collected < expected {
                    var nextIn = inReg
                    for i in 0..<rows {
                        for j in stride(from: cols - 1, to: 0, by: -1) { nextIn[i][j] = inReg[i][j - 1] }
                        let mi = t - i   // row i is skewed by i cycles
                        nextIn[i][0] = mi >= 0 && mi < m ? (row: mi, value: k0 + i < k ? a[mi][k0 + i] : 0) : (row: -1, value: 0)
                    }
                    var next = Array(repeating: Array(repeating: (row: -1, value: 0), count: cols), count: rows)
                    for i in 0..<rows { for j in 0..<cols where nextIn[i][j].row >= 0 {
                        let above = i == 0 ? 0 : psum[i - 1][j].value
                        if i > 0 { precondition(psum[i - 1][j].row == nextIn[i][j].row, "partial sum and input out of step") }
                        next[i][j] = (row: nextIn[i][j].row, value: above + nextIn[i][j].value * weight[i][j])
                    } }
                    for j in 0..<cols where next[rows - 1][j].row >= 0 {
                        if n0 + j < n { out[next[rows - 1][j].row][n0 + j] += next[rows - 1][j].value }
                        collected += 1
                    }
                    inReg = nextIn
                    psum = next
                    t += 1
                    foldCycle += 1
                }
                // The cycle that emitted the last output was counted; its index + 1 ends the fold.
                cycles += foldCycle
            }
        }
        return (out, cycles - 1)
    }

    /// OS: every PE accumulates one output; `a` (mDim × kDim) enters from the left skewed by row,
    /// `w` (kDim × nDim) from the top skewed by column.
    func runOutputStationary(a: [[Int]], w: [[Int]]) -> (out: [[Int]], cycles: Int) {
        let m = a.count, k = w.count, n = w[0].count
        var out = Array(repeating: Array(repeating: 0, count: n), count: m)
        var cycles = 0
        for n0 in stride(from: 0, to: n, by: cols) {
            for m0 in stride(from: 0, to: m, by: rows) {
                // Registers: the a-value moving right and the w-value moving down, with their k.
                var aReg = Array(repeating: Array(repeating: (k: -1, v: 0), count: cols), count: rows)
                var wReg = Array(repeating: Array(repeating: (k: -1, v: 0), count: cols), count: rows)
                var acc = Array(repeating: Array(repeating: 0, count: cols), count: rows)
                var macs = 0, t = 0, lastMac = 0
                let expected = rows * cols * k
                while macs < expected {
                    var na = aReg, nw = wReg
                    for i in 0..<rows { for j in 0..<cols {
                        let ka = t - i - j
                        na[i][j] = j == 0 ? (ka >= 0 && ka < k ? (k: ka, v: m0 + i < m ? a[m0 + i][ka] : 0) : (k: -1, v: 0)) : aReg[i][j - 1]
                        nw[i][j] = i == 0 ? (ka >= 0 && ka < k ? (k: ka, v: n0 + j < n ? w[ka][n0 + j] : 0) : (k: -1, v: 0)) : wReg[i - 1][j]
                        // Padded PEs (past m or n) multiply zeros but take their cycles, as in SCALE-Sim.
                        if na[i][j].k >= 0 && na[i][j].k == nw[i][j].k {
                            acc[i][j] += na[i][j].v * nw[i][j].v
                            macs += 1
                            lastMac = t
                        }
                    } }
                    aReg = na; wReg = nw
                    t += 1
                }
                for i in 0..<min(rows, m - m0) { for j in 0..<min(cols, n - n0) { out[m0 + i][n0 + j] = acc[i][j] } }
                cycles += lastMac + 1
            }
        }
        return (out, cycles - 1)
    }
}
