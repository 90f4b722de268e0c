import Foundation
import GraphIR

/// ONNX Resize (opset 10+) in nearest and linear modes, for any rank: each resized axis
/// maps output coordinates to input coordinates by `coordinate_transformation_mode`, then
/// nearest picks one input index and linear blends the two neighbours on every axis.
/// Cubic, antialias and tf_crop_and_resize are reported as unsupported.
enum Resize {
    struct Plan {
        var outShape: [Int]
        var scales: [Float]
    }

    /// Output shape and per-axis scales from `scales` or `sizes` (with `axes` and
    /// `keep_aspect_ratio_policy`).
    static func plan(_ node: Node, input: [Int], scales: [Float]?, sizes: [Int]?) throws -> Plan {
        let rank = input.count
        let axes = (node.ints("axes") ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 }
        guard axes.allSatisfy({ (0..<rank).contains($0) }) else { throw InterpreterError.badInput(node: node.name, detail: "bad axes") }
        var outShape = input
        var full = [Float](repeating: 1, count: rank)
        if let sizes, !sizes.isEmpty {
            guard sizes.count == axes.count else { throw InterpreterError.badInput(node: node.name, detail: "sizes length") }
            let policy = node.string("keep_aspect_ratio_policy", "stretch")
            var s = axes.enumerated().map { Float(sizes[$0.offset]) / Float(input[$0.element]) }
            if policy != "stretch" {
                let one = policy == "not_larger" ? s.min()! : s.max()!
                s = Array(repeating: one, count: s.count)
                for (k, a) in axes.enumerated() {
                    let size = (one * Float(input[a])).rounded(.toNearestOrEven)
                    guard size.isFinite, size < 1e12 else { throw InterpreterError.badInput(node: node.name, detail: "sizes") }
                    outShape[a] = Int(size); full[a] = s[k]
                }
            } else {
                for (k, a) in axes.enumerated() { outShape[a] = sizes[k]; full[a] = s[k] }
            }
        } else if let scales, !scales.isEmpty {
            guard scales.count == axes.count else { throw InterpreterError.badInput(node: node.name, detail: "scales length") }
            for (k, a) in axes.enumerated() {
                guard scales[k] > 0 else { throw InterpreterError.badInput(node: node.name, detail: "scale \(scales[k])") }
                full[a] = scales[k]
                let size = (Float(input[a]) * scales[k]).rounded(.down)
                guard size < 1e12 else { throw InterpreterError.badInput(node: node.name, detail: "scale \(scales[k])") }
                outShape[a] = Int(size)
            }
        } else {
            throw InterpreterError.badInput(node: node.name, detail: "neither scales nor sizes")
        }
        return Plan(outShape: outShape, scales: full)
    }

    static func run(_ node: Node, x: Tensor, scales: [Float]?, sizes: [Int]?, opset: Int) throws -> Tensor {
        let mode = node.string("mode", "nearest")
        // Upsample and Resize before opset 11 index as floor(x / scale).
        let legacy = node.op == "Upsample" || opset < 11
        let ctm = legacy ? "asymmetric" : node.string("coordinate_transformation_mode", "half_pixel")
        guard mode == "nearest" || mode == "linear", node.int("antialias", 0) == 0, ctm != "tf_crop_and_resize" else {
            throw InterpreterError.unsupported(op: "Resize", node: node.name, detail: "mode \(mode), \(ctm)")
        }
        let p = try plan(node, input: x.shape, scales: scales, sizes: sizes)
        try Interpreter.checkSize(p.outShape, node)
        let rank = x.shape.count
        let nearestMode = legacy ? "floor" : node.string("nearest_mode", "round_prefer_floor")
        // Per axis and output index: input coordinate.
        func source(_ a: Int, _ o: Int) -> Float {
            // The spec's "resized length" is in·scale, unrounded (equal to the size when sizes are given).
            let inLen = Float(x.shape[a]), s = p.scales[a], outLen = inLen * s
            let xo = Float(o)
            switch ctm {
            case "align_corners": return outLen == 1 ? 0 : xo * (inLen - 1) / (outLen - 1)
            case "asymmetric": return xo / s
            case "pytorch_half_pixel": return outLen > 1 ? (xo + 0.5) / s - 0.5 : 0
            case "half_pixel_symmetric":
                let adj = Float(p.outShape[a]) / outLen, center = inLen / 2
                return center * (1 - adj) + (xo + 0.5) / s - 0.5
            default: return (xo + 0.5) / s - 0.5
            }
        }
        func nearest(_ v: Float, _ n: Int) -> Int {
            let f = v.rounded(.down), frac = v - f
            var i: Float
            switch nearestMode {
            case "floor": i = f
            case "ceil": i = v.rounded(.up)
            case "round_prefer_ceil": i = frac == 0.5 ? f + 1 : v.rounded(.toNearestOrAwayFromZero)
            default: i = frac == 0.5 ? f : v.rounded(.toNearestOrAwayFromZero)
            }
            return min(max(Int(i), 0), n - 1)
        }
        // Per axis: (index0, index1, weight of index1) for every output position.
        var taps: [[(Int, Int, Float)]] = []
        for a in 0..<rank {
            let n = x.shape[a]
            taps.append((0..<p.outShape[a]).map { o in
                if p.outShape[a] == n && p.scales[a] == 1 { return (o, o, 0) }
                let v = source(a, o)
                if mode == "nearest" { let i = nearest(v, n); return (i, i, 0) }
                let c = min(max(v, 0), Float(n - 1))
                let i0 = Int(c.rounded(.down)), i1 = min(i0 + 1, n - 1)
                return (i0, i1, c - Float(i0))
            })
        }
        let inStrides = Tensor.strides(x.shape)
        let total = p.outShape.reduce(1, *)
        let xf = x.floats
        var out = [Float](repeating: 0, count: total)
        var counter = [Int](repeating: 0, count: rank)
        let blended = (0..<rank).filter { a in taps[a].contains { $0.2 != 0 } }
        for k in 0..<total {
            var base = 0
            for a in 0..<rank { base += taps[a][counter[a]].0 * inStrides[a] }
            if blended.isEmpty {
                out[k] = xf[base]
            } else {
                // Sum over the 2^b corners of the blended axes.
                var acc: Float = 0
                for corner in 0..<(1 << blended.count) {
                    var off = base, w: Float = 1
                    for (bit, a) in blended.enumerated() {
                        let (i0, i1, t) = taps[a][counter[a]]
                        if corner >> bit & 1 == 1 { off += (i1 - i0) * inStrides[a]; w *= t } else { w *= 1 - t }
                    }
                    if w != 0 { acc += w * xf[off] }
                }
                out[k] = acc
            }
            var d = rank - 1
            while d >= 0 { counter[d] += 1; if counter[d] < p.outShape[d] { break }; counter[d] = 0; d -= 1 }
        }
        return Tensor(dtype: x.dtype, shape: p.outShape, f: out)
    }
}
