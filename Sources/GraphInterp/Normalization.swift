import Foundation
import GraphIR
import Kernels

/// Normalizations and softmax; Softmax, LayerNorm and RMSNorm run on the Kernels library
/// where it has the case (see each function).
enum Normalization {
    static func batchNorm(_ node: Node, x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor) throws -> Tensor {
        let n = x.shape[0], c = x.shape.count > 1 ? x.shape[1] : 1
        let area = x.shape.dropFirst(2).reduce(1, *)
        let eps = node.float("epsilon", 1e-5)
        let s = scale.floats, b = bias.floats, mu = mean.floats, v = variance.floats
        guard s.count == c, b.count == c, mu.count == c, v.count == c else {
            throw InterpreterError.badInput(node: node.name, detail: "parameters do not have \(c) channels")
        }
        var out = x.floats
        for bi in 0..<n {
            for ch in 0..<c {
                let k = s[ch] / (v[ch] + eps).squareRoot(), off = b[ch] - mu[ch] * k
                let base = (bi * c + ch) * area
                for q in 0..<area { out[base + q] = out[base + q] * k + off }
            }
        }
        return Tensor(dtype: x.dtype, shape: x.shape, f: out)
    }

    static func lrn(_ node: Node, x: Tensor) throws -> Tensor {
        guard let size = node.attributes["size"]?.int.map({ Int($0) }) else { throw InterpreterError.badInput(node: node.name, detail: "LRN without size") }
        let alpha = node.float("alpha", 1e-4), beta = node.float("beta", 0.75), bias = node.float("bias", 1)
        let n = x.shape[0], c = x.shape[1], area = x.shape.dropFirst(2).reduce(1, *)
        let xf = x.floats
        var out = xf
        let lo = (size - 1) / 2, hi = (size - 1) - lo
        for b in 0..<n {
            for ch in 0..<c {
                for q in 0..<area {
                    var sq: Float = 0
                    for j in max(0, ch - lo)...min(c - 1, ch + hi) { let v = xf[(b * c + j) * area + q]; sq += v * v }
                    let i = (b * c + ch) * area + q
                    out[i] = xf[i] / pow(bias + alpha / Float(size) * sq, beta)
                }
            }
        }
        return Tensor(dtype: x.dtype, shape: x.shape, f: out)
    }

    /// Softmax or LogSoftmax; before opset 13 the input is coerced to 2-D at `axis`.
    static func softmax(_ node: Node, x: Tensor, opset: Int, log: Bool) throws -> Tensor {
        let rank = x.shape.count
        var axis = node.int("axis", opset < 13 ? 1 : -1)
        if axis < 0 { axis += rank }
        guard axis >= 0, axis < max(rank, 1) else { throw InterpreterError.badInput(node: node.name, detail: "axis out of range") }
        let outer: Int, len: Int, inner: Int
        if opset < 13 {
            (outer, len, inner) = (x.shape.prefix(axis).reduce(1, *), x.shape.dropFirst(axis).reduce(1, *), 1)
        } else {
            (outer, len, inner) = (x.shape.prefix(axis).reduce(1, *), x.shape[axis], x.shape.dropFirst(axis + 1).reduce(1, *))
        }
        if !log, x.count > 0 {
            // Softmax runs on the kernel, as rows of `len` along the middle axis.
            return try runKernel(node) {
                Tensor(try Kernels.Normalization.softmax(x.kernelTensor([outer, len, inner]), axis: 1), dtype: x.dtype, shape: x.shape)
            }
        }
        var out = x.floats
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * len * inner + i
                var m: Float = -.infinity
                for k in 0..<len { m = max(m, out[base + k * inner]) }
                var s: Float = 0
                for k in 0..<len { s += Foundation.exp(out[base + k * inner] - m) }
                for k in 0..<len {
                    let v = out[base + k * inner] - m
                    out[base + k * inner] = log ? v - Foundation.log(s) : Foundation.exp(v) / s
                }
            }
        }
        return Tensor(dtype: x.dtype, shape: x.shape, f: out)
    }

    /// LayerNormalization (rms: false) or RMSNormalization (rms: true) over axes [axis, rank);
    /// with `statistics`, also LayerNormalization's Mean and InvStdDev outputs.
    static func layerNorm(_ node: Node, x: Tensor, scale: Tensor?, bias: Tensor?, rms: Bool, statistics: Bool = false) throws -> [Tensor] {
        let rank = x.shape.count
        var axis = node.int("axis", -1)
        if axis < 0 { axis += rank }
        guard axis >= 0, axis < rank else { throw InterpreterError.badInput(node: node.name, detail: "axis out of range") }
        let eps = node.float("epsilon", 1e-5)
        let outer = x.shape.prefix(axis).reduce(1, *), len = x.shape.dropFirst(axis).reduce(1, *)
        let norm = Array(x.shape.dropFirst(axis))
        // Without the statistics outputs, and with scale (and bias) of the normalised shape,
        // the kernel computes it; broadcast parameters stay on the loop below.
        if !statistics, let scale, scale.count == len, bias.map({ $0.count == len }) ?? true, len > 0 {
            return try runKernel(node) {
                let rows = try x.kernelTensor([outer, len]), g = try scale.kernelTensor([len])
                let y = rms ? try Kernels.Normalization.rmsNorm(rows, scale: g, epsilon: eps)
                            : try Kernels.Normalization.layerNorm(rows, scale: g, bias: bias?.kernelTensor([len]), epsilon: eps)
                return [Tensor(y, dtype: x.dtype, shape: x.shape)]
            }
        }
        let si = scale.map { Elementwise.broadcastIndex($0.shape, to: norm) }, sf = scale?.floats
        let bi = bias.map { Elementwise.broadcastIndex($0.shape, to: norm) }, bf = bias?.floats
        var out = x.floats
        var means = [Float](repeating: 0, count: outer), invs = [Float](repeating: 0, count: outer)
        for o in 0..<outer {
            let base = o * len
            var mean: Float = 0
            if !rms { for k in 0..<len { mean += out[base + k] }; mean /= Float(len) }
            var v: Float = 0
            for k in 0..<len { let d = out[base + k] - mean; v += d * d }
            let inv = 1 / (v / Float(len) + eps).squareRoot()
            means[o] = mean
            invs[o] = inv
            for k in 0..<len {
                var y = (out[base + k] - mean) * inv
                if let sf, let si { y *= sf[si[k]] }
                if let bf, let bi { y += bf[bi[k]] }
                out[base + k] = y
            }
        }
        let y = Tensor(dtype: x.dtype, shape: x.shape, f: out)
        guard statistics else { return [y] }
        let statShape = Array(x.shape.prefix(axis)) + Array(repeating: 1, count: rank - axis)
        return [y, Tensor(shape: statShape, floats: means), Tensor(shape: statShape, floats: invs)]
    }

    static func instanceNorm(_ node: Node, x: Tensor, scale: Tensor, bias: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1], area = x.shape.dropFirst(2).reduce(1, *)
        let eps = node.float("epsilon", 1e-5)
        let s = scale.floats, b = bias.floats
        var out = x.floats
        for p in 0..<(n * c) {
            let ch = p % c, base = p * area
            var mean: Float = 0
            for k in 0..<area { mean += out[base + k] }
            mean /= Float(area)
            var v: Float = 0
            for k in 0..<area { let d = out[base + k] - mean; v += d * d }
            let inv = 1 / (v / Float(area) + eps).squareRoot()
            for k in 0..<area { out[base + k] = (out[base + k] - mean) * inv * s[ch] + b[ch] }
        }
        return Tensor(dtype: x.dtype, shape: x.shape, f: out)
    }
}
