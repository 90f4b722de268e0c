/// Where the bytes of a large weight live when they are not held in memory: a region of
/// a file (an ONNX external-data file, or the .onnx file itself). The IR never opens files;
/// the importer supplies a `WeightSource` that maps or reads the region on demand.
public protocol WeightSource: AnyObject, Sendable {
    /// Path of the file that holds the bytes, as the graph stream references it.
    var path: String { get }
    /// Reads `length` bytes at `offset`; throws if the file is missing or too short.
    func read(offset: Int, length: Int) throws -> [UInt8]
    /// Calls `body` with the `length` bytes at `offset` in place (no copy where the source
    /// is mapped); the pointer is valid only during the call.
    func withBytes<R>(offset: Int, length: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
}

/// A constant tensor: an initializer, a Constant node's value, or a folded result.
///
/// Storage stays as cheap as the source allows: small tensors inline, constant-filled
/// tensors as one element (`splat`, what ConstantOfShape produces; folding one never
/// allocates the full tensor), and large weights as a file region read only when a pass
/// needs the numbers.
public final class ConstantTensor: @unchecked Sendable {
    public enum Storage {
        /// Little-endian raw elements (for strings: unsupported, see `DType.string`).
        case bytes([UInt8])
        /// Every element equals this one element's bytes.
        case splat([UInt8])
        /// `length` bytes at `offset` of `source`.
        case external(source: WeightSource, offset: Int, length: Int)
    }

    public let dtype: DType
    public let dims: [Int]
    public let storage: Storage

    public init(dtype: DType, dims: [Int], storage: Storage) {
        self.dtype = dtype
        self.dims = dims
        self.storage = storage
    }

    public var elementCount: Int { dims.reduce(1, *) }
    public var byteCount: Int { elementCount * dtype.byteSize }
    public var type: TensorType { TensorType(dtype, Shape(known: dims)) }

    /// True when the bytes are not in memory (a file region).
    public var isExternal: Bool {
        if case .external = storage { return true }
        return false
    }

    /// The full little-endian byte image, reading or expanding as needed.
    public func rawBytes() throws -> [UInt8] {
        switch storage {
        case .bytes(let b):
            return b
        case .splat(let one):
            var out = [UInt8]()
            out.reserveCapacity(byteCount)
            for _ in 0..<elementCount { out.append(contentsOf: one) }
            return out
        case .external(let source, let offset, let length):
            return try source.read(offset: offset, length: length)
        }
    }

    /// Calls `body` with the full little-endian byte image: in place for inline and mapped
    /// storage (a writer can hand the bytes to write(2) without copying them), expanded for a
    /// splat.
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        switch storage {
        case .bytes(let b):
            return try b.withUnsafeBytes(body)
        case .splat:
            return try rawBytes().withUnsafeBytes(body)
        case .external(let source, let offset, let length):
            return try source.withBytes(offset: offset, length: length, body)
        }
    }

    /// Elements converted to Float (integers and bools convert by value).
    public func floats() throws -> [Float] {
        if case .splat(let one) = storage {
            let v = Self.decode(one, dtype: dtype, count: 1, wantInts: false).0[0]
            return [Float](repeating: v, count: elementCount)
        }
        return Self.decode(try rawBytes(), dtype: dtype, count: elementCount, wantInts: false).0
    }

    /// Elements converted to Int64 (floats truncate toward zero).
    public func int64s() throws -> [Int64] {
        if case .splat(let one) = storage {
            let v = Self.decode(one, dtype: dtype, count: 1, wantFloats: false).1[0]
            return [Int64](repeating: v, count: elementCount)
        }
        return Self.decode(try rawBytes(), dtype: dtype, count: elementCount, wantFloats: false).1
    }

    /// The single value of a splat or one-element tensor, as Float.
    public func scalarFloat() throws -> Float? {
        if case .splat(let one) = storage { return Self.decode(one, dtype: dtype, count: 1).0[0] }
        guard elementCount == 1 else { return nil }
        return try floats().first
    }

    /// Builds a Float32 tensor from values.
    public static func float32(_ values: [Float], dims: [Int]) -> ConstantTensor {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        values.withUnsafeBytes { src in bytes.withUnsafeMutableBytes { $0.copyMemory(from: src) } }
        return ConstantTensor(dtype: .float32, dims: dims, storage: .bytes(bytes))
    }

    /// Builds an Int64 tensor from values.
    public static func int64(_ values: [Int64], dims: [Int]) -> ConstantTensor {
        var bytes = [UInt8](repeating: 0, count: values.count * 8)
        values.withUnsafeBytes { src in bytes.withUnsafeMutableBytes { $0.copyMemory(from: src) } }
        return ConstantTensor(dtype: .int64, dims: dims, storage: .bytes(bytes))
    }

    /// Encodes Float values into `dtype`'s raw layout (used by folding and the interpreter).
    public static func encode(floats values: [Float], ints: [Int64]?, dtype: DType) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(values.count * dtype.byteSize)
        func put<T>(_ v: T) { withUnsafeBytes(of: v) { out.append(contentsOf: $0) } }
        for i in 0..<(ints?.count ?? values.count) {
            let f = values.isEmpty ? Float(ints![i]) : values[i]
            let n = ints?[i] ?? Int64(exactly: f.rounded(.towardZero)) ?? 0
            switch dtype {
            case .float32: put(f)
            case .float64: put(Double(f))
            case .float16: put(Float16(f).bitPattern)
            case .bfloat16: put(UInt16(truncatingIfNeeded: f.bitPattern >> 16))
            case .int8: put(Int8(truncatingIfNeeded: n))
            case .uint8: put(UInt8(truncatingIfNeeded: n))
            case .int16: put(Int16(truncatingIfNeeded: n))
            case .uint16: put(UInt16(truncatingIfNeeded: n))
            case .int32: put(Int32(truncatingIfNeeded: n))
            case .uint32: put(UInt32(truncatingIfNeeded: n))
            case .int64: put(n)
            case .uint64: put(UInt64(truncatingIfNeeded: n))
            case .bool: put(UInt8(n != 0 || f != 0 ? 1 : 0))
            case .string: break
            }
        }
        return out
    }

    /// Decodes `count` elements of raw little-endian bytes to Float and/or Int64 views
    /// (only the views asked for are filled; floats outside Int64's range convert to 0).
    static func decode(_ bytes: [UInt8], dtype: DType, count: Int, wantFloats: Bool = true, wantInts: Bool = true) -> ([Float], [Int64]) {
        var fs = [Float](repeating: 0, count: wantFloats ? count : 0)
        var ns = [Int64](repeating: 0, count: wantInts ? count : 0)
        let size = dtype.byteSize
        guard size > 0, bytes.count >= count * size else { return (fs, ns) }
        func toInt(_ v: Double) -> Int64 { v.isFinite && abs(v) < 9.2e18 ? Int64(v.rounded(.towardZero)) : 0 }
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let o = i * size
                var f: Double = 0
                var n: Int64 = 0
                switch dtype {
                case .float32: f = Double(raw.loadUnaligned(fromByteOffset: o, as: Float.self)); n = wantInts ? toInt(f) : 0
                case .float64: f = raw.loadUnaligned(fromByteOffset: o, as: Double.self); n = wantInts ? toInt(f) : 0
                case .float16: f = Double(Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)))); n = wantInts ? toInt(f) : 0
                case .bfloat16:
                    f = Double(Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)) << 16)); n = wantInts ? toInt(f) : 0
                case .int8: n = Int64(raw.loadUnaligned(fromByteOffset: o, as: Int8.self)); f = Double(n)
                case .uint8, .bool: n = Int64(raw.loadUnaligned(fromByteOffset: o, as: UInt8.self)); f = Double(n)
                case .int16: n = Int64(raw.loadUnaligned(fromByteOffset: o, as: Int16.self)); f = Double(n)
                case .uint16: n = Int64(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)); f = Double(n)
                case .int32: n = Int64(raw.loadUnaligned(fromByteOffset: o, as: Int32.self)); f = Double(n)
                case .uint32: n = Int64(raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)); f = Double(n)
                case .int64: n = raw.loadUnaligned(fromByteOffset: o, as: Int64.self); f = Double(n)
                case .uint64: let u = raw.loadUnaligned(fromByteOffset: o, as: UInt64.self); n = Int64(bitPattern: u); f = Double(u)
                case .string: break
                }
                if wantFloats { fs[i] = Float(f) }
                if wantInts { ns[i] = n }
            }
        }
        return (fs, ns)
    }
}
