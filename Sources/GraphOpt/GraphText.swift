import GraphIR

/// A readable rendering of a graph (for terminals and `--emit text`): inputs, outputs and
/// one line per node with its inputs, outputs and their types.
enum GraphText {
    static func render(_ g: Graph) -> String {
        func v(_ id: ValueID) -> String {
            guard id >= 0 else { return "_" }
            let val = g.values[id]
            if let c = val.constant {
                let kind: String
                switch c.storage {
                case .splat: kind = "splat"
                case .external(let s, let o, _): kind = "\(s.path)@\(o)"
                case .bytes: kind = "const"
                }
                return "\(val.name):\(c.type)(\(kind))"
            }
            return "\(val.name):\(val.type?.description ?? "?")"
        }
        var out = "graph \(g.name.isEmpty ? "-" : g.name)  opset \(g.opset)  \(g.nodes.count) nodes\n"
        out += "  inputs:  " + g.inputs.map(v).joined(separator: ", ") + "\n"
        out += "  outputs: " + g.outputs.map(v).joined(separator: ", ") + "\n"
        for n in g.nodes {
            var attrs = n.attributes.sorted { $0.key < $1.key }.map { k, a -> String in
                switch a {
                case .int(let x): return "\(k)=\(x)"
                case .float(let x): return "\(k)=\(x)"
                case .string(let x): return "\(k)=\(x)"
                case .ints(let x): return "\(k)=\(x)"
                case .floats(let x): return "\(k)=\(x)"
                case .strings(let x): return "\(k)=\(x)"
                case .tensor(let t): return "\(k)=\(t.type)"
                case .opaque(let b): return "\(k)=<\(b.count) bytes>"
                }
            }.joined(separator: " ")
            if !attrs.isEmpty { attrs = " {" + attrs + "}" }
            if !n.captures.isEmpty { attrs += " captures(" + n.captures.map(v).joined(separator: ", ") + ")" }
            out += "  \(n.name): \(n.qualifiedOp)(\(n.inputs.map(v).joined(separator: ", ")))\(attrs) -> \(n.outputs.map(v).joined(separator: ", "))\n"
        }
        return out
    }
}
