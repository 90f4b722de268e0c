import GraphIR
import GraphInterp
import Kernels

/// MatMul, Gemm and FusedGemm tile by tile. tile-plan's loop nest of a product [m, k]·[k, n]
/// is B = batch, K = n, C = k, OX = m: an output block is a (batch, row, column) box and each
/// reduction chunk a slice of k, whose partial product the Kernels SGEMM computes straight from
/// the operands' storage (a transpose is a swap of strides, as the interpreter does it).
enum MatMulTiling {
    static func run(_ node: Node, inputs: [GraphInterp.Tensor?], group: GroupSchedule, fault: Fault.Kind?, interpreter: Interpreter) throws -> GraphInterp.Tensor {
        guard inputs.count >= 2, let a0 = inputs[0], let b0 = inputs[1] else { throw TiledExecutionError.untileable("missing input") }
        if fault == .halo { throw TiledExecutionError.fault("a matrix product reads no halo") }
        let isGemm = node.op == "Gemm" || node.op == "FusedGemm"
        // The operands as batches of matrices with their strides.
        var aShape = a0.shape, bShape = b0.shape
        if !isGemm {
            if aShape.count == 1 { aShape = [1] + aShape }
            if bShape.count == 1 { bShape = bShape + [1] }
        }
        guard aShape.count >= 2, bShape.count >= 2, !isGemm || (aShape.count == 2 && bShape.count == 2) else {
            throw TiledExecutionError.untileable("operand ranks \(a0.shape.count), \(b0.shape.count)")
        }
        let ta = isGemm && node.int("transA", 0) != 0, tb = isGemm && node.int("transB", 0) != 0
        let ar = aShape[aShape.count - 2], ac = aShape[aShape.count - 1], br = bShape[bShape.count - 2], bc = bShape[bShape.count - 1]
        let (m, k) = ta ? (ac, ar) : (ar, ac)
        let (kb, n) = tb ? (bc, br) : (br, bc)
        guard k == kb else { throw TiledExecutionError.untileable("inner dimensions \(k) and \(kb) differ") }
        let batchA = Array(aShape.dropLast(2)), batchB = Array(bShape.dropLast(2))
        guard let batch = Elementwise.broadcastShape([batchA, batchB]) else { throw TiledExecutionError.untileable("batch dims do not broadcast") }
        let nb = batch.reduce(1, *)
        try ConvTiling.expectLoops(group, ["G": 1, "B": nb, "K": n, "C": k, "OY": 1, "OX": m, "FY": 1, "FX": 1])
        let ia = Elementwise.broadcastIndex(batchA, to: batch), ib = Elementwise.broadcastIndex(batchB, to: batch)
        // Element (i, j) of op(A) is af[base + i * aRow + j * aCol]; likewise B.
        let (aRow, aCol) = ta ? (1, ac) : (ac, 1)
        let (bRow, bCol) = tb ? (1, bc) : (bc, 1)
        let alpha = isGemm ? node.float("alpha", 1) : 1
        let beta = isGemm ? node.float("beta", 1) : 0
        let c = isGemm && inputs.count > 2 ? inputs[2] : nil
        let cf = c?.floats
        let cShape = c.map { Array(repeating: 1, count: max(0, 2 - $0.shape.count)) + $0.shape }
        if let cShape { guard cShape.count == 2, cShape[0] == 1 || cShape[0] == m, cShape[1] == 1 || cShape[1] == n else {
            throw TiledExecutionError.untileable("C does not broadcast to [\(m), \(n)]")
        } }
        let operands = Operands(a: a0.floats, b: b0.floats, aBatch: ia.map { $0 * ar * ac }, bBatch: ib.map { $0 * br * bc },
                                aRow: aRow, aCol: aCol, bRow: bRow, bCol: bCol, m: m, n: n, k: k)
        let out = try product(operands, group: group, fault: fault) { block, values in
            let (bt, rows, cols) = (block["B"]!, block["OX"]!, block["K"]!)
            if alpha != 1 { for i in values.indices { values[i] *= alpha } }
            if let cf, let cShape, beta != 0 {
                for q in 0..<bt.count {
                    for (ri, i) in rows.enumerated() {
                        for (ci, j) in cols.enumerated() {
                            values[(q * rows.count + ri) * cols.count + ci] += beta * cf[(cShape[0] == 1 ? 0 : i) * cShape[1] + (cShape[1] == 1 ? 0 : j)]
                        }
                    }
                }
            }
            if node.op == "FusedGemm" {
                var t = GraphInterp.Tensor(shape: [values.count], floats: values)
                try interpreter.applyActivation(node, &t)
                values = t.f
            }
        }
        var shape = batch
        if isGemm || a0.shape.count > 1 { shape.append(m) }
        if isGemm || b0.shape.count > 1 { shape.append(n) }
        return GraphInterp.Tensor(dtype: a0.dtype, shape: shape, f: out)
    }

    /// A batch of products op(A)·op(B): element (i, j) of batch q's op(A) is
    /// `a[aBatch[q] + i·aRow + j·aCol]`, likewise B; the result is [batch, m, n].
    struct Operands {
        var a: [Float]
        var b: [Float]
        var aBatch: [Int]
        var bBatch: [Int]
        var aRow: Int, aCol: Int, bRow: Int, bCol: Int
        var m: Int, n: Int, k: Int
    }

    /// The products tile by tile as `group` schedules them (B = batch, K = n, C = k, OX = m),
    /// `epilogue` applied to each block after its last partial sum.
    static func product(_ o: Operands, group: GroupSchedule, fault: Fault.Kind?,
                        epilogue: (TileDriver.Block, inout [Float]) throws -> Void) throws -> [Float] {
        let (m, n) = (o.m, o.n)
        var out = [Float](repeating: 0, count: o.aBatch.count * m * n)
        func partial(_ block: TileDriver.Block, _ chunk: TileDriver.Block, _ index: Int) throws -> [Float]? {
            let (bt, rows, cols, red) = (block["B"]!, block["OX"]!, block["K"]!, chunk["C"]!)
            var result = [Float](repeating: 0, count: bt.count * rows.count * cols.count)
            o.a.withUnsafeBufferPointer { ap in o.b.withUnsafeBufferPointer { bp in result.withUnsafeMutableBufferPointer { rp in
                for (q, bi) in bt.enumerated() {
                    let aBase = o.aBatch[bi] + rows.lowerBound * o.aRow + red.lowerBound * o.aCol
                    let bBase = o.bBatch[bi] + red.lowerBound * o.bRow + cols.lowerBound * o.bCol
                    Gemm.sgemm(m: rows.count, n: cols.count, k: red.count, alpha: 1,
                               a: ap.baseAddress! + aBase, rowStrideA: o.aRow, colStrideA: o.aCol,
                               b: bp.baseAddress! + bBase, rowStrideB: o.bRow, colStrideB: o.bCol,
                               beta: 0, c: rp.baseAddress! + q * rows.count * cols.count, ldc: cols.count)
                }
            } } }
            return result
        }
        func store(_ block: TileDriver.Block, _ values: [Float]) {
            let (bt, rows, cols) = (block["B"]!, block["OX"]!, block["K"]!)
            for (q, bi) in bt.enumerated() {
                for (ri, i) in rows.enumerated() {
                    let dst = (bi * m + i) * n + cols.lowerBound, src = (q * rows.count + ri) * cols.count
                    for ci in 0..<cols.count { out[dst + ci] = values[src + ci] }
                }
            }
        }
        try TileDriver(nest: LoopNest(group), fault: fault).run(partial: partial, finish: epilogue, store: store)
        return out
    }
}
