import Kernels
import Testing
import TestSupport

// Convolution outputs are dot products of length Cin/g·kH·kW ≤ 75 here with |x|, |w| ≤ 1:
// the fp32 error bound K·u·Σ|x w| is < 75·6e-8·75 ≈ 3.4e-4 worst case; observed errors are
// ~1e-6. atol 1e-4 + rtol 1e-5 sits between, tight enough to catch any indexing slip (which
// moves outputs by O(0.1)).
let convAtol: Float = 1e-4

@Suite struct ConvTests {
    struct Case: CustomStringConvertible, Sendable {
        var n = 1, cin = 3, h = 7, w = 9, cout = 5, kh = 3, kw = 3
        var p = Conv2dParams()
        var description: String { "N\(n) C\(cin)→\(cout) \(h)x\(w) k\(kh)x\(kw) \(p)" }
    }

    static let cases: [Case] = [
        Case(),                                                         // 3x3, no padding
        Case(p: Conv2dParams(stride: 2, padding: 1)),                  // ResNet downsampling
        Case(n: 2, p: Conv2dParams(stride: 1, padding: 2, dilation: 2)),
        Case(cin: 4, cout: 6, p: Conv2dParams(padding: 1, groups: 2)),  // grouped
        Case(cin: 8, h: 5, w: 5, cout: 7, kh: 1, kw: 1),               // pointwise = plain GEMM
        Case(cin: 6, h: 17, w: 1, cout: 1, kh: 3, kw: 1, p: Conv2dParams(strides: (2, 1), pads: (1, 0, 2, 0))),
        Case(cin: 5, h: 8, w: 11, cout: 5, p: Conv2dParams(stride: 1, padding: 1, groups: 5)),   // depthwise
        Case(cin: 5, h: 9, w: 10, cout: 5, kh: 5, kw: 3,
             p: Conv2dParams(strides: (2, 3), pads: (2, 0, 1, 1), dilations: (1, 2), groups: 5)), // depthwise, odd geometry
        Case(cin: 3, h: 1, w: 1, cout: 2, kh: 1, kw: 1),
        Case(cin: 2, h: 40, w: 40, cout: 13, kh: 3, kw: 3, p: Conv2dParams(padding: 1)), // N = 1600 pixels, many panels
        // Depth 360 > KC: two K slices, the bias added with the first one only.
        Case(cin: 40, h: 5, w: 5, cout: 9, kh: 3, kw: 3, p: Conv2dParams(padding: 1)),
        // Wide rows: im2col runs span panel and row boundaries, with stride and dilation.
        Case(cin: 3, h: 6, w: 37, cout: 4, kh: 3, kw: 5, p: Conv2dParams(strides: (2, 2), pads: (1, 3, 0, 2), dilations: (1, 2))),
    ]

    @Test(arguments: cases)
    func matchesReference(_ c: Case) throws {
        var rng = SplitMix64(seed: 10)
        let x = rng.tensor([c.n, c.cin, c.h, c.w])
        let w = rng.tensor([c.cout, c.cin / c.p.groups, c.kh, c.kw])
        let bias = rng.tensor([c.cout])
        let got = try Convolution.conv2d(x, weight: w, bias: bias, params: c.p, threading: Threading(threads: 2))
        expectClose(got, Reference.conv2d(x, weight: w, bias: bias, params: c.p), atol: convAtol, rtol: 1e-5, "\(c)")
    }

    @Test func nonContiguousInputFromNHWC() throws {
        var rng = SplitMix64(seed: 11)
        let nhwc = rng.tensor([2, 6, 5, 3])
        let x = try nhwc.permuted([0, 3, 1, 2])   // NCHW view with channel stride 1
        let w = rng.tensor([4, 3, 3, 3])
        let p = Conv2dParams(stride: 1, padding: 1)
        expectClose(try Convolution.conv2d(x, weight: w, params: p), Reference.conv2d(x.contiguous(), weight: w, bias: nil, params: p),
                    atol: convAtol, "NHWC view")
    }

    @Test func nanPropagatesOnlyToItsWindows() throws {
        var x = Tensor(shape: [1, 1, 5, 5], repeating: 1)
        x[0, 0, 0, 0] = .nan
        let y = try Convolution.conv2d(x, weight: Tensor(shape: [1, 1, 3, 3], repeating: 1), params: Conv2dParams(padding: 1))
        #expect(y[0, 0, 0, 0].isNaN && y[0, 0, 1, 1].isNaN)
        #expect(y[0, 0, 2, 2] == 9 && y[0, 0, 4, 4] == 4)
    }

    @Test func rejectsBadShapes() {
        #expect(throws: KernelError.self) {   // channels do not match weight
            try Convolution.conv2d(Tensor(shape: [1, 3, 5, 5]), weight: Tensor(shape: [2, 4, 3, 3]))
        }
        #expect(throws: KernelError.self) {   // kernel larger than padded input
            try Convolution.conv2d(Tensor(shape: [1, 1, 2, 2]), weight: Tensor(shape: [1, 1, 3, 3]))
        }
        #expect(throws: KernelError.self) {
            try Convolution.conv2d(Tensor(shape: [1, 1, 5, 5]), weight: Tensor(shape: [1, 1, 3, 3]), params: Conv2dParams(stride: 0))
        }
    }
}

@Suite struct PoolingTests {
    @Test(arguments: [Pooling.Kind.max, .average])
    func windowedMatchesReference(_ kind: Pooling.Kind) throws {
        var rng = SplitMix64(seed: 12)
        let x = rng.tensor([2, 3, 9, 8])
        let geometries: [((Int, Int), Conv2dParams)] = [
            ((3, 3), Conv2dParams(stride: 2, padding: 1)),                 // ResNet stem max pool
            ((2, 2), Conv2dParams(stride: 2)),
            ((3, 2), Conv2dParams(strides: (1, 3), pads: (1, 0, 0, 1), dilations: (kind == .max ? 2 : 1, 1))),
            ((1, 1), Conv2dParams()),
        ]
        for (kernel, p) in geometries {
            for include in [false, true] {
                let got = try Pooling.pool2d(x, kind: kind, kernel: kernel, params: p, countIncludePad: include)
                let want = Reference.pool2d(x, kind: kind, kernel: kernel, params: p, countIncludePad: include)
                // Max is exact; an average of ≤ 9 values rounds by ≤ 9·u relative.
                expectClose(got, want, atol: 1e-6, rtol: 1e-6, "\(kind) \(kernel) \(p) include \(include)")
            }
        }
    }

    @Test(arguments: [Pooling.Kind.max, .average])
    func ceilModeMatchesReference(_ kind: Pooling.Kind) throws {
        // ceil_mode: a last, partial window counts when it starts inside the input or its
        // leading padding; both sides take the extent from ShapeRules.windowExtent.
        var rng = SplitMix64(seed: 15)
        let x = rng.tensor([1, 2, 8, 7])
        let geometries: [((Int, Int), Conv2dParams)] = [
            ((3, 3), Conv2dParams(stride: 2)),
            ((2, 2), Conv2dParams(stride: 2, padding: 1)),
            ((3, 2), Conv2dParams(strides: (3, 2), pads: (1, 0, 1, 0))),
        ]
        for (kernel, p) in geometries {
            for include in [false, true] {
                let got = try Pooling.pool2d(x, kind: kind, kernel: kernel, params: p, countIncludePad: include, ceilMode: true)
                let want = Reference.pool2d(x, kind: kind, kernel: kernel, params: p, countIncludePad: include, ceilMode: true)
                #expect(got.shape == want.shape)
                expectClose(got, want, atol: 1e-6, rtol: 1e-6, "ceil \(kind) \(kernel) \(p) include \(include)")
            }
        }
    }

    @Test(arguments: [Pooling.Kind.max, .average])
    func wideRowsUseTheVectorPath(_ kind: Pooling.Kind) throws {
        // Rows of 70 and 33 columns: several full vectors plus tails, for strides 1 and 2.
        var rng = SplitMix64(seed: 14)
        for width in [70, 33] {
            var x = rng.tensor([1, 2, 9, width])
            x[0, 1, 4, 20] = .nan
            for p in [Conv2dParams(stride: 2, padding: 1), Conv2dParams(stride: 1, padding: 1), Conv2dParams(stride: 2)] {
                let got = try Pooling.pool2d(x, kind: kind, kernel: (3, 3), params: p)
                expectClose(got, Reference.pool2d(x, kind: kind, kernel: (3, 3), params: p, countIncludePad: false),
                            atol: 1e-6, rtol: 1e-6, "\(kind) width \(width) \(p)")
            }
        }
    }

    @Test func globalPoolingAndNaN() throws {
        var rng = SplitMix64(seed: 13)
        var x = rng.tensor([2, 3, 7, 17])
        let avg = try Pooling.global(x, kind: .average)
        #expect(avg.shape == [2, 3, 1, 1])
        expectClose(avg, Reference.reduce(x, .mean, axes: [2, 3]), atol: 1e-6, "global average")
        x[1, 2, 3, 4] = .nan
        let mx = try Pooling.global(x, kind: .max)
        #expect(mx[1, 2, 0, 0].isNaN)
        #expect(mx[1, 1, 0, 0] == Reference.reduce(x, .max, axes: [2, 3])[1, 1, 0, 0])
        let windowed = try Pooling.pool2d(x, kind: .max, kernel: (2, 2), params: Conv2dParams(stride: 2))
        #expect(windowed[1, 2, 1, 2].isNaN && !windowed[1, 2, 0, 0].isNaN)
    }
}
