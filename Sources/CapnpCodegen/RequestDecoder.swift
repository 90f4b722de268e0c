import Capnp

/// Reads a `CodeGeneratorRequest` through the generated schema.capnp bindings
/// (Generated/schema.capnp.swift, produced by this generator) into the plain model.
enum RequestDecoder {
    static func decode(_ root: StructReader, file: String) throws -> Schema.Request {
        let request = CodeGeneratorRequest.Reader(root)
        var nodes: [UInt64: Schema.Node] = [:]
        for node in try request.nodes {
            let decoded = try decodeNode(node)
            nodes[decoded.id] = decoded
        }
        var files: [Schema.RequestedFile] = []
        for f in try request.requestedFiles {
            files.append(Schema.RequestedFile(id: f.id, filename: try f.filename.string))
        }
        var docs: [UInt64: Schema.SourceInfo] = [:]
        for info in try request.sourceInfo {
            let members = try info.members.map { m in m.hasDocComment ? try m.docComment.string : nil }
            docs[info.id] = Schema.SourceInfo(docComment: info.hasDocComment ? try info.docComment.string : nil,
                                              memberDocComments: members)
        }
        return Schema.Request(nodes: nodes, requestedFiles: files, docComments: docs)
    }

    static func decodeNode(_ n: Node.Reader) throws -> Schema.Node {
        let nested = try n.nestedNodes.map { Schema.NestedNode(name: try $0.name.string, id: $0.id) }
        let kind: Schema.NodeKind
        switch try n.which() {
        case .file: kind = .file
        case .struct(let s):
            kind = .structure(Schema.StructNode(
                dataWordCount: Int(s.dataWordCount_), pointerCount: Int(s.pointerCount_), isGroup: s.isGroup,
                discriminantCount: Int(s.discriminantCount), discriminantOffset: Int(s.discriminantOffset),
                fields: try s.fields.map(decodeField)))
        case .enum(let e):
            kind = .enumeration(try e.enumerants.map { Schema.Enumerant(name: try $0.name.string, codeOrder: Int($0.codeOrder)) })
        case .interface: kind = .interface
        case .const(let c): kind = .constant(try decodeType(try c.type), try decodeValue(try c.value))
        case .annotation, .unknown: kind = .annotation
        }
        return Schema.Node(id: n.id, displayName: try n.displayName.string,
                           displayNamePrefixLength: Int(n.displayNamePrefixLength), scopeId: n.scopeId,
                           nestedNodes: nested, isGeneric: n.isGeneric, kind: kind)
    }

    static func decodeField(_ f: Field.Reader) throws -> Schema.Field {
        let kind: Schema.FieldKind
        switch try f.which() {
        case .group(let g): kind = .group(typeId: g.typeId)
        case .slot(let s):
            kind = .slot(offset: Int(s.offset), type: try decodeType(try s.type),
                         defaultValue: try decodeValue(try s.defaultValue), hadExplicitDefault: s.hadExplicitDefault)
        case .unknown(let d):
            throw CodegenError(file: "stdin", message: "field \(try f.name.string): unknown field kind \(d) (newer capnp?)")
        }
        return Schema.Field(name: try f.name.string, codeOrder: Int(f.codeOrder),
                            discriminantValue: f.discriminantValue, kind: kind)
    }

    static func decodeType(_ t: Type_.Reader) throws -> Schema.TypeRef {
        switch try t.which() {
        case .void: return .void
        case .bool: return .bool
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .float32: return .float32
        case .float64: return .float64
        case .text: return .text
        case .data: return .data
        case .list(let l): return .list(try decodeType(try l.elementType))
        case .enum(let e): return .enumeration(e.typeId)
        case .struct(let s):
            // A brand that binds parameters means an instantiation of a generic type.
            let generic = try s.hasBrand && s.brand.scopes.count > 0
            return .structure(s.typeId, generic: generic)
        case .interface(let i): return .interface(i.typeId)
        case .anyPointer(let a):
            if case .unconstrained = try a.which() { return .anyPointer(parameter: false) }
            return .anyPointer(parameter: true)
        case .unknown(let d):
            throw CodegenError(file: "stdin", message: "unknown type kind \(d) (newer capnp?)")
        }
    }

    static func decodeValue(_ v: Value.Reader) throws -> Schema.Value {
        switch try v.which() {
        case .void: return .void
        case .bool(let x): return .bool(x)
        case .int8(let x): return .int8(x)
        case .int16(let x): return .int16(x)
        case .int32(let x): return .int32(x)
        case .int64(let x): return .int64(x)
        case .uint8(let x): return .uint8(x)
        case .uint16(let x): return .uint16(x)
        case .uint32(let x): return .uint32(x)
        case .uint64(let x): return .uint64(x)
        case .float32(let x): return .float32(x)
        case .float64(let x): return .float64(x)
        case .text(let t): return .text(v.hasText ? t.string : nil)
        case .data(let d): return .data(v.hasData ? Array(d) : nil)
        case .list(let p): return .list(try PointerWords.copy(p))
        case .enum(let e): return .enumeration(e)
        case .struct(let p): return .structure(try PointerWords.copy(p))
        case .interface: return .interface
        case .anyPointer(let p): return .anyPointer(try PointerWords.copy(p))
        case .unknown(let d):
            throw CodegenError(file: "stdin", message: "unknown value kind \(d) (newer capnp?)")
        }
    }
}
