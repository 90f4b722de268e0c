import GraphIR

extension OpInstance {
    /// The instance of a node whose operator and geometry have a dedicated case (what op-bench
    /// can time), or nil. Binary operators must not broadcast here.
    public static func of(_ node: Node, _ dims: ValueShapes) -> OpInstance? {
        guard node.domain.isEmpty || node.domain == "ai.onnx", let x = dims(node.input(0)) else { return nil }
        let count = x.reduce(1, *)
        guard count > 0 else { return nil }
        if unaryNames.contains(node.op) { return .unary(node.op, count: count) }
        if node.op == "Gelu" { return .unary(node.string("approximate", "none") == "tanh" ? "Gelu(tanh)" : "Gelu", count: count) }
        if binaryNames.contains(node.op) {
            guard node.inputs.count == 2, dims(node.input(1)) == x else { return nil }   // no broadcast cases
            return .binary(node.op, count: count)
        }
        switch node.op {
        case "MatMul":
            guard let y = dims(node.input(1)), x.count >= 2, y.count >= 2, x[x.count - 1] == y[y.count - 2] else { return nil }
            let (m, k, n) = (x[x.count - 2], x[x.count - 1], y[y.count - 1])
            guard m > 0, k > 0, n > 0 else { return nil }
            if y.count == 2 { return .matmul(batch: 1, m: count / k, n: n, k: k, transposedB: false) }
            guard x.dropLast(2) == y.dropLast(2) else { return nil }
            return .matmul(batch: count / (m * k), m: m, n: n, k: k, transposedB: false)
        case "Gemm":
            guard let y = dims(node.input(1)), x.count == 2, y.count == 2, node.int("transA", 0) == 0 else { return nil }
            let transB = node.int("transB", 0) == 1
            let (k, n) = transB ? (y[1], y[0]) : (y[0], y[1])
            guard k == x[1], n > 0 else { return nil }
            return .matmul(batch: 1, m: x[0], n: n, k: k, transposedB: transB)
        case "Softmax", "LayerNormalization":
            let axis = node.int("axis", -1)
            guard x.count >= 1, axis == -1 || axis == x.count - 1, let n = x.last, n > 0 else { return nil }
            return node.op == "Softmax" ? .softmax(rows: count / n, n: n) : .layerNorm(rows: count / n, n: n)
        case "RMSNormalization", "SimplifiedLayerNormalization":
            guard let n = x.last, n > 0, node.int("axis", -1) == -1 || node.int("axis", -1) == x.count - 1 else { return nil }
            return .rmsNorm(rows: count / n, n: n)
        case "Conv":
            guard x.count == 4, let wt = dims(node.input(1)), wt.count == 4, node.string("auto_pad", "NOTSET") == "NOTSET",
                  let s = uniform(node.ints("strides") ?? [1, 1], 2), s >= 1, let p = uniform(node.ints("pads") ?? [0, 0, 0, 0], 4),
                  (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }) else { return nil }
            let g = node.int("group", 1)
            guard g >= 1, g <= x[1], x[1] == wt[1] * g, wt[0] % g == 0, wt[0] > 0, x[2] + 2 * p >= wt[2], x[3] + 2 * p >= wt[3] else { return nil }
            return .conv2d(n: x[0], cin: x[1], h: x[2], w: x[3], cout: wt[0], kh: wt[2], kw: wt[3], stride: s, pad: p, groups: g)
        case "MaxPool":
            guard x.count == 4, node.string("auto_pad", "NOTSET") == "NOTSET", node.int("ceil_mode", 0) == 0,
                  let k = uniform(node.ints("kernel_shape") ?? [], 2), k >= 1, let s = uniform(node.ints("strides") ?? [1, 1], 2), s >= 1,
                  let p = uniform(node.ints("pads") ?? [0, 0, 0, 0], 4), (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }),
                  x[2] + 2 * p >= k, x[3] + 2 * p >= k else { return nil }
            return .maxPool(n: x[0], c: x[1], h: x[2], w: x[3], kernel: k, stride: s, pad: p)
        case "GlobalAveragePool":
            guard x.count == 4 else { return nil }
            return .globalAveragePool(n: x[0], c: x[1], h: x[2], w: x[3])
        case "Resize", "Upsample":
            guard x.count == 4, let y = dims(node.outputs.first ?? Graph.absent), y.count == 4, y[0] == x[0], y[1] == x[1],
                  ["nearest", "linear", "bilinear"].contains(node.string("mode", "nearest")) else { return nil }
            return .resize(n: x[0], c: x[1], h: x[2], w: x[3], oh: y[2], ow: y[3], linear: node.string("mode", "nearest") != "nearest")
        case "GridSample":
            guard x.count == 4, let grid = dims(node.input(1)), grid.count == 4, grid[3] == 2, grid[0] == x[0],
                  node.string("padding_mode", "zeros") == "zeros", ["linear", "bilinear", "nearest"].contains(node.string("mode", "linear"))
            else { return nil }
            return .gridSample(n: x[0], c: x[1], h: x[2], w: x[3], oh: grid[1], ow: grid[2], linear: node.string("mode", "linear") != "nearest")
        default:
            return nil
        }
    }

    /// The instance of any node whose values all have shapes: a dedicated case where there is
    /// one, else a view (operators that only relabel a tensor) or a generic elementwise pass.
    /// Nil when a value's shape is unknown (`ValueShapes.unboundSymbols` says which --dim fixes it).
    public static func costing(_ node: Node, _ dims: ValueShapes) -> OpInstance? {
        if let exact = of(node, dims) { return exact }
        if node.domain == Node.sluiceDomain {
            switch node.op {
            case "FusedConv", "FusedGemm":
                // graph-opt's Conv/Gemm with the activation fused in: the activation rides on
                // the output write, so the operator costs what its Conv or Gemm does.
                var plain = node
                plain.op = node.op == "FusedConv" ? "Conv" : "Gemm"
                plain.domain = ""
                if let exact = of(plain, dims) { return exact }
            case "Attention":
                // Q [b, hq, sq, d], K [b, hkv, sk, d], V [b, hkv, sk, d] (graph-opt's fused attention).
                if let q = dims(node.input(0)), let k = dims(node.input(1)), q.count == 4, k.count == 4, q[0] == k[0], q[3] == k[3],
                   k[1] > 0, q[1] % k[1] == 0 {
                    return .attention(b: q[0], hq: q[1], hkv: k[1], sq: q[2], sk: k[2], d: q[3], causal: false)
                }
            default: break
            }
        }
        if viewNames.contains(node.op) { return .view(node.op) }
        var inputs = 0, outputs = 0
        for v in node.inputs where v != Graph.absent {
            guard let d = dims(v) else { return nil }
            inputs += d.reduce(1, *)
        }
        for v in node.outputs where v != Graph.absent {
            guard let d = dims(v) else { return nil }
            outputs += d.reduce(1, *)
        }
        // A reduction does one operation per element read; everything else one per element written.
        let ops = node.op.hasPrefix("Reduce") || node.op.hasSuffix("Pool") ? max(1, inputs / max(outputs, 1)) : 1
        return .elementwise(node.qualifiedOp, inputElements: inputs, outputElements: outputs, opsPerOutput: ops)
    }

    /// Activations with a dedicated case.
    public static let unaryNames: Set<String> = ["Relu", "Sigmoid", "Tanh", "Exp", "Erf", "Neg", "Abs", "Sqrt"]
    /// Binary operators with a dedicated case (same-shape operands).
    public static let binaryNames: Set<String> = ["Add", "Sub", "Mul", "Div", "Max", "Min"]
    /// Operators that only relabel a tensor: no data moves on a chip that addresses tensors by layout.
    public static let viewNames: Set<String> = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout",
                                                "Shape", "Constant", "ConstantOfShape"]

    /// The common value of `count` equal attribute entries, or nil.
    static func uniform(_ values: [Int], _ count: Int) -> Int? {
        guard values.count == count, let first = values.first, values.allSatisfy({ $0 == first }), first >= 0, first < 1 << 20 else { return nil }
        return first
    }
}
