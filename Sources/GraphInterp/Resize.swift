import GraphIR
import Kernels

/// ONNX Resize (opset 10+) in nearest and linear modes, for any rank: each resized axis
/// maps output coordinates to input coordinates by `coordinate_transformation_mode`, then
/// nearest picks one input index and linear blends the two neighbours on every axis.
/// The output extent is GraphIR's rule (`ShapeRules.scaled`), the coordinate transformation
/// and the nearest rule are the Kernels library's (`Resize.sourceCoordinate`, `nearestIndex`),
/// and NCHW inputs resized over H and W only run on its `Resize.resize2d`; other ranks and
/// axes are blended here. Cubic, antialias and tf_crop_and_resize are reported as unsupported.
enum Resize {
    struct Plan {
        var outShape: [Int]
        var scales: [Double]
    }

    /// Output shape and per-axis scales from `scales` or `sizes` (with `axes` and
    /// `keep_aspect_ratio_policy`).
    static func plan(_ node: Node, input: [Int], scales: [Float]?, sizes: [Int]?) throws -> Plan {
        let rank = input.count
        let axes = (node.ints("axes") ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 }
        guard axes.allSatisfy({ (0..<rank).contains($0) }) else { throw InterpreterError.badInput(node: node.name, detail: "bad axes") }
        var outShape = input
        var full = [Double](repeating: 1, count: rank)
        if let sizes, !sizes.isEmpty {
            guard sizes.count == axes.count else { throw InterpreterError.badInput(node: node.name, detail: "sizes length") }
            let policy = node.string("keep_aspect_ratio_policy", "stretch")
            var s = axes.enumerated().map { Double(sizes[$0.offset]) / Double(input[$0.element]) }
            if policy != "stretch" {
                let one = policy == "not_larger" ? s.min()! : s.max()!
                s = Array(repeating: one, count: s.count)
                for (k, a) in axes.enumerated() {
                    let size = (one * Double(input[a])).rounded(.toNearestOrEven)
                    guard size.isFinite, size < 1e12 else { throw InterpreterError.badInput(node: node.name, detail: "sizes") }
                    outShape[a] = Int(size); full[a] = s[k]
                }
            } else {
                for (k, a) in axes.enumerated() { outShape[a] = sizes[k]; full[a] = s[k] }
            }
        } else if let scales, !scales.isEmpty {
            guard scales.count == axes.count else { throw InterpreterError.badInput(node: node.name, detail: "scales length") }
            for (k, a) in axes.enumerated() {
                guard scales[k] > 0, case let .known(size) = ShapeRules.scaled(input[a], scales[k]) else {
                    throw InterpreterError.badInput(node: node.name, detail: "scale \(scales[k])")
                }
                full[a] = Double(scales[k])
                outShape[a] = size
            }
        } else {
            throw InterpreterError.badInput(node: node.name, detail: "neither scales nor sizes")
        }
        return Plan(outShape: outShape, scales: full)
    }

    static func run(_ node: Node, x: Tensor, scales: [Float]?, sizes: [Int]?, opset: Int) throws -> Tensor {
        let modeName = node.string("mode", "nearest")
        // Upsample and Resize before opset 11 index as floor(x / scale).
        let legacy = node.op == "Upsample" || opset < 11
        let ctmName = legacy ? "asymmetric" : node.string("coordinate_transformation_mode", "half_pixel")
        guard let mode = Kernels.Resize.Mode(rawValue: modeName), node.int("antialias", 0) == 0, ctmName != "tf_crop_and_resize" else {
            throw InterpreterError.unsupported(op: "Resize", node: node.name, detail: "mode \(modeName), \(ctmName)")
        }
        // Unknown names fall back to the defaults, as the interpreter always did.
        let ctm = Kernels.Resize.CoordinateTransform(rawValue: ctmName) ?? .halfPixel
        let nearest = legacy ? .floor : Kernels.Resize.NearestMode(rawValue: node.string("nearest_mode", "round_prefer_floor")) ?? .roundPreferFloor
        let p = try plan(node, input: x.shape, scales: scales, sizes: sizes)
        try Interpreter.checkSize(p.outShape, node)
        let rank = x.shape.count
        if rank == 4, p.outShape[0] == x.shape[0], p.outShape[1] == x.shape[1], p.scales[0] == 1, p.scales[1] == 1 {
            return try runKernel(node) {
                let y = try Kernels.Resize.resize2d(x.kernelTensor(), .sizesAndScales(p.outShape[2], p.outShape[3], p.scales[2], p.scales[3]),
                                                    mode: mode, coordinates: ctm, nearest: nearest)
                return Tensor(y, dtype: x.dtype)
            }
        }
        // Per axis and output index: (index0, index1, weight of index1).
        var taps: [[(Int, Int, Float)]] = []
        for a in 0..<rank {
            let n = x.shape[a], outLen = p.outShape[a]
            taps.append((0..<outLen).map { o in
                if outLen == n && p.scales[a] == 1 { return (o, o, 0) }
                let v = Kernels.Resize.sourceCoordinate(o, input: n, output: outLen, scale: p.scales[a], ctm)
                if mode == .nearest { let i = Kernels.Resize.nearestIndex(v, nearest, extent: n); return (i, i, 0) }
                let c = min(max(v, 0), Double(n - 1))
                let i0 = Int(c.rounded(.down)), i1 = min(i0 + 1, n - 1)
                return (i0, i1, Float(c - Double(i0)))
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
