/// A zero-copy view of one struct: a data section and a pointer section.
///
/// Holds an `unowned(unsafe)` reference to its `Message` and raw pointers into its segments: like
/// a C++ reader it must not outlive the message memory. Scalars outside the data section read as
/// their default (schema evolution); inside, the stored value is XORed with the default (the wire
/// rule). Pointer fields are bounds-checked and charged against the traversal limit.
public struct StructReader {
    @usableFromInline unowned(unsafe) let message: Message
    @usableFromInline let data: UnsafeRawPointer
    @usableFromInline let pointers: UnsafeRawPointer
    /// Data section size in bits (a struct read from a primitive list element can be 1..64 bits).
    @usableFromInline let dataBits: UInt32
    @usableFromInline let pointerCount16: UInt16
    @usableFromInline let segment32: UInt32
    @usableFromInline let nesting: Int32

    @inlinable
    init(message: Message, segment: Int, data: UnsafeRawPointer, pointers: UnsafeRawPointer,
         dataBits: Int, pointerCount: Int, nesting: Int) {
        self.message = message
        self.data = data
        self.pointers = pointers
        self.dataBits = UInt32(truncatingIfNeeded: dataBits)
        self.pointerCount16 = UInt16(truncatingIfNeeded: pointerCount)
        self.segment32 = UInt32(truncatingIfNeeded: segment)
        self.nesting = Int32(truncatingIfNeeded: nesting)
    }

    /// What a null struct pointer reads as: every field at its default.
    public static let empty = StructReader(message: .emptyMessage, segment: 0, data: Message.zeroWord,
                                           pointers: Message.zeroWord, dataBits: 0, pointerCount: 0, nesting: 0)

    /// Bytes in the data section.
    @inlinable public var dataByteCount: Int { Int(dataBits >> 3) }
    /// Number of pointer slots.
    @inlinable public var pointerCount: Int { Int(pointerCount16) }
    /// The data section's bytes (for copying and hashing).
    @inlinable public var dataBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: data, count: dataByteCount) }
    /// The segment the struct lives in.
    @inlinable public var segment: Int { Int(segment32) }

    // MARK: Data section

    // scalar(at:), float32(at:), float64(at:), bool(atBit:): `StructDataSection` (StructDataSection.swift).

    // MARK: Pointer section

    @inlinable func slot(_ index: Int) -> UnsafeRawPointer? {
        UInt(bitPattern: index) < UInt(pointerCount16) ? pointers + index &* 8 : nil
    }

    /// True when pointer `index` is null or outside the pointer section.
    @inlinable
    public func isNull(pointer index: Int) -> Bool {
        guard let s = slot(index) else { return true }
        return s.loadUnaligned(as: UInt64.self) == 0
    }

    /// The struct at pointer `index`; a null pointer reads as `default`'s root (or an empty struct).
    @inlinable
    public func structField(_ index: Int, default defaultValue: DefaultValue? = nil) throws -> StructReader {
        if let s = slot(index), let r = try message.readStruct(segment: segment, slot: s, nesting: Int(nesting)) {
            return r
        }
        return try defaultValue?.structRoot() ?? .empty
    }

    /// The list at pointer `index`; a null pointer reads as `default`'s root (or an empty list).
    @inlinable
    public func listField(_ index: Int, default defaultValue: DefaultValue? = nil) throws -> ListReader {
        if let s = slot(index), let r = try message.readList(segment: segment, slot: s, nesting: Int(nesting)) {
            return r
        }
        return try defaultValue?.listRoot() ?? .empty
    }

    /// The text at pointer `index` (must be NUL-terminated); null reads as `default` or "".
    @inlinable
    public func textField(_ index: Int, default defaultValue: StaticString? = nil) throws -> Text {
        if let s = slot(index), let b = try message.readBytes(segment: segment, slot: s) {
            return try Text(validating: b, message: message, segment: segment, slot: s)
        }
        return Text(defaultValue)
    }

    /// The data blob at pointer `index`; null reads as `default` or empty.
    @inlinable
    public func dataField(_ index: Int, default defaultValue: [UInt8]? = nil) throws -> DataView {
        if let s = slot(index), let b = try message.readBytes(segment: segment, slot: s) {
            return DataView(b)
        }
        return DataView(defaultValue)
    }

    /// Pointer `index` as an untyped pointer (null when outside the pointer section).
    @inlinable
    public func anyPointerField(_ index: Int) -> AnyPointerReader {
        guard let s = slot(index) else { return .null }
        return AnyPointerReader(message: message, segment: segment, slot: s, nesting: Int(nesting))
    }
}
