// The GEMM register tile. Written out by hand-unrolled rows so that every accumulator is its own
// SSA value: LLVM then keeps all of them in vector registers and turns `addProduct` into one
// fused multiply-add each (vfmadd231ps; checked with objdump on a release build). The tile
// shape is chosen per ISA so that accumulators + B vectors + one broadcast fit the register
// file: AVX-512 has 32 zmm registers (8×3 accumulators: 8 rows divide the channel counts of
// real networks, 48 columns waste < 1% on their pixel counts), AVX2 16 ymm (6×2).
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
    static let mr = 8
    /// Columns of the register tile: three vectors.
    static let nr = 3 * Vec.scalarCount
#else
    /// Rows of the register tile (broadcast side).
    static let mr = 6
    /// Columns of the register tile: two vectors.
    static let nr = 2 * Vec.scalarCount
#endif

#if SLUICE_AVX512
    /// 8×3-vector register tile: C[0..<8, 0..<NR] = alpha·(A·B) + beta·C.
    @inline(never)
    static func tile(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        var c0_0 = Vec(); var c0_1 = Vec(); var c0_2 = Vec()
        var c1_0 = Vec(); var c1_1 = Vec(); var c1_2 = Vec()
        var c2_0 = Vec(); var c2_1 = Vec(); var c2_2 = Vec()
        var c3_0 = Vec(); var c3_1 = Vec(); var c3_2 = Vec()
        var c4_0 = Vec(); var c4_1 = Vec(); var c4_2 = Vec()
        var c5_0 = Vec(); var c5_1 = Vec(); var c5_2 = Vec()
        var c6_0 = Vec(); var c6_1 = Vec(); var c6_2 = Vec()
        var c7_0 = Vec(); var c7_1 = Vec(); var c7_2 = Vec()
        var pa = a, pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(fromByteOffset: 0, as: Vec.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 64, as: Vec.self)
            let b2 = pb.loadUnaligned(fromByteOffset: 128, as: Vec.self)
            let a0 = Vec(repeating: pa[0])
            c0_0.addProduct(a0, b0); c0_1.addProduct(a0, b1); c0_2.addProduct(a0, b2)
            let a1 = Vec(repeating: pa[1])
            c1_0.addProduct(a1, b0); c1_1.addProduct(a1, b1); c1_2.addProduct(a1, b2)
            let a2 = Vec(repeating: pa[2])
            c2_0.addProduct(a2, b0); c2_1.addProduct(a2, b1); c2_2.addProduct(a2, b2)
            let a3 = Vec(repeating: pa[3])
            c3_0.addProduct(a3, b0); c3_1.addProduct(a3, b1); c3_2.addProduct(a3, b2)
            let a4 = Vec(repeating: pa[4])
            c4_0.addProduct(a4, b0); c4_1.addProduct(a4, b1); c4_2.addProduct(a4, b2)
            let a5 = Vec(repeating: pa[5])
            c5_0.addProduct(a5, b0); c5_1.addProduct(a5, b1); c5_2.addProduct(a5, b2)
            let a6 = Vec(repeating: pa[6])
            c6_0.addProduct(a6, b0); c6_1.addProduct(a6, b1); c6_2.addProduct(a6, b2)
            let a7 = Vec(repeating: pa[7])
            c7_0.addProduct(a7, b0); c7_1.addProduct(a7, b1); c7_2.addProduct(a7, b2)
            pa += 8; pb += 192
        }
        let va = Vec(repeating: alpha)
        let step = MemoryLayout<Vec>.stride
        if beta == 0 {
            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0, toByteOffset: 0 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_1, toByteOffset: 1 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_2, toByteOffset: 2 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0, toByteOffset: 0 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_1, toByteOffset: 1 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_2, toByteOffset: 2 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0, toByteOffset: 0 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_1, toByteOffset: 1 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_2, toByteOffset: 2 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0, toByteOffset: 0 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_1, toByteOffset: 1 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_2, toByteOffset: 2 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0, toByteOffset: 0 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_1, toByteOffset: 1 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_2, toByteOffset: 2 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0, toByteOffset: 0 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_1, toByteOffset: 1 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_2, toByteOffset: 2 * step, as: Vec.self)
            let r6 = UnsafeMutableRawPointer(c + 6 * ldc)
            r6.storeBytes(of: va * c6_0, toByteOffset: 0 * step, as: Vec.self)
            r6.storeBytes(of: va * c6_1, toByteOffset: 1 * step, as: Vec.self)
            r6.storeBytes(of: va * c6_2, toByteOffset: 2 * step, as: Vec.self)
            let r7 = UnsafeMutableRawPointer(c + 7 * ldc)
            r7.storeBytes(of: va * c7_0, toByteOffset: 0 * step, as: Vec.self)
            r7.storeBytes(of: va * c7_1, toByteOffset: 1 * step, as: Vec.self)
            r7.storeBytes(of: va * c7_2, toByteOffset: 2 * step, as: Vec.self)
        } else {
            let vb = Vec(repeating: beta)
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0 + vb * r0.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_1 + vb * r0.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_2 + vb * r0.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0 + vb * r1.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_1 + vb * r1.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_2 + vb * r1.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0 + vb * r2.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_1 + vb * r2.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_2 + vb * r2.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0 + vb * r3.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_1 + vb * r3.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_2 + vb * r3.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0 + vb * r4.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_1 + vb * r4.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_2 + vb * r4.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0 + vb * r5.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_1 + vb * r5.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_2 + vb * r5.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
            let r6 = UnsafeMutableRawPointer(c + 6 * ldc)
            r6.storeBytes(of: va * c6_0 + vb * r6.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r6.storeBytes(of: va * c6_1 + vb * r6.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r6.storeBytes(of: va * c6_2 + vb * r6.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
            let r7 = UnsafeMutableRawPointer(c + 7 * ldc)
            r7.storeBytes(of: va * c7_0 + vb * r7.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r7.storeBytes(of: va * c7_1 + vb * r7.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            r7.storeBytes(of: va * c7_2 + vb * r7.loadUnaligned(fromByteOffset: 2 * step, as: Vec.self), toByteOffset: 2 * step, as: Vec.self)
        }
    }
    /// The first 1 vector(s) of a tile, for narrow edge panels (B rows still NR apart).
    @inline(never)
    static func tile1(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        var c0_0 = Vec()
        var c1_0 = Vec()
        var c2_0 = Vec()
        var c3_0 = Vec()
        var c4_0 = Vec()
        var c5_0 = Vec()
        var c6_0 = Vec()
        var c7_0 = Vec()
        var pa = a, pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(fromByteOffset: 0, as: Vec.self)
            let a0 = Vec(repeating: pa[0])
            c0_0.addProduct(a0, b0)
            let a1 = Vec(repeating: pa[1])
            c1_0.addProduct(a1, b0)
            let a2 = Vec(repeating: pa[2])
            c2_0.addProduct(a2, b0)
            let a3 = Vec(repeating: pa[3])
            c3_0.addProduct(a3, b0)
            let a4 = Vec(repeating: pa[4])
            c4_0.addProduct(a4, b0)
            let a5 = Vec(repeating: pa[5])
            c5_0.addProduct(a5, b0)
            let a6 = Vec(repeating: pa[6])
            c6_0.addProduct(a6, b0)
            let a7 = Vec(repeating: pa[7])
            c7_0.addProduct(a7, b0)
            pa += 8; pb += 192
        }
        let va = Vec(repeating: alpha)
        let step = MemoryLayout<Vec>.stride
        if beta == 0 {
            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0, toByteOffset: 0 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0, toByteOffset: 0 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0, toByteOffset: 0 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0, toByteOffset: 0 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0, toByteOffset: 0 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0, toByteOffset: 0 * step, as: Vec.self)
            let r6 = UnsafeMutableRawPointer(c + 6 * ldc)
            r6.storeBytes(of: va * c6_0, toByteOffset: 0 * step, as: Vec.self)
            let r7 = UnsafeMutableRawPointer(c + 7 * ldc)
            r7.storeBytes(of: va * c7_0, toByteOffset: 0 * step, as: Vec.self)
        } else {
            let vb = Vec(repeating: beta)
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0 + vb * r0.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0 + vb * r1.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0 + vb * r2.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0 + vb * r3.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0 + vb * r4.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0 + vb * r5.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r6 = UnsafeMutableRawPointer(c + 6 * ldc)
            r6.storeBytes(of: va * c6_0 + vb * r6.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r7 = UnsafeMutableRawPointer(c + 7 * ldc)
            r7.storeBytes(of: va * c7_0 + vb * r7.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
        }
    }
    /// The first 2 vector(s) of a tile, for narrow edge panels (B rows still NR apart).
    @inline(never)
    static func tile2(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        var c0_0 = Vec(); var c0_1 = Vec()
        var c1_0 = Vec(); var c1_1 = Vec()
        var c2_0 = Vec(); var c2_1 = Vec()
        var c3_0 = Vec(); var c3_1 = Vec()
        var c4_0 = Vec(); var c4_1 = Vec()
        var c5_0 = Vec(); var c5_1 = Vec()
        var c6_0 = Vec(); var c6_1 = Vec()
        var c7_0 = Vec(); var c7_1 = Vec()
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
            pa += 8; pb += 192
        }
        let va = Vec(repeating: alpha)
        let step = MemoryLayout<Vec>.stride
        if beta == 0 {
            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0, toByteOffset: 0 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_1, toByteOffset: 1 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0, toByteOffset: 0 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_1, toByteOffset: 1 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0, toByteOffset: 0 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_1, toByteOffset: 1 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0, toByteOffset: 0 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_1, toByteOffset: 1 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0, toByteOffset: 0 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_1, toByteOffset: 1 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0, toByteOffset: 0 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_1, toByteOffset: 1 * step, as: Vec.self)
            let r6 = UnsafeMutableRawPointer(c + 6 * ldc)
            r6.storeBytes(of: va * c6_0, toByteOffset: 0 * step, as: Vec.self)
            r6.storeBytes(of: va * c6_1, toByteOffset: 1 * step, as: Vec.self)
            let r7 = UnsafeMutableRawPointer(c + 7 * ldc)
            r7.storeBytes(of: va * c7_0, toByteOffset: 0 * step, as: Vec.self)
            r7.storeBytes(of: va * c7_1, toByteOffset: 1 * step, as: Vec.self)
        } else {
            let vb = Vec(repeating: beta)
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0 + vb * r0.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_1 + vb * r0.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0 + vb * r1.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_1 + vb * r1.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0 + vb * r2.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_1 + vb * r2.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0 + vb * r3.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_1 + vb * r3.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0 + vb * r4.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_1 + vb * r4.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0 + vb * r5.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_1 + vb * r5.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r6 = UnsafeMutableRawPointer(c + 6 * ldc)
            r6.storeBytes(of: va * c6_0 + vb * r6.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r6.storeBytes(of: va * c6_1 + vb * r6.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r7 = UnsafeMutableRawPointer(c + 7 * ldc)
            r7.storeBytes(of: va * c7_0 + vb * r7.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r7.storeBytes(of: va * c7_1 + vb * r7.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
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
        let step = MemoryLayout<Vec>.stride
        if beta == 0 {
            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0, toByteOffset: 0 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_1, toByteOffset: 1 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0, toByteOffset: 0 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_1, toByteOffset: 1 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0, toByteOffset: 0 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_1, toByteOffset: 1 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0, toByteOffset: 0 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_1, toByteOffset: 1 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0, toByteOffset: 0 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_1, toByteOffset: 1 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0, toByteOffset: 0 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_1, toByteOffset: 1 * step, as: Vec.self)
        } else {
            let vb = Vec(repeating: beta)
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0 + vb * r0.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r0.storeBytes(of: va * c0_1 + vb * r0.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0 + vb * r1.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r1.storeBytes(of: va * c1_1 + vb * r1.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0 + vb * r2.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r2.storeBytes(of: va * c2_1 + vb * r2.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0 + vb * r3.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r3.storeBytes(of: va * c3_1 + vb * r3.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0 + vb * r4.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r4.storeBytes(of: va * c4_1 + vb * r4.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0 + vb * r5.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            r5.storeBytes(of: va * c5_1 + vb * r5.loadUnaligned(fromByteOffset: 1 * step, as: Vec.self), toByteOffset: 1 * step, as: Vec.self)
        }
    }
    /// The first 1 vector(s) of a tile, for narrow edge panels (B rows still NR apart).
    @inline(never)
    static func tile1(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        var c0_0 = Vec()
        var c1_0 = Vec()
        var c2_0 = Vec()
        var c3_0 = Vec()
        var c4_0 = Vec()
        var c5_0 = Vec()
        var pa = a, pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(fromByteOffset: 0, as: Vec.self)
            let a0 = Vec(repeating: pa[0])
            c0_0.addProduct(a0, b0)
            let a1 = Vec(repeating: pa[1])
            c1_0.addProduct(a1, b0)
            let a2 = Vec(repeating: pa[2])
            c2_0.addProduct(a2, b0)
            let a3 = Vec(repeating: pa[3])
            c3_0.addProduct(a3, b0)
            let a4 = Vec(repeating: pa[4])
            c4_0.addProduct(a4, b0)
            let a5 = Vec(repeating: pa[5])
            c5_0.addProduct(a5, b0)
            pa += 6; pb += 64
        }
        let va = Vec(repeating: alpha)
        let step = MemoryLayout<Vec>.stride
        if beta == 0 {
            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0, toByteOffset: 0 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0, toByteOffset: 0 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0, toByteOffset: 0 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0, toByteOffset: 0 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0, toByteOffset: 0 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0, toByteOffset: 0 * step, as: Vec.self)
        } else {
            let vb = Vec(repeating: beta)
            let r0 = UnsafeMutableRawPointer(c + 0 * ldc)
            r0.storeBytes(of: va * c0_0 + vb * r0.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r1 = UnsafeMutableRawPointer(c + 1 * ldc)
            r1.storeBytes(of: va * c1_0 + vb * r1.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
            r2.storeBytes(of: va * c2_0 + vb * r2.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
            r3.storeBytes(of: va * c3_0 + vb * r3.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
            r4.storeBytes(of: va * c4_0 + vb * r4.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
            let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
            r5.storeBytes(of: va * c5_0 + vb * r5.loadUnaligned(fromByteOffset: 0 * step, as: Vec.self), toByteOffset: 0 * step, as: Vec.self)
        }
    }
#endif
}
