/// Swift spellings of schema names.
///
/// Cap'n Proto names are camelCase (members) and UpperCamel (types) and never contain `_`, so
/// the generator resolves every clash by appending `_`: the result cannot collide with a
/// schema name. Swift keywords that are legal after `.` are escaped with backticks instead, so
/// `node.struct` reads naturally.
enum Naming {
    /// Swift reserved words: legal as declarations only inside backticks.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
        "init", "inout", "internal", "let", "open", "operator", "private", "precedencegroup",
        "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
        "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough",
        "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while",
        "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true",
        "try", "async", "actor", "consume", "copy", "discard", "each", "some", "any",
    ]

    /// Names that cannot be used as members even with backticks (they mean something after `.`),
    /// plus the members every generated type declares itself.
    static let reservedMembers: Set<String> = [
        "self", "Self", "init", "deinit", "Type", "Protocol", "dynamicType",
        // generated members of Reader / Builder / enum structs and their namespace
        "raw", "which", "Which", "render", "asReader", "dataWordCount", "pointerCount",
        "rawValue", "description", "hashValue", "hash", "unknown", "enumerantNames",
        "Reader", "Builder", "discriminant",
    ]

    /// Type names that would shadow Swift or runtime types the generated code refers to.
    static let reservedTypes: Set<String> = [
        "Type", "Self", "Protocol", "Any", "AnyObject",
        "Bool", "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32",
        "UInt64", "Float", "Double", "String", "StaticString", "Void", "Never", "Error", "Array",
        "Dictionary", "Optional", "Set", "Result", "Sendable", "Hashable", "Equatable",
        "Reader", "Builder", "Which",
        // Capnp runtime names used unqualified by generated code
        "Capnp", "Text", "DataView", "StructReader", "StructBuilder", "ListReader", "ListBuilder",
        "AnyPointerReader", "DefaultValue", "PrimitiveList", "BoolList", "EnumList", "StructList",
        "TextList", "DataList", "ListList", "VoidList", "AnyPointerList", "TextRenderer",
        "CapnpRenderable", "CapnpRenderableEnum", "StructView", "StructBuilderView", "CapnpEnum",
        "MessageBuilder", "Message", "CapnpError", "ElementSize", "SchemaRegistry",
    ]

    /// A member (property, method base, enum case) name for a schema member name.
    static func member(_ name: String) -> String {
        if reservedMembers.contains(name) { return name + "_" }
        if keywords.contains(name) { return "`\(name)`" }
        return name
    }

    /// The member name without backticks, for building derived names (`hasX`, `setX`).
    static func bare(_ swiftName: String) -> String {
        swiftName.filter { $0 != "`" }
    }

    /// A type name for a schema type name.
    static func type(_ name: String) -> String {
        if reservedTypes.contains(name) || keywords.contains(name) { return name + "_" }
        return name
    }

    /// `foo` -> `Foo` (group and union types are named after their field).
    static func upperFirst(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }

    /// A derived member name such as `hasName` or `setName` for the field `name`.
    static func derived(_ prefix: String, _ fieldName: String) -> String {
        prefix + upperFirst(fieldName)
    }

    /// `seq-blocks.capnp` -> `SeqBlocks`: the stem of a file name in UpperCamel.
    static func fileStem(_ filename: String) -> String {
        var base = Substring(filename)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        if base.hasSuffix(".capnp") { base = base.dropLast(6) }
        var out = ""
        var upper = true
        for ch in base {
            if ch.isLetter || ch.isNumber {
                out.append(upper ? Character(ch.uppercased()) : ch)
                upper = false
            } else {
                upper = true
            }
        }
        if out.isEmpty || out.first!.isNumber { out = "File" + out }
        return out
    }

    /// A Swift string literal for arbitrary text (escapes quotes, backslashes, controls).
    static func stringLiteral(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
