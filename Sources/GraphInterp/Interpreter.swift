import Foundation
import GraphIR

/// A reference interpreter: runs any supported graph on the CPU with straightforward
/// kernels. It is the numerical oracle for every pass (a pass must not change what the
/// graph computes) and the evaluator behind constant folding.
public struct Interpreter {
    /// Default-domain opset, which selects Softmax's pre-13 semantics.
    public let opset: Int
    /// Decodes If/Loop/Scan bodies; without it control flow is refused like any opaque node.
    public let subgraphs: SubgraphLoader?

    public init(opset: Int, subgraphs: SubgraphLoader? = nil) {
        self.opset = opset
        self.subgraphs = subgraphs
    }

    /// Runs `graph` on `feeds` (by input name) and returns every graph output by name. With
    /// `subgraphs`, If, Loop and Scan nodes run their bodies.
    public static func run(_ graph: Graph, feeds: [String: Tensor], subgraphs: SubgraphLoader? = nil) throws -> [String: Tensor] {
        let interp = Interpreter(opset: graph.opset, subgraphs: subgraphs)
        var env = [Tensor?](repeating: nil, count: graph.values.count)
        for id in graph.inputs {
            guard let t = feeds[graph.values[id].name] else { throw InterpreterError.missingInput(graph.values[id].name) }
            env[id] = t
        }
        // Free each intermediate after its last reader so big models fit.
        var remaining = graph.useCounts()
        for n in graph.nodes {
            let control = n.isControlFlow && subgraphs != nil
            if n.isOpaque && !control { throw InterpreterError.opaque(op: n.qualifiedOp, node: n.name) }
            let ins: [Tensor?] = try n.inputs.map { v in
                guard v >= 0 else { return nil }
                if let t = env[v] { return t }
                if let c = graph.values[v].constant { return try Tensor(c) }
                throw InterpreterError.badInput(node: n.name, detail: "input '\(graph.values[v].name)' has no value")
            }
            let outs: [Tensor]
            if control, let subgraphs {
                // A body reads outer values by name: this scope's computed values and constants.
                outs = try ControlFlow.run(n, ins, interp: interp, outer: graph, loader: subgraphs) { name in
                    guard let v = graph.value(named: name) else { return nil }
                    if let t = env[v] { return t }
                    return try graph.values[v].constant.map { try Tensor($0) }
                }
            } else {
                outs = try interp.evaluate(n, ins)
            }
            // Optional outputs a kernel does not produce must not be needed.
            for (k, o) in n.outputs.enumerated() where k >= outs.count && o >= 0 && (remaining[o] > 0 || graph.outputs.contains(o)) {
                throw InterpreterError.unsupported(op: n.op, node: n.name, detail: "output \(k)")
            }
            for (k, o) in n.outputs.enumerated() where o >= 0 && k < outs.count { env[o] = outs[k] }
            for v in n.reads where v >= 0 {
                remaining[v] -= 1
                if remaining[v] == 0 { env[v] = nil }
            }
        }
        var result: [String: Tensor] = [:]
        for o in graph.outputs {
            if let t = env[o] { result[graph.values[o].name] = t }
            else if let c = graph.values[o].constant { result[graph.values[o].name] = try Tensor(c) }
            else { throw InterpreterError.badInput(node: "output", detail: "'\(graph.values[o].name)' was not computed") }
        }
        return result
    }

    /// Evaluates one node on concrete inputs (nil for omitted optional inputs). Integer
    /// results of kernels that compute in Float are converted back to integers.
    public func evaluate(_ node: Node, _ inputs: [Tensor?]) throws -> [Tensor] {
        try compute(node, inputs).map { t in
            var t = t
            switch t.dtype {
            // 16-bit float results are rounded to their type, as each op's output would be.
            case .float16: t.f = t.f.map { Float(Float16($0)) }
            case .bfloat16: t.f = t.f.map(roundToBFloat16)
            default:
                if !t.dtype.isFloat, t.i.isEmpty, !t.f.isEmpty { t = Tensor(dtype: t.dtype, shape: t.shape, i: t.f.map(saturatingInt64)) }
            }
            return t
        }
    }

    /// The largest tensor the interpreter will allocate (2³¹ elements): a shape read from
    /// data (ConstantOfShape, Expand, Tile, Pad, Resize) must not exhaust memory.
    static let maxElements = 1 << 31

    static func checkSize(_ dims: [Int], _ node: Node) throws {
        var n = 1
        for d in dims {
            guard d >= 0, case let (p, false) = n.multipliedReportingOverflow(by: d), p <= maxElements else {
                throw InterpreterError.badInput(node: node.name, detail: "output shape \(dims) is too large")
            }
            n = p
        }
    }

    func compute(_ node: Node, _ inputs: [Tensor?]) throws -> [Tensor] {
        func x(_ i: Int) throws -> Tensor {
            guard i < inputs.count, let t = inputs[i] else { throw InterpreterError.badInput(node: node.name, detail: "missing input \(i)") }
            return t
        }
        func opt(_ i: Int) -> Tensor? { i < inputs.count ? inputs[i] : nil }
        func ints(_ i: Int) throws -> [Int] { try x(i).ints.map { Int(clamping: $0) } }
        let op = node.op

        if let fn = Elementwise.unary(op, { node.float($0, $1) }, opsetString: { node.attributes[$0]?.string }) {
            var t = try x(0)
            if !t.isFloat {
                guard op == "Neg" || op == "Abs" || op == "Relu" || op == "Sign" else {
                    throw InterpreterError.unsupported(op: op, node: node.name, detail: "integer input")
                }
                t = Tensor(dtype: t.dtype, shape: t.shape, i: t.i.map { saturatingInt64(fn(Float($0))) })
                return [t]
            }
            Elementwise.map(&t, fn)
            return [t]
        }
        switch op {
        case "Identity":
            return [try x(0)]
        case "Dropout":
            // Training mode drops at random: nothing to check it against.
            if let training = opt(2), training.ints.first ?? 0 != 0 {
                throw InterpreterError.unsupported(op: op, node: node.name, detail: "training mode")
            }
            let t = try x(0)
            return node.outputs.count > 1 ? [t, Tensor(dtype: .bool, shape: t.shape, i: Array(repeating: 1, count: t.count))] : [t]
        case "Not":
            let t = try x(0)
            return [Tensor(dtype: .bool, shape: t.shape, i: t.ints.map { $0 == 0 ? 1 : 0 })]
        case "Clip":
            var t = try x(0)
            let lo = opset < 11 ? node.float("min", -.infinity) : (opt(1)?.floats.first ?? -.infinity)
            let hi = opset < 11 ? node.float("max", .infinity) : (opt(2)?.floats.first ?? .infinity)
            if t.isFloat { Elementwise.map(&t) { min(max($0, lo), hi) } }
            else { t.i = t.i.map { min(max($0, Int64(max(lo, -9e18))), Int64(min(hi, 9e18))) } }
            return [t]
        case "Mod":
            // fmod=1: C's remainder (the dividend's sign); 0: the divisor's sign.
            let name = node.int("fmod", 0) != 0 ? "Fmod" : "Mod"
            return [try Elementwise.binary(name, [try x(0), try x(1)], node: node.name)]
        case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "PRelu",
             "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor":
            return [try Elementwise.binary(op, try inputs.map { t in guard let t else { throw InterpreterError.badInput(node: node.name, detail: "missing input") }; return t }, node: node.name)]
        case "Where":
            return [try Elementwise.whereOp(try x(0), try x(1), try x(2), node: node.name)]
        case "Conv":
            return [try ConvPool.conv(node, x: try x(0), w: try x(1), bias: opt(2))]
        case "FusedConv":
            var t = try ConvPool.conv(node, x: try x(0), w: try x(1), bias: opt(2))
            if let z = opt(3) {
                guard z.shape == t.shape else { throw InterpreterError.badInput(node: node.name, detail: "Z shape \(z.shape) differs from \(t.shape)") }
                let zf = z.floats
                t.f.withUnsafeMutableBufferPointer { p in for k in 0..<p.count { p[k] += zf[k] } }
            }
            try applyActivation(node, &t)
            return [t]
        case "MaxPool":
            let t = try ConvPool.pool(node, x: try x(0), max: true)
            guard node.outputs.count < 2 || node.outputs[1] < 0 else { throw InterpreterError.unsupported(op: op, node: node.name, detail: "Indices output") }
            return [t]
        case "AveragePool":
            return [try ConvPool.pool(node, x: try x(0), max: false)]
        case "GlobalAveragePool", "GlobalMaxPool":
            return [try ConvPool.globalPool(node, try x(0), max: op == "GlobalMaxPool")]
        case "BatchNormalization":
            guard node.int("training_mode", 0) == 0 else { throw InterpreterError.unsupported(op: op, node: node.name, detail: "training mode") }
            return [try Normalization.batchNorm(node, x: try x(0), scale: try x(1), bias: try x(2), mean: try x(3), variance: try x(4))]
        case "LRN":
            return [try Normalization.lrn(node, x: try x(0))]
        case "InstanceNormalization":
            return [Normalization.instanceNorm(node, x: try x(0), scale: try x(1), bias: try x(2))]
        case "LayerNormalization", "RMSNormalization":
            return try Normalization.layerNorm(node, x: try x(0), scale: opt(1), bias: op == "LayerNormalization" ? opt(2) : nil,
                                               rms: op == "RMSNormalization", statistics: node.outputs.count > 1)
        case "SkipLayerNorm":
            let sum = try Elementwise.binary("Add", [try x(0), try x(1)], node: node.name)
            var ln = node
            ln.attributes["axis"] = .int(-1)
            let y = try Normalization.layerNorm(ln, x: sum, scale: opt(2), bias: opt(3), rms: false)[0]
            return node.outputs.count > 1 ? [y, sum] : [y]
        case "Softmax", "LogSoftmax":
            return [try Normalization.softmax(node, x: try x(0), opset: opset, log: op == "LogSoftmax")]
        case "Gemm":
            return [try Linear.gemmNode(node, a: try x(0), b: try x(1), c: opt(2))]
        case "FusedGemm":
            var t = try Linear.gemmNode(node, a: try x(0), b: try x(1), c: opt(2))
            try applyActivation(node, &t)
            return [t]
        case "MatMul":
            return [try Linear.matmul(node, try x(0), try x(1))]
        case "LSTM", "GRU", "RNN":
            return try Recurrent.run(node, inputs)
        case "DynamicQuantizeLSTM" where node.domain == ShapeRules.microsoftDomain:
            return try Recurrent.dynamicQuantizeLSTM(node, inputs)
        case "QuantizeLinear":
            return [try Quantized.quantizeLinear(node, x: try x(0), scale: try x(1), zeroPoint: opt(2))]
        case "DequantizeLinear":
            return [try Quantized.dequantizeLinear(node, x: try x(0), scale: try x(1), zeroPoint: opt(2))]
        case "DynamicQuantizeLinear":
            return try Quantized.dynamicQuantizeLinear(node, x: try x(0))
        case "MatMulInteger":
            return [try Quantized.matMulInteger(node, try x(0), try x(1), aZero: opt(2), bZero: opt(3))]
        case "ConvInteger":
            return [try Quantized.convInteger(node, try x(0), try x(1), xZero: opt(2), wZero: opt(3))]
        case "QLinearMatMul":
            return [try Quantized.qlinearMatMul(node, inputs)]
        case "QLinearConv":
            return [try Quantized.qlinearConv(node, inputs)]
        case "Attention":
            return [try attention(node, q: try x(0), k: try x(1), v: try x(2), mask: opt(3))]
        case "Reshape":
            let t = try x(0)
            if let s = node.ints("shape") { return [try DataMovement.reshape(node, t, target: s.map { Int64($0) })] }
            return [try DataMovement.reshape(node, t, target: try x(1).ints)]
        case "Flatten":
            let t = try x(0)
            let a = node.int("axis", 1) < 0 ? node.int("axis", 1) + t.shape.count : node.int("axis", 1)
            return [t.reshaped([t.shape.prefix(a).reduce(1, *), t.shape.dropFirst(a).reduce(1, *)])]
        case "Squeeze", "Unsqueeze":
            let t = try x(0)
            let axes = node.ints("axes") ?? (opt(1).map { $0.ints.map { Int($0) } })
            if op == "Squeeze" {
                let rank = t.shape.count
                let ax = Set((axes ?? t.shape.indices.filter { t.shape[$0] == 1 }).map { $0 < 0 ? $0 + rank : $0 })
                return [t.reshaped(t.shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element))]
            }
            guard let axes else { throw InterpreterError.badInput(node: node.name, detail: "Unsqueeze without axes") }
            let rank = t.shape.count + axes.count
            let ax = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
            var it = t.shape.makeIterator()
            return [t.reshaped((0..<rank).map { ax.contains($0) ? 1 : it.next() ?? 1 })]
        case "Concat":
            return [try DataMovement.concat(node, inputs.compactMap { $0 })]
        case "Transpose":
            return [try DataMovement.transpose(node, try x(0))]
        case "Gather":
            return [try DataMovement.gather(node, try x(0), try x(1))]
        case "Slice":
            let t = try x(0)
            if let s = node.ints("starts"), let e = node.ints("ends") {
                return [try DataMovement.slice(node, t, starts: s, ends: e, axes: node.ints("axes"), steps: nil)]
            }
            return [try DataMovement.slice(node, t, starts: try ints(1), ends: try ints(2),
                                           axes: try opt(3).map { _ in try ints(3) }, steps: try opt(4).map { _ in try ints(4) })]
        case "Split":
            let t = try x(0)
            let a = node.int("axis", 0) < 0 ? node.int("axis", 0) + t.shape.count : node.int("axis", 0)
            let n = t.shape[a], parts = node.outputs.count
            let chunk = (n + parts - 1) / parts
            let sizes = try node.ints("split") ?? opt(1).map { _ in try ints(1) } ?? (0..<parts).map { min(chunk, max(0, n - $0 * chunk)) }
            return try DataMovement.split(node, t, sizes: sizes)
        case "Expand":
            let t = try x(0), target = try ints(1)
            try Self.checkSize(Elementwise.broadcastShape([t.shape, target]) ?? target, node)
            return [try DataMovement.expand(node, t, to: target)]
        case "Tile":
            let t = try x(0), reps = try ints(1)
            try Self.checkSize(zip(t.shape, reps).map { $0 * max($1, 0) }, node)
            return [try DataMovement.tile(node, t, repeats: reps)]
        case "Pad":
            let pads = try node.ints("pads") ?? ints(1)
            let padded = try x(0)
            if pads.count == 2 * padded.shape.count {
                try Self.checkSize((0..<padded.shape.count).map { padded.shape[$0] + pads[$0] + pads[$0 + padded.shape.count] }, node)
            }
            let value = node.attributes["value"]?.float ?? opt(2)?.floats.first ?? 0
            return [try DataMovement.pad(node, try x(0), pads: pads, value: value)]
        case "GridSample":
            return [try GridSample.run(node, x: try x(0), grid: try x(1))]
        case "Resize", "Upsample":
            // Opset 10 and Upsample: (X, scales); 11+: (X, roi, scales, sizes).
            let t = try x(0)
            let scalesInput = op == "Upsample" || opset < 11 ? 1 : 2
            let scales = node.attributes["scales"]?.floats ?? opt(scalesInput).map { $0.floats }
            let sizes = op == "Resize" && opset >= 11 ? opt(3).map { $0.ints.map { Int($0) } } : nil
            return [try Resize.run(node, x: t, scales: (scales?.isEmpty ?? true) ? nil : scales, sizes: sizes, opset: opset)]
        case "Shape":
            let t = try x(0)
            let (lo, hi) = ShapeRules.shapeSliceBounds(node, rank: t.shape.count)
            let dims = lo < hi ? Array(t.shape[lo..<hi]) : []
            return [Tensor(shape: [dims.count], ints: dims.map { Int64($0) })]
        case "Size":
            return [Tensor(shape: [], ints: [Int64(try x(0).count)])]
        case "Cast":
            guard let to = DType(rawValue: Int32(node.int("to", 1))) else { throw InterpreterError.unsupported(op: op, node: node.name, detail: "target type") }
            return [DataMovement.cast(try x(0), to: to)]
        case "CastLike":
            return [DataMovement.cast(try x(0), to: try x(1).dtype)]
        case "Constant":
            guard let c = ShapeRules.constantAttributeValue(node) else { throw InterpreterError.badInput(node: node.name, detail: "no value") }
            return [try Tensor(c)]
        case "ConstantOfShape":
            let dims = try ints(0)
            try Self.checkSize(dims, node)
            let value = try node.attributes["value"]?.tensor.map { try Tensor($0) } ?? Tensor(shape: [1], floats: [0])
            let n = dims.reduce(1, *)
            if value.isFloat { return [Tensor(dtype: value.dtype, shape: dims, f: Array(repeating: value.f.first ?? 0, count: n))] }
            return [Tensor(dtype: value.dtype, shape: dims, i: Array(repeating: value.i.first ?? 0, count: n))]
        case "Range":
            let s = try x(0), l = try x(1), d = try x(2)
            if s.isFloat {
                let a = s.f[0], b = l.floats[0], st = d.floats[0]
                let steps = ((b - a) / st).rounded(.up)
                guard steps.isFinite, steps < 1e8 else { throw InterpreterError.badInput(node: node.name, detail: "Range of \(steps) elements") }
                let n = max(0, Int(steps))
                return [Tensor(dtype: s.dtype, shape: [n], f: (0..<n).map { a + Float($0) * st })]
            }
            let a = s.i[0], b = l.ints[0], st = d.ints[0]
            guard st != 0 else { throw InterpreterError.badInput(node: node.name, detail: "delta 0") }
            let n = Int(max(0, (b &- a &+ st &- (st > 0 ? 1 : -1)) / st))
            guard n < 100_000_000 else { throw InterpreterError.badInput(node: node.name, detail: "Range of \(n) elements") }
            return [Tensor(dtype: s.dtype, shape: [n], i: (0..<n).map { a + Int64($0) * st })]
        case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceSumSquare":
            var axes = node.ints("axes")
            if axes == nil, let a = opt(1) { axes = a.ints.map { Int($0) } }
            if axes?.isEmpty == true { axes = node.int("noop_with_empty_axes", 0) != 0 ? [] : nil }
            if axes?.isEmpty == true { return [try x(0)] }
            return [try DataMovement.reduce(op, node, try x(0), axes: axes)]
        case "ArgMax", "ArgMin":
            return [try DataMovement.argReduce(node, try x(0), max: op == "ArgMax")]
        default:
            throw InterpreterError.unsupported(op: node.qualifiedOp, node: node.name, detail: "")
        }
    }

    /// The activation a fusion folded into Conv/Gemm (`activation`, `activation_params`); public
    /// so that a tiled execution (TiledExecution) applies the same epilogue to its output tiles.
    public func applyActivation(_ node: Node, _ t: inout Tensor) throws {
        let name = node.string("activation", "")
        if name.isEmpty { return }
        let params = node.attributes["activation_params"]?.floats ?? []
        switch name {
        case "Clip":
            let lo = params.count > 0 ? params[0] : -.infinity, hi = params.count > 1 ? params[1] : .infinity
            Elementwise.map(&t) { min(max($0, lo), hi) }
        case "LeakyRelu", "HardSigmoid", "Elu":
            var attrs: [String: Attribute] = [:]
            if name == "HardSigmoid" { attrs = ["alpha": .float(params.first ?? 0.2), "beta": .float(params.count > 1 ? params[1] : 0.5)] }
            else { attrs = ["alpha": .float(params.first ?? (name == "Elu" ? 1 : 0.01))] }
            let fake = Node(name: node.name, op: name, inputs: [], outputs: [], attributes: attrs)
            guard let fn = Elementwise.unary(name, { fake.float($0, $1) }, opsetString: { _ in nil }) else { return }
            Elementwise.map(&t, fn)
        default:
            guard let fn = Elementwise.unary(name, { _, d in d }, opsetString: { _ in node.attributes["activation_approximate"]?.string }) else {
                throw InterpreterError.unsupported(op: node.op, node: node.name, detail: "activation '\(name)'")
            }
            Elementwise.map(&t, fn)
        }
    }

    /// Fused attention: softmax(Q·Kᵀ·scale + mask)·V over the last two dims, with
    /// grouped KV heads (dim -3) repeated to the query head count.
    func attention(_ node: Node, q: Tensor, k: Tensor, v: Tensor, mask: Tensor?) throws -> Tensor {
        guard q.shape.count >= 2, k.shape.count == q.shape.count, v.shape.count == q.shape.count else {
            throw InterpreterError.badInput(node: node.name, detail: "Q, K, V ranks differ")
        }
        let r = q.shape.count
        let sq = q.shape[r - 2], d = q.shape[r - 1], skv = k.shape[r - 2], dv = v.shape[r - 1]
        let scale = node.float("scale", 1 / Float(d).squareRoot())
        let batchQ = Array(q.shape.dropLast(2))
        let nb = batchQ.reduce(1, *)
        // Map each query batch index to a K/V batch index (GQA: KV heads repeat).
        func kvIndex(_ shape: [Int]) -> [Int] {
            let b = Array(shape.dropLast(2))
            if b == batchQ { return Array(0..<nb) }
            var idx = [Int](repeating: 0, count: nb)
            let qs = Tensor.strides(batchQ), ks = Tensor.strides(b)
            for n in 0..<nb {
                var rem = n, pos = 0
                for a in 0..<batchQ.count {
                    let c = rem / qs[a]; rem %= qs[a]
                    let group = max(1, batchQ[a] / max(b[a], 1))
                    pos += (b[a] == batchQ[a] ? c : c / group) * ks[a]
                }
                idx[n] = pos
            }
            return idx
        }
        let ik = kvIndex(k.shape), iv = kvIndex(v.shape)
        let maskIdx = mask.map { Elementwise.broadcastIndex($0.shape, to: batchQ + [sq, skv]) }
        let qf = q.floats, kf = k.floats, vf = v.floats
        let mf = mask.map { $0.isFloat ? $0.f : $0.i.map { $0 != 0 ? 0 : -Float.infinity } }
        var out = [Float](repeating: 0, count: nb * sq * dv)
        var scores = [Float](repeating: 0, count: sq * skv)
        // Nothing to attend to (or nothing to produce): the output is zeros.
        if out.isEmpty || scores.isEmpty { return Tensor(dtype: q.dtype, shape: batchQ + [sq, dv], f: out) }
        // Q·Kᵀ·scale and P·V are SGEMMs (Kernels); the masked softmax between them is here,
        // as the kernels' Attention has no mask (a fully masked row gives 0, not NaN).
        qf.withUnsafeBufferPointer { qp in kf.withUnsafeBufferPointer { kp in vf.withUnsafeBufferPointer { vp in
        scores.withUnsafeMutableBufferPointer { sp in out.withUnsafeMutableBufferPointer { op in
            let s = sp.baseAddress!
            for n in 0..<nb {
                if d == 0 { s.update(repeating: 0, count: sq * skv) } else {
                    Linear.gemm(m: sq, n: skv, k: d, a: qp.baseAddress! + n * sq * d, lda: d, aTrans: false,
                                b: kp.baseAddress! + ik[n] * skv * d, ldb: d, bTrans: true, alpha: scale, beta: 0, c: s)
                }
                for i in 0..<sq {
                    let row = s + i * skv
                    var m: Float = -.infinity
                    for j in 0..<skv {
                        if let mf, let maskIdx { row[j] += mf[maskIdx[(n * sq + i) * skv + j]] }
                        m = max(m, row[j])
                    }
                    var z: Float = 0
                    for j in 0..<skv { row[j] = m == -.infinity ? 0 : Foundation.exp(row[j] - m); z += row[j] }
                    for j in 0..<skv { row[j] = z > 0 ? row[j] / z : 0 }
                }
                Linear.gemm(m: sq, n: dv, k: skv, a: s, lda: skv, aTrans: false,
                            b: vp.baseAddress! + iv[n] * skv * dv, ldb: dv, bTrans: false, alpha: 1, beta: 0, c: op.baseAddress! + n * sq * dv)
            }
        } }
        } } }
        return Tensor(dtype: q.dtype, shape: batchQ + [sq, dv], f: out)
    }
}
