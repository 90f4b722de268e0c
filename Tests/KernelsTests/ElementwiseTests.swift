import Foundation
import Kernels
import Testing
import TestSupport

/// Stated accuracy of the vectorised functions, measured by `accuracySweep` over 400,001
/// points in [-20, 20] (plus [-100, 100] for exp) against libm in double precision. Relative
/// error is taken where |f(x)| ≥ 1e-3, absolute error everywhere; the bounds below are the
/// measured maxima rounded up, so a change that loses accuracy fails here.
/// (One fp32 ulp is 2^-23 ≈ 1.19e-7 relative.)
let accuracyBounds: [UnaryOp: (relative: Double, absolute: Double)] = [
    .exp: (4e-7, .infinity),       // relative only: exp spans all magnitudes
    .sigmoid: (4e-7, 2e-7),
    .tanh: (4e-7, 2e-7),
    .erf: (7e-7, 3e-7),            // Abramowitz & Stegun 7.1.26 is 1.5e-7 absolute in exact arithmetic
    // GELU = x·(1 + erf(x/√2))/2: for x < −3 the bracket cancels (erf → −1), so erf's 3e-7
    // absolute error becomes up to 2.2e-4 relative on outputs of magnitude ~1e-3; the absolute
    // error stays below 5e-7 everywhere, which is what a network's next layer sees.
    .geluErf: (3e-4, 1e-6),
    .geluTanh: (1e-4, 1e-6),
    .silu: (4e-7, 3e-6),
    .relu: (0, 0), .neg: (0, 0), .abs: (0, 0), .sqrt: (0, 0),  // exact (sqrt is correctly rounded)
]

@Suite struct ElementwiseTests {
    @Test(arguments: UnaryOp.allCases)
    func accuracySweep(_ op: UnaryOp) throws {
        let count = 400_001
        let range: Float = op == .exp ? 100 : 20
        let x = Tensor(shape: [count]) { -range + 2 * range * Float($0) / Float(count - 1) }
        let got = Elementwise.unary(op, x).scalars
        var worstRelative = 0.0, worstAbsolute = 0.0
        for i in 0..<count {
            let want = Double(Reference.unary(op, x.scalars[i]))
            let exact: Double
            switch op {   // compare against double-precision truth, not its fp32 rounding
            case .exp: exact = Foundation.exp(Double(x.scalars[i]))
            default: exact = want
            }
            if !exact.isFinite || exact > Double(Float.greatestFiniteMagnitude) { continue }
            if exact != 0 && Swift.abs(exact) < Double(Float.leastNormalMagnitude) { continue } // flushed subnormals
            // A NaN or infinity where the truth is finite is an infinite error (max() would drop a NaN).
            let error = got[i].isFinite ? Swift.abs(Double(got[i]) - exact) : .infinity
            worstAbsolute = max(worstAbsolute, error)
            if Swift.abs(exact) >= 1e-3 { worstRelative = max(worstRelative, error / Swift.abs(exact)) }
        }
        let bound = accuracyBounds[op]!
        print("accuracy \(op.rawValue): max relative \(worstRelative), max absolute \(worstAbsolute)")
        #expect(worstRelative <= bound.relative, "\(op.rawValue) relative error \(worstRelative)")
        if bound.absolute.isFinite {
            #expect(worstAbsolute <= bound.absolute, "\(op.rawValue) absolute error \(worstAbsolute)")
        }
    }

    @Test(arguments: UnaryOp.allCases)
    func specialValuesAndTails(_ op: UnaryOp) throws {
        // NaN propagates; ±∞ and huge finite values give the mathematical limits.
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-30, -1e-30, 1e30, -1e30, 88.7, 89, -87, -104]
        let got = Elementwise.unary(op, try Tensor(shape: [specials.count], data: specials)).scalars
        for (x, y) in zip(specials, got) {
            let want = Reference.unary(op, x)
            if want.isNaN { #expect(y.isNaN, "\(op.rawValue)(\(x)) = \(y), want NaN"); continue }
            if Swift.abs(want) < Float.leastNormalMagnitude { // subnormal results may be flushed to 0
                #expect(Swift.abs(y) < Float.leastNormalMagnitude, "\(op.rawValue)(\(x)) = \(y), want \(want)"); continue
            }
            if want.isInfinite { #expect(y == want, "\(op.rawValue)(\(x)) = \(y), want \(want)"); continue }
            #expect(Swift.abs(y - want) <= 1e-6 * Swift.abs(want), "\(op.rawValue)(\(x)) = \(y), want \(want)")
        }
        // Sizes that end in every possible vector tail, and a strided (non-contiguous) input.
        var rng = SplitMix64(seed: 20)
        for n in [1, 7, 17, 1000] {
            let x = rng.tensor([n], -5, 5)
            expectClose(Elementwise.unary(op, x), Reference.unary(op, x), atol: 3e-6, rtol: 1e-6, "\(op.rawValue) n=\(n)")
        }
        let strided = try rng.tensor([9, 14], -5, 5).sliced(axis: 1, 1, 14, step: 3)
        expectClose(Elementwise.unary(op, strided), Reference.unary(op, strided), atol: 3e-6, rtol: 1e-6, "\(op.rawValue) strided")
    }

    @Test(arguments: BinaryOp.allCases)
    func binaryBroadcastAndNaN(_ op: BinaryOp) throws {
        var rng = SplitMix64(seed: 21)
        let pairs: [([Int], [Int])] = [([1000], [1000]), ([7, 17], [17]), ([3, 1, 5], [4, 1]), ([1], [2, 3]), ([17, 7], [17, 1])]
        for (sa, sb) in pairs {
            let a = rng.tensor(sa), b = rng.tensor(sb, 0.5, 2)   // b away from 0 for div
            // Single IEEE operations: results must be bit-identical to the scalar definition.
            expectClose(try Elementwise.binary(op, a, b), try Reference.binary(op, a, b), atol: 0, "\(op.rawValue) \(sa) \(sb)")
        }
        let t = rng.tensor([6, 5]).transposed()
        expectClose(try Elementwise.binary(op, t, t), try Reference.binary(op, t, t), atol: 0, "\(op.rawValue) transposed")
        let withNaN = try Tensor(shape: [20], data: (0..<20).map { $0 == 3 || $0 == 17 ? .nan : Float($0) })
        let other = Tensor(shape: [20], repeating: 1)
        for (x, y) in [(withNaN, other), (other, withNaN)] {
            let r = try Elementwise.binary(op, x, y)
            #expect(r[3].isNaN && r[17].isNaN && !r[4].isNaN, "\(op.rawValue) NaN propagation")
        }
        #expect(throws: KernelError.self) { try Elementwise.binary(op, Tensor(shape: [3]), Tensor(shape: [4])) }
    }
}
