/// A zero-copy view of a Data value (a byte list).
public struct DataView: RandomAccessCollection, Equatable {
    /// The bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Keeps a default value's copy alive (nil for views into a message).
    @usableFromInline let owner: ByteBox?

    /// Wraps bytes that outlive the view.
    @inlinable public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes; self.owner = nil }

    /// A default value: copies it into storage the view keeps alive.
    @inlinable init(_ defaultValue: [UInt8]?) {
        if let d = defaultValue, !d.isEmpty {
            let box = ByteBox(d)
            owner = box
            bytes = UnsafeRawBufferPointer(box.bytes)
        } else {
            owner = nil
            bytes = UnsafeRawBufferPointer(start: Message.zeroWord, count: 0)
        }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { bytes.count }
    @inlinable public subscript(i: Int) -> UInt8 { bytes[i] }
    /// A copy of the bytes.
    public var array: [UInt8] { Array(bytes) }
    /// Byte-wise equality.
    @inlinable public static func == (a: DataView, b: DataView) -> Bool { a.bytes.elementsEqual(b.bytes) }
}

/// Owned bytes for default Data values handed out as views.
@usableFromInline
final class ByteBox {
    @usableFromInline let bytes: UnsafeMutableRawBufferPointer
    @usableFromInline init(_ array: [UInt8]) {
        bytes = .allocate(byteCount: array.count, alignment: 8)
        bytes.copyBytes(from: array)
    }
    deinit { bytes.deallocate() }
}
