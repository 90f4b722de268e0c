// Vectorised transcendental functions on `Vec`. Each is branch-free over the lanes (selects,
// not ifs) so that LLVM emits straight-line vector code, and each keeps IEEE special values:
// NaN in gives NaN out, ±∞ give the limits. Maximum errors are measured against the libm
// double-precision functions over dense sweeps by KernelsTests/VectorMathTests and stated there
// and in Docs/kernels.md.

#if SLUICE_AVX512
typealias VecBits = SIMD16<Int32>
/// Two vectors' worth of lanes; `.evenHalf` de-interleaves stride-2 data in registers.
typealias VecPair = SIMD32<Float>
#else
typealias VecBits = SIMD8<Int32>
/// Two vectors' worth of lanes; `.evenHalf` de-interleaves stride-2 data in registers.
typealias VecPair = SIMD16<Float>
#endif

// Polynomials are evaluated by Horner's rule as c.addingProduct(p, x), one fused multiply-add
// per step: Swift does not contract a*b+c on its own, and the fused form is also more accurate.
enum VectorMath {
    /// Largest x with a finite float exp(x); above it the result is +∞.
    static let expOverflow: Float = 88.72283
    /// Below this exp(x) is under the smallest normal float; the kernel returns 0 there
    /// (subnormal results are flushed; they carry no useful mass in softmax or activations).
    static let expUnderflow: Float = -87.33654

    /// The shared core of `exp` and `expNonPositive`, for x already clamped to the finite range:
    /// x = n·ln2 + r, returning p = e^r (degree-6 Taylor polynomial) and the integer n (the caller
    /// builds 2^n from it in the exponent bits).
    @inline(__always)
    static func expReduced(_ clamped: Vec) -> (p: Vec, n: VecBits) {
        // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick: the integer lands in
        // the low mantissa bits of t.
        let magic = Vec(repeating: 12582912)
        let t = magic.addingProduct(clamped, Vec(repeating: 1.44269504))
        let n = t - magic
        var r = clamped
        r.addProduct(n, Vec(repeating: -0.693145751953125))    // ln2 high part (exact product)
        r.addProduct(n, Vec(repeating: -1.428606765330187e-06)) // ln2 low part
        var p = Vec(repeating: 1.0 / 720)
        p = Vec(repeating: 1.0 / 120).addingProduct(p, r)
        p = Vec(repeating: 1.0 / 24).addingProduct(p, r)
        p = Vec(repeating: 1.0 / 6).addingProduct(p, r)
        p = Vec(repeating: 0.5).addingProduct(p, r)
        p = Vec(repeating: 1).addingProduct(p, r)
        p = Vec(repeating: 1).addingProduct(p, r)
        return (p, unsafeBitCast(t, to: VecBits.self) &- VecBits(repeating: 0x4B40_0000))
    }

    /// e^x: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6 Taylor polynomial (truncation
    /// ≤ 1.2e-7 relative), 2^n built in the exponent bits.
    @inline(__always)
    static func exp(_ x: Vec) -> Vec {
        let clamped = x.replacing(with: expOverflow, where: x .> expOverflow)
                       .replacing(with: expUnderflow, where: x .< expUnderflow)
        let (p, nBits) = expReduced(clamped)
        // n ∈ [-126, 128] does not fit one exponent field at both ends (2^128 overflows, 2^-126
        // is the edge of normal), so scale by 2^⌊n/2⌋ and 2^(n−⌊n/2⌋), both normal.
        let half = nBits &>> 1
        let scale1 = unsafeBitCast((half &+ VecBits(repeating: 127)) &<< 23, to: Vec.self)
        let scale2 = unsafeBitCast((nBits &- half &+ VecBits(repeating: 127)) &<< 23, to: Vec.self)
        var result = p * scale1 * scale2
        result.replace(with: .infinity, where: x .> expOverflow)
        result.replace(with: 0, where: x .< expUnderflow)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// e^x for x ≤ 0 (or −∞, or NaN): softmax's x − max. The same polynomial as `exp`, without
    /// what non-positive inputs cannot need: no overflow clamp or select, and 2^n in one
    /// exponent step (n ∈ [−126, 0] is always normal). NaN flows through the arithmetic.
    @inline(__always)
    static func expNonPositive(_ x: Vec) -> Vec {
        let clamped = x.replacing(with: expUnderflow, where: x .< expUnderflow)
        let (p, nBits) = expReduced(clamped)
        let scale = unsafeBitCast((nBits &+ VecBits(repeating: 127)) &<< 23, to: Vec.self)
        return (p * scale).replacing(with: 0, where: x .< expUnderflow)
    }

    /// 1 / (1 + e^-x); saturates to 0 and 1 without NaN for large |x|.
    @inline(__always)
    static func sigmoid(_ x: Vec) -> Vec {
        Vec(repeating: 1) / (Vec(repeating: 1) + exp(-x))
    }

    /// tanh: the odd Taylor series to x^15 for |x| < 0.5 (relative error < 1e-7 there, where
    /// the exp form would cancel), 1 − 2/(e^{2|x|} + 1) above, sign restored.
    @inline(__always)
    static func tanh(_ x: Vec) -> Vec {
        let ax = abs(x)
        let x2 = x * x
        var p = Vec(repeating: 929569.0 / 638512875)
        p = Vec(repeating: -(21844.0 / 6081075)).addingProduct(p, x2)
        p = Vec(repeating: 1382.0 / 155925).addingProduct(p, x2)
        p = Vec(repeating: -(62.0 / 2835)).addingProduct(p, x2)
        p = Vec(repeating: 17.0 / 315).addingProduct(p, x2)
        p = Vec(repeating: -(2.0 / 15)).addingProduct(p, x2)
        p = Vec(repeating: 1.0 / 3).addingProduct(p, x2)
        let small = x - x * x2 * p
        let e = exp(ax + ax)
        var large = Vec(repeating: 1) - Vec(repeating: 2) / (e + Vec(repeating: 1))
        large.replace(with: -large, where: x .< 0)
        var result = large.replacing(with: small, where: ax .< 0.5)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// erf: Maclaurin series to x^13 for |x| < 0.5, Abramowitz & Stegun 7.1.26 (absolute error
    /// ≤ 1.5e-7 in exact arithmetic) above, ±1 beyond |x| = 4 where erf rounds to 1 in fp32.
    @inline(__always)
    static func erf(_ x: Vec) -> Vec {
        let ax = abs(x)
        let x2 = x * x
        var s = Vec(repeating: 1.0 / 9360)
        s = Vec(repeating: -(1.0 / 1320)).addingProduct(s, x2)
        s = Vec(repeating: 1.0 / 216).addingProduct(s, x2)
        s = Vec(repeating: -(1.0 / 42)).addingProduct(s, x2)
        s = Vec(repeating: 1.0 / 10).addingProduct(s, x2)
        s = Vec(repeating: -(1.0 / 3)).addingProduct(s, x2)
        s = Vec(repeating: 1).addingProduct(s, x2)
        let small = s * x * Vec(repeating: 1.1283791670955126)  // 2/√π
        let t = Vec(repeating: 1) / (Vec(repeating: 1) + Vec(repeating: 0.3275911) * ax)
        var q = Vec(repeating: 1.061405429)
        q = Vec(repeating: -(1.453152027)).addingProduct(q, t)
        q = Vec(repeating: 1.421413741).addingProduct(q, t)
        q = Vec(repeating: -(0.284496736)).addingProduct(q, t)
        q = Vec(repeating: 0.254829592).addingProduct(q, t)
        var large = Vec(repeating: 1) - q * t * exp(-x2)
        large.replace(with: 1, where: ax .> 4)
        large.replace(with: -large, where: x .< 0)
        var result = large.replacing(with: small, where: ax .< 0.5)
        result.replace(with: x, where: x .!= x)
        return result
    }
}

/// Lane-wise |x| by clearing the sign bit.
@inline(__always)
func abs(_ x: Vec) -> Vec {
    unsafeBitCast(unsafeBitCast(x, to: VecBits.self) & VecBits(repeating: 0x7FFF_FFFF), to: Vec.self)
}

extension Vec {
    /// Loads `Vec.scalarCount` floats from `p` (no alignment needed).
    @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> Vec {
        UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
    }

    /// Stores the lanes to `p` (no alignment needed).
    @inline(__always)
    public func store(to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Vec.self)
    }
}
