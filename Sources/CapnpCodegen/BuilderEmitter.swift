/// Builders: setters that apply the XOR default rule and select union members, allocation of
/// structs and lists, array conveniences, and clearing a group when its union member is chosen.
extension StructEmitter {
    func emitBuilder(_ node: Schema.Node, _ s: Schema.StructNode, _ q: String, _ plans: [FieldPlan],
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
    func discriminantWrite(_ plan: FieldPlan, _ s: Schema.StructNode) -> String? {
        guard plan.field.isUnionMember else { return nil }
        return "raw.setScalar(UInt16(\(plan.field.discriminantValue)), at: \(s.discriminantOffset * 2))"
    }

    func emitBuilderField(_ plan: FieldPlan, _ s: Schema.StructNode, _ q: String, into w: inout CodeWriter) throws {
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
                w.line("/// Copies text read from another message (no String round trip).")
                w.block("@inlinable public func \(plan.setName)(_ value: Text)") { w in body(&w, ["raw.setText(\(offset), value)"]) }
            case .data:
                w.block("@inlinable public func \(plan.setName)(_ value: [UInt8])") { w in body(&w, ["raw.setData(\(offset), value)"]) }
                w.line("/// Copies data read from another message.")
                w.block("@inlinable public func \(plan.setName)(_ value: DataView)") { w in body(&w, ["raw.setData(\(offset), value.bytes)"]) }
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

    func emitListBuilder(_ plan: FieldPlan, _ element: Schema.TypeRef, offset: Int, disc: String?,
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
                if bulk {
                    // Every element is copied in: the arena need not clear the words first.
                    if let disc { w.line(disc) }
                    w.line("let list = raw.initList(\(offset), elementSize: \(TypeMapping.elementSize(element)), count: values.count, overwritten: true)")
                    w.line("let copied: Void? = list.withUnsafeMutableScalars(as: \(t).self) { dst in")
                    w.line("    values.withUnsafeBufferPointer { src in if let d = dst.baseAddress, let s = src.baseAddress { d.update(from: s, count: src.count) } }")
                    w.line("}")
                    w.line("if copied == nil { for (i, v) in values.enumerated() { \(set) } }")
                } else {
                    w.line("let list = \(plan.initName)(count: values.count)")
                    w.line("for (i, v) in values.enumerated() { \(set) }")
                }
            }
        }
    }

    /// Statements that reset every field of a group to its zero representation (what
    /// selecting a union member that is a group must do, as in C++ `initX()`).
    func clearStatements(_ groupId: UInt64) throws -> [String] {
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
