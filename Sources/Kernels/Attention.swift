/// Scaled dot-product attention, tiled as in FlashAttention: for each block of query rows the
/// keys and values are visited a block at a time, S = Q·Kᵀ goes through the GEMM micro-kernel,
/// the softmax is kept "online" (a running row max m and sum l, earlier partial outputs
/// rescaled by e^(m_old − m_new)), and O += P·V goes through the micro-kernel again. The
/// Sq × Sk score matrix is never materialised, so memory is O(block²) and the working set
/// stays in L2.
public enum Attention {
    /// Query rows per tile: a multiple of every micro-kernel MR (6 and 12).
    static let blockQ = 96
    /// Keys per tile.
    static let blockK = 128

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
            Gemm.blocked(m: rows, n: cols, k: d, alpha: scale, a: q,
                         b: StridedMatrix(base: k.base + j0 * k.rowStride, rowStride: k.colStride, colStride: k.rowStride),
                         beta: 0, c: s, ldc: blockK, threading: .single)
            for i in 0..<rows {
                let row = s + i * blockK
                var visible = cols
                if let offset = causalOffset {
                    visible = max(0, min(cols, firstRow + i + offset + 1 - j0))
                }
                // Online softmax update for row i over its visible keys.
                let w = Vec.scalarCount
                var vmax = Vec(repeating: rowMax[i])
                var sawNaN = false
                var j = 0
                while j + w <= visible {
                    let v = Vec.load(row + j)
                    sawNaN = sawNaN || any(v .!= v)
                    vmax.replace(with: v, where: v .> vmax)
                    j += w
                }
                var m = vmax.max()
                while j < visible { if row[j] > m || row[j].isNaN { m = row[j] }; j += 1 }
                if sawNaN { m = .nan }
                let correction = rowMax[i] == m ? 1 : expScalar(rowMax[i] - m)
                rowMax[i] = m
                let vm = Vec(repeating: m)
                var vsum = Vec()
                j = 0
                while j + w <= visible {
                    let e = VectorMath.exp(Vec.load(row + j) - vm)
                    e.store(to: row + j)
                    vsum += e
                    j += w
                }
                var sum = vsum.sum()
                while j < visible { let e = expScalar(row[j] - m); row[j] = e; sum += e; j += 1 }
                for jj in visible..<cols { row[jj] = 0 }
                rowSum[i] = rowSum[i] * correction + sum
                if correction != 1 { scaleRow(out + i * dv, dv, correction) }
            }
            // O += P·V_block.
            Gemm.blocked(m: rows, n: dv, k: cols, alpha: 1,
                         a: StridedMatrix(base: s, rowStride: blockK, colStride: 1),
                         b: StridedMatrix(base: v.base + j0 * v.rowStride, rowStride: v.rowStride, colStride: v.colStride),
                         beta: 1, c: out, ldc: dv, threading: .single)
            j0 += cols
        }
        for i in 0..<rows { scaleRow(out + i * dv, dv, 1 / rowSum[i]) }
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
        VectorMath.exp(Vec(repeating: x))[0]
    }
}
