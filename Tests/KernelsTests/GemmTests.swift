import Kernels
import Testing
import TestSupport

/// |A|·|B| bounds the magnitude each output's rounding error scales with.
func absMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try Reference.matmul(Reference.unary(.abs, a).reshaped(a.shape), Reference.unary(.abs, b).reshaped(b.shape))
}

func checkMatmul(_ a: Tensor, _ b: Tensor, threads: Int, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    let got = try Gemm.matmul(a, b, threading: Threading(threads: threads))
    let want = try Reference.matmul(a, b)
    let scale = try absMatmul(a, b)
    let k = a.shape[a.rank - 1]
    let bound = scale.scalars.map { $0 * gemmTolerance(k: k) + 1e-30 }
    let g = got.scalars, w = want.scalars
    #expect(got.shape == want.shape, "\(what)", sourceLocation: sourceLocation)
    for i in 0..<min(g.count, w.count) where !(Swift.abs(g[i] - w[i]) <= bound[i]) {
        Issue.record("\(what): element \(i) \(g[i]) vs \(w[i]) (bound \(bound[i]))", sourceLocation: sourceLocation)
        return
    }
}

@Suite struct GemmTests {
    // Odd sizes around the register tile (MR = 6 or 12, NR = 16 or 32) and the cache blocks
    // (KC = 256, MC = 24·MR), and the skinny (M ≤ 4) path.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 7, 17), (7, 1, 17), (17, 7, 1), (7, 17, 1000), (1, 1000, 7), (3, 33, 65),
        (13, 33, 300), (300, 40, 20), (25, 4100, 3), (290, 70, 260),
    ]

    @Test(arguments: [1, 2])
    func matchesReferenceOnOddShapes(threads: Int) throws {
        var rng = SplitMix64(seed: 1)
        for (m, n, k) in Self.shapes {
            try checkMatmul(rng.tensor([m, k]), rng.tensor([k, n]), threads: threads, "\(m)x\(n)x\(k)")
        }
    }

    @Test func transposedAndStridedOperands() throws {
        var rng = SplitMix64(seed: 2)
        let (m, n, k) = (19, 37, 23)
        let at = rng.tensor([k, m]).transposed()          // column-major A
        let bt = rng.tensor([n, k]).transposed()          // column-major B
        try checkMatmul(at, bt, threads: 2, "Aᵀ·Bᵀ")
        try checkMatmul(rng.tensor([m, k]), bt, threads: 1, "A·Bᵀ")
        // Decode shapes: one to four rows against a transposed weight (dot-product path).
        try checkMatmul(rng.tensor([3, k]), bt, threads: 2, "skinny A·Bᵀ")
        try checkMatmul(rng.tensor([1, 1000]), rng.tensor([17, 1000]).transposed(), threads: 2, "GEMV·Wᵀ k=1000")
        // Every other row and column: neither stride is 1.
        let a = try rng.tensor([2 * m, 2 * k]).sliced(axis: 0, 0, 2 * m, step: 2).sliced(axis: 1, 0, 2 * k, step: 2)
        let b = try rng.tensor([2 * k, 3 * n]).sliced(axis: 0, 0, 2 * k, step: 2).sliced(axis: 1, 1, 3 * n, step: 3)
        try checkMatmul(a, b, threads: 2, "strided")
        try checkMatmul(rng.tensor([2, k]), b, threads: 1, "skinny strided")
    }

    @Test func batchedWithBroadcast() throws {
        var rng = SplitMix64(seed: 3)
        try checkMatmul(rng.tensor([3, 2, 5, 7]), rng.tensor([7, 9]), threads: 2, "batch × shared B")
        try checkMatmul(rng.tensor([5, 7]), rng.tensor([4, 7, 6]), threads: 2, "shared A × batch")
        try checkMatmul(rng.tensor([2, 1, 5, 7]), rng.tensor([1, 3, 7, 6]), threads: 1, "both broadcast")
        #expect(throws: KernelError.self) { try Gemm.matmul(Tensor(shape: [2, 3]), Tensor(shape: [4, 3])) }
        // 1-D operands (numpy promotion): vector·matrix, matrix·vector, batch·vector, dot.
        let v = rng.tensor([7]), m = rng.tensor([7, 5]), mt = rng.tensor([5, 7]), batch = rng.tensor([3, 5, 7])
        let vm = try Gemm.matmul(v, m)
        #expect(vm.shape == [5])
        expectClose(vm, try Reference.matmul(v.reshaped([1, 7]), m).reshaped([5]), atol: 1e-5, "v·M")
        expectClose(try Gemm.matmul(mt, v), try Reference.matmul(mt, v.reshaped([7, 1])).reshaped([5]), atol: 1e-5, "M·v")
        #expect(try Gemm.matmul(batch, v).shape == [3, 5] && Gemm.matmul(v, v).shape == [])
        #expect(throws: KernelError.self) { try Gemm.matmul(Tensor(shape: [2, 2, 3]), Tensor(shape: [3, 3, 4])) }
    }

    @Test func alphaBetaAndUninitialisedC() throws {
        var rng = SplitMix64(seed: 4)
        let (m, n, k) = (14, 35, 9)
        let a = rng.tensor([m, k]), b = rng.tensor([k, n]), c0 = rng.tensor([m, n])
        let ab = try Reference.matmul(a, b).scalars
        for (alpha, beta) in [(Float(1), Float(0)), (0.5, 2), (-1, 1)] {
            // With beta = 0 C starts as NaN: BLAS semantics say it must not be read.
            var c = beta == 0 ? [Float](repeating: .nan, count: m * n) : c0.scalars
            a.withUnsafeBase { pa in b.withUnsafeBase { pb in c.withUnsafeMutableBufferPointer { pc in
                Gemm.sgemm(m: m, n: n, k: k, alpha: alpha, a: pa, rowStrideA: k, colStrideA: 1,
                           b: pb, rowStrideB: n, colStrideB: 1, beta: beta, c: pc.baseAddress!, ldc: n,
                           threading: Threading(threads: 2))
            } } }
            let want = (0..<(m * n)).map { alpha * ab[$0] + beta * c0.scalars[$0] }
            for i in 0..<(m * n) {
                #expect(Swift.abs(c[i] - want[i]) <= 1e-5, "alpha \(alpha) beta \(beta) element \(i)")
            }
        }
    }

    @Test func nanAndInfinityPropagate() throws {
        var rng = SplitMix64(seed: 5)
        for m in [3, 20] {  // skinny and blocked paths
            var a = rng.tensor([m, 8]), b = rng.tensor([8, 40])
            a[1, 2] = .nan
            b[3, 5] = .infinity
            let c = try Gemm.matmul(a, b)
            for j in 0..<40 { #expect(c[1, j].isNaN, "NaN in row 1 reaches column \(j)") }
            for i in 0..<m where i != 1 {
                // Row i gets a[i,3]·∞: ±∞ (a is non-zero uniform noise).
                #expect(c[i, 5].isInfinite, "∞ reaches row \(i)")
                #expect(c[i, 4].isFinite)
            }
        }
    }

    @Test func emptyDimensions() throws {
        #expect(try Gemm.matmul(Tensor(shape: [0, 3]), Tensor(shape: [3, 4])).shape == [0, 4])
        let zeroDepth = try Gemm.matmul(Tensor(shape: [2, 0]), Tensor(shape: [0, 3]))
        #expect(zeroDepth.scalars == [Float](repeating: 0, count: 6))
    }
}
