/// The Swift types generated code uses for schema types.
struct TypeMapping {
    let context: GeneratorContext
    let file: String

    /// The fixed-width Swift type of a scalar schema type, or nil for non-scalars.
    static func scalarType(_ t: Schema.TypeRef) -> String? {
        switch t {
        case .bool: return "Bool"
        case .int8: return "Int8"
        case .int16: return "Int16"
        case .int32: return "Int32"
        case .int64: return "Int64"
        case .uint8: return "UInt8"
        case .uint16: return "UInt16"
        case .uint32: return "UInt32"
        case .uint64: return "UInt64"
        case .float32: return "Float"
        case .float64: return "Double"
        default: return nil
        }
    }

    /// Size in bytes of a data-section type (Bool and Void are handled separately).
    static func byteSize(_ t: Schema.TypeRef) -> Int {
        switch t {
        case .int8, .uint8: return 1
        case .int16, .uint16, .enumeration: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        default: return 0
        }
    }

    /// The type a Reader returns for a field or list element of type `t`.
    func readerType(_ t: Schema.TypeRef) throws -> String {
        switch t {
        case .void: return "Void"
        case .text: return "Text"
        case .data: return "DataView"
        case .enumeration(let id): return try context.swiftName(id, from: file)
        case .structure(let id, _): return try context.swiftName(id, from: file) + ".Reader"
        case .anyPointer: return "AnyPointerReader"
        case .interface: throw CodegenError(file: file, message: "interface types are not supported")
        case .list(let e): return try listType(e)
        default: return TypeMapping.scalarType(t)!
        }
    }

    /// The typed list view for `List(element)`.
    func listType(_ element: Schema.TypeRef) throws -> String {
        switch element {
        case .void: return "VoidList"
        case .bool: return "BoolList"
        case .text: return "TextList"
        case .data: return "DataList"
        case .enumeration(let id): return "EnumList<\(try context.swiftName(id, from: file))>"
        case .structure(let id, _): return "StructList<\(try context.swiftName(id, from: file)).Reader>"
        case .anyPointer: return "AnyPointerList"
        case .interface: throw CodegenError(file: file, message: "lists of interfaces are not supported")
        case .list(let inner): return "ListList<\(try listType(inner))>"
        default: return "PrimitiveList<\(TypeMapping.scalarType(element)!)>"
        }
    }

    /// The wire element size of `List(element)` (for `initList`).
    static func elementSize(_ element: Schema.TypeRef) -> String {
        switch element {
        case .void: return ".void"
        case .bool: return ".bit"
        case .int8, .uint8: return ".byte"
        case .int16, .uint16, .enumeration: return ".twoBytes"
        case .int32, .uint32, .float32: return ".fourBytes"
        case .int64, .uint64, .float64: return ".eightBytes"
        case .structure: return ".inlineComposite"
        default: return ".pointer"
        }
    }
}
