import Foundation

/// ONNX GridSample for 4-D inputs: samples X [N, C, H, W] at the normalised (x, y) locations of
/// grid [N, Ho, Wo, 2] (−1 … 1 spans the image), giving [N, C, Ho, Wo]. All channels share a
/// location, so each output row's taps (four clamped indices and weights, zero weights for
/// taps outside the image) are computed once and then applied to every channel.
public enum GridSample {
    /// Interpolation (ONNX `mode`; "bilinear" is opset 16's name for linear; cubic is not implemented).
    public enum Mode: String, Sendable, CaseIterable { case nearest, linear }
    /// What lies outside the image (ONNX `padding_mode`).
    public enum Padding: String, Sendable, CaseIterable { case zeros, border, reflection }

    /// Samples `x` at `grid` (any strides for both).
    public static func gridSample(_ x: Tensor, grid: Tensor, mode: Mode = .linear, padding: Padding = .zeros,
                                  alignCorners: Bool = false, threading: Threading = .all) throws -> Tensor {
        var out = Tensor(shape: try outputShape(x, grid: grid))
        try out.withUnsafeMutableBase {
            try gridSample(x, grid: grid, mode: mode, padding: padding, alignCorners: alignCorners, into: $0, threading: threading)
        }
        return out
    }

    /// The output shape [N, C, Ho, Wo]; throws what `gridSample` would.
    public static func outputShape(_ x: Tensor, grid: Tensor) throws -> [Int] {
        guard x.rank == 4, grid.rank == 4, grid.shape[3] == 2, grid.shape[0] == x.shape[0] else {
            throw KernelError("gridsample", "input \(x.shape) and grid \(grid.shape) must be [N,C,H,W] and [N,Ho,Wo,2]")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (grid.shape[1], grid.shape[2])
        guard h > 0 && w > 0 || oh * ow == 0 || c == 0 else {
            throw KernelError("gridsample", "cannot sample an empty image \(x.shape)")
        }
        return [n, c, oh, ow]
    }

    /// `gridSample` into a caller's contiguous buffer of `outputShape(x, grid:)` elements.
    public static func gridSample(_ x: Tensor, grid: Tensor, mode: Mode = .linear, padding: Padding = .zeros,
                                  alignCorners: Bool = false, into po: UnsafeMutablePointer<Float>,
                                  threading: Threading = .all) throws {
        let shape = try outputShape(x, grid: grid)
        let (n, c, h, w, oh, ow) = (shape[0], shape[1], x.shape[2], x.shape[3], shape[2], shape[3])
        if n * c * oh * ow == 0 { return }
        let input = x.contiguous(), g = grid.contiguous()
        input.withUnsafeBase { px in g.withUnsafeBase { pg in
            threading.forRanges(n * oh, grain: max(1, 8192 / max(1, ow * c))) { rows in
                // Four taps per output pixel: offsets into a plane and weights (0 outside).
                var offsets = [Int](repeating: 0, count: 4 * ow)
                var weights = [Float](repeating: 0, count: 4 * ow)
                // Samples whose four taps are the plain 2×2 block at offset o (the common case
                // inside the image): read with o, o+1, o+w, o+w+1 and no selects.
                var plain = [Bool](repeating: false, count: ow)
                for row in rows {
                    let (b, oy) = (row / oh, row % oh)
                    let gr = pg + (b * oh + oy) * ow * 2
                    offsets.withUnsafeMutableBufferPointer { off in weights.withUnsafeMutableBufferPointer { wt in plain.withUnsafeMutableBufferPointer { fast in
                        for ox in 0..<ow {
                            Self.taps(x: Double(gr[2 * ox]), y: Double(gr[2 * ox + 1]), w: w, h: h, mode: mode,
                                      padding: padding, alignCorners: alignCorners,
                                      off.baseAddress! + 4 * ox, wt.baseAddress! + 4 * ox)
                        }
                        for ox in 0..<ow {
                            let k = 4 * ox, o = off[k]
                            fast[ox] = o >= 0 && off[k + 1] == o + 1 && off[k + 2] == o + w && off[k + 3] == o + w + 1
                        }
                        for ch in 0..<c {
                            let src = px + (b * c + ch) * h * w, dst = po + ((b * c + ch) * oh + oy) * ow
                            // A tap outside the image (offset −1) reads 0, never a pixel times a
                            // zero weight (which would turn an Inf pixel into NaN). Branch-free:
                            // load pixel 0 for it, then select 0 (random grids defeat branch
                            // prediction; a branch per tap measured ~2× slower).
                            @inline(__always) func at(_ o: Int) -> Float {
                                let v = src[o & ~(o >> 63)]
                                return o >= 0 ? v : 0
                            }
                            if mode == .nearest {   // one tap, weight 1 (or NaN for a NaN location)
                                for ox in 0..<ow { dst[ox] = wt[4 * ox] * at(off[4 * ox]) }
                                continue
                            }
                            for ox in 0..<ow {
                                let k = 4 * ox
                                if fast[ox] {
                                    let o = off[k]
                                    dst[ox] = wt[k] * src[o] + wt[k + 1] * src[o + 1] + wt[k + 2] * src[o + w] + wt[k + 3] * src[o + w + 1]
                                    continue
                                }
                                dst[ox] = wt[k] * at(off[k]) + wt[k + 1] * at(off[k + 1])
                                    + wt[k + 2] * at(off[k + 2]) + wt[k + 3] * at(off[k + 3])
                            }
                        }
                    } } }
                }
            }
        } }
    }

    /// Pixel coordinate of a normalised one (ONNX's denormalisation).
    static func denormalize(_ v: Double, _ length: Int, _ alignCorners: Bool) -> Double {
        alignCorners ? (v + 1) / 2 * Double(length - 1) : ((v + 1) * Double(length) - 1) / 2
    }

    /// Reflects `v` into [lo, hi] by its nearer border until it lies inside (ONNX's rule).
    static func reflect(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
        let range = hi - lo
        if range <= 0 { return lo }
        if v < lo {
            let d = lo - v, k = (d / range).rounded(.towardZero), r = d - k * range
            return Int(k) % 2 == 0 ? lo + r : hi - r
        }
        if v > hi {
            let d = v - hi, k = (d / range).rounded(.towardZero), r = d - k * range
            return Int(k) % 2 == 0 ? hi - r : lo + r
        }
        return v
    }

    /// Writes the four (plane offset, weight) taps of one sample to `offsets`/`weights`. Taps
    /// outside the image get offset −1 and weight 0 under zeros padding; border and reflection
    /// move them inside as ONNX does. Nearest mode uses the first tap only.
    static func taps(x gx: Double, y gy: Double, w: Int, h: Int, mode: Mode, padding: Padding, alignCorners: Bool,
                     _ offsets: UnsafeMutablePointer<Int>, _ weights: UnsafeMutablePointer<Float>) {
        for k in 0..<4 { offsets[k] = -1; weights[k] = 0 }
        var x = denormalize(gx, w, alignCorners), y = denormalize(gy, h, alignCorners)
        // A NaN coordinate samples NaN.
        if x.isNaN || y.isNaN { offsets[0] = 0; weights[0] = .nan; return }
        if mode == .nearest { x = x.rounded(.toNearestOrEven); y = y.rounded(.toNearestOrEven) }
        let (xlo, xhi) = alignCorners ? (0.0, Double(w - 1)) : (-0.5, Double(w) - 0.5)
        let (ylo, yhi) = alignCorners ? (0.0, Double(h - 1)) : (-0.5, Double(h) - 0.5)
        // Far-away coordinates (±Inf included) behave like any point beyond the border.
        x = Swift.max(-1e9, Swift.min(1e9, x)); y = Swift.max(-1e9, Swift.min(1e9, y))
        if x < xlo || x > xhi {
            if padding == .border { x = Swift.min(Swift.max(x, 0), Double(w - 1)) }
            if padding == .reflection { x = reflect(x, xlo, xhi) }
        }
        if y < ylo || y > yhi {
            if padding == .border { y = Swift.min(Swift.max(y, 0), Double(h - 1)) }
            if padding == .reflection { y = reflect(y, ylo, yhi) }
        }
        // Index of a tap after padding; −1 means "reads zero".
        func index(_ i: Int, _ extent: Int, _ lo: Double, _ hi: Double) -> Int {
            switch padding {
            case .zeros: return i >= 0 && i < extent ? i : -1
            case .border: return Swift.min(Swift.max(i, 0), extent - 1)
            case .reflection: return Swift.min(Swift.max(Int(reflect(Double(i), lo, hi)), 0), extent - 1)
            }
        }
        if mode == .nearest {
            let ix = index(Int(x), w, xlo, xhi), iy = index(Int(y), h, ylo, yhi)
            if ix >= 0 && iy >= 0 { offsets[0] = iy * w + ix; weights[0] = 1 }
            return
        }
        let x0 = x.rounded(.down), y0 = y.rounded(.down)
        let tx = Float(x - x0), ty = Float(y - y0)
        let xs = (index(Int(x0), w, xlo, xhi), index(Int(x0) + 1, w, xlo, xhi))
        let ys = (index(Int(y0), h, ylo, yhi), index(Int(y0) + 1, h, ylo, yhi))
        func set(_ k: Int, _ iy: Int, _ ix: Int, _ weight: Float) {
            if iy >= 0 && ix >= 0 { offsets[k] = iy * w + ix; weights[k] = weight }
        }
        set(0, ys.0, xs.0, (1 - ty) * (1 - tx)); set(1, ys.0, xs.1, (1 - ty) * tx)
        set(2, ys.1, xs.0, ty * (1 - tx)); set(3, ys.1, xs.1, ty * tx)
    }
}
