import GraphIR
import GraphInterp

/// Evaluates nodes whose inputs are all constant, plus `Shape`/`Size` of statically
/// shaped values. Results over the size cap are left as nodes, except splats: a node whose
/// inputs are all splats (ConstantOfShape weights, scalars) yields a splat computed from
/// one element, so folding never blows a model up the way folding ConstantOfShape/Tile
/// into dense initializers does.
public struct ConstantFolding: GraphPass {
    public let name = "fold-constants"
    public let summary = "evaluate constant subgraphs and static Shape/Size (splat-aware, size-capped; DequantizeLinear only with --fold-qdq)"

    public init() {}

    /// Ops whose result is a splat when every input is one.
    static let splatPreserving: Set<String> = [
        "Identity", "Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Expand", "Tile", "Transpose",
        "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Relu", "Sigmoid", "Tanh", "Exp",
        "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal", "Floor", "Ceil", "Clip", "Dropout",
    ]
    /// Inputs that are shapes/axes, not data, for the splat rule.
    static func dataInputs(_ node: Node) -> [Int] {
        switch node.op {
        case "Reshape", "Expand", "Tile", "Squeeze", "Unsqueeze": return [0]
        case "Clip": return [0]
        default: return Array(node.inputs.indices)
        }
    }

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let interp = Interpreter(opset: graph.opset)
        var removed = Set<Int>()
        for (i, node) in graph.nodes.enumerated() {
            guard node.domain.isEmpty, !node.isOpaque, node.outputs.allSatisfy({ !graph.outputs.contains($0) }) else { continue }
            if let results = try fold(node, graph: graph, interp: interp, options: options) {
                for (k, o) in node.outputs.enumerated() where o >= 0 {
                    graph.values[o].constant = results[k]
                    graph.values[o].type = results[k].type
                }
                removed.insert(i)
            }
        }
        graph.removeNodes(removed)
        if !removed.isEmpty { try Validation.inferShapes(&graph) }
        return removed.count
    }

    func fold(_ node: Node, graph: Graph, interp: Interpreter, options: PassOptions) throws -> [ConstantTensor]? {
        if node.op == "Constant" { return ShapeRules.constantAttributeValue(node).map { [$0] } }
        if node.op == "Shape", let dims = graph.shape(node.input(0))?.knownDims {
            let (lo, hi) = ShapeRules.shapeSliceBounds(node, rank: dims.count)
            let part = lo < hi ? Array(dims[lo..<hi]) : []
            return [.int64(part.map { Int64($0) }, dims: [part.count])]
        }
        if node.op == "Size", let n = graph.shape(node.input(0))?.elementCount { return [.int64([Int64(n)], dims: [])] }
        let ins = node.inputs.filter { $0 >= 0 }
        guard !ins.isEmpty, ins.allSatisfy({ graph.constant($0) != nil }) else { return nil }
        guard ShapeRules.rules[node.op] != nil else { return nil }
        // Quantized graphs: what folds must stay integer-exact (QuantizeLinear, the integer
        // products). A DequantizeLinear turns integers into floats, so it folds only when asked
        // (--fold-qdq), and then whatever its size: the user chose float weights.
        let dequantize = node.op == "DequantizeLinear"
        if dequantize && !options.foldQDQ { return nil }
        if node.op == "Dropout" && node.outputs.count > 1 && node.outputs[1] >= 0 { return nil }

        // ConstantOfShape and splat-in/splat-out ops: one element of work.
        if node.op == "ConstantOfShape", let dims = try graph.constant(node.input(0))?.int64s(), dims.allSatisfy({ $0 >= 0 }) {
            let value = node.attributes["value"]?.tensor ?? .float32([0], dims: [1])
            let one = try value.rawBytes()
            guard one.count == value.dtype.byteSize else { return nil }
            return [ConstantTensor(dtype: value.dtype, dims: dims.map { Int($0) }, storage: .splat(one))]
        }
        let outTypes = node.outputs.map { graph.type($0) }
        if Self.splatPreserving.contains(node.op), node.outputs.count == 1,
           let outDims = outTypes[0]?.shape?.knownDims, let dtype = outTypes[0]?.dtype,
           Self.dataInputs(node).allSatisfy({ k in isSplatLike(graph.constant(node.input(k))) }),
           outDims.reduce(1, *) > 1 {
            // Evaluate on one-element stand-ins with the same rank (so broadcasting still works).
            var stand: [Tensor?] = []
            for (k, v) in node.inputs.enumerated() {
                guard v >= 0, let c = graph.constant(v) else { stand.append(nil); continue }
                if Self.dataInputs(node).contains(k) {
                    let t = try Tensor(ConstantTensor(dtype: c.dtype, dims: Array(repeating: 1, count: c.dims.count), storage: .splat(try oneElement(c))))
                    stand.append(t)
                } else {
                    stand.append(try Tensor(c))
                }
            }
            if node.op == "Reshape" || node.op == "Expand" || node.op == "Tile" || node.op == "Squeeze" || node.op == "Unsqueeze" {
                stand = [stand[0].map { $0.reshaped([1]) }]
                let t = stand[0]!
                return [ConstantTensor(dtype: dtype, dims: outDims, storage: .splat(t.constant().rawBytesUnchecked))]
            }
            var probe = node
            probe.inputs = node.inputs
            let out = try interp.evaluate(probe, stand)
            guard out.count >= 1, out[0].count == 1 else { return nil }
            return [ConstantTensor(dtype: out[0].dtype, dims: outDims, storage: .splat(out[0].constant().rawBytesUnchecked))]
        }
        // Dense folding within the cap, and never paging in external weights just to fold.
        let inputElements = ins.reduce(0) { $0 + (graph.constant($1)?.elementCount ?? 0) }
        if dequantize {
            let values = try node.inputs.map { v -> Tensor? in try graph.constant(v).map { try Tensor($0) } }
            guard let out = try? interp.evaluate(node, values) else { return nil }
            return out.map { $0.constant() }
        }
        if ins.contains(where: { graph.constant($0)?.isExternal == true }) && inputElements > options.foldElementLimit { return nil }
        for t in outTypes {
            guard let n = t?.shape?.elementCount, n <= options.foldElementLimit else { return nil }
        }
        guard inputElements <= 4 * options.foldElementLimit else { return nil }
        let values = try node.inputs.map { v -> Tensor? in try graph.constant(v).map { try Tensor($0) } }
        guard let out = try? interp.evaluate(node, values) else { return nil }
        return out.map { $0.constant() }
    }

    func isSplatLike(_ c: ConstantTensor?) -> Bool {
        guard let c else { return false }
        if case .splat = c.storage { return true }
        return c.elementCount == 1
    }

    func oneElement(_ c: ConstantTensor) throws -> [UInt8] {
        if case .splat(let one) = c.storage { return one }
        return Array(try c.rawBytes().prefix(c.dtype.byteSize))
    }
}

extension ConstantTensor {
    /// Bytes of an in-memory tensor (folding results are never external).
    var rawBytesUnchecked: [UInt8] { (try? rawBytes()) ?? [] }
}
