/// Single-precision matrix multiplication, C = alpha·A·B + beta·C.
///
/// The structure is the BLIS/GotoBLAS one: the N dimension is cut into NC-column blocks, K
/// into KC-deep slices, M into MC-row blocks; each B slice (KC × NC, sized for L3) and each A
/// block (MC × KC, sized for L2) is packed once and then swept by the register-tile
/// micro-kernel, whose B micro-panel (KC × NR) stays in L1. Threads share the packed B slice
/// and split the M rows (or, for short M, the N panels) between them.
public enum Gemm {
    /// Largest depth of a packed slice: a B micro-panel (KC·NR floats) stays in L1/L2 while the
    /// A block streams past it. Slices are balanced (K = 576 runs as 2 × 288, not 256+256+64),
    /// because a short last slice pays a full C read/write for little work.
    static let kc = 320
    /// Rows of a packed A block: MC·KC floats (≤ 240 KiB) sit in the 1 MiB L2.
    static let mc = MicroKernel.mr * 24
    /// Columns of a packed B slice: KC·NC floats (≤ 5 MiB) sit in the shared L3. A whole
    /// number of NR panels, so the packed slice never outgrows its buffer.
    static let nc = 4096 / MicroKernel.nr * MicroKernel.nr

    /// The balanced depth of the driver's K slices for a product of depth k.
    static func sliceDepth(_ k: Int) -> Int {
        let slices = max(1, (k + kc - 1) / kc)
        return (k + slices - 1) / slices
    }

    /// C[m×n] = alpha·A[m×k]·B[k×n] + beta·C on raw strided matrices.
    ///
    /// Element (i, j) of A is `a[i*rowStrideA + j*colStrideA]` (likewise B), so a transpose is
    /// a swap of the two strides. C is row-major with leading dimension `ldc >= n`. When beta is
    /// 0, C is not read (it may hold NaN), as in BLAS.
    public static func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, rowStrideA: Int, colStrideA: Int,
                             b: UnsafePointer<Float>, rowStrideB: Int, colStrideB: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                             threading: Threading = .all) {
        let sa = StridedMatrix(base: a, rowStride: rowStrideA, colStride: colStrideA)
        let sb = StridedMatrix(base: b, rowStride: rowStrideB, colStride: colStrideB)
        if m <= 4 && colStrideB == 1 {
            // Matrix-vector shapes (LLM decode): packing B would double the memory traffic of a
            // workload that is bound by reading B once, so stream B rows directly.
            skinny(m: m, n: n, k: k, alpha: alpha, a: sa, b: sb, beta: beta, c: c, ldc: ldc, threading: threading)
            return
        }
        if m <= 4 && rowStrideB == 1 && colStrideA == 1 {
            // The same shapes with B stored transposed (a Linear layer's [out, in] weight):
            // every output is a dot product of two contiguous rows.
            skinnyDot(m: m, n: n, k: k, alpha: alpha, a: sa, b: sb, beta: beta, c: c, ldc: ldc, threading: threading)
            return
        }
        blocked(m: m, n: n, k: k, alpha: alpha, a: sa, b: sb, beta: beta, c: c, ldc: ldc, threading: threading)
    }

    /// The packed, blocked driver for any operand sources (strided matrices, im2col windows).
    /// `rowBias` (optional, with beta = 0): C = alpha·A·B + rowBias[i] on row i, added as the
    /// first K slice is stored, so C is written once instead of filled and read back.
    static func blocked<A: GemmSourceA, B: GemmSourceB>(
        m: Int, n: Int, k: Int, alpha: Float, a: A, b: B, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, threading: Threading, rowBias: UnsafePointer<Float>? = nil
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            scale(c, m: m, n: n, ldc: ldc, beta: beta)
            if let rowBias { for i in 0..<m { for j in 0..<n { c[i * ldc + j] += rowBias[i] } } }
            return
        }
        let mr = MicroKernel.mr, nr = MicroKernel.nr
        let kcMax = sliceDepth(k)
        let ncMax = min((n + nr - 1) / nr * nr, nc)
        let mcMax = min((m + mr - 1) / mr * mr, mc)
        let rowTiles = (m + mr - 1) / mr
        let threads = max(1, min(threading.threads, max(rowTiles, (n + nr - 1) / nr)))
        let packedB = ScratchPool.shared.acquire(kcMax * ncMax)
        defer { ScratchPool.shared.release(packedB) }
        let packedA = (0..<threads).map { _ in ScratchPool.shared.acquire(kcMax * mcMax) }
        defer { packedA.forEach { ScratchPool.shared.release($0) } }
        let packedAPointers = packedA.map { $0.0 }
        let work = Threading(threads: threads)

        for jc in stride(from: 0, to: n, by: nc) {
            let ncHere = min(nc, n - jc)
            let panels = (ncHere + nr - 1) / nr
            for pc in stride(from: 0, to: k, by: kcMax) {
                let kcHere = min(kcMax, k - pc)
                let betaHere: Float = pc == 0 ? beta : 1
                let biasHere = pc == 0 && beta == 0 ? rowBias : nil
                let bBase = packedB.0
                work.forRanges(panels) { r in
                    let n0 = r.lowerBound * nr
                    b.packB(k0: pc, kc: kcHere, n0: jc + n0, nc: min(r.upperBound * nr, ncHere) - n0,
                            into: bBase + r.lowerBound * kcHere * nr)
                }
                // Split rows when there are enough row tiles to keep every thread busy,
                // otherwise split the column panels (short, wide products).
                let splitRows = rowTiles >= 2 * threads || rowTiles >= panels
                work.run(threads) { t in
                    let rows: Range<Int>, cols: Range<Int>
                    if splitRows {
                        rows = (rowTiles * t / threads * mr)..<min(m, rowTiles * (t + 1) / threads * mr)
                        cols = 0..<panels
                    } else {
                        rows = 0..<m
                        cols = (panels * t / threads)..<(panels * (t + 1) / threads)
                    }
                    if rows.isEmpty || cols.isEmpty { return }
                    let aBuffer = packedAPointers[t]
                    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: mc) {
                        let mcHere = min(mc, rows.upperBound - ic)
                        let aBlock: UnsafePointer<Float>
                        if let packed = a.packedBlock(m0: ic, k0: pc, kc: kcHere) {
                            aBlock = packed
                        } else {
                            a.packA(m0: ic, mc: mcHere, k0: pc, kc: kcHere, into: aBuffer)
                            aBlock = UnsafePointer(aBuffer)
                        }
                        for jr in cols {
                            let bPanel = bBase + jr * kcHere * nr
                            let width = min(nr, ncHere - jr * nr)
                            var ir = 0
                            while ir < mcHere {
                                let height = min(mr, mcHere - ir)
                                let cTile = c + (ic + ir) * ldc + jc + jr * nr
                                let aPanel = aBlock + ir * kcHere
                                let tileBias = biasHere.map { $0 + ic + ir }
                                if height == mr && width == nr {
                                    MicroKernel.tile(kc: kcHere, a: aPanel, b: bPanel, c: cTile, ldc: ldc,
                                                     alpha: alpha, beta: betaHere, bias: tileBias)
                                } else {
                                    edgeTile(kc: kcHere, a: aPanel, b: bPanel, c: cTile, ldc: ldc,
                                             height: height, width: width, alpha: alpha, beta: betaHere, bias: tileBias)
                                }
                                ir += mr
                            }
                        }
                    }
                }
            }
        }
    }

    /// A partial tile: compute the full register tile into a stack buffer, merge the valid part.
    static func edgeTile(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, ldc: Int, height: Int, width: Int,
                         alpha: Float, beta: Float, bias: UnsafePointer<Float>? = nil) {
        let mr = MicroKernel.mr, nr = MicroKernel.nr
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { tmp in
            let t = tmp.baseAddress!
            // Only the vectors that hold valid columns: a narrow last panel (N = 49 or 64
            // against NR = 48) then costs a third of a full tile, not a full one.
            let vectors = (width + Vec.scalarCount - 1) / Vec.scalarCount
            if vectors == 1 {
                MicroKernel.tile1(kc: kc, a: a, b: b, c: t, ldc: nr, alpha: alpha, beta: 0)
            } else if vectors < nr / Vec.scalarCount {
                #if SLUICE_AVX512
                MicroKernel.tile2(kc: kc, a: a, b: b, c: t, ldc: nr, alpha: alpha, beta: 0)
                #endif
            } else {
                MicroKernel.tile(kc: kc, a: a, b: b, c: t, ldc: nr, alpha: alpha, beta: 0)
            }
            for i in 0..<height {
                let rowBias = bias?[i] ?? 0
                for j in 0..<width {
                    c[i * ldc + j] = beta == 0 ? t[i * nr + j] + rowBias : t[i * nr + j] + beta * c[i * ldc + j]
                }
            }
        }
    }

    /// C = beta·C (K = 0 leaves only the beta term); beta = 0 writes zeros without reading.
    static func scale(_ c: UnsafeMutablePointer<Float>, m: Int, n: Int, ldc: Int, beta: Float) {
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
    }

    /// Few-row products with row-major B: each output row is a sum of scaled B rows, computed
    /// in column chunks that stay in L1 while B streams through once.
    static func skinny(m: Int, n: Int, k: Int, alpha: Float, a: StridedMatrix, b: StridedMatrix,
                       beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threading: Threading) {
        if m == 0 || n == 0 { return }
        let chunk = 1024
        let chunks = (n + chunk - 1) / chunk
        let grain = max(1, (1 << 16) / max(1, k))  // keep tiny products on one thread
        Threading(threads: min(threading.threads, max(1, chunks / grain))).forRanges(chunks) { range in
            for ci in range {
                let j0 = ci * chunk, width = min(chunk, n - j0)
                withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { accBuffer in
                    let acc = accBuffer.baseAddress!
                    for i in 0..<m {
                        for j in 0..<width { acc[j] = 0 }
                        let vw = width / Vec.scalarCount * Vec.scalarCount
                        for kk in 0..<k {
                            let s = a.base[i * a.rowStride + kk * a.colStride]
                            let row = b.base + kk * b.rowStride + j0
                            let vs = Vec(repeating: s)
                            var j = 0
                            while j < vw {
                                let pr = UnsafeRawPointer(row + j), pacc = UnsafeMutableRawPointer(acc + j)
                                var v = pacc.loadUnaligned(as: Vec.self)
                                v.addProduct(vs, pr.loadUnaligned(as: Vec.self))
                                pacc.storeBytes(of: v, as: Vec.self)
                                j += Vec.scalarCount
                            }
                            while j < width { acc[j] += s * row[j]; j += 1 }
                        }
                        let out = c + i * ldc + j0
                        for j in 0..<width { out[j] = beta == 0 ? alpha * acc[j] : alpha * acc[j] + beta * out[j] }
                    }
                }
            }
        }
    }

    /// Few-row products with B columns contiguous along K: one dot product per output, four
    /// vector accumulators to hide the FMA latency, outputs split across threads.
    static func skinnyDot(m: Int, n: Int, k: Int, alpha: Float, a: StridedMatrix, b: StridedMatrix,
                          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threading: Threading) {
        if m == 0 || n == 0 { return }
        let grain = max(1, (1 << 16) / max(1, k))
        threading.forRanges(n, grain: grain) { columns in
            let w = Vec.scalarCount
            for j in columns {
                let column = b.base + j * b.colStride
                for i in 0..<m {
                    let row = a.base + i * a.rowStride
                    var s0 = Vec(), s1 = Vec(), s2 = Vec(), s3 = Vec()
                    var kk = 0
                    while kk + 4 * w <= k {
                        s0.addProduct(Vec.load(row + kk), Vec.load(column + kk))
                        s1.addProduct(Vec.load(row + kk + w), Vec.load(column + kk + w))
                        s2.addProduct(Vec.load(row + kk + 2 * w), Vec.load(column + kk + 2 * w))
                        s3.addProduct(Vec.load(row + kk + 3 * w), Vec.load(column + kk + 3 * w))
                        kk += 4 * w
                    }
                    while kk + w <= k { s0.addProduct(Vec.load(row + kk), Vec.load(column + kk)); kk += w }
                    var sum = ((s0 + s1) + (s2 + s3)).sum()
                    while kk < k { sum += row[kk] * column[kk]; kk += 1 }
                    let out = c + i * ldc + j
                    out.pointee = beta == 0 ? alpha * sum : alpha * sum + beta * out.pointee
                }
            }
        }
    }

    /// Matrix product with numpy `matmul` semantics: `a` is [..., M, K], `b` is [..., K, N],
    /// leading (batch) axes broadcast; a 1-D operand is promoted and its axis dropped. Any strides work: pass `x.transposed()` for a transpose.
    public static func matmul(_ a: Tensor, _ b: Tensor, alpha: Float = 1,
                              threading: Threading = .all) throws -> Tensor {
        // numpy / ONNX promotion of 1-D operands: a vector on the left is a row [1, K], on the
        // right a column [K, 1], and the added axis is dropped from the result.
        if a.rank == 1 || b.rank == 1 {
            guard a.rank >= 1, b.rank >= 1 else { throw KernelError("matmul", "scalar operands \(a.shape), \(b.shape)") }
            let left = a.rank == 1 ? try a.reshaped([1, a.count]) : a
            let right = b.rank == 1 ? try b.reshaped([b.count, 1]) : b
            let full = try matmul(left, right, alpha: alpha, threading: threading)
            var shape = full.shape
            if b.rank == 1 { shape.removeLast() }
            if a.rank == 1 { shape.remove(at: shape.count - 1 - (b.rank == 1 ? 0 : 1)) }
            return try full.reshaped(shape)
        }
        guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 2] else {
            throw KernelError("matmul", "shapes \(a.shape) and \(b.shape) do not multiply")
        }
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        let batchShape = try broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), "matmul")
        let av = try a.broadcast(to: batchShape + [m, k])
        let bv = try b.broadcast(to: batchShape + [k, n])
        var out = Tensor(shape: batchShape + [m, n])
        let batches = batchShape.reduce(1, *)
        let batchOffsetsA = Tensor.offsets(shape: batchShape, strides: Array(av.strides.dropLast(2)))
        let batchOffsetsB = Tensor.offsets(shape: batchShape, strides: Array(bv.strides.dropLast(2)))
        let (rsA, csA) = (av.strides[av.rank - 2], av.strides[av.rank - 1])
        let (rsB, csB) = (bv.strides[bv.rank - 2], bv.strides[bv.rank - 1])
        // Many small products: one thread each; few large ones: all threads inside each.
        let perProductFlops = 2 * m * n * k
        let parallelBatches = batches >= threading.threads && perProductFlops < (1 << 24)
        av.withUnsafeBase { pa in
            bv.withUnsafeBase { pb in
                out.withUnsafeMutableBase { pc in
                    let inner = parallelBatches ? Threading.single : threading
                    let body: (Range<Int>) -> Void = { range in
                        for bi in range {
                            sgemm(m: m, n: n, k: k, alpha: alpha,
                                  a: pa + batchOffsetsA[bi], rowStrideA: rsA, colStrideA: csA,
                                  b: pb + batchOffsetsB[bi], rowStrideB: rsB, colStrideB: csB,
                                  beta: 0, c: pc + bi * m * n, ldc: n, threading: inner)
                        }
                    }
                    if parallelBatches { threading.forRanges(batches, body) } else { body(0..<batches) }
                }
            }
        }
        return out
    }
}

/// The numpy broadcast of two shapes, or a KernelError naming `kernel`.
func broadcastShape(_ x: [Int], _ y: [Int], _ kernel: String) throws -> [Int] {
    let rank = max(x.count, y.count)
    let px = [Int](repeating: 1, count: rank - x.count) + x
    let py = [Int](repeating: 1, count: rank - y.count) + y
    return try (0..<rank).map { i in
        if px[i] == py[i] || py[i] == 1 { return px[i] }
        if px[i] == 1 { return py[i] }
        throw KernelError(kernel, "shapes \(x) and \(y) do not broadcast")
    }
}

extension Tensor {
    /// Storage offsets (relative) of every index of `shape` under `strides`, row-major order.
    static func offsets(shape: [Int], strides: [Int]) -> [Int] {
        var result = [Int]()
        result.reserveCapacity(shape.reduce(1, *))
        if shape.isEmpty { return [0] }
        var index = [Int](repeating: 0, count: shape.count)
        let total = shape.reduce(1, *)
        for _ in 0..<total {
            result.append(zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 })
            advance(&index, in: shape)
        }
        return result
    }

    /// Steps `index` to the next index of `shape` in row-major order; false (and `index` back at
    /// all zeros) after the last one.
    @discardableResult
    static func advance(_ index: inout [Int], in shape: [Int]) -> Bool {
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { return true }
            index[axis] = 0
            axis -= 1
        }
        return false
    }
}
