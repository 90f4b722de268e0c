/// Appends little-endian integers and LEB128 varints to a growing byte array.
///
/// The encoder is not the hot path; a plain `[UInt8]` with amortised growth is enough.
public struct ByteWriter {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public var count: Int { bytes.count }

    @inlinable public mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// Unsigned LEB128: 7 bits per byte, low groups first; at most 10 bytes for a UInt64.
    @inlinable public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inlinable public mutating func varint(_ value: Int) { varint(UInt64(value)) }

    @inlinable public mutating func uint64LE(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inlinable public mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    /// Number of bytes `varint(value)` appends.
    @inlinable public static func varintSize(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }
}

/// A bounds-checked cursor over borrowed bytes. Every read that would leave `limit` throws
/// `.truncated`, naming `context` so the error says which structure was cut short.
public struct ByteReader {
    public let base: UnsafeRawPointer
    public private(set) var offset: Int
    public let limit: Int

    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0, limit: Int? = nil) {
        // An empty buffer may have a nil base; point at a static byte so arithmetic stays defined.
        base = buffer.baseAddress ?? UnsafeRawPointer(ByteReader.emptyByte)
        self.offset = offset
        self.limit = limit ?? buffer.count
    }

    private static let emptyByte = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)

    @inlinable public var remaining: Int { limit - offset }

    public mutating func byte(_ context: @autoclosure () -> String) throws -> UInt8 {
        guard offset < limit else { throw SeqCodecError(.truncated, "\(context()): ends early") }
        let b = base.load(fromByteOffset: offset, as: UInt8.self)
        offset += 1
        return b
    }

    public mutating func varint(_ context: @autoclosure () -> String) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < limit else { throw SeqCodecError(.truncated, "\(context()): varint ends early") }
            let b = base.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            if shift == 63 && b > 1 {
                throw SeqCodecError(.malformed, "\(context()): varint overflows 64 bits")
            }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw SeqCodecError(.malformed, "\(context()): varint longer than 10 bytes") }
        }
    }

    /// A varint that must fit `0...maximum` (counts and lengths).
    public mutating func count(_ context: @autoclosure () -> String, maximum: Int) throws -> Int {
        let v = try varint(context())
        guard v <= UInt64(maximum) else {
            throw SeqCodecError(.limitExceeded, "\(context()): \(v) exceeds the limit \(maximum)")
        }
        return Int(v)
    }

    /// Skips `n` bytes, returning the offset where they start.
    public mutating func skip(_ n: Int, _ context: @autoclosure () -> String) throws -> Int {
        guard n >= 0, n <= limit - offset else {
            throw SeqCodecError(.truncated, "\(context()): needs \(n) bytes, \(limit - offset) left")
        }
        let start = offset
        offset += n
        return start
    }
}

/// Zigzag maps signed to unsigned so small magnitudes of either sign get small codes.
@inlinable @inline(__always) func zigzag(_ v: Int64) -> UInt64 {
    UInt64(bitPattern: (v &<< 1) ^ (v >> 63))
}

@inlinable @inline(__always) func unzigzag(_ u: UInt64) -> Int64 {
    Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
}
