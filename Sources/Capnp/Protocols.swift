/// A generated struct reader type: a typed wrapper over `StructReader`.
public protocol StructView {
    /// Wraps a raw struct view.
    init(_ raw: StructReader)
    /// The raw struct view.
    var raw: StructReader { get }
}

/// A generated struct builder type: a typed wrapper over `StructBuilder` that knows its size.
public protocol StructBuilderView {
    /// Data section size in words.
    static var dataWordCount: Int { get }
    /// Pointer section size.
    static var pointerCount: Int { get }
    /// Wraps a raw struct builder.
    init(_ raw: StructBuilder)
    /// The raw struct builder.
    var raw: StructBuilder { get }
}

/// A generated enum: a UInt16 on the wire. Unknown values must be representable (generated enums
/// are structs with static members), so `init(rawValue:)` never fails.
public protocol CapnpEnum: RawRepresentable where RawValue == UInt16 {
    /// Wraps any wire value, known or not.
    init(rawValue: UInt16)
}

/// A typed list wrapper over `ListReader` (so lists of lists can be typed).
public protocol ListView {
    /// Wraps a raw list view.
    init(_ raw: ListReader)
    /// The raw list view.
    var raw: ListReader { get }
}

/// A primitive list element: the fixed-width integers, Float and Double (little-endian on the wire).
public protocol CapnpScalar: BitwiseCopyable {
    /// The element size a list of this type is written with.
    static var capnpElementSize: ElementSize { get }
    /// Zero, what out-of-range elements read as.
    static var capnpZero: Self { get }
}

extension Int8: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .byte }; @inlinable public static var capnpZero: Int8 { 0 } }
extension UInt8: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .byte }; @inlinable public static var capnpZero: UInt8 { 0 } }
extension Int16: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .twoBytes }; @inlinable public static var capnpZero: Int16 { 0 } }
extension UInt16: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .twoBytes }; @inlinable public static var capnpZero: UInt16 { 0 } }
extension Int32: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .fourBytes }; @inlinable public static var capnpZero: Int32 { 0 } }
extension UInt32: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .fourBytes }; @inlinable public static var capnpZero: UInt32 { 0 } }
extension Int64: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .eightBytes }; @inlinable public static var capnpZero: Int64 { 0 } }
extension UInt64: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .eightBytes }; @inlinable public static var capnpZero: UInt64 { 0 } }
extension Float: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .fourBytes }; @inlinable public static var capnpZero: Float { 0 } }
extension Double: CapnpScalar { @inlinable public static var capnpElementSize: ElementSize { .eightBytes }; @inlinable public static var capnpZero: Double { 0 } }
