// The GEMM register tile. Written out by hand-unrolled rows so that every accumulator is its own
// SSA value: LLVM then keeps all of them in vector registers and turns `addProduct` into one
// fused multiply-add each (vfmadd231ps; checked with objdump on a release build). The tile
// shape is chosen per ISA so that accumulators + B vectors + one broadcast fit the register
// file: AVX-512 has 32 zmm registers (12×2 accumulators), AVX2 16 ymm (6×2 accumulators).
// Regenerate with Tools/gen_microkernel.py after changing the shape.

#if SLUICE_AVX512
/// The vector type of the micro-kernel and the vectorised elementwise kernels.
public typealias Vec = SIMD16<Float>
#else
/// The vector type of the micro-kernel and the vectorised elementwise kernels.
public typealias Vec = SIMD8<Float>
#endif

enum MicroKernel {
#if SLUICE_AVX512
    /// Rows of the register tile (broadcast side).
    static let mr = 12
#else
    /// Rows of the register tile (broadcast side).
    static let mr = 6
#endif
    /// Columns of the register tile: two vectors.
    static let nr = 2 * Vec.scalarCount

    @inline(__always)
    static func store(_ p: UnsafeMutablePointer<Float>, _ v0: Vec, _ v1: Vec) {
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: v0, as: Vec.self)
        raw.storeBytes(of: v1, toByteOffset: MemoryLayout<Vec>.stride, as: Vec.self)
    }

    @inline(__always)
    static func update(_ p: UnsafeMutablePointer<Float>, _ alpha: Vec, _ beta: Vec, _ v0: Vec, _ v1: Vec) {
        let raw = UnsafeMutableRawPointer(p)
        let o0 = raw.loadUnaligned(as: Vec.self)
        let o1 = raw.loadUnaligned(fromByteOffset: MemoryLayout<Vec>.stride, as: Vec.self)
        store(p, alpha * v0 + beta * o0, alpha * v1 + beta * o1)
    }

#if SLUICE_AVX512
    /// 12×2-vector register tile: C[0..<12, 0..<NR] = alpha·(A·B) + beta·C.
    @inline(never)
    static func tile(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        var c0_0 = Vec(); var c0_1 = Vec()
        var c1_0 = Vec(); var c1_1 = Vec()
        var c2_0 = Vec(); var c2_1 = Vec()
        var c3_0 = Vec(); var c3_1 = Vec()
        var c4_0 = Vec(); var c4_1 = Vec()
        var c5_0 = Vec(); var c5_1 = Vec()
        var c6_0 = Vec(); var c6_1 = Vec()
        var c7_0 = Vec(); var c7_1 = Vec()
        var c8_0 = Vec(); var c8_1 = Vec()
        var c9_0 = Vec(); var c9_1 = Vec()
        var c10_0 = Vec(); var c10_1 = Vec()
        var c11_0 = Vec(); var c11_1 = Vec()
        var pa = a, pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(fromByteOffset: 0, as: Vec.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 64, as: Vec.self)
            let a0 = Vec(repeating: pa[0])
            c0_0.addProduct(a0, b0); c0_1.addProduct(a0, b1)
            let a1 = Vec(repeating: pa[1])
            c1_0.addProduct(a1, b0); c1_1.addProduct(a1, b1)
            let a2 = Vec(repeating: pa[2])
            c2_0.addProduct(a2, b0); c2_1.addProduct(a2, b1)
            let a3 = Vec(repeating: pa[3])
            c3_0.addProduct(a3, b0); c3_1.addProduct(a3, b1)
            let a4 = Vec(repeating: pa[4])
            c4_0.addProduct(a4, b0); c4_1.addProduct(a4, b1)
            let a5 = Vec(repeating: pa[5])
            c5_0.addProduct(a5, b0); c5_1.addProduct(a5, b1)
            let a6 = Vec(repeating: pa[6])
            c6_0.addProduct(a6, b0); c6_1.addProduct(a6, b1)
            let a7 = Vec(repeating: pa[7])
            c7_0.addProduct(a7, b0); c7_1.addProduct(a7, b1)
            let a8 = Vec(repeating: pa[8])
            c8_0.addProduct(a8, b0); c8_1.addProduct(a8, b1)
            let a9 = Vec(repeating: pa[9])
            c9_0.addProduct(a9, b0); c9_1.addProduct(a9, b1)
            let a10 = Vec(repeating: pa[10])
            c10_0.addProduct(a10, b0); c10_1.addProduct(a10, b1)
            let a11 = Vec(repeating: pa[11])
            c11_0.addProduct(a11, b0); c11_1.addProduct(a11, b1)
            pa += 12; pb += 128
        }
        let va = Vec(repeating: alpha)
        if beta == 0 {
            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).
            store(c + 0 * ldc, va * c0_0, va * c0_1)
            store(c + 1 * ldc, va * c1_0, va * c1_1)
            store(c + 2 * ldc, va * c2_0, va * c2_1)
            store(c + 3 * ldc, va * c3_0, va * c3_1)
            store(c + 4 * ldc, va * c4_0, va * c4_1)
            store(c + 5 * ldc, va * c5_0, va * c5_1)
            store(c + 6 * ldc, va * c6_0, va * c6_1)
            store(c + 7 * ldc, va * c7_0, va * c7_1)
            store(c + 8 * ldc, va * c8_0, va * c8_1)
            store(c + 9 * ldc, va * c9_0, va * c9_1)
            store(c + 10 * ldc, va * c10_0, va * c10_1)
            store(c + 11 * ldc, va * c11_0, va * c11_1)
        } else {
            let vb = Vec(repeating: beta)
            update(c + 0 * ldc, va, vb, c0_0, c0_1)
            update(c + 1 * ldc, va, vb, c1_0, c1_1)
            update(c + 2 * ldc, va, vb, c2_0, c2_1)
            update(c + 3 * ldc, va, vb, c3_0, c3_1)
            update(c + 4 * ldc, va, vb, c4_0, c4_1)
            update(c + 5 * ldc, va, vb, c5_0, c5_1)
            update(c + 6 * ldc, va, vb, c6_0, c6_1)
            update(c + 7 * ldc, va, vb, c7_0, c7_1)
            update(c + 8 * ldc, va, vb, c8_0, c8_1)
            update(c + 9 * ldc, va, vb, c9_0, c9_1)
            update(c + 10 * ldc, va, vb, c10_0, c10_1)
            update(c + 11 * ldc, va, vb, c11_0, c11_1)
        }
    }
#else
    /// 6×2-vector register tile: C[0..<6, 0..<NR] = alpha·(A·B) + beta·C.
    @inline(never)
    static func tile(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        var c0_0 = Vec(); var c0_1 = Vec()
        var c1_0 = Vec(); var c1_1 = Vec()
        var c2_0 = Vec(); var c2_1 = Vec()
        var c3_0 = Vec(); var c3_1 = Vec()
        var c4_0 = Vec(); var c4_1 = Vec()
        var c5_0 = Vec(); var c5_1 = Vec()
        var pa = a, pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(fromByteOffset: 0, as: Vec.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 32, as: Vec.self)
            let a0 = Vec(repeating: pa[0])
            c0_0.addProduct(a0, b0); c0_1.addProduct(a0, b1)
            let a1 = Vec(repeating: pa[1])
            c1_0.addProduct(a1, b0); c1_1.addProduct(a1, b1)
            let a2 = Vec(repeating: pa[2])
            c2_0.addProduct(a2, b0); c2_1.addProduct(a2, b1)
            let a3 = Vec(repeating: pa[3])
            c3_0.addProduct(a3, b0); c3_1.addProduct(a3, b1)
            let a4 = Vec(repeating: pa[4])
            c4_0.addProduct(a4, b0); c4_1.addProduct(a4, b1)
            let a5 = Vec(repeating: pa[5])
            c5_0.addProduct(a5, b0); c5_1.addProduct(a5, b1)
            pa += 6; pb += 64
        }
        let va = Vec(repeating: alpha)
        if beta == 0 {
            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).
            store(c + 0 * ldc, va * c0_0, va * c0_1)
            store(c + 1 * ldc, va * c1_0, va * c1_1)
            store(c + 2 * ldc, va * c2_0, va * c2_1)
            store(c + 3 * ldc, va * c3_0, va * c3_1)
            store(c + 4 * ldc, va * c4_0, va * c4_1)
            store(c + 5 * ldc, va * c5_0, va * c5_1)
        } else {
            let vb = Vec(repeating: beta)
            update(c + 0 * ldc, va, vb, c0_0, c0_1)
            update(c + 1 * ldc, va, vb, c1_0, c1_1)
            update(c + 2 * ldc, va, vb, c2_0, c2_1)
            update(c + 3 * ldc, va, vb, c3_0, c3_1)
            update(c + 4 * ldc, va, vb, c4_0, c4_1)
            update(c + 5 * ldc, va, vb, c5_0, c5_1)
        }
    }
#endif
}
