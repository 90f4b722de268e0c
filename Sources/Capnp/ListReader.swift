/// A zero-copy view of a list of any element size.
///
/// The element accessors adapt to what is on the wire, as the schema-evolution rules require:
/// a struct list may be read through `scalar(at:)` (the first data field of each element) and a
/// primitive or pointer list through `structElement(at:)` (a struct whose data or pointer section
/// is the element). Out-of-range indexes and absent sections read as zero / null.
public struct ListReader {
    @usableFromInline unowned(unsafe) let message: Message
    @usableFromInline let start: UnsafeRawPointer
    @usableFromInline let count32: UInt32
    /// Bits from one element to the next.
    @usableFromInline let stepBits: UInt32
    /// Data bits of each element (the whole element for primitive lists).
    @usableFromInline let dataBits: UInt32
    @usableFromInline let pointerCount16: UInt16
    @usableFromInline let sizeCode: UInt8
    @usableFromInline let segment32: UInt32
    @usableFromInline let nesting: Int32

    @inlinable
    init(message: Message, segment: Int, start: UnsafeRawPointer, count: Int, stepBits: Int,
         dataBits: Int, pointerCount: Int, sizeCode: UInt8, nesting: Int) {
        self.message = message
        self.start = start
        self.count32 = UInt32(truncatingIfNeeded: count)
        self.stepBits = UInt32(truncatingIfNeeded: stepBits)
        self.dataBits = UInt32(truncatingIfNeeded: dataBits)
        self.pointerCount16 = UInt16(truncatingIfNeeded: pointerCount)
        self.sizeCode = sizeCode
        self.segment32 = UInt32(truncatingIfNeeded: segment)
        self.nesting = Int32(truncatingIfNeeded: nesting)
    }

    /// What a null list pointer reads as.
    public static let empty = ListReader(message: .emptyMessage, segment: 0, start: Message.zeroWord, count: 0,
                                         stepBits: 0, dataBits: 0, pointerCount: 0, sizeCode: 0, nesting: 0)

    /// Number of elements.
    @inlinable public var count: Int { Int(count32) }
    /// The element size code on the wire.
    @inlinable public var elementSize: ElementSize { ElementSize(rawValue: sizeCode) ?? .void }
    /// Data bytes per element (struct lists: the data section; primitive lists: the element).
    @inlinable public var elementDataByteCount: Int { Int(dataBits >> 3) }
    /// Pointers per element.
    @inlinable public var elementPointerCount: Int { Int(pointerCount16) }
    /// The segment holding the elements.
    @inlinable public var segment: Int { Int(segment32) }

    /// The element bytes of a primitive list (empty for pointer and struct lists).
    @inlinable public var rawBytes: UnsafeRawBufferPointer {
        guard sizeCode >= 1, sizeCode <= 5 else { return UnsafeRawBufferPointer(start: start, count: 0) }
        return UnsafeRawBufferPointer(start: start, count: (count &* Int(stepBits) &+ 7) >> 3)
    }

    // MARK: Primitive elements

    /// Element `index` as integer `T`; 0 when out of range or the element is narrower than `T`.
    @inlinable
    public func scalar<T: FixedWidthInteger>(at index: Int) -> T {
        guard UInt(bitPattern: index) < UInt(count32), MemoryLayout<T>.size &* 8 <= Int(dataBits) else { return 0 }
        return start.loadUnaligned(fromByteOffset: (index &* Int(stepBits)) &>> 3, as: T.self)
    }

    /// Element `index` as any primitive `T` (integers, Float, Double).
    @inlinable
    public func element<T: CapnpScalar>(at index: Int, as type: T.Type = T.self) -> T {
        guard UInt(bitPattern: index) < UInt(count32), MemoryLayout<T>.size &* 8 <= Int(dataBits) else { return T.capnpZero }
        return start.loadUnaligned(fromByteOffset: (index &* Int(stepBits)) &>> 3, as: T.self)
    }

    /// Element `index` as Float32.
    @inlinable public func float32(at index: Int) -> Float { Float(bitPattern: scalar(at: index)) }
    /// Element `index` as Float64.
    @inlinable public func float64(at index: Int) -> Double { Double(bitPattern: scalar(at: index)) }

    /// Element `index` of a bit list (or bit 0 of a wider element).
    @inlinable
    public func bool(at index: Int) -> Bool {
        guard UInt(bitPattern: index) < UInt(count32), dataBits > 0 else { return false }
        let bit = index &* Int(stepBits)
        return (start.load(fromByteOffset: bit >> 3, as: UInt8.self) >> UInt8(bit & 7)) & 1 != 0
    }

    /// Zero-copy typed access to a primitive list whose elements are exactly `T`.
    ///
    /// Returns nil when the element size differs from `T` or the elements are not aligned for `T`
    /// (segments handed over unaligned); use `element(at:)` then.
    @inlinable
    public func withUnsafeScalars<T: CapnpScalar, R>(as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R? {
        guard sizeCode >= 2, sizeCode <= 5, Int(stepBits) == MemoryLayout<T>.size &* 8,
              Int(bitPattern: start) & (MemoryLayout<T>.alignment &- 1) == 0 else { return nil }
        return try body(UnsafeBufferPointer(start: start.assumingMemoryBound(to: T.self), count: count))
    }

    // MARK: Structs and pointers

    /// Element `index` as a struct. Works for inline-composite lists and, per the schema-evolution
    /// rules, for primitive lists (the element is the data section) and pointer lists (the element
    /// is the one pointer). Out of range, and Bool lists, read as an empty struct.
    @inlinable
    public func structElement(at index: Int) -> StructReader {
        // A Bool list cannot be read as structs (its elements are not byte-addressable; libcapnp
        // refuses too): its elements read as empty structs.
        guard UInt(bitPattern: index) < UInt(count32), sizeCode != ElementSize.bit.rawValue else { return .empty }
        let bit = index &* Int(stepBits)
        let data = start + (bit >> 3)
        return StructReader(message: message, segment: segment, data: data, pointers: data + Int(dataBits >> 3),
                            dataBits: Int(dataBits), pointerCount: Int(pointerCount16), nesting: Int(nesting))
    }

    /// The pointer slot of element `index` (first pointer of a struct element), nil if none.
    @inlinable
    func pointerSlot(_ index: Int) -> UnsafeRawPointer? {
        guard UInt(bitPattern: index) < UInt(count32), pointerCount16 > 0 else { return nil }
        let byteOffset: Int = (index &* Int(stepBits)) >> 3
        return start + (byteOffset &+ Int(dataBits >> 3))
    }

    /// Element `index` of a List(Text); null reads as "".
    @inlinable
    public func textElement(at index: Int) throws -> Text {
        if let s = pointerSlot(index), let b = try message.readBytes(segment: segment, slot: s) {
            return try Text(validating: b, message: message, segment: segment, slot: s)
        }
        return Text(nil)
    }

    /// Element `index` of a List(Data); null reads as empty.
    @inlinable
    public func dataElement(at index: Int) throws -> DataView {
        if let s = pointerSlot(index), let b = try message.readBytes(segment: segment, slot: s) {
            return DataView(b)
        }
        return DataView(nil)
    }

    /// Element `index` of a List(List(...)); null reads as an empty list.
    @inlinable
    public func listElement(at index: Int) throws -> ListReader {
        if let s = pointerSlot(index), let r = try message.readList(segment: segment, slot: s, nesting: Int(nesting)) {
            return r
        }
        return .empty
    }

    /// Element `index` of a List(Struct) stored as a pointer list is not valid Cap'n Proto; this
    /// follows a struct pointer element (List(AnyPointer) holding structs).
    @inlinable
    public func structPointerElement(at index: Int) throws -> StructReader {
        if let s = pointerSlot(index), let r = try message.readStruct(segment: segment, slot: s, nesting: Int(nesting)) {
            return r
        }
        return .empty
    }

    /// Element `index` of a List(AnyPointer).
    @inlinable
    public func anyPointerElement(at index: Int) -> AnyPointerReader {
        guard let s = pointerSlot(index) else { return .null }
        return AnyPointerReader(message: message, segment: segment, slot: s, nesting: Int(nesting))
    }
}
