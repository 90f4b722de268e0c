/// 2-D pooling over NCHW planes (ONNX MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool).
public enum Pooling {
    /// Which reduction a pooling window applies.
    public enum Kind: String, Sendable { case max, average }

    /// Windowed pooling (floor output size, or ceil with `ceilMode`). `params.groups` is ignored. Average pooling
    /// divides by the window area inside the image unless `countIncludePad` (ONNX
    /// count_include_pad). Max pooling propagates NaN from any window element.
    public static func pool2d(_ x: Tensor, kind: Kind, kernel: (Int, Int), params p: Conv2dParams = .init(),
                              countIncludePad: Bool = false, ceilMode: Bool = false,
                              threading: Threading = .all) throws -> Tensor {
        try p.validate("pool2d")
        guard x.rank == 4, kernel.0 > 0, kernel.1 > 0 else {
            throw KernelError("pool2d", "input \(x.shape) must be rank 4 with a positive kernel")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw) = kernel
        guard let oh = Conv2dParams.outputExtent(h, kernel: kh, stride: p.strideH, padBefore: p.padTop, padAfter: p.padBottom, dilation: p.dilationH, ceil: ceilMode),
              let ow = Conv2dParams.outputExtent(w, kernel: kw, stride: p.strideW, padBefore: p.padLeft, padAfter: p.padRight, dilation: p.dilationW, ceil: ceilMode) else {
            throw KernelError("pool2d", "kernel \(kh)x\(kw) with \(p) does not fit input \(h)x\(w)")
        }
        let input = x.contiguous()
        var out = Tensor(shape: [n, c, oh, ow])
        if out.count == 0 { return out }
        input.withUnsafeBase { px in
            out.withUnsafeMutableBase { po in
                // Valid kernel taps per output row and column, computed once as ranges: the
                // inner loops then run without bounds checks or per-element branches.
                let (sh, sw, dh, dw) = (p.strideH, p.strideW, p.dilationH, p.dilationW)
                func taps(_ o: Int, _ stride: Int, _ pad: Int, _ dilation: Int, _ k: Int, _ extent: Int) -> (Int, Int) {
                    let start = o * stride - pad
                    var lo = 0, hi = k
                    while lo < k && start + lo * dilation < 0 { lo += 1 }
                    while hi > lo && start + (hi - 1) * dilation >= extent { hi -= 1 }
                    return (lo, hi)
                }
                let rowTaps = (0..<oh).map { taps($0, sh, p.padTop, dh, kh, h) }
                let columnTaps = (0..<ow).map { taps($0, sw, p.padLeft, dw, kw, w) }
                let divisors: [Float] = (0..<(oh * ow)).map { i in
                    let (oy, ox) = (i / ow, i % ow)
                    if countIncludePad { return Float(max(1, windowArea(oy, ox, kh, kw, h, w, p))) }
                    let (r, c) = (rowTaps[oy], columnTaps[ox])
                    return Float(max(1, (r.1 - r.0) * (c.1 - c.0)))
                }
                let isMax = kind == .max
                // Output columns valid for each kx: the loops run tap-outer, pixel-inner, so the
                // inner loop has independent iterations (no loop-carried max/sum chain).
                let columnRanges = (0..<kw).map { kx -> (Int, Int) in
                    let shift = kx * dw - p.padLeft
                    let lo = shift >= 0 ? 0 : (-shift + sw - 1) / sw
                    let hi = min(ow, w - shift <= 0 ? 0 : (w - shift - 1) / sw + 1)
                    return (lo, max(lo, hi))
                }
                rowTaps.withUnsafeBufferPointer { rt in columnRanges.withUnsafeBufferPointer { cr in divisors.withUnsafeBufferPointer { dv in
                threading.forRanges(n * c, grain: max(1, 4096 / max(1, oh * ow))) { planes in
                    for plane in planes {
                        let src = px + plane * h * w, dst = po + plane * oh * ow
                        for oy in 0..<oh {
                            let o = dst + oy * ow
                            for ox in 0..<ow { o[ox] = isMax ? -.infinity : 0 }
                            let (kyLo, kyHi) = rt[oy]
                            for ky in kyLo..<kyHi {
                                let row = src + (oy * sh - p.padTop + ky * dh) * w
                                for kx in 0..<kw {
                                    let (lo, hi) = cr[kx]
                                    let r = row + kx * dw - p.padLeft
                                    var ox = lo
                                    // Unit and stride-2 windows (all of ResNet's) run a vector of
                                    // outputs at a time; stride 2 de-interleaves a double load.
                                    if sw <= 2 {
                                        let vw = Vec.scalarCount
                                        // The stride-2 load also reads the odd element after the
                                        // last one used: stop the vector loop before that leaves the row.
                                        let shift = kx * dw - p.padLeft
                                        while ox + vw <= hi && (sw == 1 || shift + 2 * (ox + vw) - 1 < w) {
                                            let v = sw == 1 ? Vec.load(r + ox)
                                                : UnsafeRawPointer(r + 2 * ox).loadUnaligned(as: VecPair.self).evenHalf
                                            let current = Vec.load(o + ox)
                                            let merged = isMax ? current.replacing(with: v, where: (v .> current) .| (v .!= v)) : current + v
                                            merged.store(to: o + ox)
                                            ox += vw
                                        }
                                        // Max is idempotent: finish with one vector overlapping the
                                        // last one instead of a scalar tail.
                                        let last = hi - vw
                                        if isMax && ox < hi && last >= lo && (sw == 1 || shift + 2 * hi - 1 < w) {
                                            let v = sw == 1 ? Vec.load(r + last)
                                                : UnsafeRawPointer(r + 2 * last).loadUnaligned(as: VecPair.self).evenHalf
                                            let current = Vec.load(o + last)
                                            current.replacing(with: v, where: (v .> current) .| (v .!= v)).store(to: o + last)
                                            ox = hi
                                        }
                                    }
                                    if isMax {
                                        while ox < hi { let v = r[ox * sw]; o[ox] = (v > o[ox] || v.isNaN) ? v : o[ox]; ox += 1 }
                                    } else {
                                        while ox < hi { o[ox] += r[ox * sw]; ox += 1 }
                                    }
                                }
                            }
                            if !isMax { for ox in 0..<ow { o[ox] /= dv[oy * ow + ox] } }
                        }
                    }
                }
                } } }
            }
        }
        return out
    }

    /// Window cells inside the padded image (ONNX: padding counts, overhang past it does not).
    static func windowArea(_ oy: Int, _ ox: Int, _ kh: Int, _ kw: Int, _ h: Int, _ w: Int, _ p: Conv2dParams) -> Int {
        var cells = 0
        for ky in 0..<kh {
            let iy = oy * p.strideH - p.padTop + ky * p.dilationH
            if iy < -p.padTop || iy >= h + p.padBottom { continue }
            for kx in 0..<kw {
                let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                if ix >= -p.padLeft && ix < w + p.padRight { cells += 1 }
            }
        }
        return cells
    }

    /// Global pooling: [N, C, H, W] → [N, C, 1, 1].
    public static func global(_ x: Tensor, kind: Kind, threading: Threading = .all) throws -> Tensor {
        guard x.rank == 4 else { throw KernelError("global-pool", "input \(x.shape) must be rank 4") }
        let reduced = try Reduction.reduce(x, kind == .max ? .max : .mean, axes: [2, 3], keepDims: true, threading: threading)
        return reduced
    }
}
