import GraphIR

/// Why the interpreter could not run a node.
public enum InterpreterError: Error, CustomStringConvertible {
    case unsupported(op: String, node: String, detail: String)
    case badInput(node: String, detail: String)
    case missingInput(String)

    public var description: String {
        switch self {
        case .unsupported(let op, let node, let d): return "node '\(node)': interpreter does not support \(op)\(d.isEmpty ? "" : " (\(d))")"
        case .badInput(let node, let d): return "node '\(node)': \(d)"
        case .missingInput(let n): return "no value supplied for graph input '\(n)'"
        }
    }
}
