/// Decoding and encoding of the 64-bit wire pointer (little-endian word).
///
/// Layout (bits): kind in 0-1 (0 struct, 1 list, 2 far, 3 other/capability).
/// Struct: 2-31 signed word offset from the end of the pointer, 32-47 data words, 48-63 pointers.
/// List: 2-31 offset, 32-34 element size, 35-63 element count (words for inline composite).
/// Far: bit 2 double-far, 3-31 landing-pad word offset, 32-63 segment id.
@usableFromInline
enum WirePointer {
    @usableFromInline static let structKind: UInt64 = 0
    @usableFromInline static let listKind: UInt64 = 1
    @usableFromInline static let farKind: UInt64 = 2
    @usableFromInline static let otherKind: UInt64 = 3

    /// The struct pointer of a zero-sized struct: offset -1, so it is not null.
    @usableFromInline static let emptyStruct: UInt64 = 0xFFFF_FFFC

    @inlinable static func kind(_ w: UInt64) -> UInt64 { w & 3 }
    /// Signed 30-bit word offset.
    @inlinable static func offset(_ w: UInt64) -> Int { Int(Int32(truncatingIfNeeded: w) >> 2) }
    @inlinable static func structDataWords(_ w: UInt64) -> Int { Int(truncatingIfNeeded: (w >> 32) & 0xFFFF) }
    @inlinable static func structPointerCount(_ w: UInt64) -> Int { Int(truncatingIfNeeded: w >> 48) }
    @inlinable static func listElementSize(_ w: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: (w >> 32) & 7) }
    @inlinable static func listCount(_ w: UInt64) -> Int { Int(truncatingIfNeeded: w >> 35) }
    /// Element count in an inline-composite tag word (unsigned 30 bits in the offset field).
    @inlinable static func tagElementCount(_ w: UInt64) -> Int { Int(truncatingIfNeeded: (w & 0xFFFF_FFFF) >> 2) }
    @inlinable static func farIsDouble(_ w: UInt64) -> Bool { w & 4 != 0 }
    @inlinable static func farPadOffset(_ w: UInt64) -> Int { Int(truncatingIfNeeded: (w >> 3) & 0x1FFF_FFFF) }
    @inlinable static func farSegment(_ w: UInt64) -> Int { Int(truncatingIfNeeded: w >> 32) }

    /// A struct pointer with offset 0 (the "tag" form; `withOffset` adds the offset).
    @inlinable static func structTag(dataWords: Int, pointerCount: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: dataWords) << 32 | UInt64(truncatingIfNeeded: pointerCount) << 48
    }
    /// A list pointer with offset 0.
    @inlinable static func listTag(_ size: ElementSize, count: Int) -> UInt64 {
        listKind | UInt64(size.rawValue) << 32 | UInt64(truncatingIfNeeded: count) << 35
    }
    /// `tag` (offset 0) with its offset field set to `offset` words.
    @inlinable static func withOffset(_ tag: UInt64, _ offset: Int) -> UInt64 {
        tag | UInt64(UInt32(truncatingIfNeeded: offset << 2))
    }
    @inlinable static func far(double: Bool, padOffset: Int, segment: Int) -> UInt64 {
        farKind | (double ? 4 : 0) | UInt64(truncatingIfNeeded: padOffset) << 3 | UInt64(truncatingIfNeeded: segment) << 32
    }

    @usableFromInline static func kindName(_ w: UInt64) -> String {
        switch w & 3 {
        case 0: return "struct pointer"
        case 1: return "list pointer"
        case 2: return "far pointer"
        default: return "capability pointer"
        }
    }
}
