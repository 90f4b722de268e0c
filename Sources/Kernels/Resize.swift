import Foundation

/// ONNX Resize over the two spatial axes of an NCHW tensor: nearest (four rounding rules) and
/// linear (bilinear), with the ONNX coordinate transformations. Resizing is separable, so each
/// output column and row gets its two source indices and weights once (`AxisTaps`), and every
/// plane reuses them; bilinear interpolates each needed input row along W once, then blends
/// row pairs with vector code. Planes are split across threads.
public enum Resize {
    /// Interpolation (ONNX `mode`; cubic is not implemented).
    public enum Mode: String, Sendable, CaseIterable { case nearest, linear }

    /// How an output index maps to an input coordinate (ONNX `coordinate_transformation_mode`,
    /// all but tf_crop_and_resize).
    public enum CoordinateTransform: String, Sendable, CaseIterable {
        case halfPixel = "half_pixel", halfPixelSymmetric = "half_pixel_symmetric",
             pytorchHalfPixel = "pytorch_half_pixel", alignCorners = "align_corners", asymmetric
    }

    /// Which input index a fractional coordinate picks in nearest mode (ONNX `nearest_mode`).
    public enum NearestMode: String, Sendable, CaseIterable {
        case roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil
    }

    /// The output extent: explicit sizes (scale = output / input), or scales (output =
    /// floor(input · scale)), height first.
    public enum Target: Sendable {
        case sizes(Int, Int)
        case scales(Double, Double)
        /// Both fixed, as ONNX's keep_aspect_ratio_policy yields (one scale, rounded sizes).
        case sizesAndScales(Int, Int, Double, Double)
    }

    /// Resizes the H and W axes of `x` ([N, C, H, W], any strides) to `target`.
    public static func resize2d(_ x: Tensor, _ target: Target, mode: Mode = .nearest,
                                coordinates: CoordinateTransform = .halfPixel,
                                nearest: NearestMode = .roundPreferFloor,
                                threading: Threading = .all) throws -> Tensor {
        let (oh, ow, _, _) = try geometry(x, target)
        var out = Tensor(shape: [x.shape[0], x.shape[1], oh, ow])
        try out.withUnsafeMutableBase { try resize2d(x, target, mode: mode, coordinates: coordinates, nearest: nearest,
                                                     into: $0, threading: threading) }
        return out
    }

    /// The output extent of resizing `x` to `target` ([N, C, oh, ow]); throws what `resize2d` would.
    public static func outputShape(_ x: Tensor, _ target: Target) throws -> [Int] {
        let (oh, ow, _, _) = try geometry(x, target)
        return [x.shape[0], x.shape[1], oh, ow]
    }

    /// Output extents and the scales the coordinate transformation uses.
    static func geometry(_ x: Tensor, _ target: Target) throws -> (Int, Int, Double, Double) {
        guard x.rank == 4 else { throw KernelError("resize", "input \(x.shape) must be rank 4 (NCHW)") }
        let (h, w) = (x.shape[2], x.shape[3])
        let (oh, ow, sh, sw): (Int, Int, Double, Double)
        switch target {
        case let .sizes(th, tw):
            guard th >= 0, tw >= 0, h > 0 || th == 0, w > 0 || tw == 0 else {
                throw KernelError("resize", "cannot resize \(x.shape) to \(th)x\(tw)")
            }
            (oh, ow) = (th, tw)
            (sh, sw) = (h > 0 ? Double(th) / Double(h) : 1, w > 0 ? Double(tw) / Double(w) : 1)
        case let .sizesAndScales(th, tw, ys, xs):
            guard th >= 0, tw >= 0, h > 0 || th == 0, w > 0 || tw == 0, ys > 0, xs > 0, ys.isFinite, xs.isFinite else {
                throw KernelError("resize", "cannot resize \(x.shape) to \(th)x\(tw) at scales \(ys), \(xs)")
            }
            (oh, ow, sh, sw) = (th, tw, ys, xs)
        case let .scales(ys, xs):
            guard ys > 0, xs > 0, ys.isFinite, xs.isFinite, Double(h) * ys < 1e9, Double(w) * xs < 1e9 else {
                throw KernelError("resize", "scales \(ys), \(xs) must be positive and finite")
            }
            (oh, ow) = (Int((Double(h) * ys).rounded(.down)), Int((Double(w) * xs).rounded(.down)))
            (sh, sw) = (ys, xs)
        }
        return (oh, ow, sh, sw)
    }

    /// `resize2d` into a caller's contiguous buffer of `outputShape(x, target)` elements (no
    /// allocation per call: a fresh large output costs page faults and zero-filling).
    public static func resize2d(_ x: Tensor, _ target: Target, mode: Mode = .nearest,
                                coordinates: CoordinateTransform = .halfPixel,
                                nearest: NearestMode = .roundPreferFloor,
                                into po: UnsafeMutablePointer<Float>, threading: Threading = .all) throws {
        let (oh, ow, sh, sw) = try geometry(x, target)
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        if n * c * oh * ow == 0 { return }
        let rows = AxisTaps(input: h, output: oh, scale: sh, mode: mode, coordinates: coordinates, nearest: nearest)
        let columns = AxisTaps(input: w, output: ow, scale: sw, mode: mode, coordinates: coordinates, nearest: nearest)
        let input = x.contiguous()
        input.withUnsafeBase { px in
            rows.withPointers { ry0, ry1, rw1 in columns.withPointers { cx0, cx1, cw1 in
                threading.forRanges(n * c, grain: max(1, 16384 / max(1, oh * ow))) { planes in
                    // Linear: separable. Each needed input row is interpolated along W once into
                    // one of two row buffers (an upsampled row pair reuses them), then output
                    // rows are vector blends of two buffered rows.
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: mode == .linear ? 2 * ow : 0) { rowBuffers in
                        for plane in planes {
                            let src = px + plane * h * w, dst = po + plane * oh * ow
                            if mode == .nearest {
                                for oy in 0..<oh {
                                    let o = dst + oy * ow
                                    if oy > 0 && ry0[oy] == ry0[oy - 1] { o.update(from: o - ow, count: ow); continue }
                                    let r = src + ry0[oy] * w
                                    for ox in 0..<ow { o[ox] = r[cx0[ox]] }
                                }
                                continue
                            }
                            let buffers = (rowBuffers.baseAddress!, rowBuffers.baseAddress! + ow)
                            var held = (-1, -1)
                            func row(_ y: Int, keeping other: Int) -> UnsafeMutablePointer<Float> {
                                if held.0 == y { return buffers.0 }
                                if held.1 == y { return buffers.1 }
                                let useFirst = held.0 != other
                                let b = useFirst ? buffers.0 : buffers.1
                                if useFirst { held.0 = y } else { held.1 = y }
                                let r = src + y * w
                                for ox in 0..<ow {
                                    let (i, j, t) = (cx0[ox], cx1[ox], cw1[ox])
                                    b[ox] = r[i] + t * (r[j] - r[i])
                                }
                                return b
                            }
                            for oy in 0..<oh {
                                let (y0, y1) = (ry0[oy], ry1[oy])
                                let top = row(y0, keeping: y1), bottom = row(y1, keeping: y0)
                                let t = rw1[oy], o = dst + oy * ow
                                for ox in 0..<ow { o[ox] = top[ox] + t * (bottom[ox] - top[ox]) }
                            }
                        }
                    }
                }
            } }
        }
    }

    /// The input index nearest mode picks for input coordinate `x` (ONNX `nearest_mode`),
    /// clamped to [0, extent − 1] as ONNX pads by replication. Shared with `Reference` and
    /// the graph interpreter.
    public static func nearestIndex(_ x: Double, _ mode: NearestMode, extent: Int) -> Int {
        let base = x.rounded(.down), fraction = x - base
        let up: Bool
        switch mode {
        case .roundPreferFloor: up = fraction > 0.5
        case .roundPreferCeil: up = fraction >= 0.5
        case .floor: up = false
        case .ceil: up = fraction > 0
        }
        let index = Int(Swift.max(-1, Swift.min(base, Double(extent)))) + (up ? 1 : 0)
        return Swift.min(Swift.max(index, 0), extent - 1)
    }

    /// The input coordinate of output index `i` along an axis (ONNX's formulas, in Double):
    /// the one definition, used by the kernel, `Reference` and the graph interpreter.
    public static func sourceCoordinate(_ i: Int, input: Int, output: Int, scale: Double,
                                 _ transform: CoordinateTransform) -> Double {
        let y = Double(i)
        switch transform {
        case .halfPixel: return (y + 0.5) / scale - 0.5
        case .halfPixelSymmetric:
            let adjustment = Double(output) / (scale * Double(input))
            let offset = Double(input) / 2 * (1 - adjustment)
            return offset + (y + 0.5) / scale - 0.5
        case .pytorchHalfPixel: return scale * Double(input) == 1 ? -0.5 : (y + 0.5) / scale - 0.5
        case .alignCorners:   // ONNX divides by the unrounded resized length, input · scale
            let resized = scale * Double(input)
            return resized == 1 ? 0 : y * Double(input - 1) / (resized - 1)
        case .asymmetric: return y / scale
        }
    }
}

/// Per output index along one axis: the two input indices (clamped to the edge, as ONNX pads
/// by replication) and the weight of the second; nearest mode uses only the first.
struct AxisTaps {
    var first: [Int], second: [Int], weight: [Float]

    init(input: Int, output: Int, scale: Double, mode: Resize.Mode,
         coordinates: Resize.CoordinateTransform, nearest: Resize.NearestMode) {
        first = []; second = []; weight = []
        first.reserveCapacity(output)
        for i in 0..<output {
            let x = Resize.sourceCoordinate(i, input: input, output: output, scale: scale, coordinates)
            let clamp = { (v: Int) in Swift.min(Swift.max(v, 0), input - 1) }
            if mode == .nearest {
                let picked = Resize.nearestIndex(x, nearest, extent: input)
                first.append(picked); second.append(picked); weight.append(0)
                continue
            }
            let base = x.rounded(.down)
            let lo = Int(Swift.max(-1, Swift.min(base, Double(input))))
            first.append(clamp(lo))
            second.append(clamp(lo + 1))
            weight.append(Float(x - base))
        }
    }

    func withPointers<R>(_ body: (UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Float>) -> R) -> R {
        first.withUnsafeBufferPointer { a in second.withUnsafeBufferPointer { b in weight.withUnsafeBufferPointer { w in
            body(a.baseAddress!, b.baseAddress!, w.baseAddress!)
        } } }
    }
}
