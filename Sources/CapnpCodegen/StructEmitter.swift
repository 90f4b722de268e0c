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
    func emitDefaultValues(_ plans: [FieldPlan], into w: inout CodeWriter) throws {
        for plan in plans {
            guard case .slot(_, _, let value, _) = plan.field.kind, let words = FieldPlan.pointerDefaultWords(value) else { continue }
            w.line("@usableFromInline static let \(defaultStatic(plan)) = DefaultValue(words: \(DefaultLiterals.words(words)))")
        }
    }

    func defaultStatic(_ plan: FieldPlan) -> String { "_default" + Naming.upperFirst(Naming.bare(plan.name)) }

    // MARK: reader

    func emitReader(_ node: Schema.Node, _ s: Schema.StructNode, _ q: String, _ plans: [FieldPlan],
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
    func scalarWrite(_ type: Schema.TypeRef, offset: Int, defaultValue: Schema.Value, value: String) -> String {
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
    func pointerRead(_ plan: FieldPlan, _ type: Schema.TypeRef, index: Int, defaultValue: Schema.Value,
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

    func emitReaderField(_ plan: FieldPlan, _ q: String, into w: inout CodeWriter) throws {
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
