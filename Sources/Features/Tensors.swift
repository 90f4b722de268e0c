/// The element values of a dense tensor.
public enum TensorValues: Equatable, Sendable {
    case int64([Int64])
    case float32([Float])

    public var count: Int {
        switch self {
        case .int64(let v): return v.count
        case .float32(let v): return v.count
        }
    }
}

/// A dense tensor of one batch: `shape` [rows] or [rows, L], row-major values.
public struct DenseTensor: Equatable, Sendable {
    public var name: String
    public var shape: [Int]
    public var values: TensorValues

    public init(name: String, shape: [Int], values: TensorValues) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// One key of a keyed jagged tensor: per row, `lengths[r]` ids, one after the other in `values`.
public struct JaggedFeature: Equatable, Sendable {
    public var name: String
    public var values: [Int64]
    public var lengths: [Int32]

    public init(name: String, values: [Int64], lengths: [Int32]) {
        self.name = name
        self.values = values
        self.lengths = lengths
    }
}

/// What `transform` makes of one input batch: the dense tensors in spec order, and the jagged
/// features (to be written as one keyed jagged tensor).
public struct TransformedBatch: Equatable, Sendable {
    public var rows: Int
    public var dense: [DenseTensor]
    public var jagged: [JaggedFeature]
}
