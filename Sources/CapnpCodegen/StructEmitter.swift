/// Emits a struct (or group) as a namespace enum holding its layout, nested types, defaults,
/// a `Reader` view and a `Builder` view:
///
///     public enum Person {
///         public static let dataWordCount = 1, pointerCount = 2
///         public struct Reader: StructView, CapnpRenderable { ... }
///         public struct Builder: StructBuilderView { ... }
///     }
struct StructEmitter {
    let context: GeneratorContext
    let file: String
    var types: TypeMapping { TypeMapping(context: context, file: file) }

    func emit(_ id: UInt64, into w: inout CodeWriter) throws {
        let node = try context.node(id, from: file)
        guard case .structure(let s) = node.kind else { return }
        let qualified = try context.swiftName(id, from: file)
        let simple = context.names.simple[id] ?? qualified
        let plans = FieldPlan.plan(s, docs: context.docs(id))

        w.doc(context.docs(id)?.docComment)
        if s.isGroup { w.line("/// The group `\(node.shortName)`: a view of its parent's struct data.") }
        try w.block("public enum \(simple)") { w in
            if !s.isGroup {
                w.line("/// Data section size in 8-byte words.")
                w.line("public static let dataWordCount = \(s.dataWordCount)")
                w.line("/// Number of pointers.")
                w.line("public static let pointerCount = \(s.pointerCount)")
            }
            try emitDefaultValues(plans, into: &w)
            try NestedEmitter(context: context, file: file).emitNested(of: node, into: &w)
            for plan in plans {
                if case .group(let typeId) = plan.field.kind {
                    w.line()
                    try emit(typeId, into: &w)
                }
            }
            w.line()
            try emitReader(node, s, qualified, plans, into: &w)
            w.line()
            try emitBuilder(node, s, qualified, plans, into: &w)
        }
    }

    // MARK: defaults

    /// Struct, list and AnyPointer defaults live in `DefaultValue` statics, built once.
    private func emitDefaultValues(_ plans: [FieldPlan], into w: inout CodeWriter) throws {
        for plan in plans {
            guard case .slot(_, _, let value, _) = plan.field.kind, let words = FieldPlan.pointerDefaultWords(value) else { continue }
            w.line("@usableFromInline static let \(defaultStatic(plan)) = DefaultValue(words: \(DefaultLiterals.words(words)))")
        }
    }

    private func defaultStatic(_ plan: FieldPlan) -> String { "_default" + Naming.upperFirst(Naming.bare(plan.name)) }

    // MARK: reader

    private func emitReader(_ node: Schema.Node, _ s: Schema.StructNode, _ q: String, _ plans: [FieldPlan],
                            into w: inout CodeWriter) throws {
        let conformances = s.isGroup ? "CapnpRenderable, CustomStringConvertible" : "StructView, CapnpRenderable, CustomStringConvertible"
        w.line("/// A read-only view; valid while the message memory is alive.")
        try w.block("public struct Reader: \(conformances)") { w in
            w.line("public let raw: StructReader")
            w.line("@inlinable public init(_ raw: StructReader) { self.raw = raw }")
            for plan in plans {
                try emitReaderField(plan, q, into: &w)
            }
            if s.discriminantCount > 0 {
                w.line()
                try emitWhich(s, q, plans, into: &w)
            }
            w.line()
            try RenderEmitter(context: context, file: file).emitRender(s, plans, into: &w)
            w.line("/// `capnp decode --short` text (for debugging: a malformed message shows as the error).")
            w.line("public var description: String { do { return try rendered() } catch { return \"<\\(error)>\" } }")
        }
    }

    /// The expression that reads a data-section field (used by Reader and Builder getters).
    func scalarRead(_ type: Schema.TypeRef, offset: Int, defaultValue: Schema.Value) throws -> String {
        switch type {
        case .bool:
            return "raw.bool(atBit: \(offset)\(DefaultLiterals.bool(defaultValue) ? ", default: true" : ""))"
        case .float32, .float64:
            let fn = type == .float32 ? "float32" : "float64"
            let bits = DefaultLiterals.floatBits(defaultValue).map { ", defaultBits: \($0)" } ?? ""
            return "raw.\(fn)(at: \(offset * TypeMapping.byteSize(type))\(bits))"
        case .enumeration(let id):
            let d = DefaultLiterals.integer(defaultValue).map { ", default: \($0)" } ?? ""
            return "\(try context.swiftName(id, from: file))(rawValue: raw.scalar(at: \(offset * 2)\(d)))"
        default:
            let d = DefaultLiterals.integer(defaultValue).map { ", default: \($0)" } ?? ""
            return "raw.scalar(at: \(offset * TypeMapping.byteSize(type))\(d))"
        }
    }

    /// The statement that writes `value` to a data-section field.
    private func scalarWrite(_ type: Schema.TypeRef, offset: Int, defaultValue: Schema.Value, value: String) -> String {
        switch type {
        case .bool:
            return "raw.setBool(\(value), atBit: \(offset)\(DefaultLiterals.bool(defaultValue) ? ", default: true" : ""))"
        case .float32, .float64:
            let fn = type == .float32 ? "setFloat32" : "setFloat64"
            let bits = DefaultLiterals.floatBits(defaultValue).map { ", defaultBits: \($0)" } ?? ""
            return "raw.\(fn)(\(value), at: \(offset * TypeMapping.byteSize(type))\(bits))"
        case .enumeration:
            let d = DefaultLiterals.integer(defaultValue).map { ", default: \($0)" } ?? ""
            return "raw.setScalar(\(value).rawValue, at: \(offset * 2)\(d))"
        default:
            let d = DefaultLiterals.integer(defaultValue).map { ", default: \($0)" } ?? ""
            return "raw.setScalar(\(value), at: \(offset * TypeMapping.byteSize(type))\(d))"
        }
    }

    /// The expression that reads a pointer field (throws).
    private func pointerRead(_ plan: FieldPlan, _ type: Schema.TypeRef, index: Int, defaultValue: Schema.Value,
                             _ q: String) throws -> String {
        switch type {
        case .text:
            if case .text(let t?) = defaultValue, !t.isEmpty {
                return "try raw.textField(\(index), default: \(Naming.stringLiteral(t)))"
            }
            return "try raw.textField(\(index))"
        case .data:
            if case .data(let b?) = defaultValue, !b.isEmpty {
                return "try raw.dataField(\(index), default: \(DefaultLiterals.bytes(b)))"
            }
            return "try raw.dataField(\(index))"
        case .structure:
            let d = FieldPlan.pointerDefaultWords(defaultValue) != nil ? ", default: \(q).\(defaultStatic(plan))" : ""
            return "\(try types.readerType(type))(try raw.structField(\(index)\(d)))"
        case .list:
            let d = FieldPlan.pointerDefaultWords(defaultValue) != nil ? ", default: \(q).\(defaultStatic(plan))" : ""
            return "\(try types.readerType(type))(try raw.listField(\(index)\(d)))"
        case .anyPointer:
            return "raw.anyPointerField(\(index))"
        default:
            throw CodegenError(file: file, message: "field \(plan.field.name): unsupported pointer type")
        }
    }

    private func emitReaderField(_ plan: FieldPlan, _ q: String, into w: inout CodeWriter) throws {
        switch plan.field.kind {
        case .group(let typeId):
            let g = try context.swiftName(typeId, from: file)
            w.line()
            w.doc(plan.doc)
            w.line("@inlinable public var \(plan.name): \(g).Reader { \(g).Reader(raw) }")
        case .slot(let offset, let type, let dv, _):
            if type == .void { return }
            w.line()
            w.doc(plan.doc)
            let t = try types.readerType(type)
            if !type.isPointer {
                w.line("@inlinable public var \(plan.name): \(t) { \(try scalarRead(type, offset: offset, defaultValue: dv)) }")
            } else if case .anyPointer = type {
                w.line("@inlinable public var \(plan.name): \(t) { \(try pointerRead(plan, type, index: offset, defaultValue: dv, q)) }")
                w.line("@inlinable public var \(plan.hasName): Bool { !raw.isNull(pointer: \(offset)) }")
            } else {
                w.line("@inlinable public var \(plan.name): \(t) { get throws { \(try pointerRead(plan, type, index: offset, defaultValue: dv, q)) } }")
                w.line("/// False when the pointer is null (the getter then returns the default).")
                w.line("@inlinable public var \(plan.hasName): Bool { !raw.isNull(pointer: \(offset)) }")
            }
        }
    }

    // MARK: unions

    private func emitWhich(_ s: Schema.StructNode, _ q: String, _ plans: [FieldPlan], into w: inout CodeWriter) throws {
        let members = plans.filter { $0.field.isUnionMember }.sorted { $0.field.discriminantValue < $1.field.discriminantValue }
        w.line("/// The union's active member; `unknown` carries a discriminant this schema does not know.")
        try w.block("public enum Which") { w in
            for m in members {
                w.doc(m.doc)
                if let payload = try payloadType(m) {
                    w.line("case \(m.name)(\(payload))")
                } else {
                    w.line("case \(m.name)")
                }
            }
            w.line("case unknown(UInt16)")
        }
        w.line("/// The raw union discriminant.")
        w.line("@inlinable public var discriminant: UInt16 { raw.scalar(at: \(s.discriminantOffset * 2)) }")
        w.line("/// Reads the active member (pointer members may throw on malformed input).")
        try w.block("@inlinable public func which() throws -> Which") { w in
            w.line("let d = discriminant")
            w.line("switch d {")
            for m in members {
                if try payloadType(m) != nil {
                    var read = m.selfRef
                    if case .slot(_, let t, _, _) = m.field.kind, t.isPointer {
                        if case .anyPointer = t {} else { read = "try " + read }
                    }
                    w.line("case \(m.field.discriminantValue): return .\(m.name)(\(read))")
                } else {
                    w.line("case \(m.field.discriminantValue): return .\(m.name)")
                }
            }
            w.line("default: return .unknown(d)")
            w.line("}")
        }
    }

    /// The associated value type of a union member's `Which` case (nil for Void).
    private func payloadType(_ plan: FieldPlan) throws -> String? {
        switch plan.field.kind {
        case .group(let id): return try context.swiftName(id, from: file) + ".Reader"
        case .slot(_, let t, _, _): return t == .void ? nil : try types.readerType(t)
        }
    }

    // MARK: builder

    private func emitBuilder(_ node: Schema.Node, _ s: Schema.StructNode, _ q: String, _ plans: [FieldPlan],
                             into w: inout CodeWriter) throws {
        w.line("/// A view for filling in a message under construction.")
        try w.block("public struct Builder\(s.isGroup ? "" : ": StructBuilderView")") { w in
            if !s.isGroup {
                w.line("@inlinable public static var dataWordCount: Int { \(q).dataWordCount }")
                w.line("@inlinable public static var pointerCount: Int { \(q).pointerCount }")
            }
            w.line("public let raw: StructBuilder")
            w.line("@inlinable public init(_ raw: StructBuilder) { self.raw = raw }")
            w.line("/// A Reader over what has been built so far.")
            w.line("@inlinable public func asReader() -> Reader { Reader(raw.asReader()) }")
            if s.discriminantCount > 0 {
                w.line("/// The raw union discriminant.")
                w.line("@inlinable public var discriminant: UInt16 { raw.scalar(at: \(s.discriminantOffset * 2)) }")
                w.line("/// The union's active member as built so far.")
                w.line("@inlinable public func which() throws -> Reader.Which { try asReader().which() }")
            }
            for plan in plans {
                try emitBuilderField(plan, s, q, into: &w)
            }
        }
    }

    /// The statement selecting a union member, or nil for non-members.
    private func discriminantWrite(_ plan: FieldPlan, _ s: Schema.StructNode) -> String? {
        guard plan.field.isUnionMember else { return nil }
        return "raw.setScalar(UInt16(\(plan.field.discriminantValue)), at: \(s.discriminantOffset * 2))"
    }

    private func emitBuilderField(_ plan: FieldPlan, _ s: Schema.StructNode, _ q: String, into w: inout CodeWriter) throws {
        let disc = discriminantWrite(plan, s)
        func body(_ w: inout CodeWriter, _ lines: [String]) {
            if let disc { w.line(disc) }
            for l in lines { w.line(l) }
        }
        switch plan.field.kind {
        case .group(let typeId):
            let g = try context.swiftName(typeId, from: file)
            w.line()
            w.doc(plan.doc)
            if disc == nil {
                w.line("@inlinable public var \(plan.name): \(g).Builder { \(g).Builder(raw) }")
            } else {
                w.line("/// Selects this union member and clears the group's fields.")
                try w.block("@inlinable @discardableResult public func \(plan.initName)() -> \(g).Builder") { w in
                    body(&w, try clearStatements(typeId))
                    w.line("return \(g).Builder(raw)")
                }
            }
        case .slot(let offset, let type, let dv, _):
            if type == .void && disc == nil { return }   // nothing to set
            w.line()
            w.doc(plan.doc)
            switch type {
            case .void:
                if disc != nil {
                    w.block("@inlinable public func \(plan.setName)()") { w in body(&w, []) }
                }
            case .text:
                w.block("@inlinable public func \(plan.setName)(_ value: String)") { w in body(&w, ["raw.setText(\(offset), value)"]) }
            case .data:
                w.block("@inlinable public func \(plan.setName)(_ value: [UInt8])") { w in body(&w, ["raw.setData(\(offset), value)"]) }
            case .structure(let id, _):
                let t = try context.swiftName(id, from: file)
                if disc == nil && FieldPlan.pointerDefaultWords(dv) == nil {
                    w.line("/// The struct in this field, created (zeroed) when null.")
                    w.line("@inlinable public var \(plan.name): \(t).Builder { \(t).Builder(raw.getStruct(\(offset), dataWords: \(t).dataWordCount, pointerCount: \(t).pointerCount)) }")
                }
                w.block("@inlinable @discardableResult public func \(plan.initName)() -> \(t).Builder") { w in
                    body(&w, ["return \(t).Builder(raw.initStruct(\(offset), dataWords: \(t).dataWordCount, pointerCount: \(t).pointerCount))"])
                }
                w.line("/// Deep-copies `value` into this field.")
                w.block("@inlinable public func \(plan.setName)(_ value: \(t).Reader) throws") { w in
                    body(&w, ["try raw.setStruct(\(offset), copying: value.raw)"])
                }
            case .list(let element):
                try emitListBuilder(plan, element, offset: offset, disc: disc, into: &w)
            case .anyPointer:
                w.line("/// Deep-copies `value` into this field.")
                w.block("@inlinable public func \(plan.setName)(_ value: AnyPointerReader) throws") { w in
                    body(&w, ["try raw.setAnyPointer(\(offset), copying: value)"])
                }
            case .interface:
                throw CodegenError(file: file, message: "field \(plan.field.name): interface types are not supported")
            default:
                let t = try types.readerType(type)
                try w.block("@inlinable public var \(plan.name): \(t)") { w in
                    w.line("get { \(try scalarRead(type, offset: offset, defaultValue: dv)) }")
                    w.block("nonmutating set") { w in
                        body(&w, [scalarWrite(type, offset: offset, defaultValue: dv, value: "newValue")])
                    }
                }
            }
        }
    }

    private func emitListBuilder(_ plan: FieldPlan, _ element: Schema.TypeRef, offset: Int, disc: String?,
                                 into w: inout CodeWriter) throws {
        func body(_ w: inout CodeWriter, _ lines: [String]) {
            if let disc { w.line(disc) }
            for l in lines { w.line(l) }
        }
        let allocate: String
        if case .structure(let id, _) = element {
            let t = try context.swiftName(id, from: file)
            allocate = "raw.initStructList(\(offset), count: count, dataWords: \(t).dataWordCount, pointerCount: \(t).pointerCount)"
        } else {
            allocate = "raw.initList(\(offset), elementSize: \(TypeMapping.elementSize(element)), count: count)"
        }
        w.line("/// Allocates the list (replacing any previous value) and returns it for filling in.")
        w.block("@inlinable @discardableResult public func \(plan.initName)(count: Int) -> ListBuilder") { w in
            body(&w, ["return \(allocate)"])
        }
        w.line("/// Deep-copies `value` into this field.")
        w.block("@inlinable public func \(plan.setName)(_ value: \(try types.listType(element))) throws") { w in
            body(&w, ["try raw.setList(\(offset), copying: value.raw)"])
        }
        // Convenience: fill from a Swift array in one call.
        let element_: (type: String, set: String)?
        switch element {
        case .bool: element_ = ("Bool", "list.setBool(v, at: i)")
        case .float32: element_ = ("Float", "list.setFloat32(v, at: i)")
        case .float64: element_ = ("Double", "list.setFloat64(v, at: i)")
        case .text: element_ = ("String", "list.setText(at: i, v)")
        case .data: element_ = ("[UInt8]", "list.setData(at: i, v)")
        case .enumeration(let id): element_ = (try context.swiftName(id, from: file), "list.setScalar(v.rawValue, at: i)")
        default:
            element_ = TypeMapping.scalarType(element).map { ($0, "list.setScalar(v, at: i)") }
        }
        if let (t, set) = element_ {
            // Primitive columns are copied in one block (lists of thousands of rows are common).
            let bulk: Bool
            switch element {
            case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64: bulk = true
            default: bulk = false
            }
            w.line("/// Allocates the list and fills it from `values`.")
            w.block("@inlinable public func \(plan.setName)(_ values: [\(t)])") { w in
                w.line("let list = \(plan.initName)(count: values.count)")
                if bulk {
                    w.line("let copied: Void? = list.withUnsafeMutableScalars(as: \(t).self) { dst in")
                    w.line("    values.withUnsafeBufferPointer { src in if let d = dst.baseAddress, let s = src.baseAddress { d.update(from: s, count: src.count) } }")
                    w.line("}")
                    w.line("if copied == nil { for (i, v) in values.enumerated() { \(set) } }")
                } else {
                    w.line("for (i, v) in values.enumerated() { \(set) }")
                }
            }
        }
    }

    /// Statements that reset every field of a group to its zero representation (what
    /// selecting a union member that is a group must do, as in C++ `initX()`).
    private func clearStatements(_ groupId: UInt64) throws -> [String] {
        let s = try context.structNode(groupId, from: file)
        var out: [String] = []
        if s.discriminantCount > 0 { out.append("raw.setScalar(UInt16(0), at: \(s.discriminantOffset * 2))") }
        for f in s.fields {
            switch f.kind {
            case .group(let id): out += try clearStatements(id)
            case .slot(let offset, let type, _, _):
                switch type {
                case .void: break
                case .bool: out.append("raw.setBool(false, atBit: \(offset))")
                case .float32: out.append("raw.setScalar(UInt32(0), at: \(offset * 4))")
                case .float64: out.append("raw.setScalar(UInt64(0), at: \(offset * 8))")
                case .enumeration: out.append("raw.setScalar(UInt16(0), at: \(offset * 2))")
                default:
                    if type.isPointer {
                        out.append("raw.clearPointer(\(offset))")
                    } else {
                        out.append("raw.setScalar(\(TypeMapping.scalarType(type)!)(0), at: \(offset * TypeMapping.byteSize(type)))")
                    }
                }
            }
        }
        return out
    }
}

extension FieldPlan {
    /// The message words of a struct/list/AnyPointer default, nil when the default is null.
    static func pointerDefaultWords(_ v: Schema.Value) -> [UInt64]? {
        switch v {
        case .structure(let w?), .list(let w?), .anyPointer(let w?): return w
        default: return nil
        }
    }
}
