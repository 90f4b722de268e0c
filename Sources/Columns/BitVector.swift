/// Bits packed least significant first, as Arrow's validity and boolean buffers and Cap'n
/// Proto's List(Bool): bit i is bit (i % 8) of byte i / 8.
public struct BitVector: Equatable, Sendable {
    public private(set) var bytes: [UInt8]
    public private(set) var count: Int

    public init() { bytes = []; count = 0 }

    /// `count` bits, all `value`.
    public init(repeating value: Bool, count: Int) {
        bytes = [UInt8](repeating: value ? 0xFF : 0, count: (count + 7) / 8)
        self.count = count
        clearTail()
    }

    /// Bits from packed bytes (at least ceil(count / 8) of them); bits past `count` are cleared.
    public init<C: Collection>(packed: C, count: Int) where C.Element == UInt8 {
        precondition(packed.count >= (count + 7) / 8, "BitVector: too few bytes for \(count) bits")
        bytes = Array(packed.prefix((count + 7) / 8))
        self.count = count
        clearTail()
    }

    public init<S: Sequence>(_ bits: S) where S.Element == Bool {
        self.init()
        for b in bits { append(b) }
    }

    public subscript(i: Int) -> Bool {
        get { bytes[i >> 3] >> UInt8(i & 7) & 1 != 0 }
        set {
            if newValue { bytes[i >> 3] |= 1 << UInt8(i & 7) } else { bytes[i >> 3] &= ~(1 << UInt8(i & 7)) }
        }
    }

    public mutating func append(_ bit: Bool) {
        if count & 7 == 0 { bytes.append(0) }
        if bit { bytes[count >> 3] |= 1 << UInt8(count & 7) }
        count += 1
    }

    /// Bits set.
    public var nonzeroCount: Int { bytes.reduce(0) { $0 + $1.nonzeroBitCount } }

    public mutating func reserveCapacity(_ bits: Int) { bytes.reserveCapacity((bits + 7) / 8) }

    public mutating func removeAll(keepingCapacity keep: Bool = false) {
        bytes.removeAll(keepingCapacity: keep)
        count = 0
    }

    /// Bits `range` as a new vector.
    public func slice(_ range: Range<Int>) -> BitVector {
        if range.lowerBound & 7 == 0 {
            return BitVector(packed: bytes[(range.lowerBound >> 3)...], count: range.count)
        }
        var out = BitVector()
        out.reserveCapacity(range.count)
        for i in range { out.append(self[i]) }
        return out
    }

    // Arrow and Cap'n Proto leave bits past the end undefined on read but zero on write;
    // keeping them zero makes equal vectors equal byte for byte.
    private mutating func clearTail() {
        if count & 7 != 0 { bytes[bytes.count - 1] &= UInt8((1 << (count & 7)) - 1) }
    }
}
