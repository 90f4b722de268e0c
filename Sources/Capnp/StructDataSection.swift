/// The data-section getters that `StructReader` and `StructBuilder` share: a builder reads its
/// own fields back by the same rule a reader uses. Scalars outside the data section read as their
/// default (schema evolution); inside, the stored value is XORed with the default (the wire rule).
///
/// The requirements are underscored: they are the conformers' raw storage, not API. The getters
/// are `@inlinable` extension methods, so on a concrete reader or builder they dispatch
/// statically and specialize exactly as methods written on the type would.
public protocol StructDataSection {
    /// The first byte of the data section.
    var _dataStart: UnsafeRawPointer { get }
    /// Data section size in bits.
    var _dataBits: UInt32 { get }
}

extension StructDataSection {
    /// The integer at `byteOffset` XOR `default`; `default` when outside the data section.
    @inlinable
    public func scalar<T: FixedWidthInteger>(at byteOffset: Int, default defaultValue: T = 0) -> T {
        if UInt(bitPattern: byteOffset) &+ UInt(MemoryLayout<T>.size) <= UInt(_dataBits >> 3) {
            return _dataStart.loadUnaligned(fromByteOffset: byteOffset, as: T.self) ^ defaultValue
        }
        return defaultValue
    }

    /// The Float32 at `byteOffset`, stored XOR the bits of its default.
    @inlinable
    public func float32(at byteOffset: Int, defaultBits: UInt32 = 0) -> Float {
        Float(bitPattern: scalar(at: byteOffset, default: defaultBits))
    }

    /// The Float64 at `byteOffset`, stored XOR the bits of its default.
    @inlinable
    public func float64(at byteOffset: Int, defaultBits: UInt64 = 0) -> Double {
        Double(bitPattern: scalar(at: byteOffset, default: defaultBits))
    }

    /// The Bool at bit `bitOffset` of the data section XOR `default`.
    @inlinable
    public func bool(atBit bitOffset: Int, default defaultValue: Bool = false) -> Bool {
        if UInt(bitPattern: bitOffset) < UInt(_dataBits) {
            let byte = _dataStart.load(fromByteOffset: bitOffset >> 3, as: UInt8.self)
            return ((byte >> UInt8(bitOffset & 7)) & 1 != 0) != defaultValue
        }
        return defaultValue
    }
}

extension StructReader: StructDataSection {
    @inlinable public var _dataStart: UnsafeRawPointer { data }
    @inlinable public var _dataBits: UInt32 { dataBits }
}

extension StructBuilder: StructDataSection {
    @inlinable public var _dataStart: UnsafeRawPointer { UnsafeRawPointer(data) }
    @inlinable public var _dataBits: UInt32 { dataBits }
}
