/// 2-D pooling over NCHW planes (ONNX MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool).
public enum Pooling {
    public enum Kind: String, Sendable { case max, average }

    /// Windowed pooling, floor output mode. `params.groups` is ignored. Average pooling
    /// divides by the window area inside the image unless `countIncludePad` (ONNX
    /// count_include_pad). Max pooling propagates NaN from any window element.
    public static func pool2d(_ x: Tensor, kind: Kind, kernel: (Int, Int), params p: Conv2dParams = .init(),
                              countIncludePad: Bool = false, threading: Threading = .all) throws -> Tensor {
        try p.validate("pool2d")
        guard x.rank == 4, kernel.0 > 0, kernel.1 > 0 else {
            throw KernelError("pool2d", "input \(x.shape) must be rank 4 with a positive kernel")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw) = kernel
        guard let oh = Conv2dParams.outputExtent(h, kernel: kh, stride: p.strideH, padBefore: p.padTop, padAfter: p.padBottom, dilation: p.dilationH),
              let ow = Conv2dParams.outputExtent(w, kernel: kw, stride: p.strideW, padBefore: p.padLeft, padAfter: p.padRight, dilation: p.dilationW) else {
            throw KernelError("pool2d", "kernel \(kh)x\(kw) with \(p) does not fit input \(h)x\(w)")
        }
        let input = x.contiguous()
        var out = Tensor(shape: [n, c, oh, ow])
        if out.count == 0 { return out }
        input.withUnsafeBase { px in
            out.withUnsafeMutableBase { po in
                threading.forRanges(n * c, grain: max(1, 4096 / max(1, oh * ow))) { planes in
                    for plane in planes {
                        let src = px + plane * h * w, dst = po + plane * oh * ow
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                var acc: Float = kind == .max ? -.infinity : 0
                                var inside = 0
                                for ky in 0..<kh {
                                    let iy = oy * p.strideH - p.padTop + ky * p.dilationH
                                    if iy < 0 || iy >= h { continue }
                                    for kx in 0..<kw {
                                        let ix = ox * p.strideW - p.padLeft + kx * p.dilationW
                                        if ix < 0 || ix >= w { continue }
                                        let v = src[iy * w + ix]
                                        if kind == .max { if v > acc || v.isNaN { acc = v } } else { acc += v }
                                        inside += 1
                                    }
                                }
                                if kind == .average {
                                    let area = countIncludePad ? windowArea(oy, ox, kh, kw, h, w, p) : inside
                                    acc /= Float(max(1, area))
                                }
                                dst[oy * ow + ox] = acc
                            }
                        }
                    }
                }
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
