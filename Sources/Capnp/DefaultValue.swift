/// The default of a struct, list or AnyPointer field, as generated code embeds it.
///
/// `words` is a single-segment message whose root pointer points at the value (the form
/// `capnp compile` hands a plugin in `Value.struct` / `Value.list`). The words are copied into
/// memory this object owns; make instances `static let` so views into them stay valid.
public final class DefaultValue: @unchecked Sendable {
    @usableFromInline let storage: UnsafeMutableRawBufferPointer
    @usableFromInline let message: Message

    /// Copies `words` (a root pointer followed by the value).
    public init(words: [UInt64]) {
        let count = max(words.count, 1)
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: count * 8, alignment: 8)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
        words.withUnsafeBytes { bytes.copyMemory(from: $0) }
        let m = Message(tableCapacity: 1, limits: .trusted)
        m.setSegment(0, base: UnsafeRawPointer(bytes.baseAddress!), words: count)
        storage = bytes
        message = m
        // Decoded once here, so handing out the default never touches the shared message.
        let slot = UnsafeRawPointer(bytes.baseAddress!)
        structValue = (try? m.readStruct(segment: 0, slot: slot, nesting: m.limits.nestingLimit)) ?? nil
        listValue = (try? m.readList(segment: 0, slot: slot, nesting: m.limits.nestingLimit)) ?? nil
    }

    @usableFromInline let structValue: StructReader?
    @usableFromInline let listValue: ListReader?

    deinit { storage.deallocate() }

    /// The value as a struct (defaults come from the schema compiler, so they are trusted but
    /// still checked: a bad one throws rather than traps).
    @inlinable func structRoot() throws -> StructReader {
        if let s = structValue { return s }
        return try message.readStruct(segment: 0, slot: message.segmentBases[0], nesting: message.limits.nestingLimit) ?? .empty
    }

    /// The value as a list.
    @inlinable func listRoot() throws -> ListReader {
        if let l = listValue { return l }
        return try message.readList(segment: 0, slot: message.segmentBases[0], nesting: message.limits.nestingLimit) ?? .empty
    }

    /// The value as an untyped pointer.
    public var root: AnyPointerReader {
        AnyPointerReader(message: message, segment: 0, slot: message.segmentBases[0], nesting: message.limits.nestingLimit)
    }
}
