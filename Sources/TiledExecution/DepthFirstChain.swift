import GraphIR
import GraphInterp

/// A fused conv chain run depth-first, as tile-plan's `conv-chain` group schedules it: the last
/// member's output in strips of `tileRows` rows; for each strip, every earlier member computes
/// only the rows of its output the next member's window reads (the halo), from the slice of its
/// own input those rows need, zero padding only at the image's real border. The values between
/// members exist only as these slices, as on the chip.
///
/// Numerics do not depend on whether halo rows are cached or recomputed; this runs them
/// recomputed (each strip from its own slices), which also checks the halo arithmetic.
enum DepthFirstChain {
    /// One member: its node and the inputs it was given in the tiled run (input 0, the chained
    /// value, is replaced by the previous member's slice).
    struct Member {
        var node: Node
        var inputs: [GraphInterp.Tensor?]
    }

    /// How a member maps rows of its output to rows of its input.
    struct RowMap {
        var stride: Int
        var kernel: Int   // effective: (taps − 1)·dilation + 1
        var padBegin: Int
        var padEnd: Int
        var height: Int   // of its input
        /// Column padding (left, right), kept as the node has it: strips cut rows only.
        var columnPads: (Int64, Int64) = (0, 0)

        /// Input rows (first, last inclusive; may lie in the padding) for output rows `out`.
        func reads(_ out: Range<Int>) -> (first: Int, last: Int) {
            (out.lowerBound * stride - padBegin, (out.upperBound - 1) * stride - padBegin + kernel - 1)
        }
    }

    static func rowMap(_ m: Member) throws -> RowMap {
        guard let x = m.inputs.first ?? nil, x.shape.count == 4, x.isFloat else { throw TiledExecutionError.untileable("fused chain: a member's input is not an image") }
        switch m.node.op {
        case "Conv", "FusedConv", "MaxPool", "AveragePool":
            let kernel: [Int]
            if m.node.op.hasSuffix("Pool") {
                guard let k = m.node.ints("kernel_shape"), k.count == 2 else { throw TiledExecutionError.untileable("fused chain: pool kernel") }
                kernel = k.map { Int($0) }
                guard m.node.int("ceil_mode", 0) == 0 else { throw TiledExecutionError.untileable("fused chain: ceil_mode pooling") }
            } else {
                guard m.inputs.count > 1, let w = m.inputs[1], w.shape.count == 4 else { throw TiledExecutionError.untileable("fused chain: conv weights") }
                kernel = Array(w.shape.dropFirst(2))
            }
            let geo = try WindowGeometry(m.node, input: Array(x.shape.dropFirst(2)), kernel: kernel)
            return RowMap(stride: geo.stride.0, kernel: (geo.kernel.0 - 1) * geo.dilation.0 + 1, padBegin: geo.padBegin.0,
                          padEnd: ConvTiling.padEnd(m.node, 4, 0, geo), height: x.shape[2],
                          columnPads: (Int64(geo.padBegin.1), Int64(ConvTiling.padEnd(m.node, 4, 1, geo))))
        default:
            // A pointwise member (an activation): row r of its output reads row r of its input.
            return RowMap(stride: 1, kernel: 1, padBegin: 0, padEnd: 0, height: x.shape[2])
        }
    }

    /// Rows `rows` of a 4-D tensor.
    static func rows(_ t: GraphInterp.Tensor, _ rows: Range<Int>) -> GraphInterp.Tensor {
        let (n, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        let src = t.floats
        var out = [Float](); out.reserveCapacity(n * c * rows.count * w)
        for p in 0..<(n * c) { out.append(contentsOf: src[(p * h + rows.lowerBound) * w ..< (p * h + rows.upperBound) * w]) }
        return GraphInterp.Tensor(shape: [n, c, rows.count, w], floats: out)
    }

    /// The last member's output, strip by strip.
    static func run(_ members: [Member], tileRows: Int, interpreter: Interpreter) throws -> GraphInterp.Tensor {
        guard !members.isEmpty, tileRows > 0 else { throw TiledExecutionError.untileable("fused chain: no members or no tile rows") }
        let maps = try members.map(rowMap)
        // Output heights, member by member (from a whole run's shapes: the last member's output
        // is what the strips tile; earlier heights bound the slices).
        var heights: [Int] = []
        for (k, m) in maps.enumerated() {
            let padded = m.height + m.padBegin + m.padEnd
            guard padded >= m.kernel else { throw TiledExecutionError.untileable("fused chain: window larger than input") }
            heights.append((padded - m.kernel) / m.stride + 1)
            if k + 1 < maps.count, maps[k + 1].height != heights[k] {
                throw TiledExecutionError.mismatch("fused chain: member \(k + 1) reads \(maps[k + 1].height) rows, member \(k) makes \(heights[k])")
            }
        }
        let last = heights.last!
        var result: [Float] = []
        var shape: [Int] = []
        var start = 0
        while start < last {
            let strip = start..<min(start + tileRows, last)
            // Backward: the output rows each member must make for this strip.
            var need = [Range<Int>](repeating: 0..<0, count: members.count)
            need[members.count - 1] = strip
            for k in stride(from: members.count - 1, to: 0, by: -1) {
                let r = maps[k].reads(need[k])
                need[k - 1] = max(r.first, 0)..<(min(r.last, maps[k].height - 1) + 1)
            }
            // Forward: each member on the slice of its input, padded only at the real border.
            var carried: GraphInterp.Tensor?
            var carriedRows = 0..<0
            for (k, m) in members.enumerated() {
                let out = need[k]
                let r = maps[k].reads(out)
                let lower = max(r.first, 0), upper = min(r.last, maps[k].height - 1) + 1
                var inputs = m.inputs
                if k == 0 {
                    inputs[0] = rows(m.inputs[0]!, lower..<upper)
                } else {
                    guard let c = carried, carriedRows.lowerBound <= lower, upper <= carriedRows.upperBound else {
                        throw TiledExecutionError.mismatch("fused chain: member \(k) needs rows \(lower)..<\(upper) of a slice holding \(carriedRows)")
                    }
                    inputs[0] = rows(c, (lower - carriedRows.lowerBound)..<(upper - carriedRows.lowerBound))
                }
                var node = m.node
                if maps[k].kernel > 1 || maps[k].stride > 1 || maps[k].padBegin > 0 || maps[k].padEnd > 0 {
                    // The slice's own padding: what of the window lies past the real border.
                    node.attributes["auto_pad"] = .string("NOTSET")
                    node.attributes["pads"] = .ints([Int64(lower - r.first), maps[k].columnPads.0, Int64(r.last - (upper - 1)), maps[k].columnPads.1])
                }
                // A residual input (FusedConv's Z) is sliced to the rows this member makes.
                if node.op == "FusedConv", inputs.count > 3, let z = inputs[3], z.shape.count == 4 { inputs[3] = rows(z, out) }
                let y = try interpreter.evaluate(node, inputs)
                guard let first = y.first, first.shape.count == 4, first.shape[2] == out.count else {
                    throw TiledExecutionError.mismatch("fused chain: member \(k) made \(y.first?.shape ?? []) for \(out.count) rows")
                }
                carried = first
                carriedRows = out
            }
            let piece = carried!
            if shape.isEmpty {
                shape = [piece.shape[0], piece.shape[1], last, piece.shape[3]]
                result = [Float](repeating: 0, count: shape.reduce(1, *))
            }
            let (n, c, w) = (shape[0], shape[1], shape[3])
            let values = piece.floats
            for p in 0..<(n * c) {
                for (i, row) in strip.enumerated() {
                    let dst = (p * last + row) * w, src = (p * strip.count + i) * w
                    for x in 0..<w { result[dst + x] = values[src + x] }
                }
            }
            start = strip.upperBound
        }
        return GraphInterp.Tensor(dtype: members[0].inputs[0]!.dtype, shape: shape, f: result)
    }
}
