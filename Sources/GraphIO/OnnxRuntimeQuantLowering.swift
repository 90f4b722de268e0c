import GraphIR

/// Export-time rewrites of quantized patterns for `OnnxTarget.onnxruntime`, into the forms
/// onnxruntime's CPU provider runs as integer kernels (what its own optimizer makes of them):
///
///     QuantizeLinear(Conv(DequantizeLinear(x), DequantizeLinear(w) [, DequantizeLinear(b)]))
///         → QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp [, b])
///     Mul(Cast(MatMulInteger(a, B, a_zp [, B_zp])), Mul(a_scale, B_scale)),
///         (a, a_scale, a_zp) = DynamicQuantizeLinear(A)
///         → com.microsoft DynamicQuantizeMatMul(A, B, B_scale [, B_zp])
///
/// Both compute the same real value as the pattern: the integer form accumulates exactly and
/// rounds once, where the float pattern rounds every product of dequantized values, so they
/// differ only by float rounding (as any fusion does). QLinearConv is standard ONNX (opset 10),
/// but it only replaces the QDQ form for onnxruntime: plain `--emit onnx` keeps the pairs a QDQ
/// backend reads as its quantization spec.
extension OnnxRuntimeLowering {
    /// The rewrites at node `i` (a QuantizeLinear or a Mul), or nil: the new node and the
    /// nodes whose outputs it stops reading (removed later when nothing else reads them).
    static func quantized(_ graph: Graph, at i: Int, producers: [Int], uses: [Int]) -> (Node, [Int])? {
        let n = graph.nodes[i]
        guard n.domain.isEmpty else { return nil }
        if n.op == "QuantizeLinear" { return qlinearConv(graph, n, producers: producers, uses: uses) }
        if n.op == "Mul" { return dynamicQuantizeMatMul(graph, n, producers: producers, uses: uses) }
        return nil
    }


    /// The default-domain producer of `v` when its op is `op`.
    private static func producer(_ graph: Graph, _ producers: [Int], _ v: ValueID, _ op: String) -> (Int, Node)? {
        guard v >= 0, producers[v] >= 0 else { return nil }
        let p = graph.nodes[producers[v]]
        return p.op == op && p.domain.isEmpty ? (producers[v], p) : nil
    }

    /// Elements of a constant as Float, or nil when `v` is not a constant.
    private static func values(_ graph: Graph, _ v: ValueID) -> [Float]? { v >= 0 ? (try? graph.constant(v)?.floats()) ?? nil : nil }

    /// A DequantizeLinear with one scale and zero point (per tensor), both present constants,
    /// and no block quantization.
    private static func perTensor(_ graph: Graph, _ dq: Node) -> Bool {
        dq.inputs.count == 3 && values(graph, dq.inputs[1])?.count == 1 && values(graph, dq.inputs[2])?.count == 1
            && dq.int("block_size", 0) == 0
    }

    static func qlinearConv(_ graph: Graph, _ q: Node, producers: [Int], uses: [Int]) -> (Node, [Int])? {
        guard q.inputs.count == 3, values(graph, q.inputs[1])?.count == 1, values(graph, q.inputs[2])?.count == 1,
              let yType = graph.type(q.outputs[0])?.dtype, yType == .uint8 || yType == .int8,
              singleUse(graph, uses, q.inputs[0]),
              let (ci, conv) = producer(graph, producers, q.inputs[0], "Conv"), conv.inputs.count >= 2,
              graph.type(conv.outputs[0])?.dtype == .float32, conv.attributes.keys.allSatisfy(convAttributes.contains),
              let (xi, dx) = producer(graph, producers, conv.inputs[0], "DequantizeLinear"), perTensor(graph, dx),
              graph.type(dx.inputs[0])?.dtype == yType,
              let (wi, dw) = producer(graph, producers, conv.inputs[1], "DequantizeLinear"), dw.inputs.count == 3,
              dw.int("block_size", 0) == 0, let wq = graph.constant(dw.inputs[0]), wq.dtype == .int8 || wq.dtype == .uint8,
              wq.dims.count >= 3, let ws = values(graph, dw.inputs[1]), let wzp = graph.constant(dw.inputs[2]), wzp.dtype == wq.dtype,
              let xs = values(graph, dx.inputs[1])?.first else { return nil }
        // Weight scales: one, or one per output channel (DequantizeLinear's axis 0).
        let channels = wq.dims[0]
        if ws.count != 1 {
            let axis = dw.int("axis", 1)
            guard ws.count == channels, wzp.elementCount == channels, axis == 0 || axis == -wq.dims.count else { return nil }
        } else if wzp.elementCount != 1 { return nil }
        var inputs = [dx.inputs[0], dx.inputs[1], dx.inputs[2], dw.inputs[0], dw.inputs[1], dw.inputs[2], q.inputs[1], q.inputs[2]]
        var dropped = [ci, xi, wi]
        if conv.input(2) >= 0 {
            // QLinearConv adds an int32 bias in the accumulator's scale, x_scale · w_scale: the
            // bias must be quantized at exactly that scale (what quantizers write), zero point 0.
            guard let (bi, db) = producer(graph, producers, conv.inputs[2], "DequantizeLinear"), db.int("block_size", 0) == 0,
                  let bq = graph.constant(db.inputs[0]), bq.dtype == .int32, let bs = values(graph, db.input(1)),
                  bs.count == 1 || bs.count == channels,
                  db.input(2) < 0 || (values(graph, db.input(2))?.allSatisfy { $0 == 0 } ?? false) else { return nil }
            if bs.count > 1 { let axis = db.int("axis", 1); guard axis == 0 || axis == -1 else { return nil } }
            for c in 0..<channels where bs[bs.count == 1 ? 0 : c] != xs * ws[ws.count == 1 ? 0 : c] { return nil }
            inputs.append(db.inputs[0])
            dropped.append(bi)
        }
        return (Node(name: conv.name, op: "QLinearConv", inputs: inputs, outputs: q.outputs, attributes: conv.attributes), dropped)
    }

    /// Conv attributes QLinearConv has too.
    static let convAttributes: Set<String> = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"]

    static func dynamicQuantizeMatMul(_ graph: Graph, _ mul: Node, producers: [Int], uses: [Int]) -> (Node, [Int])? {
        guard mul.inputs.count == 2, graph.type(mul.outputs[0])?.dtype == .float32 else { return nil }
        for (a, b) in [(0, 1), (1, 0)] {
            let c = mul.inputs[a], s = mul.inputs[b]
            guard singleUse(graph, uses, c), singleUse(graph, uses, s),
                  let (castI, cast) = producer(graph, producers, c, "Cast"), cast.int("to", 0) == Int(DType.float32.rawValue),
                  singleUse(graph, uses, cast.inputs[0]),
                  let (mmI, mm) = producer(graph, producers, cast.inputs[0], "MatMulInteger"), mm.inputs.count >= 3,
                  let (dqI, dq) = producer(graph, producers, mm.inputs[0], "DynamicQuantizeLinear"), dq.outputs.count == 3,
                  mm.inputs[2] == dq.outputs[2], singleUse(graph, uses, dq.outputs[0]), singleUse(graph, uses, dq.outputs[2]),
                  singleUse(graph, uses, dq.outputs[1]),
                  let B = graph.constant(mm.inputs[1]), B.dtype == .int8 || B.dtype == .uint8, B.dims.count == 2,
                  let (scaleI, scale) = producer(graph, producers, s, "Mul"), scale.inputs.count == 2 else { continue }
            // The scale: a_scale · B_scale, B_scale one constant or one per column of B.
            guard let k = [0, 1].first(where: { scale.inputs[$0] == dq.outputs[1] }),
                  let bs = values(graph, scale.inputs[1 - k]), bs.count == 1 || bs.count == B.dims[1],
                  graph.shape(scale.inputs[1 - k])?.rank ?? 2 <= 1 else { continue }
            var inputs = [dq.inputs[0], mm.inputs[1], scale.inputs[1 - k]]
            if mm.input(3) >= 0 {
                guard let zp = graph.constant(mm.input(3)), zp.dtype == B.dtype, zp.elementCount == bs.count else { continue }
                inputs.append(mm.input(3))
            }
            return (Node(name: mul.name, op: "DynamicQuantizeMatMul", domain: domain, inputs: inputs, outputs: mul.outputs),
                    [castI, mmI, dqI, scaleI])
        }
        return nil
    }
}
