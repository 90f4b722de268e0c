import Kernels
import Testing
import TestSupport

// Softmax/LayerNorm/RMSNorm outputs are O(1) values made of one exp (≤ 2.4e-7 relative, see
// ElementwiseTests) and sums of ≤ 1000 terms (lane-wise fp32 sums: ≤ ~1000·u/Vec width
// relative in the worst case ≈ 8e-6). atol 2e-6 + rtol 2e-5 covers that with margin and is
// far below what any indexing or statistics bug produces.
let normAtol: Float = 2e-6
let normRtol: Float = 2e-5

@Suite struct NormalizationTests {
    @Test(arguments: [1, 7, 17, 1000])
    func softmaxRows(_ n: Int) throws {
        var rng = SplitMix64(seed: 30)
        let x = rng.tensor([5, n], -10, 10)
        expectClose(try Normalization.softmax(x), Reference.softmaxLastAxis(x), atol: normAtol, rtol: normRtol, "n=\(n)")
        // Huge inputs: max subtraction keeps exp finite.
        let big = rng.tensor([2, n], 1000, 1010)
        expectClose(try Normalization.softmax(big), Reference.softmaxLastAxis(big), atol: normAtol, rtol: normRtol, "big n=\(n)")
    }

    @Test func softmaxOtherAxisStridedAndSpecials() throws {
        var rng = SplitMix64(seed: 31)
        let x = rng.tensor([3, 17, 4])
        let alongMiddle = try Normalization.softmax(x, axis: 1)
        let want = try Reference.softmaxLastAxis(x.permuted([0, 2, 1]).contiguous()).permuted([0, 2, 1]).contiguous()
        expectClose(alongMiddle, want, atol: normAtol, rtol: normRtol, "axis 1")
        let strided = try rng.tensor([4, 40]).sliced(axis: 1, 0, 40, step: 2)
        expectClose(try Normalization.softmax(strided), Reference.softmaxLastAxis(strided), atol: normAtol, rtol: normRtol, "strided")
        // −∞ entries (masks) get probability 0; a NaN poisons only its own row; +∞ gives NaN (∞ − ∞).
        let specials = try Tensor(shape: [3, 20], data: (0..<60).map { i -> Float in
            if i == 3 || i == 9 { return -.infinity }
            if i == 25 { return .nan }
            if i == 45 { return .infinity }
            return Float(i % 7)
        })
        let s = try Normalization.softmax(specials)
        #expect(s[0, 3] == 0 && s[0, 9] == 0)
        #expect(Swift.abs(s.scalars[0..<20].reduce(0, +) - 1) < 1e-5)
        #expect((0..<20).allSatisfy { s[1, $0].isNaN } && (0..<20).allSatisfy { s[2, $0].isNaN })
        expectClose(s, Reference.softmaxLastAxis(specials), atol: normAtol, rtol: normRtol, "specials")
        #expect(throws: KernelError.self) { try Normalization.softmax(x, axis: 3) }
    }

    @Test(arguments: [1, 7, 17, 1000])
    func layerNormAndRMSNorm(_ n: Int) throws {
        var rng = SplitMix64(seed: 32)
        // Offset mean: a one-pass E[x²]−E[x]² variance would lose digits here; ours must not.
        let x = rng.tensor([2, 3, n], 99, 101)
        let g = rng.tensor([n]), b = rng.tensor([n])
        let ln = try Normalization.layerNorm(x, scale: g, bias: b, epsilon: 1e-5)
        let lnRef = Reference.normalize(x, scale: g.scalars, bias: b.scalars, epsilon: 1e-5, rms: false)
        // Normalised values are (x − mean)/σ with σ ≈ 0.58: relative error of x − mean is
        // u·100/0.58 ≈ 2e-5, hence the looser relative bound here.
        expectClose(ln, lnRef, atol: 2e-5, rtol: 1e-4, "layer norm n=\(n)")
        let noBias = try Normalization.layerNorm(x, scale: g, bias: nil)
        expectClose(noBias, Reference.normalize(x, scale: g.scalars, bias: nil, epsilon: 1e-5, rms: false), atol: 2e-5, rtol: 1e-4, "no bias")
        let y = rng.tensor([4, n])
        let rms = try Normalization.rmsNorm(y, scale: g, epsilon: 1e-6)
        expectClose(rms, Reference.normalize(y, scale: g.scalars, bias: nil, epsilon: 1e-6, rms: true), atol: normAtol, rtol: normRtol, "rms n=\(n)")
    }

    @Test func normsOnViewsAndErrors() throws {
        var rng = SplitMix64(seed: 33)
        let x = try rng.tensor([6, 9]).transposed()   // [9, 6], column-major
        let g = rng.tensor([6])
        expectClose(try Normalization.rmsNorm(x, scale: g), Reference.normalize(x, scale: g.scalars, bias: nil, epsilon: 1e-6, rms: true),
                    atol: normAtol, rtol: normRtol, "transposed")
        // Normalising over the last two axes at once (ONNX axis = -2).
        let y = rng.tensor([2, 3, 4])
        let g2 = rng.tensor([3, 4])
        let both = try Normalization.layerNorm(y, scale: g2, bias: nil, axis: -2)
        let flat = try Normalization.layerNorm(y.reshaped([2, 12]), scale: g2.reshaped([12]), bias: nil)
        expectClose(both, try flat.reshaped([2, 3, 4]), atol: 0, "axis -2")
        var nanRow = rng.tensor([2, 8])
        nanRow[1, 3] = .nan
        let r = try Normalization.layerNorm(nanRow, scale: Tensor(shape: [8], repeating: 1), bias: nil)
        #expect((0..<8).allSatisfy { r[1, $0].isNaN } && (0..<8).allSatisfy { !r[0, $0].isNaN })
        #expect(throws: KernelError.self) { try Normalization.layerNorm(y, scale: Tensor(shape: [5]), bias: nil) }
        #expect(throws: KernelError.self) { try Normalization.rmsNorm(y, scale: Tensor(shape: [4]), axis: 5) }
    }
}

@Suite struct AttentionTests {
    struct Case: CustomStringConvertible, Sendable {
        var b = 1, hq = 2, hkv = 2, sq = 7, sk = 7, d = 8, dv = 8, causal = false
        var description: String { "B\(b) Hq\(hq) Hkv\(hkv) Sq\(sq) Sk\(sk) D\(d) Dv\(dv) causal \(causal)" }
    }

    static let cases: [Case] = [
        Case(sq: 1, sk: 1, d: 1, dv: 1),
        Case(sq: 7, sk: 17),
        Case(hq: 4, hkv: 2, sq: 17, sk: 17, causal: true),           // GQA
        Case(hq: 4, hkv: 1, sq: 1, sk: 300, d: 16, dv: 5, causal: true), // decode: one query, long cache (MQA)
        Case(b: 2, hq: 2, hkv: 2, sq: 130, sk: 200, d: 12, dv: 7, causal: true), // several q and k blocks
        Case(b: 1, hq: 1, hkv: 1, sq: 100, sk: 129, d: 17, dv: 3),
        // Prepacked path with dv panels ending in one and in two vectors.
        Case(b: 1, hq: 2, hkv: 1, sq: 20, sk: 100, d: 64, dv: 64, causal: true),
        Case(b: 1, hq: 2, hkv: 2, sq: 100, sk: 100, d: 32, dv: 20),
    ]

    // Outputs are convex combinations of V rows (|v| ≤ 1): errors come from the scores
    // (dot products of length D ≤ 17, ≤ 1e-6) through exp, and the weighted sums: 2e-6
    // absolute is ~10× the observed error and far below any masking or indexing bug.
    @Test(arguments: cases)
    func matchesReference(_ c: Case) throws {
        var rng = SplitMix64(seed: 40)
        let q = rng.tensor([c.b, c.hq, c.sq, c.d], -2, 2)
        let k = rng.tensor([c.b, c.hkv, c.sk, c.d], -2, 2)
        let v = rng.tensor([c.b, c.hkv, c.sk, c.dv])
        let got = try Attention.attention(q: q, k: k, v: v, causal: c.causal, threading: Threading(threads: 2))
        expectClose(got, Reference.attention(q: q, k: k, v: v, causal: c.causal), atol: 2e-6, rtol: 1e-5, "\(c)")
    }

    @Test func stridedHeadsAndNaN() throws {
        var rng = SplitMix64(seed: 41)
        // [B, S, H, D] as a model stores it, viewed as [B, H, S, D].
        let q = try rng.tensor([1, 9, 3, 8]).permuted([0, 2, 1, 3])
        let k = try rng.tensor([1, 11, 3, 8]).permuted([0, 2, 1, 3])
        let v = try rng.tensor([1, 11, 3, 8]).permuted([0, 2, 1, 3])
        let got = try Attention.attention(q: q, k: k, v: v, causal: true, scale: 0.3)
        expectClose(got, Reference.attention(q: q.contiguous(), k: k.contiguous(), v: v.contiguous(), causal: true, scale: 0.3),
                    atol: 2e-6, rtol: 1e-5, "strided")
        var qn = rng.tensor([1, 1, 4, 8])
        qn[0, 0, 2, 5] = .nan
        let kv = rng.tensor([1, 1, 4, 8])
        let r = try Attention.attention(q: qn, k: kv, v: kv)
        #expect((0..<8).allSatisfy { r[0, 0, 2, $0].isNaN } && (0..<8).allSatisfy { !r[0, 0, 1, $0].isNaN })
        #expect(throws: KernelError.self) { try Attention.attention(q: Tensor(shape: [1, 3, 2, 4]), k: Tensor(shape: [1, 2, 2, 4]), v: Tensor(shape: [1, 2, 2, 4])) }
        #expect(throws: KernelError.self) { try Attention.attention(q: Tensor(shape: [1, 1, 5, 4]), k: Tensor(shape: [1, 1, 3, 4]), v: Tensor(shape: [1, 1, 3, 4]), causal: true) }
    }
}

@Suite struct ReductionLayoutTests {
    @Test(arguments: Reduction.Kind.allCases)
    func reduceAxes(_ kind: Reduction.Kind) throws {
        var rng = SplitMix64(seed: 50)
        let x = rng.tensor([3, 7, 17])
        for axes in [[], [0], [1], [2], [-1], [0, 2], [1, 2]] {
            let got = try Reduction.reduce(x, kind, axes: axes, keepDims: true)
            // ≤ 357 terms of |x| ≤ 1: lane-wise sum error ≪ 1e-5.
            expectClose(got, Reference.reduce(x, kind, axes: axes), atol: 1e-5, rtol: 1e-6, "\(kind) \(axes)")
        }
        let dropped = try Reduction.reduce(x, kind, axes: [1], keepDims: false)
        #expect(dropped.shape == [3, 17])
        let view = try x.permuted([2, 0, 1])
        expectClose(try Reduction.reduce(view, kind, axes: [2], keepDims: true), Reference.reduce(view.contiguous(), kind, axes: [2]), atol: 1e-5, "view")
        let big = rng.tensor([1000])
        expectClose(try Reduction.reduce(big, kind, axes: [0], keepDims: true), Reference.reduce(big, kind, axes: [0]), atol: 2e-5, "n=1000")
        var withNaN = rng.tensor([2, 17])
        withNaN[1, 16] = .nan
        let r = try Reduction.reduce(withNaN, kind, axes: [1])
        #expect(r[1].isNaN && !r[0].isNaN)
        #expect(throws: KernelError.self) { try Reduction.reduce(x, kind, axes: [3]) }
    }

    @Test func transposeMatchesReference() throws {
        var rng = SplitMix64(seed: 51)
        for shape in [[1, 1], [7, 17], [33, 65], [2, 3, 40, 9]] {
            let x = rng.tensor(shape)
            var perm = Array(0..<shape.count)
            perm.swapAt(shape.count - 1, shape.count - 2)
            expectClose(try Layout.transpose(x, permutation: perm), Reference.transpose(x, permutation: perm), atol: 0, "\(shape)")
        }
        let x = rng.tensor([2, 3, 4, 5])
        expectClose(try Layout.transpose(x, permutation: [3, 1, 0, 2]), Reference.transpose(x, permutation: [3, 1, 0, 2]), atol: 0, "general")
        #expect(throws: KernelError.self) { try Layout.transpose(x, permutation: [0, 1, 1, 2]) }
    }

    @Test func tensorViews() throws {
        let t = Tensor(shape: [2, 3]) { Float($0) }
        #expect(t.transposed().scalars == [0, 3, 1, 4, 2, 5])
        #expect(try t.sliced(axis: 1, 1, 3).scalars == [1, 2, 4, 5])
        #expect(try t.sliced(axis: 1, 0, 3, step: 2).scalars == [0, 2, 3, 5])
        #expect(try Tensor(shape: [3], data: [1, 2, 3]).broadcast(to: [2, 3]).scalars == [1, 2, 3, 1, 2, 3])
        #expect(try t.reshaped([3, 2]).shape == [3, 2])
        #expect(!t.transposed().isContiguous && t.transposed().contiguous().isContiguous)
        #expect(throws: KernelError.self) { try Tensor(shape: [2, 2], data: [1, 2, 3]) }
        #expect(throws: KernelError.self) { try t.reshaped([4]) }
        #expect(throws: KernelError.self) { try Tensor(storage: [1, 2], offset: 1, shape: [2], strides: [1]) }
        #expect(throws: KernelError.self) { try t.broadcast(to: [3, 3]) }
    }
}
