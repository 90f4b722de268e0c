/// Writes one struct in a `MessageBuilder`'s arena.
///
/// Holds an `unowned(unsafe)` reference to the builder: it must not outlive it or be used after
/// `reset()`. Scalars are stored XOR their default (the wire rule), so a field left at its default
/// stays zero on the wire. Offsets and pointer indexes come from the schema; out-of-range ones
/// are programming errors and trap.
public struct StructBuilder {
    @usableFromInline unowned(unsafe) let builder: MessageBuilder
    @usableFromInline let data: UnsafeMutableRawPointer
    @usableFromInline let pointers: UnsafeMutableRawPointer
    @usableFromInline let dataBits: UInt32
    @usableFromInline let pointerCount16: UInt16
    @usableFromInline let segment32: UInt32

    @inlinable
    init(builder: MessageBuilder, segment: Int, data: UnsafeMutableRawPointer, pointers: UnsafeMutableRawPointer,
         dataBits: Int, pointerCount: Int) {
        self.builder = builder
        self.data = data
        self.pointers = pointers
        self.dataBits = UInt32(truncatingIfNeeded: dataBits)
        self.pointerCount16 = UInt16(truncatingIfNeeded: pointerCount)
        self.segment32 = UInt32(truncatingIfNeeded: segment)
    }

    /// Bytes in the data section.
    @inlinable public var dataByteCount: Int { Int(dataBits >> 3) }
    /// Number of pointer slots.
    @inlinable public var pointerCount: Int { Int(pointerCount16) }
    /// The segment the struct lives in.
    @inlinable public var segment: Int { Int(segment32) }

    // MARK: Data section

    @inlinable func checkData(_ byteOffset: Int, _ size: Int) {
        precondition(UInt(bitPattern: byteOffset) &+ UInt(size) <= UInt(dataBits >> 3), "data offset outside the struct")
    }

    /// Stores `value` XOR `default` at `byteOffset`.
    @inlinable
    public func setScalar<T: FixedWidthInteger>(_ value: T, at byteOffset: Int, default defaultValue: T = 0) {
        checkData(byteOffset, MemoryLayout<T>.size)
        data.storeBytes(of: value ^ defaultValue, toByteOffset: byteOffset, as: T.self)
    }

    /// Stores a Float32 XOR the bits of its default.
    @inlinable
    public func setFloat32(_ value: Float, at byteOffset: Int, defaultBits: UInt32 = 0) {
        setScalar(value.bitPattern, at: byteOffset, default: defaultBits)
    }

    /// Stores a Float64 XOR the bits of its default.
    @inlinable
    public func setFloat64(_ value: Double, at byteOffset: Int, defaultBits: UInt64 = 0) {
        setScalar(value.bitPattern, at: byteOffset, default: defaultBits)
    }

    /// Stores a Bool XOR its default at bit `bitOffset` of the data section.
    @inlinable
    public func setBool(_ value: Bool, atBit bitOffset: Int, default defaultValue: Bool = false) {
        precondition(UInt(bitPattern: bitOffset) < UInt(dataBits), "bit offset outside the struct")
        let p = data + (bitOffset >> 3)
        let mask = UInt8(1) << UInt8(bitOffset & 7)
        let byte = p.load(as: UInt8.self)
        p.storeBytes(of: value != defaultValue ? byte | mask : byte & ~mask, as: UInt8.self)
    }

    // scalar(at:), float32(at:), float64(at:), bool(atBit:): `StructDataSection` (StructDataSection.swift).

    // MARK: Pointer section

    @inlinable func slot(_ index: Int) -> UnsafeMutableRawPointer {
        precondition(UInt(bitPattern: index) < UInt(pointerCount16), "pointer index outside the struct")
        return pointers + index &* 8
    }

    /// True when pointer `index` is null.
    @inlinable public func isNull(pointer index: Int) -> Bool {
        UInt(bitPattern: index) >= UInt(pointerCount16) || (pointers + index &* 8).loadUnaligned(as: UInt64.self) == 0
    }

    /// A new zeroed struct at pointer `index` (any previous value is abandoned).
    @inlinable
    public func initStruct(_ index: Int, dataWords: Int, pointerCount: Int) -> StructBuilder {
        builder.initStruct(slot: slot(index), segment: segment, dataWords: dataWords, pointerCount: pointerCount)
    }

    /// A new zeroed struct of a generated type at pointer `index`.
    @inlinable
    public func initStruct<T: StructBuilderView>(_ index: Int, as type: T.Type) -> T {
        T(initStruct(index, dataWords: T.dataWordCount, pointerCount: T.pointerCount))
    }

    /// The struct at pointer `index`, created when null (enlarged when smaller than the sizes given).
    public func getStruct(_ index: Int, dataWords: Int, pointerCount: Int) -> StructBuilder {
        builder.getStruct(slot: slot(index), segment: segment, dataWords: dataWords, pointerCount: pointerCount)
    }

    /// The list already at pointer `index`, to change its elements in place; nil when null.
    public func getList(_ index: Int) -> ListBuilder? {
        builder.getList(slot: slot(index), segment: segment)
    }

    /// A new zeroed list of non-struct elements at pointer `index`. With `overwritten` the caller
    /// promises to write every element (a bulk copy), so the arena skips clearing reused words;
    /// elements left unwritten then hold whatever an earlier message had there.
    @inlinable
    public func initList(_ index: Int, elementSize: ElementSize, count: Int, overwritten: Bool = false) -> ListBuilder {
        builder.initList(slot: slot(index), segment: segment, elementSize: elementSize, count: count, overwritten: overwritten)
    }

    /// A new zeroed struct list at pointer `index`.
    @inlinable
    public func initStructList(_ index: Int, count: Int, dataWords: Int, pointerCount: Int) -> ListBuilder {
        builder.initStructList(slot: slot(index), segment: segment, count: count, dataWords: dataWords, pointerCount: pointerCount)
    }

    /// Sets text at pointer `index`.
    @inlinable
    public func setText(_ index: Int, _ s: String) { builder.setText(slot: slot(index), segment: segment, s) }

    /// Sets text at pointer `index` from UTF-8 bytes (without NUL).
    @inlinable
    public func setText(_ index: Int, bytes: UnsafeRawBufferPointer) {
        builder.setBytes(slot: slot(index), segment: segment, bytes, text: true)
    }

    /// Sets text at pointer `index` from another message's text.
    @inlinable
    public func setText(_ index: Int, _ text: Text) { setText(index, bytes: text.bytes) }

    /// Sets data at pointer `index`.
    @inlinable
    public func setData(_ index: Int, _ bytes: UnsafeRawBufferPointer) {
        builder.setBytes(slot: slot(index), segment: segment, bytes, text: false)
    }

    /// Sets data at pointer `index`.
    @inlinable
    public func setData(_ index: Int, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { setData(index, $0) }
    }

    /// Deep-copies `reader` to pointer `index`.
    public func setStruct(_ index: Int, copying reader: StructReader) throws {
        try builder.copyStruct(reader, slot: slot(index), segment: segment)
    }

    /// Deep-copies `reader` to pointer `index`.
    public func setList(_ index: Int, copying reader: ListReader) throws {
        try builder.copyList(reader, slot: slot(index), segment: segment)
    }

    /// Deep-copies whatever `reader` points at to pointer `index`.
    public func setAnyPointer(_ index: Int, copying reader: AnyPointerReader) throws {
        try builder.copyPointer(reader, slot: slot(index), segment: segment)
    }

    /// Makes pointer `index` null (the old value's words stay in the arena, unreachable).
    @inlinable
    public func clearPointer(_ index: Int) { slot(index).storeBytes(of: 0, as: UInt64.self) }

    /// A reader of this struct (no copy; valid while the builder is).
    @inlinable
    public func asReader() -> StructReader {
        StructReader(message: builder.readerMessage, segment: segment, data: data, pointers: pointers,
                     dataBits: Int(dataBits), pointerCount: Int(pointerCount16), nesting: 1 << 20)
    }
}
