#!/usr/bin/env python3
"""Writes Sources/Kernels/MicroKernel.swift: the unrolled GEMM register tiles (see that file)."""
def kernel(mr, nv, vec, name="tile", bstride=None):
    bstride = bstride or nv
    L=[]
    if name == "tile":
        L.append(f"    /// {mr}×{nv}-vector register tile: C[0..<{mr}, 0..<NR] = alpha·(A·B) + beta·C.")
    else:
        L.append(f"    /// The first {nv} vector(s) of a tile, for narrow edge panels (B rows still NR apart).")
    L.append("    @inline(never)")
    L.append(f"    static func {name}(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,")
    L.append("                     c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,")
    L.append("                     bias: UnsafePointer<Float>? = nil) {")
    for r in range(mr):
        L.append("        " + "; ".join(f"var c{r}_{v} = {vec}()" for v in range(nv)))
    L.append("        var pa = a, pb = UnsafeRawPointer(b)")
    L.append("        for _ in 0..<kc {")
    for v in range(nv):
        L.append(f"            let b{v} = pb.loadUnaligned(fromByteOffset: {v*{'SIMD8<Float>':32,'SIMD16<Float>':64}[vec]}, as: {vec}.self)")
    for r in range(mr):
        L.append(f"            let a{r} = {vec}(repeating: pa[{r}])")
        L.append("            " + "; ".join(f"c{r}_{v}.addProduct(a{r}, b{v})" for v in range(nv)))
    L.append(f"            pa += {mr}; pb += {bstride*{'SIMD8<Float>':32,'SIMD16<Float>':64}[vec]}")
    L.append("        }")
    L.append("        let va = Vec(repeating: alpha)")
    L.append("        let step = MemoryLayout<Vec>.stride")
    L.append("        if beta == 0, let bias {")
    L.append("            // C = alpha·AB + bias[row] (a convolution's first K slice): C is written, not read.")
    for r in range(mr):
        L.append(f"            let r{r} = UnsafeMutableRawPointer(c + {r} * ldc), bias{r} = Vec(repeating: bias[{r}])")
        for v in range(nv):
            L.append(f"            r{r}.storeBytes(of: va * c{r}_{v} + bias{r}, toByteOffset: {v} * step, as: Vec.self)")
    L.append("        } else if beta == 0 {")
    L.append("            // beta = 0 must not read C: it may hold NaN from an uninitialised buffer (BLAS rule).")
    for r in range(mr):
        L.append(f"            let r{r} = UnsafeMutableRawPointer(c + {r} * ldc)")
        for v in range(nv):
            L.append(f"            r{r}.storeBytes(of: va * c{r}_{v}, toByteOffset: {v} * step, as: Vec.self)")
    L.append("        } else {")
    L.append("            let vb = Vec(repeating: beta)")
    for r in range(mr):
        L.append(f"            let r{r} = UnsafeMutableRawPointer(c + {r} * ldc)")
        for v in range(nv):
            L.append(f"            r{r}.storeBytes(of: va * c{r}_{v} + vb * r{r}.loadUnaligned(fromByteOffset: {v} * step, as: Vec.self), toByteOffset: {v} * step, as: Vec.self)")
    L.append("        }")
    L.append("    }")
    return "\n".join(L)

out = []
out.append("""// The GEMM register tile. Written out by hand-unrolled rows so that every accumulator is its own
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
""")
out.append("#if SLUICE_AVX512")
out.append(kernel(8, 3, "SIMD16<Float>").replace("SIMD16<Float>","Vec"))
out.append(kernel(8, 1, "SIMD16<Float>", "tile1", 3).replace("SIMD16<Float>","Vec"))
out.append(kernel(8, 2, "SIMD16<Float>", "tile2", 3).replace("SIMD16<Float>","Vec"))
out.append("#else")
out.append(kernel(6, 2, "SIMD8<Float>").replace("SIMD8<Float>","Vec"))
out.append(kernel(6, 1, "SIMD8<Float>", "tile1", 2).replace("SIMD8<Float>","Vec"))
out.append("#endif")
out.append("}")
print("\n".join(out))
