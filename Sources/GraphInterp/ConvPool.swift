import GraphIR
import Kernels

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
        var extents: [Int] = []
        for d in 0..<k {
            guard let e = ShapeRules.windowExtent(spatial[d], kernel: kernel[d], stride: strides[d], dilation: dil[d],
                                                  padBegin: pads[d], padEnd: pads[d + k], ceilMode: ceil), e > 0 else {
                throw InterpreterError.badInput(node: node.name, detail: "window larger than input")
            }
            extents.append(e)
        }
        if k == 1 {
            (kh, sh, dh, ph0, ph1, ih, oh) = (1, 1, 1, 0, 0, 1, 1)
            (kw, sw, dw, pw0, pw1, iw) = (kernel[0], strides[0], dil[0], pads[0], pads[1], spatial[0])
            ow = extents[0]
        } else {
            (kh, kw, sh, sw, dh, dw) = (kernel[0], kernel[1], strides[0], strides[1], dil[0], dil[1])
            (ph0, pw0, ph1, pw1, ih, iw) = (pads[0], pads[1], pads[2], pads[3], spatial[0], spatial[1])
            (oh, ow) = (extents[0], extents[1])
        }
    }

    /// The geometry as the kernels take it (1-D windows as 2-D ones of height 1).
    func params(groups: Int = 1) -> Conv2dParams {
        Conv2dParams(strides: (sh, sw), pads: (top: ph0, left: pw0, bottom: ph1, right: pw1), dilations: (dh, dw), groups: groups)
    }

    func outShape(_ n: Int, _ c: Int, rank: Int) -> [Int] { rank == 3 ? [n, c, ow] : [n, c, oh, ow] }
}

/// Conv and pooling on the Kernels library (`Convolution.conv2d`, `Pooling`); 1-D windows run
/// as 2-D ones of height 1.
enum ConvPool {
    /// Convolution (groups, strides, dilations, pads) with optional bias.
    static func conv(_ node: Node, x: Tensor, w: Tensor, bias: Tensor?) throws -> Tensor {
        guard x.shape.count == w.shape.count, x.shape.count >= 3 else {
            throw InterpreterError.badInput(node: node.name, detail: "weight rank does not match input")
        }
        let kernel = Array(w.shape.dropFirst(2))
        let g = node.int("group", 1)
        let win = try Window(node: node, input: x.shape, kernel: kernel)
        let n = x.shape[0], c = x.shape[1], m = w.shape[0], cg = w.shape[1]
        guard g > 0, c == cg * g, m % g == 0 else { throw InterpreterError.badInput(node: node.name, detail: "channel/group mismatch") }
        if let bias, bias.count != m { throw InterpreterError.badInput(node: node.name, detail: "bias \(bias.shape) for \(m) channels") }
        return try runKernel(node) {
            let y = try Convolution.conv2d(x.kernelTensor([n, c, win.ih, win.iw]), weight: w.kernelTensor([m, cg, win.kh, win.kw]),
                                           bias: bias?.kernelTensor([m]), params: win.params(groups: g))
            return Tensor(y, dtype: x.dtype, shape: win.outShape(n, m, rank: x.shape.count))
        }
    }

    /// MaxPool and AveragePool.
    static func pool(_ node: Node, x: Tensor, max isMax: Bool) throws -> Tensor {
        guard let kernel = node.ints("kernel_shape") else { throw InterpreterError.badInput(node: node.name, detail: "no kernel_shape") }
        let win = try Window(node: node, input: x.shape, kernel: kernel)
        let n = x.shape[0], c = x.shape[1]
        return try runKernel(node) {
            let y = try Pooling.pool2d(x.kernelTensor([n, c, win.ih, win.iw]), kind: isMax ? .max : .average, kernel: (win.kh, win.kw),
                                       params: win.params(), countIncludePad: node.int("count_include_pad", 0) != 0,
                                       ceilMode: node.int("ceil_mode", 0) != 0)
            return Tensor(y, dtype: x.dtype, shape: win.outShape(n, c, rank: x.shape.count))
        }
    }

    /// GlobalAveragePool and GlobalMaxPool over every spatial axis (seen as one row of a 2-D plane).
    static func globalPool(_ node: Node, _ x: Tensor, max isMax: Bool) throws -> Tensor {
        guard x.shape.count >= 2 else { throw InterpreterError.badInput(node: node.name, detail: "input rank \(x.shape.count)") }
        let n = x.shape[0], c = x.shape[1]
        let area = x.shape.dropFirst(2).reduce(1, *)
        let shape = [n, c] + Array(repeating: 1, count: x.shape.count - 2)
        // A mean over nothing is 0/0 and a max over nothing is −∞, as before the kernels.
        if area == 0 { return Tensor(dtype: x.dtype, shape: shape, f: Array(repeating: isMax ? -.infinity : .nan, count: n * c)) }
        return try runKernel(node) {
            Tensor(try Pooling.global(x.kernelTensor([n, c, 1, area]), kind: isMax ? .max : .average), dtype: x.dtype, shape: shape)
        }
    }
}
