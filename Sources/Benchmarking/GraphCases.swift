import GraphIR
import Kernels

/// The bench cases of a real graph (`op-bench --graph`): every node whose operator op-bench
/// times, at the shapes shape inference gave its values. Nodes with the same operator and
/// shape are measured once (a transformer's twelve identical layers are one case), their
/// count in the site ("name ×12").
public enum GraphCases {
    /// What `cases(of:)` found: the cases, and the operators it could not time with a count each.
    public struct Selection: Sendable {
        public var cases: [BenchCase]
        public var skipped: [(op: String, count: Int)]
    }

    /// The cases of `graph`, suite = the graph's name (or "graph"). `symbols` gives extents to
    /// symbolic dimensions ("batch", "seq"); a value with a dimension still unknown is skipped.
    public static func cases(of graph: Graph, symbols: [String: Int] = [:]) -> Selection {
        let shapes = Shapes(graph: graph, symbols: symbols)
        let suite = graph.name.isEmpty ? "graph" : graph.name
        var order: [OpSpec] = [], sites: [OpSpec: (String, Int)] = [:], skipped: [String: Int] = [:], skipOrder: [String] = []
        for (index, node) in graph.nodes.enumerated() {
            guard let spec = spec(node, shapes) else {
                if skipped[node.qualifiedOp] == nil { skipOrder.append(node.qualifiedOp) }
                skipped[node.qualifiedOp, default: 0] += 1
                continue
            }
            if let (site, count) = sites[spec] { sites[spec] = (site, count + 1); continue }
            order.append(spec)
            sites[spec] = (node.name.isEmpty ? "\(node.op) #\(index)" : node.name, 1)
        }
        let cases = order.map { spec -> BenchCase in
            let (site, count) = sites[spec]!
            return BenchCase(suite: suite, site: count > 1 ? "\(site) ×\(count)" : site, spec: spec)
        }
        return Selection(cases: cases, skipped: skipOrder.map { ($0, skipped[$0]!) })
    }

    /// Largest value op-bench allocates for a graph case: 2^28 floats (1 GiB). Keeps a
    /// hostile or absurd shape from exhausting memory and every product below from overflowing.
    static let elementLimit = 1 << 28

    /// Value shapes with the symbol bindings applied.
    struct Shapes {
        var graph: Graph
        var symbols: [String: Int]
        /// The fully known fp32 shape of value `id`, if it has at most `elementLimit` elements.
        func callAsFunction(_ id: ValueID) -> [Int]? { GraphCases.dims(graph, id, symbols) }
    }

    static func dims(_ graph: Graph, _ id: ValueID, _ symbols: [String: Int]) -> [Int]? {
        guard let type = graph.type(id), type.dtype == .float32, let shape = type.shape else { return nil }
        var dims: [Int] = []
        for d in shape.dims {
            switch d {
            case .known(let v): dims.append(v)
            case .symbol(let name): guard let v = symbols[name] else { return nil }; dims.append(v)
            case .unknown: return nil
            }
        }
        guard dims.allSatisfy({ $0 >= 0 && $0 <= elementLimit }) else { return nil }
        var product = 1
        for d in dims {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            guard !overflow, p <= elementLimit else { return nil }
            product = p
        }
        return dims
    }

    static let unary: [String: UnaryOp] = ["Relu": .relu, "Sigmoid": .sigmoid, "Tanh": .tanh, "Exp": .exp, "Erf": .erf,
                                           "Neg": .neg, "Abs": .abs, "Sqrt": .sqrt]
    static let binary: [String: BinaryOp] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Max": .max, "Min": .min]

    /// The OpSpec of one node, or nil when op-bench has no case of that operator and geometry.
    static func spec(_ node: Node, _ dims: Shapes) -> OpSpec? {
        guard node.domain.isEmpty || node.domain == "ai.onnx", let x = dims(node.input(0)) else { return nil }
        let count = x.reduce(1, *)
        guard count > 0 else { return nil }
        if let u = unary[node.op] { return .unary(u, count: count) }
        if node.op == "Gelu" { return .unary(node.string("approximate", "none") == "tanh" ? .geluTanh : .geluErf, count: count) }
        if let b = binary[node.op] {
            guard node.inputs.count == 2, dims(node.input(1)) == x else { return nil }   // no broadcast cases
            return .binary(b, count: count)
        }
        switch node.op {
        case "MatMul":
            guard let y = dims(node.input(1)), x.count >= 2, y.count >= 2, x[x.count - 1] == y[y.count - 2] else { return nil }
            let (m, k, n) = (x[x.count - 2], x[x.count - 1], y[y.count - 1])
            if y.count == 2 { return .matmul(batch: 1, m: count / k, n: n, k: k, transposedB: false) }
            guard x.dropLast(2) == y.dropLast(2) else { return nil }
            return .matmul(batch: count / (m * k), m: m, n: n, k: k, transposedB: false)
        case "Gemm":
            guard let y = dims(node.input(1)), x.count == 2, y.count == 2, node.int("transA", 0) == 0 else { return nil }
            let transB = node.int("transB", 0) == 1
            let (k, n) = transB ? (y[1], y[0]) : (y[0], y[1])
            guard k == x[1] else { return nil }
            return .matmul(batch: 1, m: x[0], n: n, k: k, transposedB: transB)
        case "Softmax", "LayerNormalization":
            let axis = node.int("axis", -1)
            guard x.count >= 1, axis == -1 || axis == x.count - 1, let n = x.last, n > 0 else { return nil }
            return node.op == "Softmax" ? .softmax(rows: count / n, n: n) : .layerNorm(rows: count / n, n: n)
        case "Conv":
            guard x.count == 4, let wt = dims(node.input(1)), wt.count == 4, node.string("auto_pad", "NOTSET") == "NOTSET",
                  let s = uniform(node.ints("strides") ?? [1, 1], 2), let p = uniform(node.ints("pads") ?? [0, 0, 0, 0], 4),
                  (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }) else { return nil }
            let g = node.int("group", 1)
            guard g >= 1, g <= x[1], x[1] == wt[1] * g, wt[0] % g == 0, x[2] + 2 * p >= wt[2], x[3] + 2 * p >= wt[3] else { return nil }
            return .conv2d(n: x[0], cin: x[1], h: x[2], w: x[3], cout: wt[0], kh: wt[2], kw: wt[3], stride: s, pad: p, groups: g)
        case "MaxPool":
            guard x.count == 4, node.string("auto_pad", "NOTSET") == "NOTSET", node.int("ceil_mode", 0) == 0,
                  let k = uniform(node.ints("kernel_shape") ?? [], 2), let s = uniform(node.ints("strides") ?? [1, 1], 2),
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

    /// The common value of `count` equal attribute entries, or nil.
    static func uniform(_ values: [Int], _ count: Int) -> Int? {
        guard values.count == count, let first = values.first, values.allSatisfy({ $0 == first }), first >= 0, first < 1 << 20 else { return nil }
        return first
    }
}
