import GraphIR
import OnnxProto

extension OnnxImporter {
    /// Output types of a default-domain If, Loop or Scan (opset 9+) taken from the outputs its
    /// bodies declare, for the outputs the model itself leaves untyped (graph-opt has no shape
    /// rule for control flow, and an untyped output stops shape inference downstream):
    /// - If: output i is both branches' output i; a dim they disagree on is unknown, and
    ///   a different element type or rank leaves the output untyped (either branch may run).
    /// - Loop: body outputs are (condition, N carried values, K scan outputs); the node's are
    ///   (N final carried values, K scan outputs stacked on a new leading axis of unknown length).
    /// - Scan: body outputs are (N states, K scan outputs); the node's final states have the
    ///   states' types and a scan output gets the unknown sequence length on its
    ///   `scan_output_axes` axis (0 by default).
    /// nil entries stay untyped.
    static func controlFlowOutputTypes(_ n: Onnx_NodeProto, opset: Int) -> [TensorType?] {
        guard n.domain.isEmpty || n.domain == "ai.onnx" else { return [] }
        func body(_ name: String) -> Onnx_GraphProto? { n.attribute.first { $0.name == name && $0.hasG }?.g }
        func declared(_ g: Onnx_GraphProto, _ i: Int) -> TensorType? {
            i < g.output.count ? ((try? type(g.output[i].type, of: g.output[i].name)) ?? nil) : nil
        }
        /// `t` with an axis of unknown length inserted at `axis` (negative counts from the end).
        func stacked(_ t: TensorType?, axis: Int = 0) -> TensorType? {
            guard let t else { return nil }
            guard var dims = t.shape?.dims else { return TensorType(t.dtype, nil) }
            let a = axis < 0 ? axis + dims.count + 1 : axis
            guard a >= 0, a <= dims.count else { return TensorType(t.dtype, nil) }
            dims.insert(.unknown, at: a)
            return TensorType(t.dtype, Shape(dims))
        }
        switch n.opType {
        case "If":
            guard let a = body("then_branch"), let b = body("else_branch") else { return [] }
            return n.output.indices.map { i in
                guard let x = declared(a, i), let y = declared(b, i), x.dtype == y.dtype else { return nil }
                guard let s = x.shape, let t = y.shape, s.rank == t.rank else { return TensorType(x.dtype, nil) }
                return TensorType(x.dtype, Shape(zip(s.dims, t.dims).map { $0 == $1 ? $0 : .unknown }))
            }
        case "Loop":
            guard let g = body("body") else { return [] }
            let carried = max(0, n.input.count - 2)
            return n.output.indices.map { i in i < carried ? declared(g, 1 + i) : stacked(declared(g, 1 + i)) }
        case "Scan" where opset >= 9:
            guard let g = body("body"), let scanInputs = n.attribute.first(where: { $0.name == "num_scan_inputs" })?.i else { return [] }
            let states = max(0, n.input.count - Int(scanInputs))
            let axes = n.attribute.first { $0.name == "scan_output_axes" }?.ints ?? []
            return n.output.indices.map { i in
                guard i >= states else { return declared(g, i) }
                let k = i - states
                return stacked(declared(g, i), axis: k < axes.count ? Int(axes[k]) : 0)
            }
        default:
            return []
        }
    }
}
