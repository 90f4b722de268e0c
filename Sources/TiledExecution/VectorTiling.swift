import GraphIR
import GraphInterp
import Kernels

/// Vector-unit groups tile by tile. tile-plan cuts them into tiles of `ELEMENTS` output
/// elements; here a tile is that many elements rounded to whole rows (a row: the last axis of
/// an elementwise or normalizing operator, one output row of a pooling plane, one plane of a
/// global pool or batch normalization), so that no reduction is split across tiles.
/// Elementwise and row operators run each tile through the interpreter on the rows' slices of
/// their inputs; pooling runs each tile on the Kernels library over its input rows with the
/// halo the window needs.
enum VectorTiling {
    /// Operators whose output row r reads only row r of each input (or a broadcast row).
    static let rowLocal: Set<String> = [
        "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal", "Floor", "Ceil", "Round", "Sign",
        "Sin", "Cos", "Softplus", "Softsign", "Mish", "LeakyRelu", "Elu", "Celu", "Selu", "HardSigmoid", "HardSwish",
        "ThresholdedRelu", "Gelu", "Silu", "Identity", "Dropout", "Clip", "Cast", "Not",
        "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Mod", "Equal", "Less", "Greater", "LessOrEqual",
        "GreaterOrEqual", "And", "Or", "Xor", "Where",
        "Softmax", "LogSoftmax", "LayerNormalization", "RMSNormalization", "SkipLayerNorm", "Concat",
    ]

    static func run(_ node: Node, inputs: [GraphInterp.Tensor?], reference: [GraphInterp.Tensor], group: GroupSchedule, fault: Fault.Kind?,
                    interpreter: Interpreter) throws -> [GraphInterp.Tensor] {
        if fault == .partialSum { throw TiledExecutionError.fault("a vector group sums no partial products") }
        let tileElements = max(1, group.tileExtent("ELEMENTS"))
        switch node.op {
        case "MaxPool", "AveragePool":
            guard node.outputs.count < 2 || node.outputs[1] < 0 else { throw TiledExecutionError.untileable("MaxPool Indices output") }
            return [try pool(node, inputs, reference[0], tileElements: tileElements, fault: fault)]
        case "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization":
            if fault == .halo { throw TiledExecutionError.fault("\(node.op) reads no halo") }
            return try planes(node, inputs, reference, tileElements: tileElements, fault: fault, interpreter: interpreter)
        default:
            if fault == .halo { throw TiledExecutionError.fault("\(node.op) reads no halo") }
            guard rowLocal.contains(node.op) else { throw TiledExecutionError.untileable("no tiled form of \(node.qualifiedOp) here") }
            return try rows(node, inputs, reference, tileElements: tileElements, fault: fault, interpreter: interpreter)
        }
    }

    /// Tiles of `rowsPerTile` rows over `total` rows, each with the destination it is stored
    /// at: its own place, or with the order fault the first two equal tiles swapped.
    static func tiles(total: Int, rowsPerTile: Int, fault: Fault.Kind?) throws -> [(Range<Int>, Range<Int>)] {
        let step = max(1, rowsPerTile)
        let list = stride(from: 0, to: total, by: step).map { $0..<min($0 + step, total) }
        var dest = list
        if fault == .order {
            guard list.count >= 2, list[0].count == list[1].count else { throw TiledExecutionError.fault("it has no two output tiles of the same shape to swap") }
            dest.swapAt(0, 1)
        }
        return Array(zip(list, dest))
    }

    // MARK: rows

    static func rows(_ node: Node, _ inputs: [GraphInterp.Tensor?], _ reference: [GraphInterp.Tensor], tileElements: Int, fault: Fault.Kind?,
                     interpreter: Interpreter) throws -> [GraphInterp.Tensor] {
        guard let outShape = reference.first?.shape else { throw TiledExecutionError.untileable("no output") }
        let rank = outShape.count
        // A row is everything from axis `rowStart` on: the last axis of an elementwise operator,
        // the normalized or softmax axes of a row operator.
        var rowStart = max(rank - 1, 0)
        var tileNode = node
        switch node.op {
        case "Softmax", "LogSoftmax", "LayerNormalization", "RMSNormalization":
            let legacy = node.op.hasSuffix("Softmax") && interpreter.opset < 13
            var axis = node.int("axis", legacy ? 1 : -1)
            if axis < 0 { axis += rank }
            guard rank >= 1, axis >= 0, axis < rank else { throw TiledExecutionError.untileable("\(node.op) axis") }
            // Softmax from opset 13 works on one axis: a row only when the axes after it are 1.
            if node.op.hasSuffix("Softmax"), !legacy, !outShape[(axis + 1)...].allSatisfy({ $0 == 1 }) {
                throw TiledExecutionError.untileable("\(node.op) over axis \(axis), not the last")
            }
            rowStart = axis
            tileNode.attributes["axis"] = .int(-1)
        case "Concat":
            // Rows before the concatenated axis: each input contributes its own part of every row.
            var axis = node.int("axis", 0)
            if axis < 0 { axis += rank }
            guard axis >= 0, axis < rank, inputs.allSatisfy({ $0?.shape.count == rank }) else { throw TiledExecutionError.untileable("Concat axis") }
            rowStart = axis
            tileNode.attributes["axis"] = .int(-1)
        default:
            // Elementwise: the finest rows (the last axis) unless an input broadcasts along a row
            // dimension (a per-channel [1, C, 1, 1] operand): then rows end where it stops varying.
            func fits(_ start: Int) -> Bool {
                inputs.allSatisfy { t in
                    guard let t else { return true }
                    guard t.shape.count <= rank else { return false }
                    let padded = Array(repeating: 1, count: rank - t.shape.count) + t.shape
                    let lead = padded[..<start], tail = padded[start...]
                    return (lead.allSatisfy { $0 == 1 } || Array(lead) == Array(outShape[..<start]))
                        && (Array(tail) == Array(outShape[start...]) || tail.allSatisfy { $0 == 1 } || tail.count == 1)
                }
            }
            rowStart = (0...rowStart).reversed().first(where: fits) ?? rowStart
        }
        let leading = Array(outShape[..<rowStart])
        let total = leading.reduce(1, *)
        let width = outShape[rowStart...].reduce(1, *)
        // Each input is sliced by rows, or broadcast whole when it has a single row.
        enum Use { case rows(GraphInterp.Tensor), whole(GraphInterp.Tensor), absent }
        var uses: [Use] = []
        for t in inputs {
            guard let t else { uses.append(.absent); continue }
            guard t.shape.count <= rank else { throw TiledExecutionError.untileable("an input of higher rank") }
            let padded = Array(repeating: 1, count: rank - t.shape.count) + t.shape
            let lead = Array(padded[..<rowStart]), tail = Array(padded[rowStart...])
            let tailCount = tail.reduce(1, *)
            guard node.op == "Concat" || tail == Array(outShape[rowStart...]) || tailCount == 1 || (tail.count == 1 && rowStart == rank - 1) else {
                throw TiledExecutionError.untileable("an input broadcast inside a row")
            }
            if lead.allSatisfy({ $0 == 1 }) {
                uses.append(.whole(t.shape.isEmpty ? t : t.reshaped([tailCount])))
            } else if lead == leading {
                uses.append(.rows(t.reshaped([total, tailCount])))
            } else {
                throw TiledExecutionError.untileable("an input broadcast along a row dimension")
            }
        }
        var parts: [[GraphInterp.Tensor]] = Array(repeating: [], count: reference.count)
        var order: [(Range<Int>, Range<Int>)] = []
        for (tile, dest) in try tiles(total: total, rowsPerTile: tileElements / max(width, 1), fault: fault) {
            let ins: [GraphInterp.Tensor?] = uses.map {
                switch $0 {
                case .rows(let t): return sliceRows(t, tile)
                case .whole(let t): return t
                case .absent: return nil
                }
            }
            let outs = try interpreter.evaluate(tileNode, ins)
            guard outs.count >= reference.count else { throw TiledExecutionError.untileable("fewer outputs per tile") }
            for k in reference.indices { parts[k].append(outs[k]) }
            order.append((tile, dest))
        }
        return try reference.indices.map { k in try assemble(parts[k], order, total: total, like: reference[k]) }
    }

    /// Rows `r` of a [rows, width] tensor.
    static func sliceRows(_ t: GraphInterp.Tensor, _ r: Range<Int>) -> GraphInterp.Tensor {
        let w = t.shape.count > 1 ? t.shape[1] : 1
        if t.isFloat { return GraphInterp.Tensor(dtype: t.dtype, shape: [r.count, w], f: Array(t.f[(r.lowerBound * w)..<(r.upperBound * w)])) }
        return GraphInterp.Tensor(dtype: t.dtype, shape: [r.count, w], i: Array(t.i[(r.lowerBound * w)..<(r.upperBound * w)]))
    }

    /// The tiles' outputs stored at their destinations, with the reference's shape.
    static func assemble(_ parts: [GraphInterp.Tensor], _ order: [(Range<Int>, Range<Int>)], total: Int, like ref: GraphInterp.Tensor) throws -> GraphInterp.Tensor {
        let per = total > 0 ? ref.count / total : 0
        guard per * total == ref.count, let first = parts.first else { throw TiledExecutionError.untileable("an output not cut by rows") }
        var out = GraphInterp.Tensor(dtype: first.dtype, shape: ref.shape)
        if first.isFloat { out.f = [Float](repeating: 0, count: ref.count) } else { out.i = [Int64](repeating: 0, count: ref.count) }
        for (p, (tile, dest)) in zip(parts, order) {
            guard p.count == tile.count * per, dest.count == tile.count else { throw TiledExecutionError.untileable("a tile's output of \(p.count) elements") }
            if first.isFloat { out.f.replaceSubrange((dest.lowerBound * per)..<(dest.upperBound * per), with: p.floats) }
            else { out.i.replaceSubrange((dest.lowerBound * per)..<(dest.upperBound * per), with: p.ints) }
        }
        return out
    }

    // MARK: planes

    /// Global pools and batch normalization: a row is one (image, channel) plane.
    static func planes(_ node: Node, _ inputs: [GraphInterp.Tensor?], _ reference: [GraphInterp.Tensor], tileElements: Int, fault: Fault.Kind?,
                       interpreter: Interpreter) throws -> [GraphInterp.Tensor] {
        guard let x = inputs.first ?? nil, x.shape.count >= 2 else { throw TiledExecutionError.untileable("input rank") }
        let (n, c) = (x.shape[0], x.shape[1])
        let area = x.shape.dropFirst(2).reduce(1, *)
        let total = n * c
        let perPlane = node.op == "BatchNormalization" ? area : 1
        let flat = x.reshaped([total, area])
        var parts: [GraphInterp.Tensor] = []
        var order: [(Range<Int>, Range<Int>)] = []
        for (tile, dest) in try tiles(total: total, rowsPerTile: tileElements / max(perPlane, 1), fault: fault) {
            // A tile's planes as a batch of single-channel images (the per-channel parameters gathered).
            let xs = sliceRows(flat, tile).reshaped([tile.count, 1, area])
            if node.op == "BatchNormalization" {
                // Each plane normalizes with its own channel's parameters: one call per plane.
                let params = try inputs.dropFirst().map { p -> [Float] in
                    guard let p, p.count == c else { throw TiledExecutionError.untileable("batch normalization parameters") }
                    return p.floats
                }
                var values: [Float] = []
                values.reserveCapacity(tile.count * area)
                for (q, plane) in tile.enumerated() {
                    let one = GraphInterp.Tensor(dtype: xs.dtype, shape: [1, 1, area], f: Array(xs.floats[(q * area)..<((q + 1) * area)]))
                    let ins: [GraphInterp.Tensor?] = [one] + params.map { GraphInterp.Tensor(shape: [1], floats: [$0[plane % c]]) }
                    values += try interpreter.evaluate(node, ins)[0].floats
                }
                parts.append(GraphInterp.Tensor(dtype: x.dtype, shape: [tile.count * area], f: values))
            } else {
                parts.append(try interpreter.evaluate(node, [xs])[0])
            }
            order.append((tile, dest))
        }
        return [try assemble(parts, order, total: total, like: reference[0])]
    }

    // MARK: pooling

    /// MaxPool and AveragePool: a row is one output row of one plane; each tile reads its input
    /// rows with the window's halo, zero or −∞ padding only at the plane's real border.
    static func pool(_ node: Node, _ inputs: [GraphInterp.Tensor?], _ reference: GraphInterp.Tensor, tileElements: Int, fault: Fault.Kind?) throws -> GraphInterp.Tensor {
        guard let x = inputs.first ?? nil, let kernel = node.ints("kernel_shape"), x.shape.count == kernel.count + 2 else {
            throw TiledExecutionError.untileable("pooling input")
        }
        let geo = try WindowGeometry(node, input: Array(x.shape.dropFirst(2)), kernel: kernel)
        let (h, w) = geo.input
        let planes = x.shape[0] * x.shape[1]
        let ref = reference.shape
        let (oh, ow) = ref.count == 3 ? (1, ref[2]) : (ref[2], ref[3])
        guard ref[0] * ref[1] == planes else { throw TiledExecutionError.untileable("pooling output \(ref)") }
        let kx = try Kernels.Tensor(shape: [1, planes, h, w], data: x.floats)
        var out = [Float](repeating: 0, count: planes * oh * ow)
        let kind: Pooling.Kind = node.op == "MaxPool" ? .max : .average
        let includePad = node.int("count_include_pad", 0) != 0
        let cols = geo.reads(axis: 1, out: 0..<ow, taps: 0..<geo.kernel.1)
        let cw = ClippedWindow(first: cols.first, last: cols.last, extent: w)
        var first = true
        for (tile, dest) in try tiles(total: planes * oh, rowsPerTile: tileElements / max(ow, 1), fault: fault) {
            // A tile is a run of (plane, row) pairs: split it into pieces of one row range over consecutive planes.
            var r = tile.lowerBound
            while r < tile.upperBound {
                let plane = r / oh, row = r % oh
                let pieceRows: Range<Int>, pieceplanes: Range<Int>
                if row == 0 && tile.upperBound - r >= oh {
                    let whole = (tile.upperBound - r) / oh
                    (pieceplanes, pieceRows) = (plane..<(plane + whole), 0..<oh)
                } else {
                    (pieceplanes, pieceRows) = (plane..<(plane + 1), row..<min(oh, row + tile.upperBound - r))
                }
                var reads = geo.reads(axis: 0, out: pieceRows, taps: 0..<geo.kernel.0)
                if fault == .halo, first { reads = (reads.first + 1, reads.last + 1) }
                let rw = ClippedWindow(first: reads.first, last: reads.last, extent: h)
                let count = pieceplanes.count * pieceRows.count * ow
                var values: [Float]
                if rw.isEmpty || cw.isEmpty {
                    values = [Float](repeating: kind == .max ? -.infinity : 0, count: count)
                } else {
                    let xs = try kx.sliced(axis: 1, pieceplanes.lowerBound, pieceplanes.upperBound).sliced(axis: 2, rw.lower, rw.upper)
                        .sliced(axis: 3, cw.lower, cw.upper)
                    let p = Conv2dParams(strides: geo.stride, pads: (top: rw.padBefore, left: cw.padBefore, bottom: rw.padAfter, right: cw.padAfter),
                                         dilations: geo.dilation)
                    let y = try Pooling.pool2d(xs, kind: kind, kernel: geo.kernel, params: p, countIncludePad: includePad, threading: .all)
                    guard y.shape == [1, pieceplanes.count, pieceRows.count, ow] else {
                        throw TiledExecutionError.mismatch("a pooling tile computed \(y.shape)")
                    }
                    values = y.contiguous().storage
                }
                // Stored at the tile's destination (the same place unless the order fault moved it).
                let offset = dest.lowerBound - tile.lowerBound
                for (pi, pl) in pieceplanes.enumerated() {
                    for (ri, rr) in pieceRows.enumerated() {
                        let at = (pl * oh + rr + offset) * ow
                        for c in 0..<ow { out[at + c] = values[(pi * pieceRows.count + ri) * ow + c] }
                    }
                }
                r += pieceplanes.count * pieceRows.count
                first = false
            }
        }
        return GraphInterp.Tensor(dtype: x.dtype, shape: ref, f: out)
    }
}
