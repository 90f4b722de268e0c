import Foundation
import GraphIR

/// The two GELU forms exporters write, in any association of the final 0.5·x·(1 + f(x)):
///   erf:  f = Erf(x / √2)              (or x · (1/√2))
///   tanh: f = Tanh(√(2/π) · (x + 0.044715·x³))
/// → Gelu (ONNX opset 20; `approximate = "tanh"` for the second).
public struct GeluFusion: GraphPass {
    public let name = "fuse-gelu"
    public let summary = "erf and tanh forms of GELU become Gelu"

    public init() {}

    public func run(_ graph: inout Graph, _ options: PassOptions) throws -> Int {
        guard graph.opset >= 13 else { return 0 }
        var changes = 0
        while let (x, out, approximate, anchor) = find(graph) {
            var attrs: [String: Attribute] = [:]
            if approximate { attrs["approximate"] = .string("tanh") }
            graph.replaceProducer(of: out, with: Node(name: anchor + ".gelu", op: "Gelu", inputs: [x], outputs: [out], attributes: attrs))
            graph.opsets[""] = max(graph.opset, 20)
            changes += 1
        }
        return changes
    }

    func find(_ graph: Graph) -> (ValueID, ValueID, Bool, String)? {
        let m = Matcher(graph)
        for n in graph.nodes where n.domain.isEmpty && (n.op == "Erf" || n.op == "Tanh") {
            guard let x = n.op == "Erf" ? erfArgument(m, n.input(0)) : tanhArgument(m, n.input(0)),
                  let (_, add) = m.soleConsumer(n.outputs[0], "Add"), let one = m.other(add, than: n.outputs[0]),
                  m.isScalar(one, 1),
                  let out = halfTimes(m, x: x, onePlus: add.outputs[0]), m.uses[out] > 0 else { continue }
            return (x, out, n.op == "Tanh", n.name)
        }
        return nil
    }

    /// x for Erf's input x/√2 or x·(1/√2).
    func erfArgument(_ m: Matcher, _ v: ValueID) -> ValueID? {
        if let (_, d) = m.producer(v, "Div"), d.inputs.count == 2, m.isScalar(d.inputs[1], Float(2.0.squareRoot())) { return d.inputs[0] }
        if let (_, mul) = m.producer(v, "Mul") {
            for (a, b) in [(0, 1), (1, 0)] where mul.inputs.count == 2 && m.isScalar(mul.inputs[b], Float(1 / 2.0.squareRoot())) {
                return mul.inputs[a]
            }
        }
        return nil
    }

    /// x for Tanh's input √(2/π)·(x + 0.044715·x³), with x³ as Pow(x, 3).
    func tanhArgument(_ m: Matcher, _ v: ValueID) -> ValueID? {
        guard let (_, scale) = m.producer(v, "Mul") else { return nil }
        for (a, b) in [(0, 1), (1, 0)] where scale.inputs.count == 2 && m.isScalar(scale.inputs[b], Float((2 / Double.pi).squareRoot())) {
            guard let (_, sum) = m.producer(scale.inputs[a], "Add"), sum.inputs.count == 2 else { continue }
            for (xi, ci) in [(0, 1), (1, 0)] {
                let x = sum.inputs[xi]
                guard let (_, k) = m.producer(sum.inputs[ci], "Mul"), k.inputs.count == 2 else { continue }
                for (pi, ki) in [(0, 1), (1, 0)] where m.isScalar(k.inputs[ki], 0.044715) {
                    if let (_, p) = m.producer(k.inputs[pi], "Pow"), p.inputs.count == 2, p.inputs[0] == x, m.isScalar(p.inputs[1], 3) { return x }
                }
            }
        }
        return nil
    }

    /// The value computing 0.5 · x · onePlus in any association, or nil.
    func halfTimes(_ m: Matcher, x: ValueID, onePlus: ValueID) -> ValueID? {
        guard let (_, mul) = m.soleConsumer(onePlus, "Mul"), let y = m.other(mul, than: onePlus) else { return nil }
        // (0.5·x) · (1 + f)
        if let (_, half) = m.producer(y, "Mul"), let z = half.inputs.count == 2 ? (m.isScalar(half.inputs[0], 0.5) ? half.inputs[1] : m.isScalar(half.inputs[1], 0.5) ? half.inputs[0] : nil) : nil, z == x {
            return mul.outputs[0]
        }
        // (x · (1 + f)) · 0.5
        if y == x, let (_, last) = m.soleConsumer(mul.outputs[0], "Mul"), let h = m.other(last, than: mul.outputs[0]), m.isScalar(h, 0.5) {
            return last.outputs[0]
        }
        return nil
    }
}
