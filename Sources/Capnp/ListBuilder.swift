/// Writes the elements of one list in a `MessageBuilder`'s arena.
///
/// Like `StructBuilder`, must not outlive the builder or be used after `reset()`. Indexes out of
/// range are programming errors and trap.
public struct ListBuilder {
    @usableFromInline unowned(unsafe) let builder: MessageBuilder
    @usableFromInline let start: UnsafeMutableRawPointer
    @usableFromInline let count32: UInt32
    @usableFromInline let stepBits: UInt32
    @usableFromInline let dataBits: UInt32
    @usableFromInline let pointerCount16: UInt16
    @usableFromInline let sizeCode: UInt8
    @usableFromInline let segment32: UInt32

    @inlinable
    init(builder: MessageBuilder, segment: Int, start: UnsafeMutableRawPointer, count: Int, stepBits: Int,
         dataBits: Int, pointerCount: Int, sizeCode: UInt8) {
        self.builder = builder
        self.start = start
        self.count32 = UInt32(truncatingIfNeeded: count)
        self.stepBits = UInt32(truncatingIfNeeded: stepBits)
        self.dataBits = UInt32(truncatingIfNeeded: dataBits)
        self.pointerCount16 = UInt16(truncatingIfNeeded: pointerCount)
        self.sizeCode = sizeCode
        self.segment32 = UInt32(truncatingIfNeeded: segment)
    }

    /// Number of elements.
    @inlinable public var count: Int { Int(count32) }
    /// The element size on the wire.
    @inlinable public var elementSize: ElementSize { ElementSize(rawValue: sizeCode) ?? .void }
    @inlinable var segment: Int { Int(segment32) }

    @inlinable func checkIndex(_ index: Int) {
        precondition(UInt(bitPattern: index) < UInt(count32), "list index out of range")
    }

    /// Stores integer element `index`.
    @inlinable
    public func setScalar<T: FixedWidthInteger>(_ value: T, at index: Int) {
        checkIndex(index)
        precondition(MemoryLayout<T>.size &* 8 <= Int(dataBits), "element type wider than the list's elements")
        start.storeBytes(of: value, toByteOffset: (index &* Int(stepBits)) >> 3, as: T.self)
    }

    /// Stores any primitive element `index` (integers, Float, Double).
    @inlinable
    public func setElement<T: CapnpScalar>(_ value: T, at index: Int) {
        checkIndex(index)
        precondition(MemoryLayout<T>.size &* 8 <= Int(dataBits), "element type wider than the list's elements")
        start.storeBytes(of: value, toByteOffset: (index &* Int(stepBits)) >> 3, as: T.self)
    }

    /// Stores Float32 element `index`.
    @inlinable public func setFloat32(_ value: Float, at index: Int) { setScalar(value.bitPattern, at: index) }
    /// Stores Float64 element `index`.
    @inlinable public func setFloat64(_ value: Double, at index: Int) { setScalar(value.bitPattern, at: index) }

    /// Stores Bool element `index`.
    @inlinable
    public func setBool(_ value: Bool, at index: Int) {
        checkIndex(index)
        precondition(dataBits > 0, "not a data list")
        let bit = index &* Int(stepBits)
        let p = start + (bit >> 3)
        let mask = UInt8(1) << UInt8(bit & 7)
        let byte = p.load(as: UInt8.self)
        p.storeBytes(of: value ? byte | mask : byte & ~mask, as: UInt8.self)
    }

    /// Integer element `index`.
    @inlinable
    public func scalar<T: FixedWidthInteger>(at index: Int) -> T {
        guard UInt(bitPattern: index) < UInt(count32), MemoryLayout<T>.size &* 8 <= Int(dataBits) else { return 0 }
        return start.loadUnaligned(fromByteOffset: (index &* Int(stepBits)) >> 3, as: T.self)
    }

    /// Struct element `index` of a struct list.
    @inlinable
    public func structElement(at index: Int) -> StructBuilder {
        checkIndex(index)
        let data = start + ((index &* Int(stepBits)) >> 3)
        return StructBuilder(builder: builder, segment: segment, data: data, pointers: data + Int(dataBits >> 3),
                             dataBits: Int(dataBits), pointerCount: Int(pointerCount16))
    }

    /// Struct element `index` wrapped in a generated builder type.
    @inlinable
    public func structElement<T: StructBuilderView>(at index: Int, as type: T.Type) -> T { T(structElement(at: index)) }

    @inlinable func pointerSlot(_ index: Int) -> UnsafeMutableRawPointer {
        checkIndex(index)
        precondition(pointerCount16 > 0, "not a pointer list")
        let byteOffset: Int = (index &* Int(stepBits)) >> 3
        return start + (byteOffset &+ Int(dataBits >> 3))
    }

    /// Sets text element `index` of a List(Text).
    @inlinable public func setText(at index: Int, _ s: String) { builder.setText(slot: pointerSlot(index), segment: segment, s) }
    /// Sets text element `index` from UTF-8 bytes.
    @inlinable public func setText(at index: Int, bytes: UnsafeRawBufferPointer) {
        builder.setBytes(slot: pointerSlot(index), segment: segment, bytes, text: true)
    }
    /// Sets data element `index` of a List(Data).
    @inlinable public func setData(at index: Int, _ bytes: UnsafeRawBufferPointer) {
        builder.setBytes(slot: pointerSlot(index), segment: segment, bytes, text: false)
    }
    /// Sets data element `index` of a List(Data).
    @inlinable public func setData(at index: Int, _ bytes: [UInt8]) { bytes.withUnsafeBytes { setData(at: index, $0) } }

    /// A new list at element `index` of a List(List(...)).
    @inlinable
    public func initList(at index: Int, elementSize: ElementSize, count: Int) -> ListBuilder {
        builder.initList(slot: pointerSlot(index), segment: segment, elementSize: elementSize, count: count)
    }

    /// A new struct list at element `index` of a List(List(Struct)).
    @inlinable
    public func initStructList(at index: Int, count: Int, dataWords: Int, pointerCount: Int) -> ListBuilder {
        builder.initStructList(slot: pointerSlot(index), segment: segment, count: count, dataWords: dataWords, pointerCount: pointerCount)
    }

    /// A new struct at element `index` of a List(AnyPointer).
    @inlinable
    public func initStruct(at index: Int, dataWords: Int, pointerCount: Int) -> StructBuilder {
        builder.initStruct(slot: pointerSlot(index), segment: segment, dataWords: dataWords, pointerCount: pointerCount)
    }

    /// Deep-copies `reader` into element `index` of a pointer list.
    public func setAnyPointer(at index: Int, copying reader: AnyPointerReader) throws {
        try builder.copyPointer(reader, slot: pointerSlot(index), segment: segment)
    }

    /// Fills a primitive list in bulk (nil when the element size is not `T`'s).
    @inlinable
    public func withUnsafeMutableScalars<T: CapnpScalar, R>(as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R? {
        guard sizeCode >= 2, sizeCode <= 5, Int(stepBits) == MemoryLayout<T>.size &* 8 else { return nil }
        return try body(UnsafeMutableBufferPointer(start: start.assumingMemoryBound(to: T.self), count: count))
    }

    /// A reader of this list (no copy; valid while the builder is).
    @inlinable
    public func asReader() -> ListReader {
        ListReader(message: builder.readerMessage, segment: segment, start: start, count: count, stepBits: Int(stepBits),
                   dataBits: Int(dataBits), pointerCount: Int(pointerCount16), sizeCode: sizeCode, nesting: 1 << 20)
    }
}
