import GraphIR

/// Why the interpreter could not run a node.
public enum InterpreterError: Error, CustomStringConvertible {
    case unsupported(op: String, node: String, detail: String)
    case badInput(node: String, detail: String)
    case missingInput(String)
    /// A node graph-opt keeps but cannot evaluate (unknown operator, other domain, control flow).
    case opaque(op: String, node: String)

    public var description: String {
        switch self {
        case .unsupported(let op, let node, let d): return "node '\(node)': interpreter does not support \(op)\(d.isEmpty ? "" : " (\(d))")"
        case .badInput(let node, let d): return "node '\(node)': \(d)"
        case .missingInput(let n): return "no value supplied for graph input '\(n)'"
        case .opaque(let op, let node): return "node '\(node)': cannot run opaque operator \(op) (kept as is, no kernel)"
        }
    }
}
