/// Everything that can be wrong with a graph or a model file. `description` is the
/// `where: what` part of the one-line error a tool prints.
public enum GraphError: Error, Equatable, CustomStringConvertible {
    /// The model file could not be decoded (truncated, corrupted, not ONNX).
    case malformed(String)
    /// An operator that graph-opt does not implement.
    case unsupportedOp(op: String, domain: String, node: String, opset: Int)
    /// A feature of the model outside the supported subset.
    case unsupported(String)
    /// A node reads a value that nothing produces.
    case danglingInput(node: String, value: String)
    /// Two producers write the same value.
    case duplicateOutput(String)
    /// The nodes cannot be ordered.
    case cycle(nodes: [String])
    /// Shapes or attributes do not fit the operator.
    case shapeMismatch(node: String, op: String, detail: String)
    /// External data referenced by the model cannot be read.
    case missingData(tensor: String, detail: String)
    /// A graph output names no value.
    case unknownOutput(String)
    /// A shape given for a graph input (`--input-shape`) does not fit it.
    case inputShape(input: String, detail: String)

    public var description: String {
        switch self {
        case .malformed(let s): return "not a valid ONNX model: \(s)"
        case .unsupportedOp(let op, let domain, let node, let opset):
            let d = domain.isEmpty ? "" : "\(domain)."
            return "node '\(node)': unsupported operator \(d)\(op) (opset \(opset))"
        case .unsupported(let s): return "unsupported: \(s)"
        case .danglingInput(let node, let value): return "node '\(node)': input '\(value)' is not produced by any node, input or initializer"
        case .duplicateOutput(let v): return "value '\(v)' is produced more than once"
        case .cycle(let nodes): return "graph has a cycle through nodes \(nodes.prefix(5).map { "'\($0)'" }.joined(separator: ", "))"
        case .shapeMismatch(let node, let op, let detail): return "node '\(node)' (\(op)): \(detail)"
        case .missingData(let t, let d): return "tensor '\(t)': \(d)"
        case .unknownOutput(let v): return "graph output '\(v)' is not produced"
        case .inputShape(let input, let detail): return "input '\(input)': \(detail)"
        }
    }
}
