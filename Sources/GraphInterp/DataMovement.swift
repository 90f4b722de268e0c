import GraphIR
import Kernels

/// Shape-changing and indexing kernels. Most build a list of source indices and let
/// `select` copy either storage, so each op is written once for floats and integers.
enum DataMovement {
    static func select(_ t: Tensor, _ idx: [Int], shape: [Int]) -> Tensor {
        if t.isFloat { let f = t.f; return Tensor(dtype: t.dtype, shape: shape, f: idx.map { f[$0] }) }
        let i = t.i
        return Tensor(dtype: t.dtype, shape: shape, i: idx.map { i[$0] })
    }

    static func axis(_ a: Int, rank: Int, node: Node) throws -> Int {
        let r = a < 0 ? a + rank : a
        guard r >= 0, r < max(rank, 1) else { throw InterpreterError.badInput(node: node.name, detail: "axis \(a) out of range for rank \(rank)") }
        return r
    }

    static func reshape(_ node: Node, _ x: Tensor, target: [Int64]) throws -> Tensor {
        let allowZero = node.int("allowzero", 0) != 0
        var dims = target.enumerated().map { k, v -> Int in v == 0 && !allowZero && k < x.shape.count ? x.shape[k] : Int(v) }
        if let at = dims.firstIndex(of: -1) {
            let rest = dims.enumerated().filter { $0.offset != at }.map(\.element).reduce(1, *)
            guard rest > 0, x.count % rest == 0 else { throw InterpreterError.badInput(node: node.name, detail: "cannot reshape \(x.shape) to \(target)") }
            dims[at] = x.count / rest
        }
        guard dims.allSatisfy({ $0 >= 0 }), dims.reduce(1, *) == x.count else {
            throw InterpreterError.badInput(node: node.name, detail: "cannot reshape \(x.shape) to \(target)")
        }
        return x.reshaped(dims)
    }

    static func transpose(_ node: Node, _ x: Tensor) throws -> Tensor {
        let rank = x.shape.count
        let perm = node.ints("perm") ?? Array((0..<rank).reversed())
        guard perm.count == rank, Set(perm) == Set(0..<rank) else { throw InterpreterError.badInput(node: node.name, detail: "bad perm") }
        let outShape = perm.map { x.shape[$0] }
        let inStrides = Tensor.strides(x.shape)
        let permStrides = perm.map { inStrides[$0] }
        var idx: [Int] = []
        idx.reserveCapacity(x.count)
        Kernels.Tensor.forEachOffset(shape: outShape, strides: permStrides) { idx.append($0) }
        return select(x, idx, shape: outShape)
    }

    static func concat(_ node: Node, _ xs: [Tensor]) throws -> Tensor {
        guard let first = xs.first else { throw InterpreterError.badInput(node: node.name, detail: "no inputs") }
        let a = try axis(node.int("axis", 0), rank: first.shape.count, node: node)
        let outer = first.shape.prefix(a).reduce(1, *)
        var shape = first.shape
        shape[a] = xs.map { $0.shape[a] }.reduce(0, +)
        for x in xs where x.shape.count != shape.count || x.shape.enumerated().contains(where: { $0.offset != a && $0.element != shape[$0.offset] }) {
            throw InterpreterError.badInput(node: node.name, detail: "inputs \(xs.map(\.shape)) do not concatenate on axis \(a)")
        }
        if first.isFloat {
            var out = [Float](); out.reserveCapacity(shape.reduce(1, *))
            for o in 0..<outer { for x in xs { let chunk = x.count / max(outer, 1); out.append(contentsOf: x.floats[(o * chunk)..<((o + 1) * chunk)]) } }
            return Tensor(dtype: first.dtype, shape: shape, f: out)
        }
        var out = [Int64](); out.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer { for x in xs { let chunk = x.count / max(outer, 1); out.append(contentsOf: x.ints[(o * chunk)..<((o + 1) * chunk)]) } }
        return Tensor(dtype: first.dtype, shape: shape, i: out)
    }

    static func gather(_ node: Node, _ x: Tensor, _ indices: Tensor) throws -> Tensor {
        let a = try axis(node.int("axis", 0), rank: x.shape.count, node: node)
        let outer = x.shape.prefix(a).reduce(1, *), n = x.shape[a], inner = x.shape.dropFirst(a + 1).reduce(1, *)
        var idx: [Int] = []
        let ind = indices.ints
        idx.reserveCapacity(outer * ind.count * inner)
        for o in 0..<outer {
            for j in ind {
                let jj = Int(j < 0 ? j + Int64(n) : j)
                guard jj >= 0, jj < n else { throw InterpreterError.badInput(node: node.name, detail: "index \(j) out of range \(n)") }
                for q in 0..<inner { idx.append((o * n + jj) * inner + q) }
            }
        }
        return select(x, idx, shape: Array(x.shape.prefix(a)) + indices.shape + Array(x.shape.dropFirst(a + 1)))
    }

    static func slice(_ node: Node, _ x: Tensor, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) throws -> Tensor {
        let rank = x.shape.count
        var begin = [Int](repeating: 0, count: rank), step = [Int](repeating: 1, count: rank), shape = x.shape
        let ax = try (axes ?? Array(0..<starts.count)).map { try axis($0, rank: rank, node: node) }
        guard starts.count == ends.count, ax.count == starts.count else { throw InterpreterError.badInput(node: node.name, detail: "bad slice parameters") }
        for (k, a) in ax.enumerated() {
            let st = steps?[k] ?? 1
            guard st != 0 else { throw InterpreterError.badInput(node: node.name, detail: "step 0") }
            let (s, c) = ShapeRules.sliceRange(start: starts[k], end: ends[k], step: st, extent: x.shape[a])
            begin[a] = s; step[a] = st; shape[a] = c
        }
        let strides = Tensor.strides(x.shape)
        let total = shape.reduce(1, *)
        var idx = [Int](repeating: 0, count: total)
        var counter = [Int](repeating: 0, count: rank)
        for k in 0..<total {
            var pos = 0
            for d in 0..<rank { pos += (begin[d] + counter[d] * step[d]) * strides[d] }
            idx[k] = pos
            var d = rank - 1
            while d >= 0 { counter[d] += 1; if counter[d] < shape[d] { break }; counter[d] = 0; d -= 1 }
        }
        return select(x, idx, shape: shape)
    }

    static func split(_ node: Node, _ x: Tensor, sizes: [Int]) throws -> [Tensor] {
        let a = try axis(node.int("axis", 0), rank: x.shape.count, node: node)
        guard sizes.reduce(0, +) == x.shape[a] else { throw InterpreterError.badInput(node: node.name, detail: "split sizes \(sizes) do not sum to \(x.shape[a])") }
        var start = 0
        return try sizes.map { s in
            defer { start += s }
            return try slice(node, x, starts: [start], ends: [start + s], axes: [a], steps: nil)
        }
    }

    static func expand(_ node: Node, _ x: Tensor, to target: [Int]) throws -> Tensor {
        guard let out = Elementwise.broadcastShape([x.shape, target]) else { throw InterpreterError.badInput(node: node.name, detail: "cannot expand \(x.shape) to \(target)") }
        return select(x, Elementwise.broadcastIndex(x.shape, to: out), shape: out)
    }

    static func tile(_ node: Node, _ x: Tensor, repeats: [Int]) throws -> Tensor {
        guard repeats.count == x.shape.count else { throw InterpreterError.badInput(node: node.name, detail: "repeats rank differs") }
        let shape = zip(x.shape, repeats).map { $0 * $1 }
        let strides = Tensor.strides(x.shape)
        let total = shape.reduce(1, *)
        var idx = [Int](repeating: 0, count: total)
        var counter = [Int](repeating: 0, count: shape.count)
        for k in 0..<total {
            var pos = 0
            for d in 0..<shape.count { pos += (counter[d] % x.shape[d]) * strides[d] }
            idx[k] = pos
            var d = shape.count - 1
            while d >= 0 { counter[d] += 1; if counter[d] < shape[d] { break }; counter[d] = 0; d -= 1 }
        }
        return select(x, idx, shape: shape)
    }

    /// Pad in every ONNX mode: constant, reflect (mirror without the edge), edge (repeat
    /// the edge) and wrap (periodic); negative pads crop.
    static func pad(_ node: Node, _ x: Tensor, pads: [Int], value: Float) throws -> Tensor {
        let rank = x.shape.count
        let mode = node.string("mode", "constant")
        guard pads.count == 2 * rank, ["constant", "reflect", "edge", "wrap"].contains(mode) else {
            throw InterpreterError.unsupported(op: "Pad", node: node.name, detail: "mode \(mode)")
        }
        let shape = (0..<rank).map { x.shape[$0] + pads[$0] + pads[$0 + rank] }
        if mode != "constant" {
            // Reflect needs two elements on a padded axis, edge and wrap one (onnxruntime refuses less).
            for d in 0..<rank where (pads[d] > 0 || pads[d + rank] > 0) && x.shape[d] < (mode == "reflect" ? 2 : 1) {
                throw InterpreterError.badInput(node: node.name, detail: "\(mode) padding of an axis of size \(x.shape[d])")
            }
        }
        let strides = Tensor.strides(x.shape)
        let total = shape.reduce(1, *)
        var f = [Float](repeating: value, count: x.isFloat ? total : 0)
        var iv = [Int64](repeating: saturatingInt64(value), count: x.isFloat ? 0 : total)
        var counter = [Int](repeating: 0, count: rank)
        /// The source index along an axis of size n for a position outside it.
        func source(_ s: Int, _ n: Int) -> Int {
            switch mode {
            case "edge": return min(max(s, 0), n - 1)
            case "wrap": return ((s % n) + n) % n
            default:
                // reflect: period 2(n-1), mirrored about 0 and n-1.
                let period = 2 * (n - 1)
                var r = ((s % period) + period) % period
                if r >= n { r = period - r }
                return r
            }
        }
        for k in 0..<total {
            var pos = 0, inside = true
            for d in 0..<rank {
                var s = counter[d] - pads[d]
                if s < 0 || s >= x.shape[d] {
                    if mode == "constant" { inside = false; break }
                    s = source(s, x.shape[d])
                }
                pos += s * strides[d]
            }
            if inside { if x.isFloat { f[k] = x.f[pos] } else { iv[k] = x.i[pos] } }
            var d = rank - 1
            while d >= 0 { counter[d] += 1; if counter[d] < shape[d] { break }; counter[d] = 0; d -= 1 }
        }
        return Tensor(dtype: x.dtype, shape: shape, f: f, i: iv)
    }

    static func cast(_ x: Tensor, to: DType) -> Tensor {
        if to.isFloat {
            var f = x.floats
            if to == .float16 { f = f.map { Float(Float16($0)) } }
            if to == .bfloat16 { f = f.map { Float(bitPattern: $0.bitPattern & 0xffff_0000) } }
            return Tensor(dtype: to, shape: x.shape, f: f)
        }
        if to == .bool { return Tensor(dtype: .bool, shape: x.shape, i: x.floats.map { $0 != 0 ? 1 : 0 }) }
        return Tensor(dtype: to, shape: x.shape, i: x.ints)
    }

    /// Reduce* over `axes` (nil: all).
    static func reduce(_ op: String, _ node: Node, _ x: Tensor, axes: [Int]?) throws -> Tensor {
        let rank = x.shape.count
        let ax = Set(try (axes ?? Array(0..<rank)).map { try axis($0, rank: rank, node: node) })
        let keep = node.int("keepdims", 1) != 0
        let outShapeKeep = x.shape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
        let outCount = outShapeKeep.reduce(1, *)
        let idx = Elementwise.broadcastIndex(outShapeKeep, to: x.shape)
        let xf = x.floats
        var acc = [Float](repeating: op == "ReduceMax" ? -.infinity : op == "ReduceMin" ? .infinity : op == "ReduceProd" ? 1 : 0, count: outCount)
        for k in 0..<xf.count {
            let v = xf[k], o = idx[k]
            switch op {
            case "ReduceMax": acc[o] = max(acc[o], v)
            case "ReduceMin": acc[o] = min(acc[o], v)
            case "ReduceProd": acc[o] *= v
            case "ReduceL2", "ReduceSumSquare": acc[o] += v * v
            default: acc[o] += v
            }
        }
        let n = Float(max(1, x.count / max(outCount, 1)))
        if op == "ReduceMean" { acc = acc.map { $0 / n } }
        if op == "ReduceL2" { acc = acc.map { $0.squareRoot() } }
        let shape = keep ? outShapeKeep : x.shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        if x.isFloat { return Tensor(dtype: x.dtype, shape: shape, f: acc) }
        // Integer reductions of an empty set give the type's extreme, not ±inf.
        let (lo, hi) = x.dtype.integerRange
        return Tensor(dtype: x.dtype, shape: shape, i: acc.map { min(max(saturatingInt64($0), lo), hi) })
    }

    static func argReduce(_ node: Node, _ x: Tensor, max isMax: Bool) throws -> Tensor {
        let a = try axis(node.int("axis", 0), rank: x.shape.count, node: node)
        let outer = x.shape.prefix(a).reduce(1, *), n = x.shape[a], inner = x.shape.dropFirst(a + 1).reduce(1, *)
        let xf = x.floats
        let last = node.int("select_last_index", 0) != 0
        var out = [Int64](repeating: 0, count: outer * inner)
        for o in 0..<outer { for q in 0..<inner {
            var best = 0
            for j in 1..<max(n, 1) {
                let v = xf[(o * n + j) * inner + q], b = xf[(o * n + best) * inner + q]
                // Ties go to the first index, or the last with select_last_index.
                if isMax ? (v > b || last && v == b) : (v < b || last && v == b) { best = j }
            }
            out[o * inner + q] = Int64(best)
        } }
        var shape = x.shape
        if node.int("keepdims", 1) != 0 { shape[a] = 1 } else { shape.remove(at: a) }
        return Tensor(dtype: .int64, shape: shape, i: out)
    }
}
