// Typed list wrappers returned by generated code. Primitive, bool, enum and struct elements
// cannot fail to read (bad sizes read as zero), so they subscript; pointer elements follow a
// pointer that may be malformed, so they are read with `get(_:) throws`.

/// A List(Int8...UInt64 / Float32 / Float64).
public struct PrimitiveList<T: CapnpScalar>: RandomAccessCollection, ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { raw.count }
    @inlinable public subscript(i: Int) -> T { raw.element(at: i, as: T.self) }
    /// Zero-copy access to the elements (nil when the wire element size is not `T`'s or unaligned).
    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R? {
        try raw.withUnsafeScalars(as: T.self, body)
    }
}

/// A List(Bool).
public struct BoolList: RandomAccessCollection, ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { raw.count }
    @inlinable public subscript(i: Int) -> Bool { raw.bool(at: i) }
}

/// A List of a generated enum.
public struct EnumList<E: CapnpEnum>: RandomAccessCollection, ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { raw.count }
    @inlinable public subscript(i: Int) -> E { E(rawValue: raw.scalar(at: i) as UInt16) }
}

/// A List of a generated struct type.
public struct StructList<T: StructView>: RandomAccessCollection, ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { raw.count }
    @inlinable public subscript(i: Int) -> T { T(raw.structElement(at: i)) }
    /// Element `i` (never throws; provided for symmetry with the pointer lists).
    @inlinable public func get(_ i: Int) throws -> T { T(raw.structElement(at: i)) }
}

/// A List(Text).
public struct TextList: ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var count: Int { raw.count }
    @inlinable public var isEmpty: Bool { raw.count == 0 }
    /// Element `i`; throws when its pointer is malformed.
    @inlinable public func get(_ i: Int) throws -> Text { try raw.textElement(at: i) }
    /// All elements as Strings.
    public func strings() throws -> [String] { try (0..<count).map { try get($0).string } }
}

/// A List(Data).
public struct DataList: ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var count: Int { raw.count }
    @inlinable public var isEmpty: Bool { raw.count == 0 }
    /// Element `i`; throws when its pointer is malformed.
    @inlinable public func get(_ i: Int) throws -> DataView { try raw.dataElement(at: i) }
}

/// A List(List(...)) whose elements are typed by `T`.
public struct ListList<T: ListView>: ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var count: Int { raw.count }
    @inlinable public var isEmpty: Bool { raw.count == 0 }
    /// Element `i`; throws when its pointer is malformed.
    @inlinable public func get(_ i: Int) throws -> T { T(try raw.listElement(at: i)) }
}

/// A List(AnyPointer).
public struct AnyPointerList: ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var count: Int { raw.count }
    @inlinable public func get(_ i: Int) -> AnyPointerReader { raw.anyPointerElement(at: i) }
}
