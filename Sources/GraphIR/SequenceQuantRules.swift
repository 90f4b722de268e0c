/// Shape rules of the recurrent operators (LSTM, GRU, RNN) and the quantized ones
/// (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, QLinearConv, QLinearMatMul,
/// MatMulInteger, ConvInteger). `ShapeRules.rules` registers them.
extension ShapeRules {
    /// onnxruntime's contrib domain.
    public static let microsoftDomain = "com.microsoft"

    /// The few onnxruntime contrib operators graph-opt can infer and run: those that
    /// quantization tools write into otherwise standard models (onnxruntime.quantization's
    /// quantize_dynamic turns an LSTM into DynamicQuantizeLSTM). Every other contrib op stays opaque.
    public static let microsoftRules: [String: Rule] = ["DynamicQuantizeLSTM": dynamicQuantizeLSTM]

    /// The shape rule of `node`'s operator in its domain, if graph-opt has one.
    public static func rule(for node: Node) -> Rule? {
        if node.domain == microsoftDomain { return microsoftRules[node.op] }
        return rules[node.op]
    }

    /// com.microsoft.DynamicQuantizeLSTM: an LSTM whose W [D, I, 4H] and R [D, H, 4H] are
    /// quantized (transposed against LSTM's) with per-direction or per-gate-column scales.
    static let dynamicQuantizeLSTM: Rule = { c in
        if let w = c.shape(1), let r = c.shape(2), w.rank == 3, r.rank == 3,
           let hw = w.dims[2].value, let hr = r.dims[2].value, hw != hr {
            throw c.mismatch("W has \(hw) gate columns, R \(hr)")
        }
        var n = c.node
        // The LSTM rule on W and R seen as [D, 4H, I] and [D, 4H, H].
        var g = c.graph
        for (k, i) in [(1, 1), (2, 2)] {
            guard let s = c.shape(i), s.rank == 3 else { continue }
            let id = g.addValue("\(c.node.name)__\(k)", type: TensorType(c.dtype(0), Shape([s.dims[0], s.dims[2], s.dims[1]])))
            n.inputs[i] = id
        }
        n.op = "LSTM"
        n.domain = ""
        n.inputs = Array(n.inputs.prefix(8))
        return try recurrent(InferenceContext(node: n, graph: g))
    }
    /// Gate count per recurrent operator: LSTM i,o,f,c; GRU z,r,h; RNN one.
    public static func recurrentGates(_ op: String) -> Int {
        switch op {
        case "LSTM": return 4
        case "GRU": return 3
        default: return 1
        }
    }

    /// Number of directions a recurrent node runs (bidirectional: 2).
    public static func recurrentDirections(_ node: Node) -> Int {
        node.string("direction", "forward") == "bidirectional" ? 2 : 1
    }

    /// LSTM/GRU/RNN: X [S, B, I] (layout 1: [B, S, I]) with W [D, G·H, I], R [D, G·H, H],
    /// B [D, 2·G·H]; outputs Y [S, D, B, H] (layout 1: [B, S, D, H]) and the last hidden
    /// (and for LSTM cell) state [D, B, H] (layout 1: [B, D, H]).
    static let recurrent: Rule = { c in
        let gates = recurrentGates(c.node.op)
        let dirs = recurrentDirections(c.node)
        let direction = c.node.string("direction", "forward")
        guard ["forward", "reverse", "bidirectional"].contains(direction) else { throw c.mismatch("direction '\(direction)'") }
        let layout = c.node.int("layout", 0)
        guard layout == 0 || layout == 1 else { throw c.mismatch("layout \(layout)") }
        // node.int clamps to ±2⁴⁰, so hidden · gates · 2 cannot overflow.
        var hidden: Dim = c.node.attributes["hidden_size"] != nil ? .known(c.node.int("hidden_size", 0)) : .unknown
        if case .known(let h) = hidden, h <= 0 { throw c.mismatch("hidden_size \(h)") }
        // Each weight's leading dims must agree with the direction count and hidden size.
        func check(_ i: Int, _ name: String, _ expected: [Dim?]) throws {
            guard c.has(i), let s = c.shape(i) else { return }
            guard s.rank == expected.count else { throw c.mismatch("\(name) has rank \(s.rank), expected \(expected.count)") }
            for (k, e) in expected.enumerated() {
                if let e, let want = e.value, let got = s.dims[k].value, want != got {
                    throw c.mismatch("\(name) has shape \(s), expected \(Shape(expected.map { $0 ?? .unknown }))")
                }
            }
        }
        if hidden.value == nil, let r = c.shape(2), r.rank == 3 { hidden = r.dims[2] }
        if hidden.value == nil, let w = c.shape(1), w.rank == 3, let g = w.dims[1].value { hidden = .known(g / gates) }
        let gh = hidden.value.map { Dim.known($0 * gates) }
        let x = c.shape(0)
        if let x, x.rank != 3 { throw c.mismatch("X has rank \(x.rank), expected 3") }
        let input: Dim? = x.map { $0.dims[2] }
        let seq: Dim = x.map { $0.dims[layout == 0 ? 0 : 1] } ?? .unknown
        let batch: Dim = x.map { $0.dims[layout == 0 ? 1 : 0] } ?? .unknown
        try check(1, "W", [.known(dirs), gh, input])
        try check(2, "R", [.known(dirs), gh, hidden])
        try check(3, "B", [.known(dirs), hidden.value.map { .known($0 * gates * 2) }])
        try check(4, "sequence_lens", [batch])
        let state: [Dim?] = layout == 0 ? [.known(dirs), batch, hidden] : [batch, .known(dirs), hidden]
        try check(5, "initial_h", state)
        if c.node.op == "LSTM" {
            try check(6, "initial_c", state)
            try check(7, "P", [.known(dirs), hidden.value.map { .known($0 * 3) }])
        }
        let dtype = c.dtype(0)
        let y = layout == 0 ? Shape([seq, .known(dirs), batch, hidden]) : Shape([batch, seq, .known(dirs), hidden])
        let h = layout == 0 ? Shape([.known(dirs), batch, hidden]) : Shape([batch, .known(dirs), hidden])
        var out: [TensorType?] = [TensorType(dtype, y)]
        for _ in 1..<max(1, c.node.outputs.count) { out.append(TensorType(dtype, h)) }
        return Array(out.prefix(c.node.outputs.count))
    }

    /// The integer type of a quantized value: the zero point's, else `output_dtype`, else uint8.
    static func quantizedType(_ c: InferenceContext, zeroPoint: Int) throws -> DType {
        if c.has(zeroPoint), let t = c.type(zeroPoint) { return t.dtype }
        if let code = c.node.attributes["output_dtype"]?.int, code != 0 {
            guard let t = DType(rawValue: Int32(clamping: code)) else { throw c.mismatch("output_dtype \(code)") }
            return t
        }
        return .uint8
    }

    /// Q/DQ: a scale (and zero point) of one element, of x's extent along `axis`, or
    /// (blocked, opset 21) of x's shape with ceil(extent / block_size) along `axis`.
    static func checkQuantParameters(_ c: InferenceContext) throws {
        guard let x = c.shape(0), let s = c.shape(1) else { return }
        let blockSize = c.node.int("block_size", 0)
        if c.has(2), let z = c.shape(2), z != s, z.elementCount != nil, s.elementCount != nil {
            throw c.mismatch("zero point shape \(z) differs from scale shape \(s)")
        }
        if s.elementCount == 1 && blockSize == 0 { return }
        let axis = try c.axis(c.node.int("axis", 1), rank: x.rank)
        if blockSize > 0 {
            guard s.rank == x.rank else { throw c.mismatch("blocked scale \(s) must have the rank of input \(x)") }
            if let n = x.dims[axis].value, let m = s.dims[axis].value, m != (n + blockSize - 1) / blockSize {
                throw c.mismatch("blocked scale has \(m) blocks along axis \(axis), input needs \((n + blockSize - 1) / blockSize)")
            }
            return
        }
        guard s.rank == 1 else { throw c.mismatch("scale \(s) is neither a scalar nor a 1-D per-axis vector") }
        if let n = x.dims[axis].value, let m = s.dims[0].value, m != n {
            throw c.mismatch("per-axis scale has \(m) elements, axis \(axis) of the input has \(n)")
        }
    }

    static let quantizeLinear: Rule = { c in
        try checkQuantParameters(c)
        return [TensorType(try quantizedType(c, zeroPoint: 2), c.shape(0))]
    }

    static let dequantizeLinear: Rule = { c in
        try checkQuantParameters(c)
        var dtype = c.type(1)?.dtype ?? .float32
        if let code = c.node.attributes["output_dtype"]?.int, code != 0, let t = DType(rawValue: Int32(clamping: code)) { dtype = t }
        return [TensorType(dtype, c.shape(0))]
    }

    static let dynamicQuantizeLinear: Rule = { c in
        let outs: [TensorType?] = [TensorType(.uint8, c.shape(0)), TensorType(.float32, Shape([])), TensorType(.uint8, Shape([]))]
        return Array(outs.prefix(c.node.outputs.count))
    }

    /// Runs `rule` as if the node read only the inputs at `indices` (QLinear* carry
    /// scales and zero points between their data inputs).
    static func projected(_ c: InferenceContext, _ indices: [Int], _ rule: Rule) throws -> [TensorType?] {
        var n = c.node
        n.inputs = indices.map { c.node.input($0) }
        return try rule(InferenceContext(node: n, graph: c.graph))
    }

    static let matMulInteger: Rule = { c in
        let t = try projected(c, [0, 1], matmul)
        return [TensorType(.int32, t.first??.shape)]
    }

    static let convInteger: Rule = { c in
        let t = try projected(c, [0, 1], conv)
        return [TensorType(.int32, t.first??.shape)]
    }

    static let qlinearMatMul: Rule = { c in
        let t = try projected(c, [0, 3], matmul)
        return [TensorType(c.has(7) ? c.dtype(7) : c.dtype(0), t.first??.shape)]
    }

    static let qlinearConv: Rule = { c in
        let t = try projected(c, [0, 3, 8], conv)
        return [TensorType(c.has(7) ? c.dtype(7) : c.dtype(0), t.first??.shape)]
    }
}
