import GraphIR
import Kernels
import OpCost

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
        let shapes = Shapes(graph: graph, symbols: symbols, float32Only: true)
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

    /// Largest value op-bench allocates for a graph case: 2^28 floats (1 GiB), OpCost's limit.
    static let elementLimit = ValueShapes.elementLimit

    /// Value shapes with the symbol bindings applied (fp32 values only: op-bench times fp32 kernels).
    typealias Shapes = ValueShapes

    static let unary: [String: UnaryOp] = ["Relu": .relu, "Sigmoid": .sigmoid, "Tanh": .tanh, "Exp": .exp, "Erf": .erf,
                                           "Neg": .neg, "Abs": .abs, "Sqrt": .sqrt, "Gelu": .geluErf, "Gelu(tanh)": .geluTanh]
    static let binary: [String: BinaryOp] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Max": .max, "Min": .min]

    /// The OpSpec of one node (OpCost's instance of it, on a Kernels operator), or nil when
    /// op-bench has no case of that operator and geometry.
    static func spec(_ node: Node, _ dims: Shapes) -> OpSpec? {
        guard let instance = OpInstance.of(node, dims) else { return nil }
        switch instance {
        case let .matmul(batch, m, n, k, tb): return .matmul(batch: batch, m: m, n: n, k: k, transposedB: tb)
        case let .conv2d(n, cin, h, w, cout, kh, kw, s, p, g):
            return .conv2d(n: n, cin: cin, h: h, w: w, cout: cout, kh: kh, kw: kw, stride: s, pad: p, groups: g)
        case let .softmax(rows, n): return .softmax(rows: rows, n: n)
        case let .layerNorm(rows, n): return .layerNorm(rows: rows, n: n)
        case let .unary(name, count): return unary[name].map { .unary($0, count: count) }
        case let .binary(name, count): return binary[name].map { .binary($0, count: count) }
        case let .maxPool(n, c, h, w, k, s, p): return .maxPool(n: n, c: c, h: h, w: w, kernel: k, stride: s, pad: p)
        case let .globalAveragePool(n, c, h, w): return .globalAveragePool(n: n, c: c, h: h, w: w)
        case let .resize(n, c, h, w, oh, ow, linear): return .resize(n: n, c: c, h: h, w: w, oh: oh, ow: ow, linear: linear)
        case let .gridSample(n, c, h, w, oh, ow, linear): return .gridSample(n: n, c: c, h: h, w: w, oh: oh, ow: ow, linear: linear)
        default: return nil   // RMSNorm nodes (op-bench never timed them from a graph), views, the generic pass
        }
    }
}
