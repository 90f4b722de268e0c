import GraphIR

/// Window geometry of a 1-D or 2-D convolution or pooling node, with 1-D lifted to 2-D.
struct Window {
    var kh, kw, sh, sw, dh, dw, ph0, pw0, ph1, pw1: Int
    var ih, iw, oh, ow: Int

    init(node: Node, input: [Int], kernel: [Int]) throws {
        let k = kernel.count
        guard k == 1 || k == 2, input.count == k + 2 else {
            throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "\(k)-D windows")
        }
        let strides = node.ints("strides") ?? Array(repeating: 1, count: k)
        let dil = node.ints("dilations") ?? Array(repeating: 1, count: k)
        var pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * k)
        let spatial = Array(input.dropFirst(2))
        let autoPad = node.string("auto_pad", "NOTSET")
        if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            for d in 0..<k {
                let out = (spatial[d] + strides[d] - 1) / strides[d]
                let total = max(0, (out - 1) * strides[d] + (kernel[d] - 1) * dil[d] + 1 - spatial[d])
                let small = total / 2, big = total - small
                pads[d] = autoPad == "SAME_UPPER" ? small : big
                pads[d + k] = autoPad == "SAME_UPPER" ? big : small
            }
        } else if autoPad == "VALID" {
            pads = Array(repeating: 0, count: 2 * k)
        }
        let ceil = node.int("ceil_mode", 0) != 0
        func outExtent(_ d: Int) -> Int {
            let span = spatial[d] + pads[d] + pads[d + k] - dil[d] * (kernel[d] - 1) - 1
            var o = (ceil ? (span + strides[d] - 1) / strides[d] : span / strides[d]) + 1
            if ceil, (o - 1) * strides[d] >= spatial[d] + pads[d] { o -= 1 }
            return o
        }
        if k == 1 {
            (kh, sh, dh, ph0, ph1, ih, oh) = (1, 1, 1, 0, 0, 1, 1)
            (kw, sw, dw, pw0, pw1, iw) = (kernel[0], strides[0], dil[0], pads[0], pads[1], spatial[0])
            ow = outExtent(0)
        } else {
            (kh, kw, sh, sw, dh, dw) = (kernel[0], kernel[1], strides[0], strides[1], dil[0], dil[1])
            (ph0, pw0, ph1, pw1, ih, iw) = (pads[0], pads[1], pads[2], pads[3], spatial[0], spatial[1])
            oh = outExtent(0); ow = outExtent(1)
        }
        guard oh > 0, ow > 0 else { throw InterpreterError.badInput(node: node.name, detail: "window larger than input") }
    }

    func outShape(_ n: Int, _ c: Int, rank: Int) -> [Int] { rank == 3 ? [n, c, ow] : [n, c, oh, ow] }
}

enum ConvPool {
    /// Direct convolution (groups, strides, dilations, pads) with optional bias.
    static func conv(_ node: Node, x: Tensor, w: Tensor, bias: Tensor?) throws -> Tensor {
        guard x.shape.count == w.shape.count, x.shape.count >= 3 else {
            throw InterpreterError.badInput(node: node.name, detail: "weight rank does not match input")
        }
        let kernel = Array(w.shape.dropFirst(2))
        let g = node.int("group", 1)
        let win = try Window(node: node, input: x.shape, kernel: kernel)
        let n = x.shape[0], c = x.shape[1], m = w.shape[0], cg = w.shape[1]
        guard g > 0, c == cg * g, m % g == 0 else { throw InterpreterError.badInput(node: node.name, detail: "channel/group mismatch") }
        let mg = m / g
        var out = [Float](repeating: 0, count: n * m * win.oh * win.ow)
        let xf = x.floats, wf = w.floats
        let bf = bias?.floats
        let plane = win.oh * win.ow, inPlane = win.ih * win.iw, kArea = win.kh * win.kw
        xf.withUnsafeBufferPointer { xp in
        wf.withUnsafeBufferPointer { wp in
        out.withUnsafeMutableBufferPointer { op in
            for b in 0..<n {
                for oc in 0..<m {
                    let grp = oc / mg
                    let o = op.baseAddress! + (b * m + oc) * plane
                    if let bf { let v = bf[oc]; for k in 0..<plane { o[k] = v } }
                    for icg in 0..<cg {
                        let ic = grp * cg + icg
                        let xin = xp.baseAddress! + (b * c + ic) * inPlane
                        let wk = wp.baseAddress! + (oc * cg + icg) * kArea
                        for ky in 0..<win.kh {
                            for kx in 0..<win.kw {
                                let wv = wk[ky * win.kw + kx]
                                if wv == 0 { continue }
                                // Output columns whose input column lies inside the image.
                                let offX = kx * win.dw - win.pw0
                                var x0 = 0
                                while x0 < win.ow && x0 * win.sw + offX < 0 { x0 += 1 }
                                var x1 = win.ow
                                while x1 > x0 && (x1 - 1) * win.sw + offX >= win.iw { x1 -= 1 }
                                for oy in 0..<win.oh {
                                    let iy = oy * win.sh + ky * win.dh - win.ph0
                                    if iy < 0 || iy >= win.ih { continue }
                                    let row = xin + iy * win.iw + offX
                                    let orow = o + oy * win.ow
                                    if win.sw == 1 {
                                        for ox in x0..<x1 { orow[ox] += wv * row[ox] }
                                    } else {
                                        for ox in x0..<x1 { orow[ox] += wv * row[ox * win.sw] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        }
        return Tensor(dtype: x.dtype, shape: win.outShape(n, m, rank: x.shape.count), f: out)
    }

    /// MaxPool and AveragePool.
    static func pool(_ node: Node, x: Tensor, max isMax: Bool) throws -> Tensor {
        guard let kernel = node.ints("kernel_shape") else { throw InterpreterError.badInput(node: node.name, detail: "no kernel_shape") }
        let win = try Window(node: node, input: x.shape, kernel: kernel)
        let n = x.shape[0], c = x.shape[1]
        let includePad = node.int("count_include_pad", 0) != 0
        var out = [Float](repeating: 0, count: n * c * win.oh * win.ow)
        let xf = x.floats
        xf.withUnsafeBufferPointer { xp in
            for p in 0..<(n * c) {
                let xin = xp.baseAddress! + p * win.ih * win.iw
                for oy in 0..<win.oh {
                    for ox in 0..<win.ow {
                        var acc: Float = isMax ? -.infinity : 0
                        var cnt = 0
                        for ky in 0..<win.kh {
                            let iy = oy * win.sh + ky * win.dh - win.ph0
                            for kx in 0..<win.kw {
                                let ix = ox * win.sw + kx * win.dw - win.pw0
                                if iy < 0 || iy >= win.ih || ix < 0 || ix >= win.iw {
                                    // Padding counts only when asked, and only inside the padded extent.
                                    if includePad && iy < win.ih + win.ph1 && ix < win.iw + win.pw1 { cnt += 1 }
                                    continue
                                }
                                let v = xin[iy * win.iw + ix]
                                if isMax { acc = Swift.max(acc, v) } else { acc += v }
                                cnt += 1
                            }
                        }
                        out[(p * win.oh + oy) * win.ow + ox] = isMax ? acc : acc / Float(Swift.max(cnt, 1))
                    }
                }
            }
        }
        return Tensor(dtype: x.dtype, shape: win.outShape(n, c, rank: x.shape.count), f: out)
    }

    static func globalPool(_ x: Tensor, max isMax: Bool) -> Tensor {
        let n = x.shape[0], c = x.shape[1]
        let area = x.shape.dropFirst(2).reduce(1, *)
        let xf = x.floats
        var out = [Float](repeating: 0, count: n * c)
        for p in 0..<(n * c) {
            var acc: Float = isMax ? -.infinity : 0
            for k in 0..<area { let v = xf[p * area + k]; acc = isMax ? max(acc, v) : acc + v }
            out[p] = isMax ? acc : acc / Float(area)
        }
        return Tensor(dtype: x.dtype, shape: [n, c] + Array(repeating: 1, count: x.shape.count - 2), f: out)
    }
}
