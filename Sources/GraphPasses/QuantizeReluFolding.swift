import GraphIR

/// `QuantizeLinear(Relu(x), s, zp)` → `QuantizeLinear(x, s, zp)` when every element of `zp` is
/// the smallest value of the quantized type (0 for uint8/uint16, −128 for int8, −32768 for
/// int16) and the Relu's output is read only by that node. Exact: quantizing saturates to the
/// type's range, and for x < 0, round(x / s) ≤ 0, so round(x / s) + zp ≤ zp = the minimum:
/// the negative inputs the Relu would have zeroed quantize to zp either way (as 0 does), and
/// non-negative inputs are unchanged. Quantizers write a ReLU'd tensor's zero point this way
/// (its range starts at 0), so after a quantized Conv the Relu is redundant.
public struct QuantizeReluFolding: GraphPass {
    public let name = "fold-relu-quantize"
    public let summary = "drop a Relu read only by a QuantizeLinear whose zero point is the type's minimum (the quantizer clamps there)"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        let m = Matcher(graph)
        var changes = 0
        for i in graph.nodes.indices {
            let q = graph.nodes[i]
            guard q.op == "QuantizeLinear", q.domain.isEmpty, q.inputs.count >= 2,
                  let (_, relu) = m.producer(q.inputs[0], "Relu"), graph.isSingleUse(q.inputs[0], m.uses),
                  let dtype = graph.type(q.outputs[0])?.dtype, let lowest = Self.lowest[dtype] else { continue }
            // An absent zero point is 0 of the output type (uint8 unless output_dtype says otherwise).
            if q.input(2) >= 0 {
                guard let zp = graph.constant(q.input(2)), zp.dtype == dtype,
                      let values = try? zp.int64s(), values.allSatisfy({ $0 == lowest }) else { continue }
            } else if lowest != 0 { continue }
            graph.nodes[i].inputs[0] = relu.input(0)
            changes += 1
        }
        return changes
    }

    /// The smallest value of each integer type QuantizeLinear writes.
    static let lowest: [DType: Int64] = [.uint8: 0, .uint16: 0, .int8: -128, .int16: -32768]
}
