/// A typed operator attribute, as ONNX defines them. Kinds graph-opt does not model
/// (subgraphs of If/Loop/Scan, sparse tensors, type protos, string tensors) are kept as the
/// serialized ONNX AttributeProto (`opaque`) and written back byte for byte.
public enum Attribute: Sendable {
    case int(Int64)
    case float(Float)
    case string(String)
    case ints([Int64])
    case floats([Float])
    case strings([String])
    case tensor(ConstantTensor)
    /// A whole serialized ONNX AttributeProto, passed through unread.
    case opaque([UInt8])

    public var int: Int64? { if case .int(let v) = self { return v }; return nil }
    public var float: Float? {
        switch self {
        case .float(let v): return v
        case .int(let v): return Float(v)
        default: return nil
        }
    }
    public var string: String? { if case .string(let v) = self { return v }; return nil }
    public var ints: [Int64]? { if case .ints(let v) = self { return v }; return nil }
    public var floats: [Float]? { if case .floats(let v) = self { return v }; return nil }
    public var tensor: ConstantTensor? { if case .tensor(let v) = self { return v }; return nil }

    /// A stable text form used by CSE keys and the text rendering.
    public var key: String {
        switch self {
        case .int(let v): return "i\(v)"
        case .float(let v): return "f\(v.bitPattern)"
        case .string(let v): return "s\(v)"
        case .ints(let v): return "I\(v)"
        case .floats(let v): return "F\(v.map(\.bitPattern))"
        case .strings(let v): return "S\(v)"
        case .tensor(let t): return "T\(ObjectIdentifier(t).hashValue)"
        case .opaque(let b): return "O\(b.count):\(b.hashValue)"
        }
    }
}
