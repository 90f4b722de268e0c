/// An untyped pointer (an `AnyPointer` field or list element) that can be read as what it holds.
public struct AnyPointerReader {
    @usableFromInline unowned(unsafe) let message: Message
    @usableFromInline let segment: Int
    @usableFromInline let slot: UnsafeRawPointer
    @usableFromInline let nesting: Int

    @inlinable init(message: Message, segment: Int, slot: UnsafeRawPointer, nesting: Int) {
        self.message = message; self.segment = segment; self.slot = slot; self.nesting = nesting
    }

    /// A null pointer.
    public static let null = AnyPointerReader(message: .emptyMessage, segment: 0, slot: Message.zeroWord, nesting: 0)

    /// True when the pointer is null.
    @inlinable public var isNull: Bool { slot.loadUnaligned(as: UInt64.self) == 0 }

    /// The pointer word as on the wire (for diagnostics and tests of the encoding).
    @inlinable public var wireWord: UInt64 { slot.loadUnaligned(as: UInt64.self) }

    /// What the pointer holds, following far pointers (`nil` when null).
    public func kind() throws -> PointerKind? {
        guard let t = try message.resolve(segment: segment, slot: slot) else { return nil }
        switch WirePointer.kind(t.tag) {
        case WirePointer.structKind: return .struct
        case WirePointer.listKind: return .list
        default: return .capability
        }
    }

    /// The pointer as a struct (null reads as an empty struct).
    @inlinable public func asStruct() throws -> StructReader {
        try message.readStruct(segment: segment, slot: slot, nesting: nesting) ?? .empty
    }
    /// The pointer as a list (null reads as an empty list).
    @inlinable public func asList() throws -> ListReader {
        try message.readList(segment: segment, slot: slot, nesting: nesting) ?? .empty
    }
    /// The pointer as text (null reads as "").
    @inlinable public func asText() throws -> Text {
        guard let b = try message.readBytes(segment: segment, slot: slot) else { return Text(nil) }
        return try Text(validating: b, message: message, segment: segment, slot: slot)
    }
    /// The pointer as data (null reads as empty).
    @inlinable public func asData() throws -> DataView {
        guard let b = try message.readBytes(segment: segment, slot: slot) else { return DataView(nil) }
        return DataView(b)
    }
}

/// What an `AnyPointer` refers to.
public enum PointerKind: Sendable { case `struct`, list, capability }
