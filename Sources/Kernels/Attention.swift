/// Scaled dot-product attention, tiled as in FlashAttention: for each block of query rows the
/// keys and values are visited a block at a time, S = Q·Kᵀ goes through the GEMM micro-kernel,
/// the softmax is kept "online" (a running row max m and sum l, earlier partial outputs
/// rescaled by e^(m_old − m_new)), and O += P·V goes through the micro-kernel again. The
/// Sq × Sk score matrix is never materialised, so memory is O(block²) and the working set
/// stays in L2.
public enum Attention {
    /// Query rows per tile: a multiple of every micro-kernel MR (6 and 8).
    static let blockQ = 96
    /// Keys per tile: a multiple of every micro-kernel NR (16 and 48).
    static let blockK = 96

    /// softmax(Q·Kᵀ·scale + mask)·V.
    ///
    /// - q: [B, Hq, Sq, D]; k: [B, Hkv, Sk, D]; v: [B, Hkv, Sk, Dv]; any strides.
    /// - Grouped-query attention: Hq must be a multiple of Hkv; query head h reads kv head
    ///   h / (Hq / Hkv).
    /// - causal: query i sees keys j ≤ i + (Sk − Sq) (the queries are the last Sq positions,
    ///   as in decode with a KV cache); requires Sk ≥ Sq so that every row sees a key.
    /// - scale defaults to 1/√D.
    public static func attention(q: Tensor, k: Tensor, v: Tensor, causal: Bool = false, scale: Float? = nil,
                                 threading: Threading = .all) throws -> Tensor {
        guard q.rank == 4, k.rank == 4, v.rank == 4 else {
            throw KernelError("attention", "q, k, v must be [B, H, S, D], got \(q.shape), \(k.shape), \(v.shape)")
        }
        let (batch, hq, sq, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let (hkv, sk, dv) = (k.shape[1], k.shape[2], v.shape[3])
        guard k.shape[0] == batch, v.shape[0] == batch, k.shape[3] == d, v.shape[1] == hkv, v.shape[2] == sk,
              hkv > 0, hq % hkv == 0 else {
            throw KernelError("attention", "incompatible q \(q.shape), k \(k.shape), v \(v.shape)")
        }
        if causal && sk < sq {
            throw KernelError("attention", "causal attention needs Sk >= Sq, got Sq \(sq), Sk \(sk)")
        }
        let alpha = scale ?? 1 / Float(d).squareRoot()
        var out = Tensor(shape: [batch, hq, sq, dv])
        if out.count == 0 { return out }
        if sk == 0 { return Tensor(shape: out.shape, repeating: .nan) }  // softmax over no keys
        let group = hq / hkv
        let qBlocks = (sq + blockQ - 1) / blockQ
        let tasks = batch * hq * qBlocks
        // When every K/V block is read by several query blocks or heads (prefill, GQA), pack
        // K and V once into micro-kernel panels and run the tiles straight on them; a single
        // query row (decode) reads each block once, so packing would only add traffic.
        if qBlocks * group >= 2 && d <= Gemm.kc {
            return try prepacked(q: q, k: k, v: v, out: out, causal: causal, scale: alpha, threading: threading)
        }
        q.withUnsafeBase { pq in
            k.withUnsafeBase { pk in
                v.withUnsafeBase { pv in
                    out.withUnsafeMutableBase { po in
                        threading.forRanges(tasks) { range in
                            let scratch = ScratchPool.shared.acquire(blockQ * blockK + blockQ * 2)
                            defer { ScratchPool.shared.release(scratch) }
                            for task in range {
                                let qb = task % qBlocks, h = (task / qBlocks) % hq, b = task / (qBlocks * hq)
                                let hk = h / group
                                let q0 = qb * blockQ, rows = min(blockQ, sq - q0)
                                let qBase = pq + b * q.strides[0] + h * q.strides[1] + q0 * q.strides[2]
                                let kBase = pk + b * k.strides[0] + hk * k.strides[1]
                                let vBase = pv + b * v.strides[0] + hk * v.strides[1]
                                let oBase = po + ((b * hq + h) * sq + q0) * dv
                                tile(q: StridedMatrix(base: qBase, rowStride: q.strides[2], colStride: q.strides[3]),
                                     k: StridedMatrix(base: kBase, rowStride: k.strides[2], colStride: k.strides[3]),
                                     v: StridedMatrix(base: vBase, rowStride: v.strides[2], colStride: v.strides[3]),
                                     out: oBase, rows: rows, firstRow: q0, sk: sk, d: d, dv: dv,
                                     causalOffset: causal ? sk - sq : nil, scale: alpha, scratch: scratch.0)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// K and V of every (batch, kv head) packed as GEMM B panels, block by block of keys.
    struct PackedKV {
        var keys: UnsafeMutablePointer<Float>     // [b][hkv][key block][panel][d][NR]   (Kᵀ)
        var values: UnsafeMutablePointer<Float>   // [b][hkv][key block][panel][blockK][NR] (V)
        var keyHeadStride: Int, valueHeadStride: Int
        var dvPadded: Int
    }

    static func prepacked(q: Tensor, k: Tensor, v: Tensor, out: Tensor, causal: Bool, scale: Float,
                          threading: Threading) throws -> Tensor {
        var out = out
        let (batch, hq, sq, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let (hkv, sk, dv) = (k.shape[1], k.shape[2], v.shape[3])
        let nr = MicroKernel.nr, mr = MicroKernel.mr
        let kBlocks = (sk + blockK - 1) / blockK
        let dvPadded = (dv + nr - 1) / nr * nr
        let keyHeadStride = kBlocks * blockK * d
        let valueHeadStride = kBlocks * blockK * dvPadded
        let keys = UnsafeMutablePointer<Float>.allocate(capacity: batch * hkv * keyHeadStride)
        let values = UnsafeMutablePointer<Float>.allocate(capacity: batch * hkv * valueHeadStride)
        defer { keys.deallocate(); values.deallocate() }
        q.withUnsafeBase { pq in
            k.withUnsafeBase { pk in
                v.withUnsafeBase { pv in
                    // Phase 1: pack every head's Kᵀ and V (zero-padded past Sk and dv).
                    threading.forRanges(batch * hkv) { heads in
                        for head in heads {
                            let (b, h) = (head / hkv, head % hkv)
                            let kBase = pk + b * k.strides[0] + h * k.strides[1]
                            let vBase = pv + b * v.strides[0] + h * v.strides[1]
                            for kb in 0..<kBlocks {
                                let j0 = kb * blockK, cols = min(blockK, sk - j0)
                                let kDst = keys + head * keyHeadStride + kb * blockK * d
                                // Kᵀ block: element (dd, j) = K[j0 + j, dd]; packB zero-pads columns past `cols`.
                                StridedMatrix(base: kBase + j0 * k.strides[2], rowStride: k.strides[3], colStride: k.strides[2])
                                    .packB(k0: 0, kc: d, n0: 0, nc: cols, into: kDst)
                                for extra in stride(from: (cols + nr - 1) / nr * nr, to: blockK, by: nr) {
                                    (kDst + extra * d).initialize(repeating: 0, count: d * nr)
                                }
                                let vDst = values + head * valueHeadStride + kb * blockK * dvPadded
                                // V block as blockK-deep panels (rows past `cols` zero).
                                for p in 0..<(dvPadded / nr) {
                                    let panel = vDst + p * blockK * nr
                                    StridedMatrix(base: vBase + j0 * v.strides[2], rowStride: v.strides[2], colStride: v.strides[3])
                                        .packB(k0: 0, kc: cols, n0: p * nr, nc: min(nr, dv - p * nr), into: panel)
                                    if cols < blockK { (panel + cols * nr).initialize(repeating: 0, count: (blockK - cols) * nr) }
                                }
                            }
                        }
                    }
                    let packed = PackedKV(keys: keys, values: values, keyHeadStride: keyHeadStride,
                                          valueHeadStride: valueHeadStride, dvPadded: dvPadded)
                    // Phase 2: query blocks in parallel.
                    let qBlocks = (sq + blockQ - 1) / blockQ
                    let rowsPadded = (blockQ + mr - 1) / mr * mr
                    let scratchCount = rowsPadded * d + 2 * rowsPadded * blockK + rowsPadded * dvPadded + 2 * rowsPadded
                    out.withUnsafeMutableBase { po in
                        threading.forRanges(batch * hq * qBlocks) { range in
                            let scratch = ScratchPool.shared.acquire(scratchCount)
                            defer { ScratchPool.shared.release(scratch) }
                            for task in range {
                                let qb = task % qBlocks, h = (task / qBlocks) % hq, b = task / (qBlocks * hq)
                                let head = b * hkv + h / (hq / hkv)
                                let q0 = qb * blockQ, rows = min(blockQ, sq - q0)
                                let qBase = pq + b * q.strides[0] + h * q.strides[1] + q0 * q.strides[2]
                                packedTile(q: StridedMatrix(base: qBase, rowStride: q.strides[2], colStride: q.strides[3]),
                                           kv: packed, head: head, out: po + ((b * hq + h) * sq + q0) * dv,
                                           rows: rows, firstRow: q0, sk: sk, d: d, dv: dv,
                                           causalOffset: causal ? sk - sq : nil, scale: scale, scratch: scratch.0)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// One block of query rows against all keys, on prepacked K and V: S tiles and O tiles are
    /// single micro-kernel calls with no packing except P (rows × keys, once per key block).
    static func packedTile(q: StridedMatrix, kv: PackedKV, head: Int, out: UnsafeMutablePointer<Float>,
                           rows: Int, firstRow: Int, sk: Int, d: Int, dv: Int, causalOffset: Int?, scale: Float,
                           scratch: UnsafeMutablePointer<Float>) {
        let mr = MicroKernel.mr, nr = MicroKernel.nr, w = Vec.scalarCount
        let rowsPadded = (rows + mr - 1) / mr * mr
        let blockRowsPadded = (blockQ + mr - 1) / mr * mr
        let qPacked = scratch
        let s = qPacked + blockRowsPadded * d
        let pPacked = s + blockRowsPadded * blockK
        let o = pPacked + blockRowsPadded * blockK
        let rowMax = o + blockRowsPadded * kv.dvPadded
        let rowSum = rowMax + blockRowsPadded
        q.packA(m0: 0, mc: rows, k0: 0, kc: d, into: qPacked)
        o.initialize(repeating: 0, count: rowsPadded * kv.dvPadded)
        for i in 0..<rows { rowMax[i] = -.infinity; rowSum[i] = 0 }
        let keyLimit = causalOffset.map { min(sk, firstRow + rows + $0) } ?? sk
        let keysBase = kv.keys + head * kv.keyHeadStride
        let valuesBase = kv.values + head * kv.valueHeadStride
        var j0 = 0
        while j0 < keyLimit {
            let cols = min(blockK, keyLimit - j0)
            let kBlock = keysBase + j0 * d
            let vBlock = valuesBase + j0 * kv.dvPadded
            // S = scale · Q·Kᵀ, whole register tiles (padding rows/columns are ignored below).
            let panels = (cols + nr - 1) / nr
            for ir in stride(from: 0, to: rowsPadded, by: mr) {
                for p in 0..<panels {
                    MicroKernel.tile(kc: d, a: qPacked + ir * d, b: kBlock + p * d * nr,
                                     c: s + ir * blockK + p * nr, ldc: blockK, alpha: scale, beta: 0)
                }
            }
            for i in 0..<rows {
                let row = s + i * blockK
                var visible = cols
                if let offset = causalOffset { visible = max(0, min(cols, firstRow + i + offset + 1 - j0)) }
                let correction = onlineSoftmaxRow(row, cols: cols, visible: visible, max: &rowMax[i], sum: &rowSum[i])
                if correction != 1 { scaleRow(o + i * kv.dvPadded, dv, correction) }
            }
            // O += P·V: pack P once, then one micro-kernel call per (row tile, dv panel),
            // with the narrow kernels for a last panel that is only partly inside dv.
            StridedMatrix(base: s, rowStride: blockK, colStride: 1).packA(m0: 0, mc: rows, k0: 0, kc: cols, into: pPacked)
            for ir in stride(from: 0, to: rowsPadded, by: mr) {
                for p in 0..<(kv.dvPadded / nr) {
                    let a = pPacked + ir * cols, b = vBlock + p * blockK * nr
                    let c = o + ir * kv.dvPadded + p * nr
                    let vectors = (min(nr, dv - p * nr) + w - 1) / w
                    if vectors == nr / w {
                        MicroKernel.tile(kc: cols, a: a, b: b, c: c, ldc: kv.dvPadded, alpha: 1, beta: 1)
                    } else if vectors == 1 {
                        MicroKernel.tile1(kc: cols, a: a, b: b, c: c, ldc: kv.dvPadded, alpha: 1, beta: 1)
                    } else {
                        #if SLUICE_AVX512
                        MicroKernel.tile2(kc: cols, a: a, b: b, c: c, ldc: kv.dvPadded, alpha: 1, beta: 1)
                        #endif
                    }
                }
            }
            j0 += cols
        }
        for i in 0..<rows {
            let inv = 1 / rowSum[i]
            let src = o + i * kv.dvPadded, dst = out + i * dv
            for c in 0..<dv { dst[c] = src[c] * inv }
        }
    }

    /// One block of query rows against all keys; writes the finished rows of O (row stride dv).
    static func tile(q: StridedMatrix, k: StridedMatrix, v: StridedMatrix, out: UnsafeMutablePointer<Float>,
                     rows: Int, firstRow: Int, sk: Int, d: Int, dv: Int, causalOffset: Int?, scale: Float,
                     scratch: UnsafeMutablePointer<Float>) {
        let s = scratch                           // scores / probabilities, rows × blockK
        let rowMax = scratch + blockQ * blockK    // running max per row
        let rowSum = rowMax + blockQ              // running sum per row
        for i in 0..<rows { rowMax[i] = -.infinity; rowSum[i] = 0 }
        for i in 0..<rows * dv { out[i] = 0 }
        // Keys beyond the last row's causal limit are never needed.
        let keyLimit = causalOffset.map { min(sk, firstRow + rows + $0) } ?? sk
        var j0 = 0
        while j0 < keyLimit {
            let cols = min(blockK, keyLimit - j0)
            // S = Q·Kᵀ for this block (Kᵀ: element (d, j) of the block is K[j0 + j, d]).
            // Through sgemm: one to four query rows (decode) become dot products with the key rows.
            Gemm.sgemm(m: rows, n: cols, k: d, alpha: scale, a: q.base, rowStrideA: q.rowStride, colStrideA: q.colStride,
                       b: k.base + j0 * k.rowStride, rowStrideB: k.colStride, colStrideB: k.rowStride,
                       beta: 0, c: s, ldc: blockK, threading: .single)
            for i in 0..<rows {
                let row = s + i * blockK
                var visible = cols
                if let offset = causalOffset {
                    visible = max(0, min(cols, firstRow + i + offset + 1 - j0))
                }
                let correction = onlineSoftmaxRow(row, cols: cols, visible: visible, max: &rowMax[i], sum: &rowSum[i])
                if correction != 1 { scaleRow(out + i * dv, dv, correction) }
            }
            // O += P·V_block.
            Gemm.sgemm(m: rows, n: dv, k: cols, alpha: 1, a: s, rowStrideA: blockK, colStrideA: 1,
                       b: v.base + j0 * v.rowStride, rowStrideB: v.rowStride, colStrideB: v.colStride,
                       beta: 1, c: out, ldc: dv, threading: .single)
            j0 += cols
        }
        for i in 0..<rows { scaleRow(out + i * dv, dv, 1 / rowSum[i]) }
    }

    /// One online-softmax step for a row of scores over a key block (flash attention): folds the
    /// first `visible` scores into the running `max` and `sum`, overwrites them with
    /// e^(score − max), zeroes the masked tail up to `cols`, and returns the factor by which the
    /// row's output accumulated so far must be rescaled (1 when the max did not move). A NaN
    /// score makes the max NaN so it propagates to the output.
    @inline(__always)
    static func onlineSoftmaxRow(_ row: UnsafeMutablePointer<Float>, cols: Int, visible: Int,
                                 max runningMax: inout Float, sum runningSum: inout Float) -> Float {
        let w = Vec.scalarCount
        var vmax = Vec(repeating: runningMax)
        var sawNaN = false
        var j = 0
        while j + w <= visible {
            let x = Vec.load(row + j)
            sawNaN = sawNaN || any(x .!= x)
            vmax.replace(with: x, where: x .> vmax)
            j += w
        }
        var m = vmax.max()
        while j < visible { if row[j] > m || row[j].isNaN { m = row[j] }; j += 1 }
        if sawNaN { m = .nan }
        let correction = runningMax == m ? 1 : expScalar(runningMax - m)
        runningMax = m
        let vm = Vec(repeating: m)
        var vsum = Vec()
        j = 0
        while j + w <= visible {
            let e = VectorMath.expNonPositive(Vec.load(row + j) - vm)
            e.store(to: row + j)
            vsum += e
            j += w
        }
        var sum = vsum.sum()
        while j < visible { let e = expScalar(row[j] - m); row[j] = e; sum += e; j += 1 }
        for jj in visible..<cols { row[jj] = 0 }
        runningSum = runningSum * correction + sum
        return correction
    }

    @inline(__always)
    static func scaleRow(_ o: UnsafeMutablePointer<Float>, _ n: Int, _ factor: Float) {
        let w = Vec.scalarCount, vf = Vec(repeating: factor)
        var c = 0
        while c + w <= n { (Vec.load(o + c) * vf).store(to: o + c); c += w }
        while c < n { o[c] *= factor; c += 1 }
    }

    /// e^x for one value through the vector routine, so scalar tails match vector lanes.
    @inline(__always)
    static func expScalar(_ x: Float) -> Float {
        VectorMath.expNonPositive(Vec(repeating: x))[0]
    }
}
