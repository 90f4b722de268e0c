import Kernels
import Testing
import TestSupport

/// Resize and GridSample against Reference. Nearest sampling copies a pixel, so it must match
/// exactly; bilinear blends ≤ 4 pixels in [−1, 1] with weights summing to 1, whose fp32
/// rounding (weights and sums) stays below a few ulps of 1: atol 1e-6.
@Suite struct ResizeTests {
    static let targets: [Resize.Target] = [.sizes(17, 5), .sizes(1, 1), .sizes(7, 9), .scales(2.5, 0.6), .scales(1.0 / 3, 3)]

    @Test(arguments: Resize.CoordinateTransform.allCases)
    func matchesReference(_ coordinates: Resize.CoordinateTransform) throws {
        var rng = SplitMix64(seed: 21)
        let x = rng.tensor([2, 3, 7, 9])
        for target in Self.targets {
            let y = try Resize.resize2d(x, target, mode: .linear, coordinates: coordinates, threading: .single)
            let (oh, ow) = (y.shape[2], y.shape[3])
            let scales: (Double, Double)
            switch target {
            case let .sizes(a, b): scales = (Double(a) / 7, Double(b) / 9)
            case let .scales(a, b): scales = (a, b); #expect(oh == Int(7 * a) && ow == Int(9 * b))
            case let .sizesAndScales(_, _, a, b): scales = (a, b)
            }
            let want = Reference.resize2d(x, outputSize: (oh, ow), scales: scales, mode: .linear,
                                          coordinates: coordinates, nearest: .roundPreferFloor)
            expectClose(y, want, atol: 1e-6, "linear \(coordinates) \(target)")
            for nearest in Resize.NearestMode.allCases {
                let got = try Resize.resize2d(x, target, mode: .nearest, coordinates: coordinates, nearest: nearest)
                let want = Reference.resize2d(x, outputSize: (oh, ow), scales: scales, mode: .nearest,
                                              coordinates: coordinates, nearest: nearest)
                expectClose(got, want, atol: 0, "nearest \(nearest) \(coordinates) \(target)")
            }
        }
    }

    @Test func stridedInputThreadsAndNaN() throws {
        var rng = SplitMix64(seed: 22)
        var nhwc = rng.tensor([1, 5, 6, 3])
        nhwc[0, 2, 3, 1] = .nan
        let x = try nhwc.permuted([0, 3, 1, 2])   // NCHW view of NHWC data
        let got = try Resize.resize2d(x, .sizes(11, 13), mode: .linear, threading: Threading(threads: 2))
        let want = Reference.resize2d(x, outputSize: (11, 13), scales: (11.0 / 5, 13.0 / 6), mode: .linear,
                                      coordinates: .halfPixel, nearest: .roundPreferFloor)
        expectClose(got, want, atol: 1e-6, "NHWC view, 2 threads")
        #expect(got[0, 1, 6, 7].isNaN && !got[0, 0, 6, 7].isNaN)
    }

    @Test func rejectsBadArguments() {
        #expect(throws: KernelError.self) { try Resize.resize2d(Tensor(shape: [2, 3, 4]), .sizes(2, 2)) }
        #expect(throws: KernelError.self) { try Resize.resize2d(Tensor(shape: [1, 1, 4, 4]), .scales(0, 1)) }
        #expect(throws: KernelError.self) { try Resize.resize2d(Tensor(shape: [1, 1, 4, 4]), .scales(.nan, 1)) }
        #expect(throws: KernelError.self) { try Resize.resize2d(Tensor(shape: [1, 1, 0, 4]), .sizes(3, 3)) }
        #expect(throws: KernelError.self) { try Resize.resize2d(Tensor(shape: [1, 1, 4, 4]), .sizes(-1, 3)) }
        #expect((try? Resize.resize2d(Tensor(shape: [1, 1, 4, 4]), .scales(0.1, 1)))?.shape == [1, 1, 0, 4])
    }
}

@Suite struct GridSampleTests {
    @Test(arguments: GridSample.Padding.allCases)
    func matchesReference(_ padding: GridSample.Padding) throws {
        var rng = SplitMix64(seed: 23)
        let x = rng.tensor([2, 3, 7, 5])
        // Locations reach 30 % beyond the image on every side, so every padding rule is hit.
        var grid = rng.tensor([2, 9, 4, 2], -1.3, 1.3)
        grid[0, 0, 0, 0] = 1; grid[0, 0, 0, 1] = -1   // exact corners
        grid[1, 2, 3, 0] = 0; grid[1, 2, 3, 1] = 0
        for mode in GridSample.Mode.allCases {
            for align in [false, true] {
                let got = try GridSample.gridSample(x, grid: grid, mode: mode, padding: padding, alignCorners: align,
                                                    threading: Threading(threads: 2))
                let want = Reference.gridSample(x, grid: grid, mode: mode, padding: padding, alignCorners: align)
                expectClose(got, want, atol: mode == .nearest ? 0 : 1e-6, "\(mode) \(padding) align \(align)")
            }
        }
    }

    @Test func stridedOperandsAndSpecialValues() throws {
        var rng = SplitMix64(seed: 24)
        var nhwc = rng.tensor([1, 6, 7, 4])
        nhwc[0, 0, 0, 2] = .infinity   // corner pixel of channel 2: must not leak into zero-padded taps
        let x = try nhwc.permuted([0, 3, 1, 2])
        let grid = try rng.tensor([1, 2, 5, 3], -1.2, 1.2).permuted([0, 2, 1, 3]).sliced(axis: 3, 0, 3, step: 2)
        let got = try GridSample.gridSample(x, grid: grid)
        let want = Reference.gridSample(x, grid: grid, mode: .linear, padding: .zeros, alignCorners: false)
        expectClose(got, want, atol: 1e-6, "strided")
        var nanGrid = Tensor(shape: [1, 1, 2, 2])
        nanGrid[0, 0, 0, 0] = .nan
        let y = try GridSample.gridSample(Tensor(shape: [1, 2, 3, 3], repeating: 1), grid: nanGrid)
        #expect(y[0, 1, 0, 0].isNaN && y[0, 1, 0, 1] == 1)
    }

    @Test func rejectsBadShapes() {
        #expect(throws: KernelError.self) { try GridSample.gridSample(Tensor(shape: [1, 1, 3, 3]), grid: Tensor(shape: [1, 2, 2, 3])) }
        #expect(throws: KernelError.self) { try GridSample.gridSample(Tensor(shape: [2, 1, 3, 3]), grid: Tensor(shape: [1, 2, 2, 2])) }
        #expect(throws: KernelError.self) { try GridSample.gridSample(Tensor(shape: [1, 1, 0, 3]), grid: Tensor(shape: [1, 2, 2, 2])) }
    }
}
