#!/usr/bin/env python3
"""Writes Sources/Kernels/MicroKernel.swift: the unrolled GEMM register tiles (see that file)."""
def kernel(mr, nv, vec):
    L=[]
    L.append(f"    /// {mr}×{nv}-vector register tile: C[0..<{mr}, 0..<NR] = alpha·(A·B) + beta·C.")
    L.append("    @inline(never)")
    L.append("    static func tile(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,")
    L.append("                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {")
    for r in range(mr):
        L.append("        " + "; ".join(f"var c{r}_{v} = {vec}()" for v in range(nv)))
    L.append("        var pa = a, pb = UnsafeRawPointer(b)")
    L.append("        for _ in 0..<kc {")
    for v in range(nv):
        L.append(f"            let b{v} = pb.loadUnaligned(fromByteOffset: {v*{'SIMD8<Float>':32,'SIMD16<Float>':64}[vec]}, as: {vec}.self)")
    for r in range(mr):
        L.append(f"            let a{r} = {vec}(repeating: pa[{r}])")
        L.append("            " + "; ".join(f"c{r}_{v}.addProduct(a{r}, b{v})" for v in range(nv)))
    L.append(f"            pa += {mr}; pb += {nv*{'SIMD8<Float>':32,'SIMD16<Float>':64}[vec]}")
    L.append("        }")
    L.append("        let va = Vec(repeating: alpha)")
    L.append("        if beta == 0 {")
    L.append("            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).")
    for r in range(mr):
        L.append(f"            store(c + {r} * ldc, " + ", ".join(f"va * c{r}_{v}" for v in range(nv)) + ")")
    L.append("        } else {")
    L.append("            let vb = Vec(repeating: beta)")
    for r in range(mr):
        L.append(f"            update(c + {r} * ldc, va, vb, " + ", ".join(f"c{r}_{v}" for v in range(nv)) + ")")
    L.append("        }")
    L.append("    }")
    return "\n".join(L)

out = []
out.append("""// The GEMM register tile. Written out by hand-unrolled rows so that every accumulator is its own
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
""")
out.append("#if SLUICE_AVX512")
out.append(kernel(12, 2, "SIMD16<Float>").replace("SIMD16<Float>","Vec"))
out.append("#else")
out.append(kernel(6, 2, "SIMD8<Float>").replace("SIMD8<Float>","Vec"))
out.append("#endif")
out.append("}")
print("\n".join(out))
