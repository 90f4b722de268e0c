import GraphIR
import Kernels

/// Matrix products on the Kernels library's SGEMM.
enum Linear {
    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C on raw pointers with row strides
    /// `lda`, `ldb` (a transpose swaps the strides); C is row-major [m, n].
    static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, aTrans: Bool,
                     b: UnsafePointer<Float>, ldb: Int, bTrans: Bool, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>) {
        Gemm.sgemm(m: m, n: n, k: k, alpha: alpha,
                   a: a, rowStrideA: aTrans ? 1 : lda, colStrideA: aTrans ? lda : 1,
                   b: b, rowStrideB: bTrans ? 1 : ldb, colStrideB: bTrans ? ldb : 1,
                   beta: beta, c: c, ldc: n)
    }

    static func gemmNode(_ node: Node, a: Tensor, b: Tensor, c: Tensor?) throws -> Tensor {
        guard a.shape.count == 2, b.shape.count == 2 else { throw InterpreterError.badInput(node: node.name, detail: "Gemm needs 2-D inputs") }
        let ta = node.int("transA", 0) != 0, tb = node.int("transB", 0) != 0
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let kb = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1]
        guard k == kb else { throw InterpreterError.badInput(node: node.name, detail: "inner dimensions \(k) and \(kb) differ") }
        let alpha = node.float("alpha", 1), beta = node.float("beta", 1)
        var out = [Float](repeating: 0, count: m * n)
        let accumulate = c != nil && beta != 0
        if let c, beta != 0 {
            guard let s = Elementwise.broadcastShape([c.shape, [m, n]]), s == [m, n] else {
                throw InterpreterError.badInput(node: node.name, detail: "C does not broadcast to [\(m), \(n)]")
            }
            let idx = Elementwise.broadcastIndex(c.shape, to: [m, n])
            let cf = c.floats
            for q in 0..<(m * n) { out[q] = beta * cf[idx[q]] }
        }
        let af = a.floats, bf = b.floats
        af.withUnsafeBufferPointer { ap in bf.withUnsafeBufferPointer { bp in out.withUnsafeMutableBufferPointer { op in
            gemm(m: m, n: n, k: k, a: ap.baseAddress!, lda: a.shape[1], aTrans: ta, b: bp.baseAddress!, ldb: b.shape[1],
                 bTrans: tb, alpha: alpha, beta: accumulate ? 1 : 0, c: op.baseAddress!)
        } } }
        return Tensor(dtype: a.dtype, shape: [m, n], f: out)
    }

    /// Numpy matmul: 1-D promotion and broadcast batch dims.
    static func matmul(_ node: Node, _ a0: Tensor, _ b0: Tensor) throws -> Tensor {
        let a = a0.shape.count == 1 ? a0.reshaped([1] + a0.shape) : a0
        let b = b0.shape.count == 1 ? b0.reshaped(b0.shape + [1]) : b0
        let m = a.shape[a.shape.count - 2], k = a.shape[a.shape.count - 1]
        let kb = b.shape[b.shape.count - 2], n = b.shape[b.shape.count - 1]
        guard k == kb else { throw InterpreterError.badInput(node: node.name, detail: "inner dimensions \(k) and \(kb) differ") }
        let ba = Array(a.shape.dropLast(2)), bb = Array(b.shape.dropLast(2))
        guard let batch = Elementwise.broadcastShape([ba, bb]) else { throw InterpreterError.badInput(node: node.name, detail: "batch dims do not broadcast") }
        let nb = batch.reduce(1, *)
        let ia = Elementwise.broadcastIndex(ba, to: batch), ib = Elementwise.broadcastIndex(bb, to: batch)
        var out = [Float](repeating: 0, count: nb * m * n)
        let af = a.floats, bf = b.floats
        af.withUnsafeBufferPointer { ap in bf.withUnsafeBufferPointer { bp in out.withUnsafeMutableBufferPointer { op in
            for q in 0..<nb {
                gemm(m: m, n: n, k: k, a: ap.baseAddress! + ia[q] * m * k, lda: k, aTrans: false,
                     b: bp.baseAddress! + ib[q] * k * n, ldb: n, bTrans: false, alpha: 1, beta: 0, c: op.baseAddress! + q * m * n)
            }
        } } }
        var shape = batch
        if a0.shape.count > 1 { shape.append(m) }
        if b0.shape.count > 1 { shape.append(n) }
        return Tensor(dtype: a.dtype, shape: shape, f: out)
    }
}
