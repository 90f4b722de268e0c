// Rendering of the typed list views, and the one list view the generator needs that has no
// other home yet (VoidList).

/// A List(Void): elements carry no data, only a count.
public struct VoidList: RandomAccessCollection, ListView {
    public let raw: ListReader
    @inlinable public init(_ raw: ListReader) { self.raw = raw }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { raw.count }
    @inlinable public subscript(i: Int) -> Void { () }
}

extension TextRenderer {
    /// A Text value.
    public mutating func text(_ t: Text) { text(bytes: t.bytes) }
    /// A Data value.
    public mutating func data(_ d: DataView) { data(bytes: d.bytes) }

    /// A list element of a primitive list: integers print as integers, floats as floats.
    /// (The type tests fold away when the caller is specialized.)
    @inlinable public mutating func scalar<T: CapnpScalar>(_ v: T) {
        if T.self == Float.self { float32(unsafeBitCast(v, to: Float.self)) }
        else if T.self == Double.self { float64(unsafeBitCast(v, to: Double.self)) }
        else if T.self == Int8.self { int(unsafeBitCast(v, to: Int8.self)) }
        else if T.self == Int16.self { int(unsafeBitCast(v, to: Int16.self)) }
        else if T.self == Int32.self { int(unsafeBitCast(v, to: Int32.self)) }
        else if T.self == Int64.self { int(unsafeBitCast(v, to: Int64.self)) }
        else if T.self == UInt8.self { int(unsafeBitCast(v, to: UInt8.self)) }
        else if T.self == UInt16.self { int(unsafeBitCast(v, to: UInt16.self)) }
        else if T.self == UInt32.self { int(unsafeBitCast(v, to: UInt32.self)) }
        else if T.self == UInt64.self { int(unsafeBitCast(v, to: UInt64.self)) }
    }
}

extension VoidList: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for _ in 0..<count { r.void() }
        r.endList()
    }
}

extension PrimitiveList: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for v in self { r.scalar(v) }
        r.endList()
    }
}

extension BoolList: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for v in self { r.bool(v) }
        r.endList()
    }
}

extension EnumList: CapnpRenderable where E: CapnpRenderableEnum {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for v in self { r.enumerant(v) }
        r.endList()
    }
}

extension StructList: CapnpRenderable where T: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for v in self { try v.render(into: &r) }
        r.endList()
    }
}

extension TextList: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for i in 0..<count { r.text(try get(i)) }
        r.endList()
    }
}

extension DataList: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for i in 0..<count { r.data(try get(i)) }
        r.endList()
    }
}

extension ListList: CapnpRenderable where T: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for i in 0..<count { try get(i).render(into: &r) }
        r.endList()
    }
}

extension AnyPointerList: CapnpRenderable {
    public func render(into r: inout TextRenderer) throws {
        r.beginList()
        for _ in 0..<count { r.opaquePointer() }
        r.endList()
    }
}
