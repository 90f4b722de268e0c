import GraphIR

/// A concrete tensor the interpreter computes with. Floating types compute in Float32
/// (`f`), integer and bool types in Int64 (`i`); `dtype` records the declared type so
/// Cast and export round-trip. Row-major, contiguous.
public struct Tensor: Sendable {
    public var dtype: DType
    public var shape: [Int]
    public var f: [Float]
    public var i: [Int64]

    public var count: Int { shape.reduce(1, *) }
    public var isFloat: Bool { dtype.isFloat }

    public init(dtype: DType, shape: [Int], f: [Float] = [], i: [Int64] = []) {
        self.dtype = dtype
        self.shape = shape
        self.f = f
        self.i = i
    }

    /// A Float32 tensor.
    public init(shape: [Int], floats: [Float]) {
        self.init(dtype: .float32, shape: shape, f: floats)
    }

    /// An Int64 tensor.
    public init(shape: [Int], ints: [Int64]) {
        self.init(dtype: .int64, shape: shape, i: ints)
    }

    /// Values as Float whatever the storage.
    public var floats: [Float] { isFloat ? f : i.map { Float($0) } }
    /// Values as Int64 whatever the storage (floats truncate).
    public var ints: [Int64] { isFloat ? f.map(saturatingInt64) : i }

    /// Same data, new shape (element count must match; the caller checks).
    public func reshaped(_ s: [Int]) -> Tensor {
        var t = self
        t.shape = s
        return t
    }

    /// Reads a constant from the graph.
    public init(_ c: ConstantTensor) throws {
        if c.dtype.isFloat { self.init(dtype: c.dtype, shape: c.dims, f: try c.floats()) }
        else { self.init(dtype: c.dtype, shape: c.dims, i: try c.int64s()) }
    }

    /// Converts back to a graph constant (folding results).
    public func constant() -> ConstantTensor {
        if dtype == .float32 { return .float32(f, dims: shape) }
        if dtype == .int64 { return .int64(i, dims: shape) }
        return ConstantTensor(dtype: dtype, dims: shape,
                              storage: .bytes(ConstantTensor.encode(floats: isFloat ? f : [], ints: isFloat ? nil : i, dtype: dtype)))
    }

    /// Row-major strides.
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for k in stride(from: shape.count - 1, through: 0, by: -1) { s[k] = acc; acc *= shape[k] }
        return s
    }
}

/// Float to Int64 toward zero without trapping: NaN becomes 0, out-of-range values saturate.
@inlinable func saturatingInt64(_ v: Float) -> Int64 {
    if v.isNaN { return 0 }
    if v >= 9.2e18 { return .max }
    if v <= -9.2e18 { return .min }
    return Int64(v.rounded(.towardZero))
}

/// Rounds to the nearest bfloat16 (ties to even), kept in a Float.
@inlinable func roundToBFloat16(_ v: Float) -> Float {
    if v.isNaN { return v }
    let bits = v.bitPattern
    let rounded = bits &+ 0x7fff &+ ((bits >> 16) & 1)
    return Float(bitPattern: rounded & 0xffff_0000)
}

extension DType {
    /// The smallest and largest value of an integer or bool type.
    var integerRange: (Int64, Int64) {
        switch self {
        case .bool: return (0, 1)
        case .int8: return (Int64(Int8.min), Int64(Int8.max))
        case .uint8: return (0, Int64(UInt8.max))
        case .int16: return (Int64(Int16.min), Int64(Int16.max))
        case .uint16: return (0, Int64(UInt16.max))
        case .int32: return (Int64(Int32.min), Int64(Int32.max))
        case .uint32: return (0, Int64(UInt32.max))
        default: return (Int64.min, Int64.max)
        }
    }
}
