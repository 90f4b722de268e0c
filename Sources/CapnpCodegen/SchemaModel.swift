/// A plain-Swift snapshot of a `CodeGeneratorRequest` (schema.capnp), holding exactly what the
/// emitters need. Decoding (`RequestDecoder`) is separate from emission so the emitters work on
/// ordinary values: easy to test, and independent of how the request was read.
public enum Schema {
    /// The whole request: every node the compiler loaded plus the files to generate.
    public struct Request {
        public var nodes: [UInt64: Node]
        public var requestedFiles: [RequestedFile]
        public var docComments: [UInt64: SourceInfo]

        public init(nodes: [UInt64: Node], requestedFiles: [RequestedFile], docComments: [UInt64: SourceInfo]) {
            self.nodes = nodes
            self.requestedFiles = requestedFiles
            self.docComments = docComments
        }
    }

    public struct RequestedFile {
        public var id: UInt64
        public var filename: String
        public init(id: UInt64, filename: String) {
            self.id = id
            self.filename = filename
        }
    }

    /// Doc comments of a node and of its members (fields or enumerants), the members in the
    /// same order as the node's `fields` / `enumerants`.
    public struct SourceInfo {
        public var docComment: String?
        public var memberDocComments: [String?]
        public init(docComment: String?, memberDocComments: [String?]) {
            self.docComment = docComment
            self.memberDocComments = memberDocComments
        }
    }

    public struct NestedNode {
        public var name: String
        public var id: UInt64
        public init(name: String, id: UInt64) {
            self.name = name
            self.id = id
        }
    }

    public struct Node {
        public var id: UInt64
        public var displayName: String
        public var displayNamePrefixLength: Int
        public var scopeId: UInt64
        public var nestedNodes: [NestedNode]
        public var isGeneric: Bool
        public var kind: NodeKind

        public init(id: UInt64, displayName: String, displayNamePrefixLength: Int, scopeId: UInt64,
                    nestedNodes: [NestedNode], isGeneric: Bool, kind: NodeKind) {
            self.id = id
            self.displayName = displayName
            self.displayNamePrefixLength = displayNamePrefixLength
            self.scopeId = scopeId
            self.nestedNodes = nestedNodes
            self.isGeneric = isGeneric
            self.kind = kind
        }

        /// The unqualified name (the display name after its prefix).
        public var shortName: String {
            let start = displayName.utf8.index(displayName.utf8.startIndex,
                                               offsetBy: min(displayNamePrefixLength, displayName.utf8.count))
            return String(displayName[start...])
        }
    }

    public enum NodeKind {
        case file
        case structure(StructNode)
        case enumeration([Enumerant])
        case interface
        case constant(TypeRef, Value)
        case annotation

        /// How the kind reads in messages (`struct`, `enum`, ...).
        public var word: String {
            switch self {
            case .file: return "file"
            case .structure: return "struct"
            case .enumeration: return "enum"
            case .interface: return "interface"
            case .constant: return "const"
            case .annotation: return "annotation"
            }
        }
    }

    public struct StructNode {
        public var dataWordCount: Int
        public var pointerCount: Int
        public var isGroup: Bool
        public var discriminantCount: Int
        /// In 16-bit units from the start of the data section.
        public var discriminantOffset: Int
        /// In ordinal order, as the compiler lists them; `codeOrder` gives the declaration order
        /// that text rendering follows.
        public var fields: [Field]

        public init(dataWordCount: Int, pointerCount: Int, isGroup: Bool, discriminantCount: Int,
                    discriminantOffset: Int, fields: [Field]) {
            self.dataWordCount = dataWordCount
            self.pointerCount = pointerCount
            self.isGroup = isGroup
            self.discriminantCount = discriminantCount
            self.discriminantOffset = discriminantOffset
            self.fields = fields
        }
    }

    public struct Field {
        /// Schema value meaning "not a union member".
        public static let noDiscriminant: UInt16 = 0xFFFF
        public var name: String
        public var codeOrder: Int
        public var discriminantValue: UInt16
        public var kind: FieldKind

        public init(name: String, codeOrder: Int, discriminantValue: UInt16, kind: FieldKind) {
            self.name = name
            self.codeOrder = codeOrder
            self.discriminantValue = discriminantValue
            self.kind = kind
        }

        public var isUnionMember: Bool { discriminantValue != Field.noDiscriminant }
    }

    public enum FieldKind {
        /// `offset` is in units of the type's size (bits for Bool, bytes/2 for 16-bit, ...).
        case slot(offset: Int, type: TypeRef, defaultValue: Value, hadExplicitDefault: Bool)
        case group(typeId: UInt64)
    }

    public struct Enumerant {
        public var name: String
        public var codeOrder: Int
        public init(name: String, codeOrder: Int) {
            self.name = name
            self.codeOrder = codeOrder
        }
    }

    public indirect enum TypeRef: Equatable {
        case void, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64
        case text, data
        case list(TypeRef)
        case enumeration(UInt64)
        case structure(UInt64, generic: Bool)
        case interface(UInt64)
        case anyPointer(parameter: Bool)

        /// True for types stored in the pointer section.
        public var isPointer: Bool {
            switch self {
            case .text, .data, .list, .structure, .interface, .anyPointer: return true
            default: return false
            }
        }
    }

    /// A default or constant value. Pointer values (struct, list, anyPointer) arrive as words of a
    /// single-segment message whose root pointer points at the value (nil: a null pointer).
    public enum Value: Equatable {
        case void
        case bool(Bool)
        case int8(Int8), int16(Int16), int32(Int32), int64(Int64)
        case uint8(UInt8), uint16(UInt16), uint32(UInt32), uint64(UInt64)
        case float32(Float), float64(Double)
        case text(String?)
        case data([UInt8]?)
        case list([UInt64]?)
        case enumeration(UInt16)
        case structure([UInt64]?)
        case interface
        case anyPointer([UInt64]?)
    }
}
