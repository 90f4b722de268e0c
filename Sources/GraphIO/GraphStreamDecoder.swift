import Capnp
import GraphIR
import Schemas

/// Rebuilds a `Graph` from the records of a graph stream, one frame at a time (the
/// counterpart of `GraphStreamEncoder`; tile-plan and the round-trip tests use it).
public struct GraphStreamDecoder {
    private var graph = Graph(name: "")
    private var expectedValues = -1
    private var expectedNodes = -1
    private var inputs: [Int] = []
    private var outputs: [Int] = []
    private var sources: [String: FileRegionSource] = [:]

    public init() {}

    /// Consumes one record frame (not header or trailer).
    public mutating func consume(_ frame: GraphFrame.Reader) throws {
        switch try frame.which() {
        case .info(let info):
            guard expectedValues < 0 else { throw GraphError.malformed("graph stream has two info records") }
            graph = Graph(name: try info.name.string)
            var opsets: [String: Int] = [:]
            for o in try info.opsets { opsets[try o.domain.string] = Int(o.version) }
            graph.opsets = opsets
            inputs = try info.inputs.map { Int($0) }
            outputs = try info.outputs.map { Int($0) }
            expectedValues = Int(info.valueCount)
            expectedNodes = Int(info.nodeCount)
        case .values(let batch):
            guard expectedValues >= 0 else { throw GraphError.malformed("graph stream: values before info") }
            for v in try batch.values {
                guard Int(v.id) == graph.values.count else { throw GraphError.malformed("graph stream: value id \(v.id) out of order") }
                var type: TensorType?
                if let dtype = GraphIR.DType(rawValue: Int32(v.dtype.rawValue)) {
                    var shape: Shape?
                    if v.rankKnown {
                        shape = Shape(try v.shape.map { d -> GraphIR.Dim in
                            switch try d.which() {
                            case .known(let n):
                                guard n >= 0, n <= GraphIR.Node.attributeLimit else { throw GraphError.malformed("graph stream: dimension \(n)") }
                                return .known(Int(n))
                            case .symbol(let s): return .symbol(s.string)
                            default: return .unknown
                            }
                        })
                    }
                    type = TensorType(dtype, shape)
                }
                let c = v.hasConstant ? try constant(v.constant, dtype: type?.dtype) : nil
                let id = graph.addValue(try v.name.string, type: type, constant: c)
                guard graph.values[id].name == (try v.name.string) else { throw GraphError.malformed("graph stream: duplicate value name") }
            }
        case .nodes(let batch):
            guard expectedValues == graph.values.count else { throw GraphError.malformed("graph stream: nodes before all values") }
            for n in try batch.nodes {
                var attrs: [String: GraphIR.Attribute] = [:]
                for a in try n.attributes {
                    let name = try a.name.string
                    switch try a.which() {
                    case .int(let v): attrs[name] = .int(v)
                    case .float(let v): attrs[name] = .float(v)
                    case .string(let v): attrs[name] = .string(v.string)
                    case .ints(let v): attrs[name] = .ints(Array(v))
                    case .floats(let v): attrs[name] = .floats(Array(v))
                    case .strings(let v): attrs[name] = .strings(try (0..<v.count).map { try v.get($0).string })
                    case .tensor(let t): attrs[name] = .tensor(try constant(t, dtype: nil))
                    case .onnx(let bytes): attrs[name] = .opaque(Array(bytes))
                    default: throw GraphError.malformed("graph stream: unknown attribute kind")
                    }
                }
                let ids = { (l: PrimitiveList<Int32>) -> [Int] in l.map { Int($0) } }
                graph.nodes.append(GraphIR.Node(name: try n.name.string, op: try n.op.string, domain: try n.domain.string,
                                                inputs: ids(try n.inputs), outputs: ids(try n.outputs), attributes: attrs,
                                                captures: ids(try n.captures)))
            }
        default:
            throw GraphError.malformed("graph stream: unexpected frame")
        }
    }

    /// The graph, validated, after the last record.
    public mutating func finish() throws -> Graph {
        guard expectedValues == graph.values.count, expectedNodes == graph.nodes.count else {
            throw GraphError.malformed("graph stream ended with \(graph.values.count)/\(max(expectedValues, 0)) values and \(graph.nodes.count)/\(max(expectedNodes, 0)) nodes")
        }
        let n = graph.values.count
        for id in inputs + outputs where id < 0 || id >= n { throw GraphError.malformed("graph stream: interface value \(id) out of range") }
        for node in graph.nodes {
            for v in node.inputs + node.outputs where v < -1 || v >= n { throw GraphError.malformed("graph stream: node '\(node.name)' names value \(v)") }
        }
        graph.inputs = inputs
        graph.outputs = outputs
        try Validation.check(&graph)
        try Validation.inferShapes(&graph)
        return graph
    }

    mutating func constant(_ c: Constant.Reader, dtype: GraphIR.DType?) throws -> ConstantTensor {
        let dims = try c.dims.map { Int($0) }
        var count = 1
        for d in dims {
            guard d >= 0, case let (p, false) = count.multipliedReportingOverflow(by: d), p < 1 << 40 else {
                throw GraphError.malformed("graph stream: constant dimensions \(dims)")
            }
            count = p
        }
        guard let dt = GraphIR.DType(rawValue: Int32(c.dtype.rawValue)) ?? dtype else { throw GraphError.malformed("graph stream: constant without element type") }
        switch try c.which() {
        case .inline(let d):
            let bytes = Array(d)
            guard bytes.count == dims.reduce(1, *) * dt.byteSize else { throw GraphError.malformed("graph stream: inline constant size") }
            return ConstantTensor(dtype: dt, dims: dims, storage: .bytes(bytes))
        case .splat(let d):
            guard d.count == dt.byteSize else { throw GraphError.malformed("graph stream: splat element size") }
            return ConstantTensor(dtype: dt, dims: dims, storage: .splat(Array(d)))
        case .file(let f):
            let path = try f.path.string
            let source = sources[path] ?? FileRegionSource(path: path)
            sources[path] = source
            return ConstantTensor(dtype: dt, dims: dims, storage: .external(source: source, offset: Int(f.offset), length: Int(f.length)))
        default:
            throw GraphError.malformed("graph stream: unknown constant kind")
        }
    }
}
