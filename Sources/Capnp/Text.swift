/// A zero-copy view of a Text value: UTF-8 bytes without the NUL terminator the wire carries.
public struct Text: Equatable, CustomStringConvertible, Hashable {
    /// The UTF-8 bytes, excluding the terminating NUL.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps bytes already known to be text (no NUL check).
    @inlinable public init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// A default value (or "" for nil); static strings live for the life of the program.
    @inlinable init(_ staticDefault: StaticString?) {
        if let s = staticDefault, s.hasPointerRepresentation {
            bytes = UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
        } else {
            bytes = UnsafeRawBufferPointer(start: Message.zeroWord, count: 0)
        }
    }

    /// Checks the NUL terminator the wire format requires and drops it.
    @inlinable
    init(validating raw: UnsafeRawBufferPointer, message: Message, segment: Int, slot: UnsafeRawPointer) throws {
        guard raw.count > 0, raw[raw.count &- 1] == 0 else {
            throw message.pointerError(.invalidText, slotSegment: segment, slot: slot,
                                       raw.count == 0 ? "text is empty, expected a NUL terminator" : "text is not NUL-terminated")
        }
        bytes = UnsafeRawBufferPointer(start: raw.baseAddress, count: raw.count &- 1)
    }

    /// Number of UTF-8 bytes.
    @inlinable public var count: Int { bytes.count }
    /// True for "".
    @inlinable public var isEmpty: Bool { bytes.isEmpty }
    /// The text as a Swift String (a copy; invalid UTF-8 becomes U+FFFD).
    public var string: String { String(decoding: bytes, as: UTF8.self) }
    /// Same as `string`.
    public var description: String { string }

    /// Byte-wise equality.
    @inlinable
    public static func == (a: Text, b: Text) -> Bool { a.bytes.elementsEqual(b.bytes) }

    /// Compares with a Swift string's UTF-8 without building a String.
    @inlinable
    public static func == (a: Text, b: String) -> Bool { a.bytes.elementsEqual(b.utf8) }

    /// Hashes the bytes.
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes: bytes) }
}
