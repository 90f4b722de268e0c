/// bfloat16 storage: the upper 16 bits of an IEEE fp32 value (same exponent range, 8-bit
/// significand). Converting up is exact (append 16 zero bits); converting down rounds.
public enum BFloat16 {
    /// The fp32 value of the bf16 bit pattern `bits` (exact).
    @inline(__always)
    public static func float(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// The bf16 bit pattern nearest `value` (round to nearest, ties to even, as hardware
    /// converters do); NaN stays NaN (quiet), ±∞ stay infinite, overflow rounds to ∞.
    public static func bits(_ value: Float) -> UInt16 {
        let b = value.bitPattern
        if value.isNaN { return UInt16(b >> 16) | 0x0040 }
        let roundingBias = UInt32(0x7FFF) + ((b >> 16) & 1)
        return UInt16((b &+ roundingBias) >> 16)
    }
}

/// A strided bf16 matrix as a GEMM operand: packing converts to fp32 on the way into the
/// micro-panels, so the fp32 micro-kernel and driver run unchanged and accumulate in fp32.
struct BF16Matrix: GemmSourceA, GemmSourceB {
    var base: UnsafePointer<UInt16>
    var rowStride: Int
    var colStride: Int

    func packA(m0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        let mr = MicroKernel.mr
        var panel = dst
        for i in stride(from: 0, to: mc, by: mr) {
            let h = min(mr, mc - i)
            for ii in 0..<h {
                let src = base + (m0 + i + ii) * rowStride + k0 * colStride
                for kk in 0..<kc { panel[kk * mr + ii] = BFloat16.float(src[kk * colStride]) }
            }
            if h < mr { for kk in 0..<kc { for ii in h..<mr { panel[kk * mr + ii] = 0 } } }
            panel += kc * mr
        }
    }

    func packB(k0: Int, kc: Int, n0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        let nr = MicroKernel.nr
        var panel = dst
        for j in stride(from: 0, to: nc, by: nr) {
            let w = min(nr, nc - j)
            if colStride == 1 && w == nr {
                // Row-major B: widen NR contiguous bf16 values per k with whole vectors.
                typealias Bits = SIMD16<UInt16>
                for kk in 0..<kc {
                    let src = UnsafeRawPointer(base + (k0 + kk) * rowStride + n0 + j)
                    let out = UnsafeMutableRawPointer(panel + kk * nr)
                    for v in 0..<(nr / 16) {
                        let wide = SIMD16<UInt32>(truncatingIfNeeded: src.loadUnaligned(fromByteOffset: 32 * v, as: Bits.self)) &<< 16
                        out.storeBytes(of: unsafeBitCast(wide, to: SIMD16<Float>.self), toByteOffset: 64 * v, as: SIMD16<Float>.self)
                    }
                }
            } else {
                for kk in 0..<kc {
                    let src = base + (k0 + kk) * rowStride + (n0 + j) * colStride
                    for jj in 0..<w { panel[kk * nr + jj] = BFloat16.float(src[jj * colStride]) }
                    for jj in w..<nr { panel[kk * nr + jj] = 0 }
                }
            }
            panel += kc * nr
        }
    }
}

extension Gemm {
    /// C[m×n] (fp32) = alpha·A·B + beta·C with A and B in bf16 (bit patterns, strided as in
    /// `sgemm`): products of bf16 values are exact in fp32, and the sums accumulate in fp32 in
    /// the SGEMM micro-kernel, so the result is as accurate as SGEMM on the widened inputs.
    public static func bf16gemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<UInt16>, rowStrideA: Int, colStrideA: Int,
                                b: UnsafePointer<UInt16>, rowStrideB: Int, colStrideB: Int,
                                beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                                threading: Threading = .all) {
        blocked(m: m, n: n, k: k, alpha: alpha,
                a: BF16Matrix(base: a, rowStride: rowStrideA, colStride: colStrideA),
                b: BF16Matrix(base: b, rowStride: rowStrideB, colStride: colStrideB),
                beta: beta, c: c, ldc: ldc, threading: threading)
    }
}
