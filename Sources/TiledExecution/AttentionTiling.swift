import Foundation
import GraphIR
import GraphInterp

/// Fused attention, softmax(Q·Kᵀ·scale + mask)·V, as tile-plan plans it: three groups, one per
/// stage — Q·Kᵀ on the MAC array (B = heads, K = keys, C = head dim, OX = queries), the masked
/// softmax on the vector unit by rows of scores, P·V on the array (K = value dim, C = keys) —
/// each run tile by tile as its own group record schedules it, the scores and probabilities
/// handed between them as the chip would hold them.
enum AttentionTiling {
    /// `stages`: the node's groups in plan order (qk, softmax, pv); `faultStage` the index among
    /// them that gets `fault`.
    static func run(_ node: Node, inputs: [GraphInterp.Tensor?], stages: [GroupSchedule], fault: Fault.Kind?, faultStage: Int?) throws -> GraphInterp.Tensor {
        guard stages.count == 3 else { throw TiledExecutionError.untileable("attention planned as \(stages.count) groups") }
        guard inputs.count >= 3, let q = inputs[0], let k = inputs[1], let v = inputs[2] else { throw TiledExecutionError.untileable("missing input") }
        let mask = inputs.count > 3 ? inputs[3] : nil
        let r = q.shape.count
        guard r >= 2, k.shape.count == r, v.shape.count == r else { throw TiledExecutionError.untileable("Q, K, V ranks differ") }
        let sq = q.shape[r - 2], d = q.shape[r - 1], skv = k.shape[r - 2], dv = v.shape[r - 1]
        guard k.shape[r - 1] == d, v.shape[r - 2] == skv else { throw TiledExecutionError.untileable("K, V shapes") }
        let scale = node.float("scale", 1 / Float(d).squareRoot())
        let batchQ = Array(q.shape.dropLast(2))
        let nb = batchQ.reduce(1, *)
        let ik = kvIndex(Array(k.shape.dropLast(2)), batchQ), iv = kvIndex(Array(v.shape.dropLast(2)), batchQ)
        func kind(_ s: Int) -> Fault.Kind? { s == faultStage ? fault : nil }
        if fault == .halo, faultStage != nil { throw TiledExecutionError.fault("attention reads no halo") }

        // Q·Kᵀ, scaled once after the last partial sum.
        try ConvTiling.expectLoops(stages[0], ["G": 1, "B": nb, "K": skv, "C": d, "OY": 1, "OX": sq, "FY": 1, "FX": 1])
        let qk = MatMulTiling.Operands(a: q.floats, b: k.floats, aBatch: (0..<nb).map { $0 * sq * d }, bBatch: ik.map { $0 * skv * d },
                                       aRow: d, aCol: 1, bRow: 1, bCol: d, m: sq, n: skv, k: d)
        var scores = try MatMulTiling.product(qk, group: stages[0], fault: kind(0)) { _, values in
            for i in values.indices { values[i] *= scale }
        }

        // The masked softmax by rows of scores, in the softmax group's tiles of whole rows.
        let maskIndex = mask.map { Elementwise.broadcastIndex($0.shape, to: batchQ + [sq, skv]) }
        let maskValues = mask.map { $0.isFloat ? $0.f : $0.i.map { $0 != 0 ? 0 : -Float.infinity } }
        let rows = nb * sq
        let rowsPerTile = max(1, stages[1].tileExtent("ELEMENTS") / max(skv, 1))
        var tiles = stride(from: 0, to: rows, by: rowsPerTile).map { $0..<min($0 + rowsPerTile, rows) }
        var destinations = tiles
        if kind(1) == .order {
            guard tiles.count >= 2, tiles[0].count == tiles[1].count else { throw TiledExecutionError.fault("it has no two output tiles of the same shape to swap") }
            destinations.swapAt(0, 1)
        }
        if kind(1) == .partialSum { throw TiledExecutionError.fault("a vector group sums no partial products") }
        var probabilities = [Float](repeating: 0, count: scores.count)
        for (tile, dest) in zip(tiles, destinations) {
            for (row, to) in zip(tile, dest) {
                let base = row * skv
                var m: Float = -.infinity
                for j in 0..<skv {
                    if let maskValues, let maskIndex { scores[base + j] += maskValues[maskIndex[base + j]] }
                    m = max(m, scores[base + j])
                }
                var z: Float = 0
                for j in 0..<skv {
                    let e = m == -.infinity ? 0 : Foundation.exp(scores[base + j] - m)
                    probabilities[to * skv + j] = e
                    z += e
                }
                for j in 0..<skv { probabilities[to * skv + j] = z > 0 ? probabilities[to * skv + j] / z : 0 }
            }
        }
        tiles.removeAll()

        // P·V.
        try ConvTiling.expectLoops(stages[2], ["G": 1, "B": nb, "K": dv, "C": skv, "OY": 1, "OX": sq, "FY": 1, "FX": 1])
        let pv = MatMulTiling.Operands(a: probabilities, b: v.floats, aBatch: (0..<nb).map { $0 * sq * skv }, bBatch: iv.map { $0 * skv * dv },
                                       aRow: skv, aCol: 1, bRow: dv, bCol: 1, m: sq, n: dv, k: skv)
        let out = try MatMulTiling.product(pv, group: stages[2], fault: kind(2)) { _, _ in }
        return GraphInterp.Tensor(dtype: q.dtype, shape: batchQ + [sq, dv], f: out)
    }

    /// For every query batch index, the K/V batch it reads: equal batch axes map one to one,
    /// fewer KV heads are shared by consecutive query heads (grouped-query attention).
    static func kvIndex(_ b: [Int], _ batchQ: [Int]) -> [Int] {
        let nb = batchQ.reduce(1, *)
        if b == batchQ { return Array(0..<nb) }
        let qs = GraphInterp.Tensor.strides(batchQ), ks = GraphInterp.Tensor.strides(b)
        return (0..<nb).map { n in
            var rem = n, pos = 0
            for a in 0..<batchQ.count {
                let c = rem / qs[a]
                rem %= qs[a]
                let group = max(1, batchQ[a] / max(b[a], 1))
                pos += (b[a] == batchQ[a] ? c : c / group) * ks[a]
            }
            return pos
        }
    }
}
