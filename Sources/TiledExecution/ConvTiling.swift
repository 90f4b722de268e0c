import GraphIR
import GraphInterp
import Kernels

/// Conv and FusedConv tile by tile: each output block (B, G, K, OY, OX ranges) sums the partial
/// convolutions of its reduction chunks (C, FY, FX ranges), each computed by the Kernels
/// library on exactly the input slice the chunk reads — its rows and columns with the halo
/// the stride, dilation and taps need, zero padding only where the slice meets the real border.
enum ConvTiling {
    static func run(_ node: Node, inputs: [GraphInterp.Tensor?], group: GroupSchedule, fault: Fault.Kind?, interpreter: Interpreter) throws -> GraphInterp.Tensor {
        guard inputs.count >= 2, let x = inputs[0], let w = inputs[1] else { throw TiledExecutionError.untileable("missing input") }
        let bias = inputs.count > 2 ? inputs[2] : nil
        let z = inputs.count > 3 ? inputs[3] : nil
        let rank = x.shape.count
        guard rank == 3 || rank == 4, w.shape.count == rank else { throw TiledExecutionError.untileable("\(rank)-D Conv") }
        let geo = try WindowGeometry(node, input: Array(x.shape.dropFirst(2)), kernel: Array(w.shape.dropFirst(2)))
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], geo.input.0, geo.input.1)
        let (m, kh, kw) = (w.shape[0], geo.kernel.0, geo.kernel.1)
        let g = node.int("group", 1)
        guard g > 0, cin % g == 0, m % g == 0, w.shape[1] == cin / g else { throw TiledExecutionError.untileable("channel/group mismatch") }
        let (kg, cg) = (m / g, cin / g)
        guard let oh = ShapeRules.windowExtent(h, kernel: kh, stride: geo.stride.0, dilation: geo.dilation.0, padBegin: geo.padBegin.0,
                                               padEnd: padEnd(node, rank, 0, geo)),
              let ow = ShapeRules.windowExtent(wd, kernel: kw, stride: geo.stride.1, dilation: geo.dilation.1, padBegin: geo.padBegin.1,
                                               padEnd: padEnd(node, rank, 1, geo)) else { throw TiledExecutionError.untileable("window larger than input") }
        try expectLoops(group, ["G": g, "B": n, "K": kg, "C": cg, "OY": oh, "OX": ow, "FY": kh, "FX": kw])
        let kx = try Kernels.Tensor(shape: [n, cin, h, wd], data: x.floats)
        let kwt = try Kernels.Tensor(shape: [m, cg, kh, kw], data: w.floats)
        let biasValues = bias?.floats
        let zValues = z?.floats
        if let z, z.count != n * m * oh * ow { throw TiledExecutionError.untileable("Z of shape \(z.shape)") }
        var out = [Float](repeating: 0, count: n * m * oh * ow)
        let driver = TileDriver(nest: LoopNest(group), fault: fault)

        func partial(_ block: TileDriver.Block, _ chunk: TileDriver.Block, _ index: Int) throws -> [Float]? {
            let (b, gr, k, oy, ox) = (block["B"]!, block["G"]!, block["K"]!, block["OY"]!, block["OX"]!)
            let (c, fy, fx) = (chunk["C"]!, chunk["FY"]!, chunk["FX"]!)
            var rows = geo.reads(axis: 0, out: oy, taps: fy)
            let cols = geo.reads(axis: 1, out: ox, taps: fx)
            // The fault: the first tile's input slice starts one row too low.
            if fault == .halo, index == 0 { rows = (rows.first + 1, rows.last + 1) }
            let rw = ClippedWindow(first: rows.first, last: rows.last, extent: h)
            let cw = ClippedWindow(first: cols.first, last: cols.last, extent: wd)
            if rw.isEmpty || cw.isEmpty { return nil }
            let params = { (groups: Int) in
                Conv2dParams(strides: geo.stride, pads: (top: rw.padBefore, left: cw.padBefore, bottom: rw.padAfter, right: cw.padAfter),
                             dilations: geo.dilation, groups: groups)
            }
            func slice(_ t: Kernels.Tensor, _ ranges: [Range<Int>]) throws -> Kernels.Tensor {
                var v = t
                for (axis, r) in ranges.enumerated() { v = try v.sliced(axis: axis, r.lowerBound, r.upperBound) }
                return v
            }
            let expected = [b.count, gr.count * k.count, oy.count, ox.count]
            // Whole groups in one grouped call; a cut inside the groups' channels group by group.
            if gr.count == 1 || (k.count == kg && c.count == cg) {
                let xs = try slice(kx, [b, (gr.lowerBound * cg + c.lowerBound)..<((gr.upperBound - 1) * cg + c.upperBound), rw.lower..<rw.upper, cw.lower..<cw.upper])
                let ws = try slice(kwt, [(gr.lowerBound * kg + k.lowerBound)..<((gr.upperBound - 1) * kg + k.upperBound), c, fy, fx])
                let y = try Convolution.conv2d(xs, weight: ws, params: params(gr.count), threading: .all)
                guard y.shape == expected else { throw TiledExecutionError.mismatch("a tile computed \(y.shape), expected \(expected)") }
                return y.contiguous().storage
            }
            var result = [Float](repeating: 0, count: expected.reduce(1, *))
            let plane = oy.count * ox.count
            for (gi, gg) in gr.enumerated() {
                let xs = try slice(kx, [b, (gg * cg + c.lowerBound)..<(gg * cg + c.upperBound), rw.lower..<rw.upper, cw.lower..<cw.upper])
                let ws = try slice(kwt, [(gg * kg + k.lowerBound)..<(gg * kg + k.upperBound), c, fy, fx])
                let y = try Convolution.conv2d(xs, weight: ws, params: params(1), threading: .all).contiguous().storage
                for bi in 0..<b.count {
                    for ki in 0..<k.count {
                        let src = (bi * k.count + ki) * plane, dst = (bi * expected[1] + gi * k.count + ki) * plane
                        for p in 0..<plane { result[dst + p] = y[src + p] }
                    }
                }
            }
            return result
        }

        func finish(_ block: TileDriver.Block, _ values: inout [Float]) throws {
            let (b, gr, k, oy, ox) = (block["B"]!, block["G"]!, block["K"]!, block["OY"]!, block["OX"]!)
            let plane = oy.count * ox.count
            let channels = gr.count * k.count
            for bi in 0..<b.count {
                for ci in 0..<channels {
                    let channel = (gr.lowerBound + ci / k.count) * kg + k.lowerBound + ci % k.count
                    let base = (bi * channels + ci) * plane
                    if let biasValues { for p in 0..<plane { values[base + p] += biasValues[channel] } }
                    if let zValues {
                        for (yi, yy) in oy.enumerated() {
                            let zRow = (((b.lowerBound + bi) * m + channel) * oh + yy) * ow + ox.lowerBound
                            for xi in 0..<ox.count { values[base + yi * ox.count + xi] += zValues[zRow + xi] }
                        }
                    }
                }
            }
            if node.op == "FusedConv" {
                var t = GraphInterp.Tensor(shape: [values.count], floats: values)
                try interpreter.applyActivation(node, &t)
                values = t.f
            }
        }

        func store(_ block: TileDriver.Block, _ values: [Float]) {
            let (b, gr, k, oy, ox) = (block["B"]!, block["G"]!, block["K"]!, block["OY"]!, block["OX"]!)
            let channels = gr.count * k.count
            for bi in 0..<b.count {
                for ci in 0..<channels {
                    let channel = (gr.lowerBound + ci / k.count) * kg + k.lowerBound + ci % k.count
                    for (yi, yy) in oy.enumerated() {
                        let dst = (((b.lowerBound + bi) * m + channel) * oh + yy) * ow + ox.lowerBound
                        let src = ((bi * channels + ci) * oy.count + yi) * ox.count
                        for xi in 0..<ox.count { out[dst + xi] = values[src + xi] }
                    }
                }
            }
        }

        try driver.run(partial: partial, finish: finish, store: store)
        let shape = rank == 3 ? [n, m, ow] : [n, m, oh, ow]
        return GraphInterp.Tensor(dtype: x.dtype, shape: shape, f: out)
    }

    /// The padding after the input along `axis` (0 rows, 1 columns), as `WindowGeometry` resolved it.
    static func padEnd(_ node: Node, _ rank: Int, _ axis: Int, _ geo: WindowGeometry) -> Int {
        let k = rank - 2
        let autoPad = node.string("auto_pad", "NOTSET")
        if autoPad == "VALID" { return 0 }
        let (inp, s, kk, d, begin) = axis == 0 ? (geo.input.0, geo.stride.0, geo.kernel.0, geo.dilation.0, geo.padBegin.0)
            : (geo.input.1, geo.stride.1, geo.kernel.1, geo.dilation.1, geo.padBegin.1)
        if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            let out = (inp + s - 1) / s
            return max(0, (out - 1) * s + (kk - 1) * d + 1 - inp) - begin
        }
        let pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * k)
        if k == 1 { return axis == 0 ? 0 : pads[1] }
        return pads[axis + 2]
    }

    /// Throws unless the group's loop nest has these extents (the graph and the plan agree).
    static func expectLoops(_ group: GroupSchedule, _ want: [String: Int]) throws {
        for (d, e) in want.sorted(by: { $0.key < $1.key }) where group.extent(d) != e {
            throw TiledExecutionError.mismatch("the plan has \(d)=\(group.extent(d)) where the graph's node has \(e)")
        }
    }
}
